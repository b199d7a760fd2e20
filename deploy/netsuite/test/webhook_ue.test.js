// The user event script: what it posts for each record type and event,
// which writes it skips, and what it does when Tandem cannot be reached.
const https = require('N/https');
const log = require('N/log');
const record = require('N/record');
const runtime = require('N/runtime');
const ue = require('SuiteScripts/Tandem/tandem_webhook_ue');
const tandem = require('SuiteScripts/Tandem/tandem_webhook_lib');
const watched = require('SuiteScripts/Tandem/tandem_watched_fields');
const { userEvent } = require('./helpers/fake_record');
const { fixtures, versions, types } = require('./helpers/records');
const { hmacHex, parseSignature } = require('./helpers/signature');
const { resetNetSuite, SECRET, WEBHOOK_URL, INTEGRATION_ROLE, NOW } = require('./helpers/setup');

const CONTRACT_KEYS = [
    'eventId', 'accountId', 'recordType', 'recordId', 'eventType',
    'lastModifiedDate', 'executionContext', 'userId', 'roleId', 'fields',
];
const NOW_ISO = '2026-01-15T10:30:00Z';

beforeEach(resetNetSuite);

// Runs afterSubmit and returns the one request it posted, checked against
// the transport contract (URL, content type, signature).
function postedEvent(context) {
    ue.afterSubmit(context);
    expect(https.requests).toHaveLength(1);
    const [request] = https.requests;
    expect(request.url).toBe(WEBHOOK_URL);
    expect(request.headers['Content-Type']).toBe('application/json');
    const { timestamp, v1 } = parseSignature(request.headers['X-Tandem-Signature']);
    expect(timestamp).toBe(NOW.getTime() / 1000);
    expect(v1).toBe(hmacHex(SECRET, timestamp, request.body));
    return JSON.parse(request.body);
}

function expectEnvelope(event, type, eventType, lastModifiedDate) {
    expect(Object.keys(event)).toEqual(CONTRACT_KEYS);
    expect(event).toMatchObject({
        accountId: '1234567_SB1',
        recordType: type,
        recordId: String(fixtures[type].id),
        eventType,
        lastModifiedDate,
        executionContext: 'USERINTERFACE',
        userId: '17',
        roleId: '3',
    });
    expect(event.eventId).toMatch(new RegExp(`^1234567_SB1:${type}:${fixtures[type].id}:${eventType}:${lastModifiedDate}:[0-9a-f]{8}$`));
}

describe.each(types)('%s', (type) => {
    const { edited, inlineEdited } = fixtures[type];
    const spec = watched[type];
    const sublistIds = (rec) => rec.getSublists();

    test('create: reports every watched field that has a value, and its sublists', () => {
        const { after } = versions(type);
        const event = postedEvent(userEvent('create', { newRecord: after }));
        expectEnvelope(event, type, 'create', after.values.lastmodifieddate.toISOString().replace('.000', ''));
        Object.entries(event.fields).forEach(([id, value]) => {
            if (spec.body.includes(id)) {
                const raw = after.values[id];
                expect(value).toEqual(raw instanceof Date ? raw.toISOString().replace('.000', '') : raw);
            } else {
                expect(sublistIds(after)).toContain(id);
                expect(value).toBe(true);
            }
        });
        spec.body.filter((id) => after.values[id] !== undefined && after.values[id] !== '')
            .forEach((id) => expect(event.fields).toHaveProperty(id));
        sublistIds(after).forEach((id) => expect(event.fields[id]).toBe(true));
    });

    test('edit: reports exactly the watched fields and sublists that changed', () => {
        const { before, after } = versions(type);
        const event = postedEvent(userEvent('edit', { oldRecord: before, newRecord: after }));
        expectEnvelope(event, type, 'edit', after.values.lastmodifieddate.toISOString().replace('.000', ''));
        expect(event.fields).toEqual(edited);
    });

    test('xedit: reports the inline-edited field; the event time stands in for lastmodifieddate', () => {
        const { after, inline } = versions(type);
        const event = postedEvent(userEvent('xedit', { oldRecord: after, newRecord: inline }));
        expectEnvelope(event, type, 'xedit', NOW_ISO);
        expect(event.fields).toEqual(inlineEdited);
    });

    test('delete: reports the deleted record\'s watched values, stamped with the event time', () => {
        const { after } = versions(type);
        const event = postedEvent(userEvent('delete', { oldRecord: after, newRecord: null }));
        expectEnvelope(event, type, 'delete', NOW_ISO);
        expect(Object.keys(event.fields).every((id) => spec.body.includes(id))).toBe(true);
        expect(event.fields.lastmodifieddate).toBeUndefined();
    });
});

