// Two versions (before, after) of one record per record type Tandem
// watches, in the shapes SuiteScript returns (select fields as internal id
// strings, amounts as numbers, dates as Date), with the webhook `fields` an
// edit and an inline edit of them must report.
const { FakeRecord } = require('./fake_record');

const at = (iso) => new Date(iso);

const fixtures = {
    customer: {
        id: 412,
        before: {
            values: {
                companyname: 'Müller & Söhne GmbH', entityid: 'CUST-412', isperson: false,
                email: 'ap@mueller.example', phone: '+49 30 1234567', url: 'https://mueller.example',
                subsidiary: '1', currency: '1', terms: '2', salesrep: '-5', creditlimit: 50000,
                creditholdoverride: 'AUTO', balance: 1200.5, overduebalance: 0, daysoverdue: 0,
                isinactive: false, externalid: '001Dn00000AbCdEIAZ', comments: 'not watched',
                lastmodifieddate: at('2026-01-15T10:04:05Z'),
            },
            sublists: {
                addressbook: [{
                    label: 'HQ', defaultbilling: true, defaultshipping: true,
                    addressbookaddress_text: 'Unter den Linden 1\n10117 Berlin\nGermany',
                }],
            },
        },
        after: {
            values: {
                phone: '', creditholdoverride: 'ON', overduebalance: 830.25, daysoverdue: 31,
                comments: 'changed but not watched', lastmodifieddate: at('2026-01-15T10:06:00Z'),
            },
            sublists: {
                addressbook: [{
                    label: 'HQ', defaultbilling: true, defaultshipping: true,
                    addressbookaddress_text: 'Friedrichstraße 100\n10117 Berlin\nGermany',
                }],
            },
        },
        edited: { phone: null, creditholdoverride: 'ON', overduebalance: 830.25, daysoverdue: 31, addressbook: true },
        inline: { values: { email: 'billing@mueller.example' } },
        inlineEdited: { email: 'billing@mueller.example' },
    },
    contact: {
        id: 88,
        before: {
            values: {
                firstname: 'Ada', lastname: 'Lovelace', email: 'ada@mueller.example', phone: '+49 30 7654321',
                company: '412', subsidiary: '1', isinactive: false, externalid: '003Dn00000XyZaBIAV',
                lastmodifieddate: at('2026-01-15T11:00:00Z'),
            },
        },
        after: {
            values: { lastname: 'King', title: 'Head of Finance', lastmodifieddate: at('2026-01-15T11:02:30Z') },
        },
        edited: { lastname: 'King', title: 'Head of Finance' },
        inline: { values: { phone: '+49 30 1111111' } },
        inlineEdited: { phone: '+49 30 1111111' },
    },
    invoice: {
        id: 9001,
        before: {
            values: {
                tranid: 'INV-1042', trandate: at('2026-01-10T08:00:00Z'), duedate: at('2026-02-09T08:00:00Z'),
                entity: '412', createdfrom: '7001', currency: '1', status: 'Open',
                total: 1200.5, amountpaid: 0, amountremaining: 1200.5, lastmodifieddate: at('2026-01-10T08:00:00Z'),
            },
        },
        after: {
            values: { status: 'Paid In Full', amountpaid: 1200.5, amountremaining: 0, lastmodifieddate: at('2026-01-20T09:15:00Z') },
        },
        edited: { status: 'Paid In Full', amountpaid: 1200.5, amountremaining: 0 },
        inline: { values: { duedate: at('2026-02-28T08:00:00Z') } },
        inlineEdited: { duedate: '2026-02-28T08:00:00Z' },
    },
    customerpayment: {
        id: 9100,
        before: {
            values: {
                customer: '412', trandate: at('2026-01-20T09:00:00Z'), currency: '1', payment: 1200.5,
                status: 'Deposited', lastmodifieddate: at('2026-01-20T09:10:00Z'),
            },
            sublists: { apply: [{ apply: true, doc: '9001', amount: 1200.5 }, { apply: false, doc: '9002', amount: 0 }] },
        },
        after: {
            values: { payment: 1000, lastmodifieddate: at('2026-01-21T09:10:00Z') },
            sublists: { apply: [{ apply: true, doc: '9001', amount: 1000 }, { apply: false, doc: '9002', amount: 0 }] },
        },
        edited: { payment: 1000, apply: true },
        inline: { values: { trandate: at('2026-01-19T09:00:00Z') } },
        inlineEdited: { trandate: '2026-01-19T09:00:00Z' },
    },
    salesorder: {
        id: 7001,
        before: {
            values: {
                tranid: 'SO-311', trandate: at('2026-01-05T08:00:00Z'), entity: '412', status: 'Pending Fulfillment',
                orderstatus: 'B', total: 1200.5, currency: '1', subsidiary: '1', externalid: 'SFOPP-006Dn00000QwErTIAZ',
                lastmodifieddate: at('2026-01-05T08:00:00Z'),
            },
            sublists: { item: [{ item: '55', quantity: 10, rate: 100, amount: 1000 }, { item: '56', quantity: 1, rate: 200.5, amount: 200.5 }] },
        },
        after: {
            values: { status: 'Pending Billing', orderstatus: 'F', lastmodifieddate: at('2026-01-08T16:45:00Z') },
            sublists: { item: [{ item: '55', quantity: 10, rate: 100, amount: 1000 }, { item: '56', quantity: 1, rate: 200.5, amount: 200.5 }] },
        },
        edited: { status: 'Pending Billing', orderstatus: 'F' },
        inline: { values: { trandate: at('2026-01-06T08:00:00Z') } },
        inlineEdited: { trandate: '2026-01-06T08:00:00Z' },
    },
    inventoryitem: {
        id: 55,
        before: {
            values: {
                itemid: 'WIDGET-1', displayname: 'Widget', salesdescription: 'A widget', isinactive: false,
                subsidiary: '1', externalid: '01tDn00000WiDgEIAZ', lastmodifieddate: at('2026-01-02T12:00:00Z'),
            },
            sublists: { price1: [{ pricelevel: '1', price: [100, 90] }, { pricelevel: '2', price: [95, 85] }] },
        },
        after: {
            values: { displayname: 'Widget Pro', lastmodifieddate: at('2026-01-03T12:00:00Z') },
            sublists: { price1: [{ pricelevel: '1', price: [110, 90] }, { pricelevel: '2', price: [95, 85] }] },
        },
        edited: { displayname: 'Widget Pro', price1: true },
        inline: { values: { isinactive: true } },
        inlineEdited: { isinactive: true },
    },
    noninventoryitem: {
        id: 56,
        before: {
            values: {
                itemid: 'SVC-SETUP', displayname: 'Setup service', rate: 200.5, isinactive: false,
                lastmodifieddate: at('2026-01-02T12:00:00Z'),
            },
            sublists: { price: [{ pricelevel: '1', price: [200.5] }] },
        },
        after: {
            values: { rate: 250, lastmodifieddate: at('2026-01-04T12:00:00Z') },
            sublists: { price: [{ pricelevel: '1', price: [250] }] },
        },
        edited: { rate: 250, price: true },
        inline: { values: { displayname: 'Onboarding service' } },
        inlineEdited: { displayname: 'Onboarding service' },
    },
};

// The record before and after the edit, as full records.
function versions(type) {
    const f = fixtures[type];
    const before = new FakeRecord({ type, id: f.id, values: { ...f.before.values }, sublists: { ...f.before.sublists } });
    const after = new FakeRecord({
        type,
        id: f.id,
        values: { ...f.before.values, ...f.after.values },
        sublists: { ...f.before.sublists, ...f.after.sublists },
    });
    const inline = new FakeRecord({ type, id: f.id, values: { ...f.inline.values } });
    return { before, after, inline };
}

module.exports = { fixtures, versions, types: Object.keys(fixtures) };
