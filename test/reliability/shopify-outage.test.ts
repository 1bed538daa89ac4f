// Shopify away for a sustained period (503s, then calls that never answer), then back: the writes made meanwhile are
// acknowledged (pending), queued, and drain once Shopify answers; none is dead-lettered. Then another app drains the
// shop's shared cost bucket: calls wait for the bucket, THROTTLED answers are retried, none reaches a user's state.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from '../sync/harness.js';

let s: Stack;
after(() => s?.close());

async function drained(s: Stack, users: number, ms: number): Promise<void> {
  await s.until(
    `${users} users synced at their current version`,
    async () => {
      const links = await s.store.db
        .selectFrom('customer_links')
        .innerJoin('users', (j) => j.onRef('users.id', '=', 'customer_links.user_id'))
        .select(['customer_links.sync_state', 'customer_links.synced_version', 'users.version'])
        .execute();
      return links.length === users && links.every((l) => l.sync_state === 'synced' && Number(l.synced_version) === Number(l.version));
    },
    ms,
  );
}

test(
  'a sustained Shopify outage (5xx, then timeouts) drains once Shopify is back, nothing dead-lettered',
  { timeout: 60_000 },
  async () => {
    // The job backoff of production scaled down 300×, its 24-hour retry window with it.
    s = await startStack({
      syncWaitMs: 300,
      worker: { retry: { baseDelayMs: 50, maxDelayMs: 1000 } },
      shopClient: { timeoutMs: 500 },
    });
    s.emu.control.setFaults({ errorRate: 1, status: 503 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await s.req('POST', '/Users', oktaUser(`down${i}@example.com`));
      assert.equal(r.status, 201, 'the write is taken while Shopify is down');
      assert.equal(r.body[SHOPIFY_EXT].syncState, 'pending');
      ids.push(r.body.id);
    }
    await new Promise((r) => setTimeout(r, 1500));
    // Then Shopify stops answering at all: every call times out.
    s.emu.control.setFaults({ errorRate: 0, timeoutRate: 1 });
    for (let i = 0; i < 10; i++) {
      const r = await s.req('PATCH', `/Users/${ids[i]}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'name.familyName', value: 'DuringOutage' }],
      });
      assert.equal(r.status, 200);
    }
    await new Promise((r) => setTimeout(r, 1500));
    const during = await s.store.db.selectFrom('outbox_jobs').select(['state', 'attempts']).where('kind', '=', 'user.sync').execute();
    assert.ok(
      during.some((j) => Number(j.attempts) >= 3),
      'jobs were retried during the outage',
    );
    const callsDuring = s.emu.control.counters();
    s.emu.control.clearFaults();

    await drained(s, 20, 30_000);
    const dead = await s.store.db.selectFrom('outbox_jobs').select(['id', 'last_error_code']).where('state', '=', 'dead').execute();
    assert.deepEqual(dead, [], 'nothing dead-lettered');
    const customers = s.emu.control.customers().filter((c) => c.email?.startsWith('down'));
    assert.equal(customers.length, 20, 'one customer per user');
    assert.equal(customers.filter((c) => c.lastName === 'DuringOutage').length, 10, 'the writes made during the outage arrived');
    assert.ok(callsDuring, 'the emulator counted the calls');
  },
);

test('throttle pressure from another app on the shared bucket: calls wait, no THROTTLED reaches a user', { timeout: 60_000 }, async () => {
  // Another app takes 95% of the bucket now and 95% of its restore rate from here on.
  s.emu.control.setFaults({ throttlePressure: 0.95 });
  const before = await s.bridge.metrics.registry.getSingleMetricAsString('scim_shopify_throttled_total');
  const writes = [];
  for (let i = 0; i < 20; i++)
    writes.push(
      s.req(
        'PATCH',
        `/Users/${(await s.req('GET', `/Users?filter=${encodeURIComponent(`userName eq "down${i}@example.com"`)}`)).body.Resources[0].id}`,
        {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'name.familyName', value: 'UnderPressure' }],
        },
      ),
    );
  for (const w of await Promise.all(writes)) assert.equal(w.status, 200);
  await drained(s, 20, 45_000);
  s.emu.control.clearFaults();

  const links = await s.store.db.selectFrom('customer_links').select(['sync_error_code', 'sync_state']).execute();
  assert.deepEqual(
    links.filter((l) => l.sync_error_code === 'THROTTLED' || l.sync_state !== 'synced'),
    [],
  );
  const jobs = await s.store.db.selectFrom('outbox_jobs').select(['state', 'last_error_code']).where('state', '=', 'dead').execute();
  assert.deepEqual(jobs, [], 'no job dead-lettered');
  assert.equal(s.emu.control.customers().filter((c) => c.lastName === 'UnderPressure').length, 20);
  // The pressure was real: the bridge waited for the bucket or was answered THROTTLED (and retried).
  const waited = (await s.bridge.metrics.registry.getSingleMetric('scim_shopify_throttle_waits_total')!.get()).values[0]?.value ?? 0;
  const throttled = (await s.bridge.metrics.registry.getSingleMetric('scim_shopify_throttled_total')!.get()).values[0]?.value ?? 0;
  assert.ok(waited + throttled > 0, `no sign of the pressure (${before})`);
});
