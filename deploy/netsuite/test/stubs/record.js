// N/record for tests: an in-memory store of custom records with the calls the
// Tandem scripts make (create/save, load, submitFields, delete). Loading a
// missing record throws RCRD_DSNT_EXIST as NetSuite does.
const stores = new Map();
let nextId = 100;
let saveError = null;

function store(type) {
    if (!stores.has(type)) {
        stores.set(type, new Map());
    }
    return stores.get(type);
}

function suiteScriptError(name, message) {
    const e = new Error(message);
    e.name = name;
    return e;
}

class StoredRecord {
    constructor(type, id, values) {
        this.type = type;
        this.id = id;
        this.values = { ...values };
    }

    getValue(options) {
        const fieldId = typeof options === 'string' ? options : options.fieldId;
        return fieldId in this.values ? this.values[fieldId] : '';
    }

    setValue({ fieldId, value }) {
        this.values[fieldId] = value;
        return this;
    }

    save() {
        if (saveError) {
            throw saveError;
        }
        if (this.id === null) {
            this.id = String(nextId++);
        }
        store(this.type).set(this.id, { ...this.values });
        return this.id;
    }
}

function existing(type, id) {
    const values = store(type).get(String(id));
    if (!values) {
        throw suiteScriptError('RCRD_DSNT_EXIST', `That record (${type} ${id}) does not exist.`);
    }
    return values;
}

module.exports = {
    create: ({ type }) => new StoredRecord(type, null, {}),
    load: ({ type, id }) => new StoredRecord(type, String(id), existing(type, id)),
    submitFields: ({ type, id, values }) => {
        Object.assign(existing(type, id), values);
        return String(id);
    },
    delete: ({ type, id }) => {
        existing(type, id);
        store(type).delete(String(id));
        return String(id);
    },
    // Test controls.
    all: (type) => [...store(type).entries()].map(([id, values]) => ({ id, ...values })),
    put: (type, values) => {
        const id = String(nextId++);
        store(type).set(id, { ...values });
        return id;
    },
    failSaves: (error) => { saveError = error; },
    reset: () => { stores.clear(); saveError = null; },
};
