// When the worker gives up on a user.sync job, the user's link turns failed in the same transaction, unless a later
// sync of that user is still to run (it decides); a delayed erasure does not count as one, and a user without a link
// (deleted since) gets none. The HTTP view of this is in test/admin/jobs.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore as store } from '../helpers/stores.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { enqueue } from '../../src/store/outbox.js';
import { Worker } from '../../src/sync/worker.js';
import { LinkRepository } from '../../src/store/links.js';
import { userSyncDead } from '../../src/sync/failures.js';
import { USER_SYNC } from '../../src/sync/provision.js';
import { USER_ERASE } from '../../src/sync/deprovision.js';

test('a dead-lettered user.sync marks its user failed unless a later sync of the user is still queued', async () => {
  const s = await store();
  const tenant = await new TenantRepository(s.db).create('gaveup');
  const links = new LinkRepository();
  const now = new Date().toISOString();
  await links.markPending(s.db, tenant.id, ['alone', 'followed', 'erased'], now);
  const later = new Date(Date.now() + 3600_000);
  const sync = (userId: string, runAfter?: Date) =>
    enqueue(s.db, { tenantId: tenant.id, key: `user:${userId}`, kind: USER_SYNC, payload: { userId }, ...(runAfter ? { runAfter } : {}) });
  const jobs = { alone: await sync('alone'), followed: await sync('followed'), erased: await sync('erased'), gone: await sync('gone') };
  await sync('followed', later); // a later write of the user, not yet due (so not covered by the first run)
  await enqueue(s.db, { tenantId: tenant.id, key: 'user:erased', kind: USER_ERASE, payload: { userId: 'erased' }, runAfter: later });

  const w = new Worker({ store: s, pollMs: 20, retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 2 } }).register(
    USER_SYNC,
    async () => ({ outcome: 'retry', error: { code: 'HTTP_5XX', message: 'Shopify answered HTTP 503 for jane@example.com' } }),
    { coalesce: true, onDead: userSyncDead },
  );
  await w.start();
  try {
    for (const id of Object.values(jobs)) assert.equal((await w.waitFor(id, 5000))?.state, 'dead');
  } finally {
    await w.stop();
  }
  const got = await links.getMany(s.db, tenant.id, ['alone', 'followed', 'erased', 'gone']);
  const reason = 'gave up after 2 attempts; the last error was HTTP_5XX';
  assert.deepEqual(
    [got.get('alone')?.syncState, got.get('alone')?.syncError, got.get('alone')?.syncErrorCode],
    ['failed', reason, 'HTTP_5XX'],
  );
  assert.deepEqual([got.get('erased')?.syncState, got.get('erased')?.syncError], ['failed', reason], 'a delayed erasure is no later sync');
  assert.deepEqual([got.get('followed')?.syncState, got.get('followed')?.syncError], ['pending', null], 'the later sync decides');
  assert.equal(got.has('gone'), false, 'no link is made for a user without one');
  const audited = await s.db
    .selectFrom('audit_log')
    .select(['resource_id', 'detail'])
    .where('action', '=', 'shopify.customer.failed')
    .orderBy('resource_id')
    .execute();
  assert.deepEqual(
    audited.map((a) => [a.resource_id, JSON.parse(a.detail)]),
    ['alone', 'erased'].map((u) => [u, { code: 'HTTP_5XX', reason, attempts: 2 }]),
    'audited, without the error message',
  );
});
