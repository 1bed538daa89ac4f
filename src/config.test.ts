import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from './config.js';

test('defaults give a SQLite file in the data directory on port 8080', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.match(c.databaseUrl, /^sqlite:.*data\/shopify-scim\.sqlite$/);
  assert.equal(c.shopify, undefined);
});

test('every mistake is reported with the variable it concerns', () => {
  try {
    loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SHOPIFY_CLIENT_ID: 'abc', LOG_LEVEL: 'loud' });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const text = e.problems.join('\n');
    for (const v of ['PORT', 'DATABASE_URL', 'SHOPIFY_CLIENT_SECRET', 'LOG_LEVEL']) assert.match(text, new RegExp(v), text);
  }
});

test('a shop needs credentials, and credentials need a shop', () => {
  assert.throws(() => loadConfig({ SHOPIFY_SHOP: 'a.myshopify.com' }), /SHOPIFY_ACCESS_TOKEN/);
  assert.throws(() => loadConfig({ SHOPIFY_ACCESS_TOKEN: 'shpat_x' }), /SHOPIFY_SHOP/);
  const c = loadConfig({
    SHOPIFY_SHOP: 'My-Store.myshopify.com',
    SHOPIFY_ACCESS_TOKEN: 'shpat_x',
    SHOPIFY_WEBHOOK_SECRET: 'app-secret',
    PUBLIC_URL: 'https://scim.example.com/',
  });
  assert.equal(c.shopify?.shop, 'my-store.myshopify.com');
  assert.equal(c.shopify?.webhookSecret, 'app-secret');
  assert.equal(c.publicUrl, 'https://scim.example.com');
});

test("a static access token needs the webhook secret that signs the shop's webhooks", () => {
  assert.throws(
    () => loadConfig({ SHOPIFY_SHOP: 'a.myshopify.com', SHOPIFY_ACCESS_TOKEN: 'shpat_x' }),
    /SHOPIFY_WEBHOOK_SECRET is required with SHOPIFY_ACCESS_TOKEN: the custom app's API secret key, which signs Shopify's webhooks/,
  );
  const cc = loadConfig({ SHOPIFY_SHOP: 'a.myshopify.com', SHOPIFY_CLIENT_ID: 'id', SHOPIFY_CLIENT_SECRET: 'secret' });
  assert.equal(cc.shopify?.webhookSecret, 'secret', 'with client credentials the client secret signs them');
});

test('a number out of range, fractional or not a number gets one plain sentence naming the variable and the range', () => {
  try {
    loadConfig({ PORT: '70000', SYNC_WAIT_MS: 'soon', RECONCILE_INTERVAL_MS: '-1', BULK_CREATE_THRESHOLD: '2.5', MAX_BODY_BYTES: '10' });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const text = e.problems.join('\n');
    assert.match(text, /PORT.*must be a whole number from 0 to 65535/);
    assert.match(text, /SYNC_WAIT_MS.*must be a whole number from 0 to 30000/);
    assert.match(text, /RECONCILE_INTERVAL_MS.*must be a whole number of at least 0/);
    assert.match(text, /BULK_CREATE_THRESHOLD.*must be a whole number of at least 0/);
    assert.match(text, /MAX_BODY_BYTES.*must be a whole number of at least 1024/);
    assert.doesNotMatch(text, /Invalid input|expected number|NaN|Too (big|small)/, text);
  }
});
