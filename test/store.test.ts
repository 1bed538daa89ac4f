import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from './helpers/db.js';
import { TenantRepository } from '../src/store/tenants.js';

test('migrations create every table and are idempotent on reopen', async () => {
  const store = await openTestStore();
  try {
    const now = new Date().toISOString();
    await store.db
      .insertInto('tenants')
      .values({ id: 't1', name: 'acme', display_name: 'Acme', created_at: now, settings: '{}' })
      .execute();
    const row = await store.db.selectFrom('tenants').selectAll().where('name', '=', 'acme').executeTakeFirstOrThrow();
    assert.equal(row.display_name, 'Acme');
    await assert.rejects(
      store.db.insertInto('tenants').values({ id: 't2', name: 'acme', display_name: 'x', created_at: now, settings: '{}' }).execute(),
    );
  } finally {
    await store.close();
  }
});

test("concurrent settings changes of one tenant each keep the other's part, and a missing tenant changes nothing", async () => {
  const store = await openTestStore();
  try {
    const tenants = new TenantRepository(store.db);
    const t = await tenants.create('acme', 'Acme', { keep: 1 });
    // Each writer reads, waits while the other reads too, then writes its own key: without the row held from read to
    // write, the second write would drop the first one's key.
    const slow = (key: string) =>
      tenants.changeSettings(t.id, async (s) => {
        await new Promise((r) => setTimeout(r, 50));
        s[key] = true;
        return key;
      });
    const results = await Promise.all([slow('policies'), slow('shopify'), slow('targets')]);
    assert.deepEqual(
      results.map((r) => r?.value),
      ['policies', 'shopify', 'targets'],
    );
    assert.deepEqual((await tenants.byId(t.id))?.settings, { keep: 1, policies: true, shopify: true, targets: true });
    await assert.rejects(
      tenants.changeSettings(t.id, (s) => {
        s.half = true;
        throw new Error('abandoned');
      }),
      /abandoned/,
    );
    assert.equal((await tenants.byId(t.id))?.settings.half, undefined, 'an abandoned change writes nothing');
    assert.equal(await tenants.changeSettings('no-such-tenant', () => 1), undefined);
  } finally {
    await store.close();
  }
});
