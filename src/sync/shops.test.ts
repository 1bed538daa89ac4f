import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../security/secrets.js';
import { sealShopSettings, readShopSettings, ShopConnections } from './shops.js';

const box = new SecretBox(randomBytes(32));

test('shop secrets are sealed at rest and opened on read', () => {
  const stored = sealShopSettings(
    { shop: 'Acme', accessToken: 'shpat_secret', clientId: 'cid', clientSecret: 'shpss_x', apiBaseUrl: 'http://127.0.0.1:9/' },
    box,
  );
  assert.equal(stored.shop, 'acme.myshopify.com');
  assert.equal(stored.apiBaseUrl, 'http://127.0.0.1:9');
  assert.ok(SecretBox.isSealed(stored.accessToken!) && !JSON.stringify(stored).includes('shpat_secret'), JSON.stringify(stored));
  assert.ok(SecretBox.isSealed(stored.clientSecret!));
  assert.equal(stored.clientId, 'cid', 'a client id is not secret');
  const read = readShopSettings({ shopify: stored }, box);
  assert.deepEqual(read, {
    shop: 'acme.myshopify.com',
    apiBaseUrl: 'http://127.0.0.1:9',
    clientId: 'cid',
    accessToken: 'shpat_secret',
    clientSecret: 'shpss_x',
  });
  assert.equal(
    sealShopSettings({ shop: 'acme', accessToken: stored.accessToken }, box).accessToken,
    stored.accessToken,
    'sealing twice keeps one layer',
  );
});

test('a tenant without a connection has no client; one connection gets one cached client until it changes', () => {
  const shops = new ShopConnections({ box });
  assert.equal(shops.clientFor({ settings: {} }), undefined);
  assert.equal(shops.clientFor({ settings: { shopify: { shop: 'acme' } } }), undefined, 'no credentials, no client');
  const settings = { shopify: sealShopSettings({ shop: 'acme', accessToken: 't1' }, box) };
  const a = shops.clientFor({ settings });
  assert.ok(a);
  assert.equal(shops.clientFor({ settings }), a);
  const b = shops.clientFor({ settings: { shopify: sealShopSettings({ shop: 'acme', accessToken: 't2' }, box) } });
  assert.notEqual(b, a, 'new credentials, new client');
});
