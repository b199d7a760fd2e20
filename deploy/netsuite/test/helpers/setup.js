// Resets every stub to a configured NetSuite account before a test: the
// API secret exists, the script parameters point at Tandem, the clock is
// fixed (Date only: nothing here waits on timers).
const crypto = require('N/crypto');
const https = require('N/https');
const log = require('N/log');
const record = require('N/record');
const runtime = require('N/runtime');

const SECRET = 'whsec_unit_test_secret';
const TANDEM_URL = 'https://tandem.example.com/';
const WEBHOOK_URL = 'https://tandem.example.com/webhooks/netsuite';
const INTEGRATION_ROLE = '1023';
const NOW = new Date('2026-01-15T10:30:00Z');

function resetNetSuite() {
    jest.useFakeTimers({ now: NOW, doNotFake: ['setTimeout', 'setInterval', 'setImmediate', 'nextTick', 'queueMicrotask'] });
    [crypto, https, log, record, runtime].forEach((stub) => stub.reset());
    crypto.setApiSecret('custsecret_tandem_webhook', SECRET);
    runtime.configure({
        parameters: { custscript_tandem_url: TANDEM_URL, custscript_tandem_integration_role: INTEGRATION_ROLE },
    });
}

module.exports = { resetNetSuite, SECRET, WEBHOOK_URL, INTEGRATION_ROLE, NOW };