test('customer create sends the full snapshot', () => {
    const { after } = versions('customer');
    const event = postedEvent(userEvent('create', { newRecord: after }));
    expect(event.fields).toEqual({
        companyname: 'Müller & Söhne GmbH', entityid: 'CUST-412', isperson: false, email: 'ap@mueller.example',
        url: 'https://mueller.example', subsidiary: '1', currency: '1', terms: '2', salesrep: '-5',
        creditlimit: 50000, creditholdoverride: 'ON', balance: 1200.5, overduebalance: 830.25, daysoverdue: 31,
        isinactive: false, externalid: '001Dn00000AbCdEIAZ', addressbook: true,
    });
});

test('an edit of unwatched fields only is still reported, with no field hints', () => {
    const { before } = versions('contact');
    const after = versions('contact').before;
    after.values.comments = 'unwatched';
    const event = postedEvent(userEvent('edit', { oldRecord: before, newRecord: after }));
    expect(event.fields).toEqual({});
});

test('approving a sales order is reported as an edit', () => {
    const { before, after } = versions('salesorder');
    expect(postedEvent(userEvent('approve', { oldRecord: before, newRecord: after })).eventType).toBe('edit');
});

test('events that change nothing (e.g. print) are not reported', () => {
    const { after } = versions('invoice');
    ue.afterSubmit(userEvent('print', { newRecord: after }));
    expect(https.requests).toHaveLength(0);
});

describe('own writes', () => {
    const { before, after } = versions('customer');
    const edit = () => userEvent('edit', { oldRecord: before, newRecord: after });

    test.each([
        ['internal id', { role: 1023, roleId: 'customrole_tandem' }, INTEGRATION_ROLE],
        ['script id', { role: 1023, roleId: 'customrole_tandem' }, 'customrole_tandem'],
        ['one of several roles', { role: 1024, roleId: 'customrole_tandem_m2m' }, `${INTEGRATION_ROLE}, 1024`],
    ])('a REST web services write by the integration role (%s) is skipped', (_, user, roleParam) => {
        runtime.configure({
            executionContext: runtime.ContextType.REST_WEBSERVICES,
            user,
            parameters: { custscript_tandem_integration_role: roleParam },
        });
        ue.afterSubmit(edit());
        expect(https.requests).toHaveLength(0);
        expect(record.all(tandem.OUTBOX.type)).toHaveLength(0);
    });

    test('a UI edit is posted, even by a user holding the integration role', () => {
        runtime.configure({ executionContext: runtime.ContextType.USER_INTERFACE, user: { role: 1023 } });
        expect(postedEvent(edit()).executionContext).toBe('USERINTERFACE');
    });

    test('a REST web services write by another role is posted', () => {
        runtime.configure({ executionContext: runtime.ContextType.REST_WEBSERVICES, user: { id: 99, role: 1050, roleId: 'customrole_other_app' } });
        const event = postedEvent(edit());
        expect(event).toMatchObject({ executionContext: 'RESTWEBSERVICES', userId: '99', roleId: '1050' });
    });

    test('a CSV import by the integration role is posted', () => {
        runtime.configure({ executionContext: runtime.ContextType.CSV_IMPORT, user: { role: 1023 } });
        expect(postedEvent(edit()).executionContext).toBe('CSVIMPORT');
    });

    test('with no integration role configured, REST writes are posted', () => {
        runtime.configure({
            executionContext: runtime.ContextType.REST_WEBSERVICES,
            user: { role: 1023 },
            parameters: { custscript_tandem_integration_role: null },
        });
        expect(postedEvent(edit()).executionContext).toBe('RESTWEBSERVICES');
    });
});

