// The retry Map/Reduce script: it picks the outbox entries still worth
// trying and re-sends each with a fresh signature, deleting it once Tandem
// has taken it.
const https = require('N/https');
const log = require('N/log');
const record = require('N/record');
const search = require('N/search');
const ue = require('SuiteScripts/Tandem/tandem_webhook_ue');
const mr = require('SuiteScripts/Tandem/tandem_webhook_retry_mr');
const tandem = require('SuiteScripts/Tandem/tandem_webhook_lib');
const { userEvent } = require('./helpers/fake_record');
const { versions } = require('./helpers/records');
const { hmacHex, parseSignature } = require('./helpers/signature');
const { resetNetSuite, SECRET, WEBHOOK_URL, NOW } = require('./helpers/setup');

const LATER = new Date(NOW.getTime() + 15 * 60 * 1000);

beforeEach(resetNetSuite);

// A customer edit whose post failed: the outbox entry and the body sent.
function failedEvent() {
    https.respondWith(() => ({ code: 502, body: 'Bad Gateway', headers: {} }));
    const { before, after } = versions('customer');
    ue.afterSubmit(userEvent('edit', { oldRecord: before, newRecord: after }));
    const [entry] = record.all(tandem.OUTBOX.type);
    const firstBody = https.requests[0].body;
    https.requests.length = 0;
    return { entry, firstBody };
}

test('getInputData selects the outbox entries below the attempt limit', () => {
    const create = jest.spyOn(search, 'create').mockImplementation((options) => options);
    expect(mr.getInputData()).toEqual({
        type: 'customrecord_tandem_outbox',
        filters: [['custrecord_tandem_ob_attempts', search.Operator.LESSTHAN, tandem.MAX_ATTEMPTS]],
        columns: ['internalid'],
    });
    create.mockRestore();
});

test('map re-sends the same body with a fresh signature and deletes the entry', () => {
    const { entry, firstBody } = failedEvent();
    https.respondWith(() => ({ code: 200, body: '{"accepted":true}', headers: {} }));
    jest.setSystemTime(LATER);

    mr.map({ key: entry.id, value: '{}' });

    expect(https.requests).toHaveLength(1);
    const [retry] = https.requests;
    expect(retry.url).toBe(WEBHOOK_URL);
    expect(retry.body).toBe(firstBody);
    const { timestamp, v1 } = parseSignature(retry.headers['X-Tandem-Signature']);
    expect(timestamp).toBe(LATER.getTime() / 1000);
    expect(v1).toBe(hmacHex(SECRET, timestamp, retry.body));
    expect(record.all(tandem.OUTBOX.type)).toHaveLength(0);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'AUDIT', title: 'Tandem webhook delivered on retry' }));
});

test('a retry that fails again counts the attempt and keeps the entry', () => {
    const { entry } = failedEvent();
    https.respondWith(() => ({ code: 503, body: 'redis unreachable', headers: {} }));

    mr.map({ key: entry.id, value: '{}' });

    const [kept] = record.all(tandem.OUTBOX.type);
    expect(kept.id).toBe(entry.id);
    expect(kept[tandem.OUTBOX.attempts]).toBe(2);
    expect(kept[tandem.OUTBOX.lastError]).toBe('HTTP 503: redis unreachable');
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'ERROR', title: 'Tandem webhook retry failed' }));
});

test('the last allowed attempt says it gives up', () => {
    const { entry } = failedEvent();
    record.submitFields({ type: tandem.OUTBOX.type, id: entry.id, values: { [tandem.OUTBOX.attempts]: tandem.MAX_ATTEMPTS - 1 } });

    mr.map({ key: entry.id, value: '{}' });

    expect(record.all(tandem.OUTBOX.type)[0][tandem.OUTBOX.attempts]).toBe(tandem.MAX_ATTEMPTS);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'ERROR', title: 'Tandem webhook retry: giving up' }));
});

test('summarize logs the map errors NetSuite reports', () => {
    const errors = [['101', '{"name":"RCRD_DSNT_EXIST"}']];
    mr.summarize({
        mapSummary: {
            errors: { iterator: () => ({ each: (fn) => errors.forEach(([key, error]) => fn(key, error)) }) },
        },
    });
    expect(log.entries).toContainEqual({ level: 'ERROR', title: 'Tandem webhook retry: outbox entry 101', details: '{"name":"RCRD_DSNT_EXIST"}' });
});
