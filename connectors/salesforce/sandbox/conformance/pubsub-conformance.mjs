// Subscribes to the sandbox's Pub/Sub API with salesforce-pubsub-api-client,
// a third-party Node client, unchanged but for its transport credentials:
// it pins Salesforce's CA bundle, so createSsl is given the sandbox's own
// CA instead before the client loads. The client decodes the events, their
// Avro payloads and the changedFields/nulledFields bitmaps with its own
// code. Prints a JSON summary; exits non-zero on failure.
//
// Usage: node pubsub-conformance.mjs <host:port> <caPemFile> <accessToken> <topic> <events>
import fs from 'node:fs';
import grpc from '@grpc/grpc-js';

const [endpoint, caFile, accessToken, topic, count] = process.argv.slice(2);
const sandboxCA = fs.readFileSync(caFile);
const createSsl = grpc.credentials.createSsl;
grpc.credentials.createSsl = (_pinnedRoots, key, cert, options) => createSsl(sandboxCA, key, cert, options);

const { default: PubSubApiClient } = await import('salesforce-pubsub-api-client');

const quiet = { debug() {}, info() {}, warn() {}, error: (...a) => console.error(...a) };
const client = new PubSubApiClient(
  { authType: 'user-supplied', accessToken, instanceUrl: 'https://tandem-sandbox.my.salesforce.com', pubSubEndpoint: endpoint },
  quiet,
);
await client.connect();

const events = await new Promise((resolve, reject) => {
  const got = [];
  const timer = setTimeout(() => reject(new Error(`only ${got.length} events after 30s`)), 30000);
  client.subscribeFromEarliestEvent(
    topic,
    (_sub, type, data) => {
      if (type === 'event') {
        const h = data.payload.ChangeEventHeader;
        got.push({
          replayId: data.replayId,
          changeType: h.changeType,
          recordIds: h.recordIds,
          changedFields: h.changedFields,
          nulledFields: h.nulledFields,
          name: data.payload.Name,
          phone: data.payload.Phone,
          billingAddress: data.payload.BillingAddress,
          lastModifiedDate: data.payload.LastModifiedDate,
        });
      } else if (type === 'lastEvent') {
        clearTimeout(timer);
        resolve(got);
      } else if (type === 'error') {
        clearTimeout(timer);
        reject(data);
      }
    },
    Number(count),
  );
});

// A topic the org does not have: the documented NOT_FOUND (gRPC code 5).
const badTopic = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve('no error after 10s'), 10000);
  client.subscribe(
    '/data/NoSuchChangeEvent',
    (_sub, type, data) => {
      if (type === 'error') {
        clearTimeout(timer);
        resolve(`${data.code} ${data.details ?? data.message}`);
      }
    },
    1,
  );
});
client.close();
// The first subscription stays open (the client keeps streams it did not
// finish), so write synchronously and exit.
fs.writeSync(1, JSON.stringify({ badTopic, events }, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) + '\n');
process.exit(0);