describe('when Tandem cannot be reached', () => {
    const { before, after } = versions('invoice');
    const edit = () => userEvent('edit', { oldRecord: before, newRecord: after });

    function timeout() {
        const e = new Error('The request could not be completed: the server took too long to respond.');
        e.name = 'SSS_REQUEST_TIME_EXCEEDED';
        throw e;
    }

    test('a failed post does not throw into the save and queues the event for retry', () => {
        https.respondWith(timeout);
        expect(() => ue.afterSubmit(edit())).not.toThrow();

        const [sent] = https.requests;
        const outbox = record.all(tandem.OUTBOX.type);
        expect(outbox).toEqual([{
            id: expect.any(String),
            [tandem.OUTBOX.url]: WEBHOOK_URL,
            [tandem.OUTBOX.body]: sent.body,
            [tandem.OUTBOX.eventId]: JSON.parse(sent.body).eventId,
            [tandem.OUTBOX.attempts]: 1,
            [tandem.OUTBOX.lastError]: expect.stringContaining('SSS_REQUEST_TIME_EXCEEDED'),
        }]);
        expect(log.entries).toContainEqual(expect.objectContaining({ level: 'ERROR', title: 'Tandem webhook failed, queued for retry' }));
    });

    test.each([
        [503, 'Service Unavailable'],
        [401, '{"error":"signature mismatch"}'],
    ])('an HTTP %i answer is queued with its status and body', (code, body) => {
        https.respondWith(() => ({ code, body, headers: {} }));
        ue.afterSubmit(edit());
        const [entry] = record.all(tandem.OUTBOX.type);
        expect(entry[tandem.OUTBOX.lastError]).toBe(`HTTP ${code}: ${body}`);
    });

    test('a missing API secret is queued too: nothing unsigned is posted', () => {
        require('N/crypto').reset();
        ue.afterSubmit(edit());
        expect(https.requests).toHaveLength(0);
        const [entry] = record.all(tandem.OUTBOX.type);
        expect(entry[tandem.OUTBOX.lastError]).toMatch(/custsecret_tandem_webhook/);
    });

    test('if the outbox cannot be written either, the loss is logged and the save still succeeds', () => {
        https.respondWith(timeout);
        record.failSaves(Object.assign(new Error('You do not have permission'), { name: 'INSUFFICIENT_PERMISSION' }));
        expect(() => ue.afterSubmit(edit())).not.toThrow();
        expect(log.entries).toContainEqual(expect.objectContaining({
            level: 'ERROR',
            title: 'Tandem webhook lost: outbox write failed',
            details: expect.stringContaining('INSUFFICIENT_PERMISSION'),
        }));
    });

    test('the secret appears in no log entry and no outbox entry', () => {
        https.respondWith(() => ({ code: 500, body: 'boom', headers: {} }));
        ue.afterSubmit(edit());
        const written = JSON.stringify([log.entries, record.all(tandem.OUTBOX.type)]);
        expect(written).not.toContain(SECRET);
    });
});

test('without custscript_tandem_url nothing is posted and the misconfiguration is logged', () => {
    runtime.configure({ parameters: { custscript_tandem_url: '' } });
    const { before, after } = versions('contact');
    ue.afterSubmit(userEvent('edit', { oldRecord: before, newRecord: after }));
    expect(https.requests).toHaveLength(0);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'ERROR', title: 'Tandem webhook not configured' }));
});

test('an unexpected error while building the event is logged, not thrown', () => {
    const broken = versions('contact').after;
    broken.getValue = () => { throw new Error('SSS_UNEXPECTED'); };
    expect(() => ue.afterSubmit(userEvent('edit', { oldRecord: broken, newRecord: broken }))).not.toThrow();
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'ERROR', title: 'Tandem webhook: event not reported' }));
});
