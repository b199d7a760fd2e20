// Jest with Oracle's SuiteCloud unit-testing configuration: scripts under
// src/FileCabinet/SuiteScripts load as "SuiteScripts/…", N/* modules resolve
// to stubs. The stubs below replace the stock ones that return undefined,
// so signatures, contexts, requests and records behave as in NetSuite.
const SuiteCloudJestConfiguration = require('@oracle/suitecloud-unit-testing/jest-configuration/SuiteCloudJestConfiguration');

const stub = (name) => ({ module: `N/${name}`, path: `<rootDir>/test/stubs/${name}.js` });

module.exports = {
    ...SuiteCloudJestConfiguration.build({
        projectFolder: 'src',
        projectType: SuiteCloudJestConfiguration.ProjectType.ACP,
        customStubs: ['crypto', 'encode', 'https', 'log', 'record', 'runtime'].map(stub),
    }),
    testMatch: ['<rootDir>/test/**/*.test.js'],
};
