// SuiteCloud CLI project settings: `suitecloud project:deploy` deploys src/.
module.exports = {
    defaultProjectFolder: 'src',
    commands: {},
};
