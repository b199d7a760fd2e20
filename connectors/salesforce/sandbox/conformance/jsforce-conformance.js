// Drives the sandbox with jsforce, a widely used third-party Salesforce
// client, unchanged: if jsforce works against the sandbox, the sandbox
// speaks the real API. Prints a JSON summary; exits non-zero on failure.
//
// Usage: node jsforce-conformance.js <loginUrl> <clientId> <clientSecret>
'use strict';

const jsforce = require('jsforce');

async function main() {
  const [loginUrl, clientId, clientSecret] = process.argv.slice(2);
  const conn = new jsforce.Connection({
    oauth2: { loginUrl, clientId, clientSecret },
    version: '62.0',
    callOptions: { client: 'jsforce-conformance' },
  });
  const user = await conn.authorize({ grant_type: 'client_credentials' });

  const deals = await conn.query(
    'SELECT Id, Name, Account.Name, (SELECT Quantity, Product2.ProductCode FROM OpportunityLineItems ORDER BY SortOrder) ' +
      'FROM Opportunity ORDER BY Name LIMIT 5',
  );
  const lines = deals.records.reduce((n, d) => n + (d.OpportunityLineItems ? d.OpportunityLineItems.records.length : 0), 0);

  // Small batches make jsforce follow nextRecordsUrl.
  const contacts = await conn
    .query('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 100000, headers: { 'Sforce-Query-Options': 'batchSize=200' } })
    .run();
  const distinctContacts = new Set(contacts.records.map((c) => c.Id)).size;

  const account = conn.sobject('Account');
  const upserts = [
    await account.upsert({ Name: 'jsforce Co', NetSuite_Id__c: 'JS-1' }, 'NetSuite_Id__c'),
    await account.upsert({ Name: 'jsforce Co (renamed)', NetSuite_Id__c: 'JS-1' }, 'NetSuite_Id__c'),
  ];

  const describe = await account.describe();
  const extField = describe.fields.find((f) => f.name === 'NetSuite_Id__c');

  let errorCode = '';
  try {
    await account.create({ Phone: '123' });
  } catch (err) {
    errorCode = err.errorCode || err.name;
  }

  // Bulk API 2.0: create, upload the CSV jsforce writes, close, poll, results.
  const bulk = await conn.bulk2.loadAndWaitForResults({
    object: 'Account',
    operation: 'upsert',
    externalIdFieldName: 'NetSuite_Id__c',
    input: [
      { NetSuite_Id__c: 'JSB-1', Name: 'jsforce Bulk, one' },
      { NetSuite_Id__c: 'JS-1', Name: 'jsforce Co (renamed)' },
      { NetSuite_Id__c: 'JSB-2', Phone: '123' },
    ],
    pollInterval: 100,
    pollTimeout: 60000,
  });

  const summary = {
    userId: user.id,
    organizationId: user.organizationId,
    deals: deals.totalSize,
    lines,
    contactsTotal: contacts.totalSize,
    contactsFetched: distinctContacts,
    upserts,
    externalId: Boolean(extField && extField.externalId && extField.idLookup),
    errorCode,
    bulk: {
      successful: bulk.successfulResults.map((r) => ({ id: r.sf__Id, created: String(r.sf__Created), extId: r.NetSuite_Id__c })),
      failed: bulk.failedResults.map((r) => ({ error: r.sf__Error, extId: r.NetSuite_Id__c })),
      unprocessed: bulk.unprocessedRecords.length,
    },
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
}

main().catch((err) => {
  process.stderr.write(`jsforce conformance failed: ${err.stack || err}\n`);
  process.exit(1);
});
