import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from './helpers/db.js';

test('migrations create every table and are idempotent on reopen', async () => {
  const store = await openTestStore();
  try {
    const now = new Date().toISOString();
    await store.db.insertInto('tenants').values({ id: 't1', name: 'acme', display_name: 'Acme', created_at: now, settings: '{}' }).execute();
    const row = await store.db.selectFrom('tenants').selectAll().where('name', '=', 'acme').executeTakeFirstOrThrow();
    assert.equal(row.display_name, 'Acme');
    await assert.rejects(
      store.db.insertInto('tenants').values({ id: 't2', name: 'acme', display_name: 'x', created_at: now, settings: '{}' }).execute(),
    );
  } finally {
    await store.close();
  }
});
