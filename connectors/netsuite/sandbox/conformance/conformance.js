'use strict';
// Drives the NetSuite sandbox with the npm client netsuite-rest, unchanged,
// as an integration would drive a real account: TBA-signed GET of a
// customer, a create, a paged SuiteQL query, and a request signed with a
// wrong secret. Prints one JSON line with what came back; exits 1 on a
// failure it did not expect.
const NsApiWrapper = require('netsuite-rest');

function env(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set`);
  }
  return v;
}

function client(tokenSecret) {
  return new NsApiWrapper({
    consumer_key: env('NS_CONSUMER_KEY'),
    consumer_secret_key: env('NS_CONSUMER_SECRET'),
    token: env('NS_TOKEN_ID'),
    token_secret: tokenSecret,
    realm: env('NS_ACCOUNT_ID'),
    base_url: env('NS_BASE_URL'),
  });
}

// headerOf reads a response header. netsuite-rest hands back a copy of
// got's response without the headers getter; rawHeaders survive.
function headerOf(res, name) {
  const raw = res.rawHeaders || [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].toLowerCase() === name) {
      return raw[i + 1];
    }
  }
  return undefined;
}

async function refusedStatus(api) {
  try {
    await api.request({ path: `record/v1/customer/${env('NS_CUSTOMER_ID')}` });
  } catch (err) {
    return err.response ? err.response.statusCode : -1;
  }
  return 200;
}

async function main() {
  const api = client(env('NS_TOKEN_SECRET'));
  const got = await api.request({ path: `record/v1/customer/${env('NS_CUSTOMER_ID')}?expandSubResources=true` });
  const created = await api.request({
    path: 'record/v1/customer',
    method: 'POST',
    body: JSON.stringify({ companyName: 'Conformance Co', externalId: 'CONF-1', subsidiary: { id: '1' } }),
  });
  const rows = await api.request({
    path: 'query/v1/suiteql?limit=2&offset=0',
    method: 'POST',
    body: JSON.stringify({ q: 'SELECT id, companyname FROM customer WHERE isinactive = ? ORDER BY id', params: ['F'] }),
  });
  console.log(JSON.stringify({
    customer: {
      status: got.statusCode,
      contentType: headerOf(got, 'content-type'),
      id: got.data.id,
      companyName: got.data.companyName,
      currency: got.data.currency.refName,
      addresses: got.data.addressBook.count,
    },
    created: { status: created.statusCode, location: headerOf(created, 'location') },
    suiteql: {
      status: rows.statusCode,
      count: rows.data.count,
      hasMore: rows.data.hasMore,
      totalResults: rows.data.totalResults,
      ids: rows.data.items.map((r) => r.id),
      next: (rows.data.links.find((l) => l.rel === 'next') || {}).href,
    },
    wrongSecret: await refusedStatus(client('not-the-secret')),
  }));
}

main().catch((err) => {
  console.error(err.response ? `${err.message}: ${err.response.body}` : err.stack);
  process.exit(1);
});
