// A record as a user event script sees it (context.newRecord/oldRecord):
// body values, sublist lines and item price matrices. getFields() lists the
// body fields present, which for an inline edit (xedit) is only the edited
// ones. A line's `price` array holds one price per quantity column.
class FakeRecord {
    constructor({ type, id, values = {}, sublists = {} }) {
        this.type = type;
        this.id = id;
        this.values = values;
        this.sublists = sublists;
    }

    getValue({ fieldId }) {
        return fieldId in this.values ? this.values[fieldId] : '';
    }

    getFields() {
        return Object.keys(this.values);
    }

    getSublists() {
        return Object.keys(this.sublists);
    }

    getLineCount({ sublistId }) {
        return sublistId in this.sublists ? this.sublists[sublistId].length : -1;
    }

    getSublistValue({ sublistId, fieldId, line }) {
        return this.line(sublistId, line)[fieldId];
    }

    getMatrixHeaderCount({ sublistId, fieldId }) {
        return Math.max(0, ...(this.sublists[sublistId] || []).map((l) => (l[fieldId] || []).length));
    }

    getMatrixSublistValue({ sublistId, fieldId, column, line }) {
        return this.line(sublistId, line)[fieldId][column];
    }

    line(sublistId, line) {
        const lines = this.sublists[sublistId];
        if (!lines || line < 0 || line >= lines.length) {
            throw new Error(`SSS_INVALID_SUBLIST_OPERATION: ${sublistId} line ${line}`);
        }
        return lines[line];
    }
}

// The afterSubmit scriptContext for one event type.
function userEvent(type, { oldRecord = null, newRecord = null } = {}) {
    return {
        type,
        oldRecord,
        newRecord,
        UserEventType: { CREATE: 'create', EDIT: 'edit', XEDIT: 'xedit', DELETE: 'delete' },
    };
}

module.exports = { FakeRecord, userEvent };
