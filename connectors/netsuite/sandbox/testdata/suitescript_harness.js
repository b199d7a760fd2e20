// Runs the shipped SuiteScript webhook library (deploy/netsuite) on the
// user events a Go test describes, with the Jest suite's N/* stubs, and
// prints what the script posted. Input (stdin):
//   {deployDir, secret, cases: [{now, accountId, executionContext, user: {id, role},
//    integrationRole, type, oldRecord, newRecord}]}
// where a record is {type, id, values, sublists} and a date value is {"$date": ISO}.
// Output: {watched, posts: [{body, signature} | null]}.
const path = require('path');
const fs = require('fs');

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const stubs = path.join(input.deployDir, 'test', 'stubs');
const scripts = path.join(input.deployDir, 'src', 'FileCabinet', 'SuiteScripts', 'Tandem');
const { FakeRecord } = require(path.join(input.deployDir, 'test', 'helpers', 'fake_record'));

// SuiteScript modules are AMD: define(deps, factory).
function load(file) {
    let module;
    global.define = (deps, factory) => {
        module = factory(...deps.map((dep) => require(path.join(stubs, dep.replace(/^N\//, '')))));
    };
    require(path.join(scripts, file));
    return module;
}

const tandem = load('tandem_webhook_lib.js');
const watched = load('tandem_watched_fields.js');
const https = require(path.join(stubs, 'https'));
const crypto = require(path.join(stubs, 'crypto'));
const runtime = require(path.join(stubs, 'runtime'));

const RealDate = Date;
function freezeClock(ms) {
    global.Date = class extends RealDate {
        constructor(...args) {
            if (args.length === 0) {
                super(ms);
            } else {
                super(...args);
            }
        }

        static now() {
            return ms;
        }
    };
}

function revive(value) {
    if (Array.isArray(value)) {
        return value.map(revive);
    }
    if (value && typeof value === 'object') {
        if ('$date' in value) {
            return new RealDate(value.$date);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
    }
    return value;
}

function fakeRecord(rec) {
    return rec && new FakeRecord({ type: rec.type, id: rec.id, values: revive(rec.values), sublists: revive(rec.sublists) });
}

// The script's eventId ends with a random nonce; pin it so the Go port
// (sandbox.eventNonce, set alike by the test) can be compared byte for byte.
Math.random = () => 0.25;

const posts = input.cases.map((c) => {
    freezeClock(c.now);
    [https, crypto, runtime].forEach((stub) => stub.reset());
    crypto.setApiSecret(tandem.SECRET_ID, input.secret);
    runtime.configure({
        accountId: c.accountId,
        executionContext: c.executionContext,
        user: { id: c.user.id, role: c.user.role, roleId: c.user.role },
        parameters: { custscript_tandem_url: 'https://tandem.example/', custscript_tandem_integration_role: c.integrationRole },
    });
    tandem.report({ type: c.type, oldRecord: fakeRecord(c.oldRecord), newRecord: fakeRecord(c.newRecord) }, watched);
    const [request] = https.requests;
    return request ? { body: request.body, signature: request.headers['X-Tandem-Signature'] } : null;
});
global.Date = RealDate;
process.stdout.write(JSON.stringify({ watched, posts }));
