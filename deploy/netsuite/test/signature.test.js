// The signature the scripts send equals an independent Node HMAC and the
// shared vector testdata/signature-vector.json, which the Go side checks
// with crypto/hmac: both implementations agree on the bytes.
const path = require('path');
const fs = require('fs');
const crypto = require('N/crypto');
const tandem = require('SuiteScripts/Tandem/tandem_webhook_lib');
const { hmacHex, parseSignature } = require('./helpers/signature');

const vector = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'testdata', 'signature-vector.json'), 'utf8'));

beforeEach(() => {
    crypto.reset();
    crypto.setApiSecret(tandem.SECRET_ID, vector.secret);
});

test('the shared vector is the one the script produces', () => {
    expect(tandem.signatureHeader(vector.body, vector.timestamp)).toBe(vector.header);
});

test('the signature equals an independent HMAC-SHA256 over "<t>." + body', () => {
    const { timestamp, v1 } = parseSignature(tandem.signatureHeader(vector.body, vector.timestamp));
    expect(timestamp).toBe(vector.timestamp);
    expect(v1).toBe(hmacHex(vector.secret, vector.timestamp, vector.body));
});

test('the vector exercises UTF-8 in both the secret and the body', () => {
    expect(Buffer.byteLength(vector.secret, 'utf8')).toBeGreaterThan(vector.secret.length);
    expect(Buffer.byteLength(vector.body, 'utf8')).toBeGreaterThan(vector.body.length);
});

test('the secret is read as UTF-8: N/crypto\'s default (HEX) would sign differently', () => {
    const hexKey = crypto.createSecretKey({ secret: tandem.SECRET_ID });
    const hmac = crypto.createHmac({ algorithm: crypto.HashAlg.SHA256, key: hexKey });
    hmac.update({ input: `${vector.timestamp}.${vector.body}` });
    expect(`t=${vector.timestamp},v1=${hmac.digest()}`).not.toBe(vector.header);
});

test('the header is lower-case hex even if N/crypto answers in upper case', () => {
    crypto.setDigestCase('upper');
    expect(tandem.signatureHeader(vector.body, vector.timestamp)).toBe(vector.header);
});

test('a different body or timestamp gives a different signature', () => {
    expect(tandem.signatureHeader(`${vector.body} `, vector.timestamp)).not.toBe(vector.header);
    expect(tandem.signatureHeader(vector.body, vector.timestamp + 1)).not.toMatch(vector.header.split(',')[1]);
});
