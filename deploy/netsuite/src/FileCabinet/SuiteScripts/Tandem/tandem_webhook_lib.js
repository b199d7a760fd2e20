/**
 * Tandem webhook library: turns a user event into the change event of
 * Tandem's NetSuite webhook contract (api/netsuite-webhook.md), signs it with
 * the API secret and posts it. A post that fails is kept in the outbox custom
 * record and re-sent by tandem_webhook_retry_mr.js; nothing here throws into
 * the user's save.
 *
 * @NApiVersion 2.1
 * @NModuleScope SameAccount
 */
define(['N/crypto', 'N/encode', 'N/https', 'N/log', 'N/record', 'N/runtime'], (crypto, encode, https, log, record, runtime) => {
    const SECRET_ID = 'custsecret_tandem_webhook';
    const WEBHOOK_PATH = '/webhooks/netsuite';
    const SIGNATURE_HEADER = 'X-Tandem-Signature';

    const PARAM = Object.freeze({
        url: 'custscript_tandem_url',
        integrationRole: 'custscript_tandem_integration_role',
    });

    const OUTBOX = Object.freeze({
        type: 'customrecord_tandem_outbox',
        url: 'custrecord_tandem_ob_url',
        body: 'custrecord_tandem_ob_body',
        eventId: 'custrecord_tandem_ob_event',
        attempts: 'custrecord_tandem_ob_attempts',
        lastError: 'custrecord_tandem_ob_error',
    });

    // The retry script runs every 15 minutes: 96 attempts cover a day of
    // Tandem being unreachable. Later entries stay in the outbox for an admin.
    const MAX_ATTEMPTS = 96;
    const ERROR_TEXT_LIMIT = 1000;

    // context.type → the contract's eventType. Approving, cancelling, packing
    // and shipping change the record, so Tandem hears them as edits.
    const EVENT_TYPES = Object.freeze({
        create: 'create', edit: 'edit', xedit: 'xedit', delete: 'delete',
        approve: 'edit', reject: 'edit', cancel: 'edit', pack: 'edit', ship: 'edit',
    });

    const PRICE_SUBLIST = /^price\d*$/;

    /** afterSubmit body: report the change unless it is Tandem's own write. */
    function report(context, watchedByType) {
        try {
            const eventType = EVENT_TYPES[context.type];
            if (!eventType || isOwnWrite()) {
                return;
            }
            const url = webhookUrl();
            if (!url) {
                log.error({ title: 'Tandem webhook not configured', details: `script parameter ${PARAM.url} is empty` });
                return;
            }
            const event = changeEvent(context, eventType, watchedByType);
            send(url, JSON.stringify(event), event.eventId);
        } catch (e) {
            log.error({ title: 'Tandem webhook: event not reported', details: describe(e) });
        }
    }

    // Tandem's writes arrive through REST web services under its integration
    // role; other REST integrations and every other context are reported.
    function isOwnWrite() {
        if (runtime.executionContext !== runtime.ContextType.REST_WEBSERVICES) {
            return false;
        }
        const roles = String(parameter(PARAM.integrationRole) || '').split(',').map((r) => r.trim()).filter(Boolean);
        const user = runtime.getCurrentUser();
        return roles.includes(String(user.role)) || roles.includes(String(user.roleId));
    }

    function webhookUrl() {
        const base = String(parameter(PARAM.url) || '').trim().replace(/\/+$/, '');
        return base ? base + WEBHOOK_PATH : '';
    }

    function parameter(name) {
        return runtime.getCurrentScript().getParameter({ name });
    }

    // eventNonce tells apart two events of one record within one second
    // (lastmodifieddate is kept to the second, so a quick second edit would
    // otherwise repeat the first one's eventId and be dropped as a
    // duplicate). Retries re-send the stored body, so they keep it.
    function eventNonce() {
        return Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
    }

    // The webhook body for one user event (field order as in the contract).
    function changeEvent(context, eventType, watchedByType) {
        const current = eventType === 'delete' ? context.oldRecord : context.newRecord;
        const recordType = current.type;
        const recordId = String(current.id);
        const lastModifiedDate = (eventType !== 'delete' && isoSeconds(current.getValue({ fieldId: 'lastmodifieddate' })))
            || isoSeconds(new Date());
        const user = runtime.getCurrentUser();
        return {
            eventId: [runtime.accountId, recordType, recordId, eventType, lastModifiedDate, eventNonce()].join(':'),
            accountId: runtime.accountId,
            recordType,
            recordId,
            eventType,
            lastModifiedDate,
            executionContext: runtime.executionContext,
            userId: String(user.id),
            roleId: String(user.role),
            fields: changedFields(context, eventType, watchedByType[recordType] || {}),
        };
    }

    function changedFields(context, eventType, watched) {
        const body = watched.body || [];
        switch (eventType) {
        case 'create':
            return snapshot(context.newRecord, body, fingerprints(context.newRecord, watched));
        case 'delete':
            return snapshot(context.oldRecord, body, {});
        case 'xedit': {
            // Inline edit: newRecord holds only the edited fields.
            const edited = context.newRecord.getFields();
            return diff(context.oldRecord, context.newRecord, body.filter((f) => edited.includes(f)), {}, {});
        }
        default:
            return diff(context.oldRecord, context.newRecord, body,
                fingerprints(context.oldRecord, watched), fingerprints(context.newRecord, watched));
        }
    }

    // Every watched field that has a value, and every watched sublist with lines.
    function snapshot(rec, body, sublists) {
        const fields = {};
        body.forEach((fieldId) => {
            const value = plain(rec.getValue({ fieldId }));
            if (value !== null) {
                fields[fieldId] = value;
            }
        });
        Object.keys(sublists).filter((id) => sublists[id] !== '[]').forEach((id) => { fields[id] = true; });
        return fields;
    }

    // Watched fields whose value changed (a cleared field is sent as null),
    // and watched sublists whose lines changed (sent as true).
    function diff(oldRec, newRec, body, oldSublists, newSublists) {
        const fields = {};
        body.forEach((fieldId) => {
            const before = plain(oldRec.getValue({ fieldId }));
            const after = plain(newRec.getValue({ fieldId }));
            if (JSON.stringify(before) !== JSON.stringify(after)) {
                fields[fieldId] = after;
            }
        });
        const ids = new Set(Object.keys(oldSublists).concat(Object.keys(newSublists)));
        ids.forEach((id) => {
            if ((oldSublists[id] || '[]') !== (newSublists[id] || '[]')) {
                fields[id] = true;
            }
        });
        return fields;
    }

    // sublist id → its watched line values as JSON, for comparing versions.
    function fingerprints(rec, watched) {
        const out = {};
        Object.keys(watched.sublists || {}).forEach((sublistId) => {
            out[sublistId] = JSON.stringify(lineValues(rec, sublistId, watched.sublists[sublistId]));
        });
        if (watched.prices) {
            (rec.getSublists() || []).filter((id) => PRICE_SUBLIST.test(id)).forEach((sublistId) => {
                out[sublistId] = JSON.stringify(priceMatrix(rec, sublistId));
            });
        }
        return out;
    }

    function lineValues(rec, sublistId, fieldIds) {
        const rows = [];
        const count = rec.getLineCount({ sublistId });
        for (let line = 0; line < count; line++) {
            rows.push(fieldIds.map((fieldId) => plain(rec.getSublistValue({ sublistId, fieldId, line }))));
        }
        return rows;
    }

    // One row per price level: the level, then the price of each quantity column.
    function priceMatrix(rec, sublistId) {
        const columns = rec.getMatrixHeaderCount({ sublistId, fieldId: 'price' });
        return lineValues(rec, sublistId, ['pricelevel']).map((row, line) => {
            for (let column = 0; column < columns; column++) {
                row.push(plain(rec.getMatrixSublistValue({ sublistId, fieldId: 'price', column, line })));
            }
            return row;
        });
    }

    // A field value as JSON carries it: empty → null, Date → ISO-8601 UTC.
    function plain(value) {
        if (value === undefined || value === null || value === '') {
            return null;
        }
        return isDate(value) ? isoSeconds(value) : value;
    }

    function isDate(value) {
        return Object.prototype.toString.call(value) === '[object Date]';
    }

    // ISO-8601 UTC to the second, like NetSuite REST (2017-07-21T17:32:28Z).
    function isoSeconds(value) {
        if (!isDate(value) || isNaN(value.getTime())) {
            return '';
        }
        return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
    }

    /** X-Tandem-Signature value: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>. */
    function signatureHeader(body, timestamp) {
        // UTF_8: createSecretKey reads the secret as HEX unless told otherwise.
        const key = crypto.createSecretKey({ secret: SECRET_ID, encoding: encode.Encoding.UTF_8 });
        const hmac = crypto.createHmac({ algorithm: crypto.HashAlg.SHA256, key });
        hmac.update({ input: `${timestamp}.${body}`, inputEncoding: encode.Encoding.UTF_8 });
        // The contract's hex is lower case, whatever case N/crypto returns.
        const digest = hmac.digest({ outputEncoding: encode.Encoding.HEX }).toLowerCase();
        return `t=${timestamp},v1=${digest}`;
    }

    // Posts body with a fresh signature (10 units). Never throws.
    function deliver(url, body) {
        try {
            const headers = { 'Content-Type': 'application/json' };
            headers[SIGNATURE_HEADER] = signatureHeader(body, Math.floor(Date.now() / 1000));
            const response = https.post({ url, body, headers });
            if (response.code >= 200 && response.code < 300) {
                return { ok: true };
            }
            return { ok: false, error: limit(`HTTP ${response.code}: ${response.body || ''}`) };
        } catch (e) {
            return { ok: false, error: describe(e) };
        }
    }

    function send(url, body, eventId) {
        const result = deliver(url, body);
        if (result.ok) {
            log.debug({ title: 'Tandem webhook sent', details: eventId });
            return;
        }
        log.error({ title: 'Tandem webhook failed, queued for retry', details: `${eventId}: ${result.error}` });
        enqueue(url, body, eventId, result.error);
    }

    // The outbox entry counts the failed post as its first attempt.
    function enqueue(url, body, eventId, error) {
        try {
            const entry = record.create({ type: OUTBOX.type });
            entry.setValue({ fieldId: OUTBOX.url, value: url });
            entry.setValue({ fieldId: OUTBOX.body, value: body });
            entry.setValue({ fieldId: OUTBOX.eventId, value: eventId });
            entry.setValue({ fieldId: OUTBOX.attempts, value: 1 });
            entry.setValue({ fieldId: OUTBOX.lastError, value: error });
            entry.save();
        } catch (e) {
            log.error({ title: 'Tandem webhook lost: outbox write failed', details: `${eventId}: ${describe(e)}` });
        }
    }

    /** Re-sends one outbox entry; deletes it once Tandem took it. */
    function redeliver(id) {
        const entry = record.load({ type: OUTBOX.type, id });
        const eventId = entry.getValue({ fieldId: OUTBOX.eventId });
        const result = deliver(entry.getValue({ fieldId: OUTBOX.url }), entry.getValue({ fieldId: OUTBOX.body }));
        if (result.ok) {
            record.delete({ type: OUTBOX.type, id });
            log.audit({ title: 'Tandem webhook delivered on retry', details: eventId });
            return true;
        }
        const attempts = (Number(entry.getValue({ fieldId: OUTBOX.attempts })) || 0) + 1;
        const values = {};
        values[OUTBOX.attempts] = attempts;
        values[OUTBOX.lastError] = result.error;
        record.submitFields({ type: OUTBOX.type, id, values });
        const title = attempts >= MAX_ATTEMPTS ? 'Tandem webhook retry: giving up' : 'Tandem webhook retry failed';
        log.error({ title, details: `${eventId} (attempt ${attempts}): ${result.error}` });
        return false;
    }

    function describe(e) {
        return limit(e && e.name ? `${e.name}: ${e.message}` : String(e));
    }

    function limit(text) {
        return text.length > ERROR_TEXT_LIMIT ? `${text.slice(0, ERROR_TEXT_LIMIT)}…` : text;
    }

    return Object.freeze({
        SECRET_ID, PARAM, OUTBOX, MAX_ATTEMPTS,
        report, signatureHeader, redeliver,
    });
});
