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
  const c = loadConfig({ SHOPIFY_SHOP: 'My-Store.myshopify.com', SHOPIFY_ACCESS_TOKEN: 'shpat_x', PUBLIC_URL: 'https://scim.example.com/' });
  assert.equal(c.shopify?.shop, 'my-store.myshopify.com');
  assert.equal(c.publicUrl, 'https://scim.example.com');
});
