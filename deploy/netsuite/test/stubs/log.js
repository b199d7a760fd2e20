// N/log for tests: keeps every entry so tests can read what an admin would
// see in the script's execution log.
const entries = [];

function logger(level) {
    return (options, details) => {
        const entry = typeof options === 'object' && options !== null
            ? { level, title: options.title, details: options.details }
            : { level, title: options, details };
        entries.push(entry);
    };
}

module.exports = {
    debug: logger('DEBUG'),
    audit: logger('AUDIT'),
    error: logger('ERROR'),
    emergency: logger('EMERGENCY'),
    // Test controls.
    entries,
    reset: () => { entries.length = 0; },
};
