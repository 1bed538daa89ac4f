// An accepted token's tenant and client are kept for a moment so a burst of SCIM requests reads them once; no kept
// copy may outlive a revocation, a settings change or an expiry that the bridge can know of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { TenantRepository, VERIFIED_TOKEN_MS } from '../../src/store/tenants.js';
import { openTestStore, testDatabase } from '../helpers/db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a revocation through any repository of this process is refused at the next request', async () => {
  const store = await openTestStore();
  try {
    const scim = new TenantRepository(store.db);
    const admin = new TenantRepository(store.db, 'admin');
    const t = await admin.create('kept-revoke');
    const { token } = await admin.createToken(t.id, 'okta');
    assert.ok(await scim.authenticate(token));
    assert.ok(await scim.authenticate(token), 'served from the kept copy');
    assert.equal(await admin.revoke(t.id, 'okta'), 1);
    assert.equal(await scim.authenticate(token), undefined);
  } finally {
    await store.close();
  }
});

test("a settings change is in the next request's tenant", async () => {
  const store = await openTestStore();
  try {
    const scim = new TenantRepository(store.db);
    const t = await scim.create('kept-settings', 'Kept', { policies: { onShopifyRefusal: 'accept' } });
    const { token } = await scim.createToken(t.id, 'okta');
    assert.deepEqual((await scim.authenticate(token))!.tenant.settings, { policies: { onShopifyRefusal: 'accept' } });
    await new TenantRepository(store.db, 'admin').changeSettings(t.id, (s) => {
      s.policies = { onShopifyRefusal: 'reject' };
    });
    assert.deepEqual((await scim.authenticate(token))!.tenant.settings, { policies: { onShopifyRefusal: 'reject' } });
  } finally {
    await store.close();
  }
});

test('a kept token past its expiry is refused as expired', async () => {
  const store = await openTestStore();
  try {
    const scim = new TenantRepository(store.db);
    const t = await scim.create('kept-expiry');
    const { token } = await scim.createToken(t.id, 'okta', { expiresAt: new Date(Date.now() + 400).toISOString() });
    assert.ok(await scim.authenticate(token));
    await sleep(450);
    assert.deepEqual(await scim.verifyToken(token), { failure: 'expired' });
  } finally {
    await store.close();
  }
});

test('a revocation by another process is seen: at once on SQLite, within the keeping time on PostgreSQL', async () => {
  const store = await openTestStore();
  try {
    const scim = new TenantRepository(store.db);
    const t = await scim.create('kept-elsewhere');
    const { token } = await scim.createToken(t.id, 'okta');
    assert.ok(await scim.authenticate(token));
    // A connection of its own, outside the repositories (and so outside this process's own change counter), stands
    // for a CLI command or another instance writing to the same database.
    const revokedAt = new Date().toISOString();
    if (testDatabase === 'sqlite') {
      const other = new SqliteDatabase(store.url.replace(/^sqlite:/, ''));
      other.prepare('update clients set revoked_at = ? where tenant_id = ?').run(revokedAt, t.id);
      other.close();
      assert.equal(await scim.authenticate(token), undefined, 'at once on SQLite');
    } else {
      const other = new pg.Client({ connectionString: store.url, options: `-c search_path=${store.pgSchema}` });
      await other.connect();
      await other.query('update clients set revoked_at = $1 where tenant_id = $2', [revokedAt, t.id]);
      await other.end();
      assert.ok(await scim.authenticate(token), 'kept for a moment on PostgreSQL');
      await sleep(VERIFIED_TOKEN_MS + 50);
      assert.equal(await scim.authenticate(token), undefined, 'refused within VERIFIED_TOKEN_MS on PostgreSQL');
    }
  } finally {
    await store.close();
  }
});

test('a token used once a minute is touched once, not at every request served from the kept copy', async () => {
  const store = await openTestStore();
  try {
    const scim = new TenantRepository(store.db);
    const t = await scim.create('kept-touch');
    const { token } = await scim.createToken(t.id, 'okta');
    for (let i = 0; i < 3; i++) {
      const a = (await scim.authenticate(token))!;
      await scim.touch(a.client);
      assert.ok(a.client.lastUsedAt, 'the kept client knows it was used');
    }
    const [c] = await scim.listClients(t.id);
    assert.ok(c!.lastUsedAt);
  } finally {
    await store.close();
  }
});
