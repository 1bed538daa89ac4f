// An accepted token's tenant and client are kept for a moment so a burst of SCIM requests reads them once; no kept
// copy may outlive a revocation, a settings change or an expiry that the bridge can know of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { TenantRepository, VERIFIED_TOKEN_MS, type Tenant } from '../../src/store/tenants.js';
import { openTestStore, testDatabase, type TestStore } from '../helpers/db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Setup {
  store: TestStore;
  /** the repository the SCIM routes authenticate through */
  scim: TenantRepository;
  /** another repository on the same database, as the admin API has */
  admin: TenantRepository;
  tenant: Tenant;
  token: string;
}

/** A fresh store with one tenant (made through the admin repository) and a token of its client `okta`. */
async function withToken(
  name: string,
  opts: { settings?: Record<string, unknown>; expiresInMs?: number },
  fn: (s: Setup) => Promise<void>,
): Promise<void> {
  const store = await openTestStore();
  try {
    const scim = new TenantRepository(store.db);
    const admin = new TenantRepository(store.db, 'admin');
    const tenant = await admin.create(name, name, opts.settings);
    const { token } = await admin.createToken(
      tenant.id,
      'okta',
      opts.expiresInMs ? { expiresAt: new Date(Date.now() + opts.expiresInMs).toISOString() } : {},
    );
    await fn({ store, scim, admin, tenant, token });
  } finally {
    await store.close();
  }
}

test('a revocation through any repository of this process is refused at the next request', () =>
  withToken('kept-revoke', {}, async ({ scim, admin, tenant, token }) => {
    assert.ok(await scim.authenticate(token));
    assert.ok(await scim.authenticate(token), 'served from the kept copy');
    assert.equal(await admin.revoke(tenant.id, 'okta'), 1);
    assert.equal(await scim.authenticate(token), undefined);
  }));

test("a settings change is in the next request's tenant", () =>
  withToken('kept-settings', { settings: { policies: { onShopifyRefusal: 'accept' } } }, async ({ scim, admin, tenant, token }) => {
    assert.deepEqual((await scim.authenticate(token))!.tenant.settings, { policies: { onShopifyRefusal: 'accept' } });
    await admin.changeSettings(tenant.id, (s) => {
      s.policies = { onShopifyRefusal: 'reject' };
    });
    assert.deepEqual((await scim.authenticate(token))!.tenant.settings, { policies: { onShopifyRefusal: 'reject' } });
  }));

test('a kept token past its expiry is refused as expired', () =>
  withToken('kept-expiry', { expiresInMs: 400 }, async ({ scim, token }) => {
    assert.ok(await scim.authenticate(token));
    await sleep(450);
    assert.deepEqual(await scim.verifyToken(token), { failure: 'expired' });
  }));

test('a revocation by another process is seen: at once on SQLite, within the keeping time on PostgreSQL', () =>
  withToken('kept-elsewhere', {}, async ({ store, scim, tenant, token }) => {
    assert.ok(await scim.authenticate(token));
    // A connection of its own, outside the repositories (and so outside this process's own change counter), stands
    // for a CLI command or another instance writing to the same database.
    const revokedAt = new Date().toISOString();
    if (testDatabase === 'sqlite') {
      const other = new SqliteDatabase(store.url.replace(/^sqlite:/, ''));
      other.prepare('update clients set revoked_at = ? where tenant_id = ?').run(revokedAt, tenant.id);
      other.close();
      assert.equal(await scim.authenticate(token), undefined, 'at once on SQLite');
    } else {
      const other = new pg.Client({ connectionString: store.url, options: `-c search_path=${store.pgSchema}` });
      await other.connect();
      await other.query('update clients set revoked_at = $1 where tenant_id = $2', [revokedAt, tenant.id]);
      await other.end();
      assert.ok(await scim.authenticate(token), 'kept for a moment on PostgreSQL');
      await sleep(VERIFIED_TOKEN_MS + 50);
      assert.equal(await scim.authenticate(token), undefined, 'refused within VERIFIED_TOKEN_MS on PostgreSQL');
    }
  }));

test('a token used once a minute is touched once, not at every request served from the kept copy', () =>
  withToken('kept-touch', {}, async ({ scim, tenant, token }) => {
    for (let i = 0; i < 3; i++) {
      const a = (await scim.authenticate(token))!;
      await scim.touch(a.client);
      assert.ok(a.client.lastUsedAt, 'the kept client knows it was used');
    }
    const [c] = await scim.listClients(tenant.id);
    assert.ok(c!.lastUsedAt);
  }));
