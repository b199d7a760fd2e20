// Independent check of X-Tandem-Signature with Node's crypto, the way
// Tandem verifies it: HMAC-SHA256 over "<t>." + raw body, key = secret as
// UTF-8, lower-case hex.
const nodeCrypto = require('crypto');

function parseSignature(header) {
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header || '');
    if (!match) {
        throw new Error(`malformed X-Tandem-Signature: ${header}`);
    }
    return { timestamp: Number(match[1]), v1: match[2] };
}

function hmacHex(secret, timestamp, body) {
    return nodeCrypto.createHmac('sha256', Buffer.from(secret, 'utf8'))
        .update(`${timestamp}.${body}`, 'utf8')
        .digest('hex');
}

module.exports = { parseSignature, hmacHex };
