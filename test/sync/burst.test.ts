// A burst of 500 SCIM writes while Shopify fails (5xx and requests that never answer) for a while: every write is
// accepted, nothing is lost or duplicated, the writes Shopify accepts for a user land in the order they were made, and
// once Shopify recovers each customer ends at its user's last write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  s = await startStack({ syncWaitMs: 150, worker: { concurrency: 12 } });
});
after(async () => {
  await s?.close();
});

const USERS = 25;
const WRITES_PER_USER = 20;

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
    }),
  );
}

test(
  '500 writes during a Shopify outage all reach Shopify, in order per user, with no duplicate customers',
  { timeout: 150_000 },
  async () => {
    s.emu.control.setFaults({ errorRate: 0.35, status: 502, timeoutRate: 0.05 });
    const ids: string[] = [];
    const statuses: number[] = [];
    const started = Date.now();
    // Each user: created, then renamed step by step, one request after the other (as an IdP does per user).
    await pool([...Array(USERS).keys()], 10, async (u) => {
      const r = await s.req('POST', '/Users', oktaUser(`burst${u}@example.com`));
      statuses.push(r.status);
      assert.equal(r.status, 201, r.dump);
      ids[u] = r.body.id;
      for (let k = 1; k < WRITES_PER_USER; k++) {
        const p = await s.req('PATCH', `/Users/${r.body.id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'name.familyName', value: `Step-${k}` }],
        });
        statuses.push(p.status);
        assert.equal(p.status, 200, p.dump);
      }
    });
    assert.equal(statuses.length, USERS * WRITES_PER_USER);
    const faults = s.emu.control.counters();
    assert.ok(faults.faultErrors > 0, 'Shopify did fail during the burst');
    s.emu.control.clearFaults();

    await s.until(
      'every user to be synced at its last version',
      async () => {
        const rows = await s.store.db
          .selectFrom('customer_links')
          .innerJoin('users', (j) => j.onRef('users.id', '=', 'customer_links.user_id'))
          .select(['customer_links.sync_state', 'customer_links.synced_version', 'users.version'])
          .where('users.user_name', 'like', 'burst%')
          .execute();
        return rows.length === USERS && rows.every((r) => r.sync_state === 'synced' && Number(r.synced_version) === Number(r.version));
      },
      90_000,
    );

    // In order per user: each write Shopify accepted is audited with the user version it carried, in the order applied;
    // those versions only ever increase (an older state never lands after a newer one) and end at the user's last.
    const finalVersions = new Map(
      (await s.store.db.selectFrom('users').select(['id', 'version']).where('id', 'in', ids).execute()).map((r) => [
        r.id,
        Number(r.version),
      ]),
    );
    const applied = await s.store.db
      .selectFrom('audit_log')
      .select(['resource_id', 'action', 'detail'])
      .where('tenant_id', '=', s.tenantId)
      .where('action', 'like', 'shopify.customer.%')
      .where('resource_id', 'in', ids)
      .orderBy('id')
      .execute();
    const versions = new Map<string, number[]>(ids.map((id) => [id, []]));
    for (const e of applied) {
      const v = (JSON.parse(e.detail) as { version?: unknown }).version;
      assert.equal(typeof v, 'number', `${e.action} of ${e.resource_id} names the version it applied: ${e.detail}`);
      versions.get(e.resource_id!)!.push(v as number);
    }
    for (const [u, id] of ids.entries()) {
      const list = versions.get(id)!;
      assert.ok(list.length > 0, `user ${u} has applied writes`);
      for (let i = 1; i < list.length; i++)
        assert.ok(list[i]! > list[i - 1]!, `user ${u}: version ${list[i]} applied after ${list[i - 1]} (${list.join(', ')})`);
      assert.equal(list.at(-1), finalVersions.get(id), `user ${u}: the last write applied is its last version (${list.join(', ')})`);
    }
    const ordered = [...versions.values()].filter((l) => l.length > 1).length;
    assert.ok(ordered >= USERS / 2, `most users had several writes applied, so their order was checked (${ordered} of ${USERS})`);

    const customers = s.emu.control.customers().filter((c) => c.email?.startsWith('burst'));
    assert.equal(customers.length, USERS, 'one customer per user, no duplicates');
    for (const [u, id] of ids.entries()) {
      const got = await s.req('GET', `/Users/${id}`);
      const c = s.emu.control.customer(got.body[SHOPIFY_EXT].customerId)!;
      assert.equal(c.email, `burst${u}@example.com`);
      assert.equal(c.lastName, `Step-${WRITES_PER_USER - 1}`, `user ${u} ends at its last write`);
    }
    const dead = await s.store.db
      .selectFrom('outbox_jobs')
      .select(['id', 'kind', 'last_error'])
      .where('state', '=', 'dead')
      .where('kind', 'in', ['user.sync', 'user.delete'])
      .execute();
    assert.deepEqual(dead, [], 'nothing dead-lettered');
    const coalesced = await s.store.db
      .selectFrom('outbox_jobs')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', '=', 'coalesced')
      .executeTakeFirstOrThrow();
    console.log(
      `burst: ${Date.now() - started} ms, ${faults.faultErrors} injected errors, ${faults.faultTimeouts} timeouts, ${coalesced.n} runs coalesced, ${applied.length} writes applied in order`,
    );
  },
);
