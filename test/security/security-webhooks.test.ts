// Replayed Shopify webhooks: a delivery whose signature is good but whose X-Shopify-Triggered-At is older than the
// replay window (48 h: as long as Shopify retries) is answered 200, so the sender stops, and not applied; a webhook id
// already seen is answered 200 and not applied again, even with another body.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signShopifyWebhook } from '../../src/shopify/webhook-signature.js';
import { startTwoWay, scimUser, SHOPIFY_EXT, type TwoWayStack } from '../twoway/harness.js';

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay();
});
after(async () => {
  await s?.close();
});

const HOUR = 3600_000;

async function provisioned(userName: string) {
  const r = await s.req('POST', '/Users', scimUser(userName));
  assert.equal(r.status, 201, r.dump);
  await s.settled();
  return { id: r.body.id as string, customerId: r.body[SHOPIFY_EXT].customerId as string };
}

/** A signed customers/update for the customer, as Shopify sends it. */
function deliver(customerId: string, firstName: string, o: { webhookId: string; triggeredAt?: string; updatedAt?: string }) {
  const body = JSON.stringify({
    id: Number(customerId.slice(customerId.lastIndexOf('/') + 1)),
    admin_graphql_api_id: customerId,
    first_name: firstName,
    last_name: 'Hopper',
    email: 'grace.hopper@example.com',
    updated_at: o.updatedAt ?? new Date().toISOString(),
  });
  return fetch(`${s.url}/webhooks/shopify/acme`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'customers/update',
      'x-shopify-webhook-id': o.webhookId,
      'x-shopify-shop-domain': s.emu.shop,
      ...(o.triggeredAt ? { 'x-shopify-triggered-at': o.triggeredAt } : {}),
      'x-shopify-hmac-sha256': signShopifyWebhook(body, s.emu.clientSecret),
    },
    body,
  });
}

const stored = async (webhookId: string) =>
  s.store.db.selectFrom('webhook_events').select(['webhook_id', 'outcome']).where('webhook_id', '=', webhookId).execute();
const givenName = async (id: string) => (await s.req('GET', `/Users/${id}`)).body.name.givenName as string;

test('a delivery triggered longer ago than the replay window is answered 200, stored nowhere and changes nothing', async () => {
  const u = await provisioned('grace.hopper@example.com');
  const version = (await s.req('GET', `/Users/${u.id}`)).body.meta.version;
  const old = await deliver(u.customerId, 'Replayed', {
    webhookId: 'replay-old-1',
    triggeredAt: new Date(Date.now() - 49 * HOUR).toISOString(),
  });
  assert.equal(old.status, 200);
  assert.deepEqual(await old.json(), { received: true, ignored: 'older than the replay window' });
  await s.settled();
  assert.deepEqual(await stored('replay-old-1'), []);
  assert.equal(await givenName(u.id), 'Grace');
  assert.equal((await s.req('GET', `/Users/${u.id}`)).body.meta.version, version);

  // inside the window (a retry Shopify is still entitled to send), the same change is applied
  const retry = await deliver(u.customerId, 'Amazing', {
    webhookId: 'replay-ok-1',
    triggeredAt: new Date(Date.now() - 47 * HOUR).toISOString(),
  });
  assert.equal(retry.status, 200);
  await s.settled();
  assert.equal((await stored('replay-ok-1')).length, 1);
  assert.equal(await givenName(u.id), 'Amazing');
});

test('a webhook id already seen is acknowledged as a duplicate and never applied a second time', async () => {
  const u = await provisioned('grace.brewster@example.com');
  const first = await deliver(u.customerId, 'Gracie', { webhookId: 'dup-1', triggeredAt: new Date().toISOString() });
  assert.deepEqual(await first.json(), { received: true, duplicate: false });
  await s.settled();
  assert.equal(await givenName(u.id), 'Gracie');
  const version = (await s.req('GET', `/Users/${u.id}`)).body.meta.version;

  // the same id again, with a newer body and a fresh signature: a replay dressed up as news
  const again = await deliver(u.customerId, 'Mallory', {
    webhookId: 'dup-1',
    triggeredAt: new Date().toISOString(),
    updatedAt: new Date(Date.now() + 60_000).toISOString(),
  });
  assert.equal(again.status, 200);
  assert.deepEqual(await again.json(), { received: true, duplicate: true });
  await s.settled();
  assert.equal((await stored('dup-1')).length, 1);
  assert.equal(await givenName(u.id), 'Gracie');
  assert.equal((await s.req('GET', `/Users/${u.id}`)).body.meta.version, version);
});

test('a replay with a forged timestamp fails the signature check as any forgery does', async () => {
  const u = await provisioned('grace.murray@example.com');
  const body = JSON.stringify({ admin_graphql_api_id: u.customerId, first_name: 'Forged' });
  const r = await fetch(`${s.url}/webhooks/shopify/acme`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'customers/update',
      'x-shopify-webhook-id': 'forged-1',
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': signShopifyWebhook(body + ' ', s.emu.clientSecret),
    },
    body,
  });
  assert.equal(r.status, 401);
  assert.deepEqual(await stored('forged-1'), []);
});
