import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulator } from './helpers.js';

const INVALID = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

async function token(url: string, body: string, contentType = 'application/x-www-form-urlencoded') {
  const r = await fetch(`${url}/admin/oauth/access_token`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

test('a missing or wrong access token is answered 401 as Shopify does', async () => {
  const t = await emulator({ accessToken: 'shpat_static' });
  try {
    const noToken = await fetch(t.em.graphqlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"query":"{ shop { name } }"}',
    });
    assert.equal(noToken.status, 401);
    assert.deepEqual(await noToken.json(), INVALID);
    const wrong = await t.gql('{ shop { name } }', {}, 'shpat_wrong');
    assert.deepEqual([wrong.status, wrong.body], [401, INVALID]);
    const ok = await t.gql('{ shop { name } }', {}, 'shpat_static');
    assert.equal(ok.status, 200);
  } finally {
    await t.em.close();
  }
});

test('an API version without a schema is 404', async () => {
  const t = await emulator();
  try {
    const r = await fetch(`${t.em.url}/admin/api/2019-04/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': t.em.accessToken },
      body: '{"query":"{ shop { name } }"}',
    });
    assert.equal(r.status, 404);
    assert.match(t.em.graphqlUrl, /\/admin\/api\/2026-10\/graphql\.json$/);
  } finally {
    await t.em.close();
  }
});

test('the client credentials grant issues a token that works until it expires', async () => {
  let now = 1_000_000;
  const t = await emulator({ clientId: 'cid', clientSecret: 'csecret', tokenTtlSeconds: 60, now: () => now });
  try {
    const r = await token(t.em.url, 'grant_type=client_credentials&client_id=cid&client_secret=csecret');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['access_token', 'expires_in', 'scope']);
    assert.equal(r.body.expires_in, 60);
    assert.equal(r.body.scope, 'read_customers,write_customers');
    assert.equal((await t.gql('{ shop { name } }', {}, r.body.access_token)).status, 200);
    now += 59_000;
    assert.equal((await t.gql('{ shop { name } }', {}, r.body.access_token)).status, 200);
    now += 1_000;
    const expired = await t.gql('{ shop { name } }', {}, r.body.access_token);
    assert.deepEqual([expired.status, expired.body], [401, INVALID]);
    const json = await token(
      t.em.url,
      JSON.stringify({ grant_type: 'client_credentials', client_id: 'cid', client_secret: 'csecret' }),
      'application/json',
    );
    assert.equal(json.status, 200, 'JSON bodies are accepted too');
  } finally {
    await t.em.close();
  }
});

test('wrong client credentials and other grants are refused', async () => {
  const t = await emulator({ clientId: 'cid', clientSecret: 'csecret' });
  try {
    const badId = await token(t.em.url, 'grant_type=client_credentials&client_id=nope&client_secret=csecret');
    assert.equal(badId.status, 400);
    assert.equal(badId.body.error, 'invalid_request');
    const badSecret = await token(t.em.url, 'grant_type=client_credentials&client_id=cid&client_secret=wrong');
    assert.equal(badSecret.status, 401);
    assert.equal(badSecret.body.error, 'invalid_client');
    const other = await token(t.em.url, 'grant_type=authorization_code&client_id=cid&client_secret=csecret&code=x');
    assert.deepEqual([other.status, other.body.error], [400, 'unsupported_grant_type']);
  } finally {
    await t.em.close();
  }
});

test('the static token and client-credentials tokens of the app share one cost bucket', async () => {
  const t = await emulator({ clientId: 'cid', clientSecret: 'csecret', now: () => 0 });
  try {
    const { body } = await token(t.em.url, 'grant_type=client_credentials&client_id=cid&client_secret=csecret');
    await t.gql('mutation { customerCreate(input: { email: "x@example.com" }) { userErrors { message } } }');
    const r = await t.gql(
      'mutation { customerCreate(input: { email: "y@example.com" }) { userErrors { message } } }',
      {},
      body.access_token,
    );
    assert.equal(r.body.extensions?.cost?.throttleStatus.currentlyAvailable, 2000 - 20);
  } finally {
    await t.em.close();
  }
});

test('expireTokens ends client-credentials tokens but not the static token', async () => {
  const t = await emulator({ clientId: 'cid', clientSecret: 'csecret' });
  try {
    const { body } = await token(t.em.url, 'grant_type=client_credentials&client_id=cid&client_secret=csecret');
    const r = await fetch(`${t.em.url}/_emulator/tokens/expire`, { method: 'POST' });
    assert.equal(r.status, 200);
    assert.equal((await t.gql('{ shop { name } }', {}, body.access_token)).status, 401);
    assert.equal((await t.gql('{ shop { name } }')).status, 200);
  } finally {
    await t.em.close();
  }
});
