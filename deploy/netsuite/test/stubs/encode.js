// N/encode for tests: the real Encoding enum and convert() backed by Node.
const Encoding = Object.freeze({
    UTF_8: 'UTF_8',
    BASE_16: 'BASE_16',
    BASE_32: 'BASE_32',
    BASE_64: 'BASE_64',
    BASE_64_URL_SAFE: 'BASE_64_URL_SAFE',
    HEX: 'HEX',
});

const NODE_ENCODING = Object.freeze({
    UTF_8: 'utf8',
    BASE_16: 'hex',
    HEX: 'hex',
    BASE_64: 'base64',
    BASE_64_URL_SAFE: 'base64url',
});

function nodeEncoding(encoding) {
    const name = NODE_ENCODING[encoding];
    if (!name) {
        throw new Error(`encoding ${encoding} is not supported by this stub`);
    }
    return name;
}

function toBuffer(text, encoding) {
    return Buffer.from(String(text), nodeEncoding(encoding));
}

function fromBuffer(buffer, encoding) {
    return buffer.toString(nodeEncoding(encoding));
}

function convert({ string, inputEncoding, outputEncoding }) {
    return fromBuffer(toBuffer(string, inputEncoding), outputEncoding);
}

module.exports = { Encoding, convert, toBuffer, fromBuffer };
