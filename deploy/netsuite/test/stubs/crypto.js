// N/crypto for tests, backed by Node's crypto. API secrets (Setup > Company >
// API Secrets) live in a map the test fills with setApiSecret. The documented
// defaults are kept because interop depends on them: createSecretKey reads
// the secret as HEX unless told otherwise, Hmac.update reads UTF_8,
// Hmac.digest writes HEX.
const nodeCrypto = require('crypto');
const encode = require('./encode');

const HashAlg = Object.freeze({ SHA1: 'SHA1', SHA256: 'SHA256', SHA512: 'SHA512', MD5: 'MD5' });
const NODE_ALGORITHM = Object.freeze({ SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512', MD5: 'md5' });

const apiSecrets = new Map();
let digestCase = 'lower';

function createSecretKey({ secret, guid, encoding = encode.Encoding.HEX }) {
    const id = secret || guid;
    if (!apiSecrets.has(id)) {
        throw new Error(`API secret ${id} does not exist or is not available to this script`);
    }
    return { secret, guid, encoding, bytes: encode.toBuffer(apiSecrets.get(id), encoding) };
}

function createHmac({ algorithm, key }) {
    const hmac = nodeCrypto.createHmac(NODE_ALGORITHM[algorithm], key.bytes);
    return {
        update({ input, inputEncoding = encode.Encoding.UTF_8 }) {
            hmac.update(encode.toBuffer(input, inputEncoding));
        },
        digest({ outputEncoding = encode.Encoding.HEX } = {}) {
            const out = encode.fromBuffer(hmac.digest(), outputEncoding);
            return digestCase === 'upper' ? out.toUpperCase() : out;
        },
    };
}

module.exports = {
    HashAlg,
    Encoding: encode.Encoding,
    createSecretKey,
    createHmac,
    // Test controls.
    setApiSecret: (id, value) => apiSecrets.set(id, value),
    setDigestCase: (c) => { digestCase = c; },
    reset: () => { apiSecrets.clear(); digestCase = 'lower'; },
};
