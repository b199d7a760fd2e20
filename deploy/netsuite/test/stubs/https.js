// N/https for tests: post() records each request and answers through the
// responder the test sets (a ClientResponse-like {code, body, headers}, or a
// thrown SuiteScript error such as SSS_REQUEST_TIME_EXCEEDED).
const requests = [];
let responder;

function reset() {
    requests.length = 0;
    responder = () => ({ code: 200, body: '{"accepted":true}', headers: {} });
}
reset();

function post({ url, body, headers }) {
    const request = { method: 'POST', url, body, headers: { ...headers } };
    requests.push(request);
    return responder(request);
}

module.exports = {
    post,
    // Test controls.
    requests,
    respondWith: (fn) => { responder = fn; },
    reset,
};
