// N/runtime for tests: the real ContextType values (the stock stub leaves
// ContextType undefined) and a settable execution context, user and script
// parameters.
const ContextType = Object.freeze({
    ACTION: 'ACTION',
    ADVANCEDREVREC: 'ADVANCEDREVREC',
    BANKCONNECTIVITY: 'BANKCONNECTIVITY',
    BANKSTATEMENTPARSER: 'BANKSTATEMENTPARSER',
    BUNDLE_INSTALLATION: 'BUNDLEINSTALLATION',
    CLIENT: 'CLIENT',
    CONSOLRATEADJUSTOR: 'CONSOLRATEADJUSTOR',
    CSV_IMPORT: 'CSVIMPORT',
    CUSTOMGLLINES: 'CUSTOMGLLINES',
    CUSTOM_MASSUPDATE: 'CUSTOMMASSUPDATE',
    DATASETBUILDER: 'DATASETBUILDER',
    DEBUGGER: 'DEBUGGER',
    EMAIL_CAPTURE: 'EMAILCAPTURE',
    FICONNECTIVITY: 'FICONNECTIVITY',
    FIPARSER: 'FIPARSER',
    MAP_REDUCE: 'MAPREDUCE',
    NONE: 'NONE',
    OCRPLUGIN: 'OCRPLUGIN',
    PAYMENTGATEWAY: 'PAYMENTGATEWAY',
    PAYMENTPOSTBACK: 'PAYMENTPOSTBACK',
    PLATFORMEXTENSION: 'PLATFORMEXTENSION',
    PORTLET: 'PORTLET',
    PROMOTIONS: 'PROMOTIONS',
    RECORDACTION: 'RECORDACTION',
    RESTLET: 'RESTLET',
    REST_WEBSERVICES: 'RESTWEBSERVICES',
    SCHEDULED: 'SCHEDULED',
    SDF_INSTALLATION: 'SDFINSTALLATION',
    SHIPPING_PARTNERS: 'SHIPPINGPARTNERS',
    SUITELET: 'SUITELET',
    USEREVENT: 'USEREVENT',
    USER_INTERFACE: 'USERINTERFACE',
    WEBSERVICES: 'WEBSERVICES',
    WEBSTORE: 'WEBSTORE',
    WORKFLOW: 'WORKFLOW',
});

const DEFAULTS = Object.freeze({
    accountId: '1234567_SB1',
    executionContext: ContextType.USER_INTERFACE,
    user: { id: 17, role: 3, roleId: 'administrator' },
    parameters: {},
});

let state;

function reset() {
    state = { ...DEFAULTS, user: { ...DEFAULTS.user }, parameters: {} };
}
reset();

module.exports = {
    ContextType,
    get accountId() { return state.accountId; },
    get executionContext() { return state.executionContext; },
    getCurrentUser: () => ({ ...state.user }),
    getCurrentScript: () => ({
        id: 'customscript_tandem_webhook_ue',
        getParameter: ({ name }) => (name in state.parameters ? state.parameters[name] : null),
    }),
    // Test controls.
    configure: ({ user, parameters, ...rest }) => {
        Object.assign(state, rest);
        if (user) {
            state.user = { ...state.user, ...user };
        }
        if (parameters) {
            state.parameters = { ...state.parameters, ...parameters };
        }
    },
    reset,
};
