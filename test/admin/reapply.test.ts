// A mapping change re-applied to 1,000 linked customers through the outbox: progress visible while it runs, and at the
// end every customer in the emulator carries its own new value, with nothing lost, failed or mixed up.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack } from './harness.js';
import { UserRepository } from '../../src/store/users.js';
import { LinkRepository } from '../../src/store/links.js';

const USERS = 1000;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

// A Plus-sized budget (the emulator's default is a Standard shop) keeps the file within its time; the worker's
// throttle still plans every call from the bucket Shopify reports.
const stack = await startAdminStack({ emulator: { restoreRate: 5000, bucketSize: 20000 }, worker: { concurrency: 16 } });
after(() => stack.close());

/** Users with linked customers as an earlier sync left them: the user, the customer (custom id, managed tag), the link. */
async function seed(tenantId: string, n: number): Promise<Map<string, { costCenter: string; vip: boolean }>> {
  const out = new Map<string, { costCenter: string; vip: boolean }>();
  const users = new UserRepository();
  const links = new LinkRepository();
  const now = new Date().toISOString();
  await stack.store.db.transaction().execute(async (tx) => {
    for (let i = 0; i < n; i++) {
      const data = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
        userName: `user${i}@example.com`,
        name: { givenName: `Given${i}`, familyName: `Family${i}` },
        emails: [{ value: `user${i}@example.com`, type: 'work', primary: true }],
        active: true,
        [ENT]: { costCenter: `CC-${i}` },
      };
      const user = await users.insert(tx, tenantId, data, null);
      const vip = i % 10 === 0;
      const { customer, userErrors } = stack.emu.control.createCustomer({
        firstName: `Given${i}`,
        lastName: `Family${i}`,
        email: `user${i}@example.com`,
        tags: ['scim-provisioned', ...(vip ? ['vip'] : [])],
        metafields: [
          { namespace: 'shopify_scim', key: 'scim_id', type: 'id', value: user.id },
          { namespace: 'scim', key: 'cost_center', type: 'single_line_text_field', value: `CC-${i}` },
        ],
      });
      assert.ok(customer, JSON.stringify(userErrors));
      await links.update(
        tx,
        tenantId,
        user.id,
        { customerId: customer.id, syncState: 'synced', syncedVersion: user.version, managedTags: ['scim-provisioned'], lastSyncedAt: now },
        now,
      );
      out.set(user.id, { costCenter: `CC-${i}`, vip });
    }
  });
  return out;
}

test(`a mapping change re-applied to ${USERS} users reaches every customer, with progress visible`, { timeout: 150_000 }, async () => {
  const t = await stack.tenant('reapply');
  await stack.admin('PUT', `/tenants/${t.name}/policies`, { syncWaitMs: 0 });
  const v1 = await stack.admin('POST', `/tenants/${t.name}/mapping/preset`, { name: 'okta' });
  assert.equal(v1.status, 200, v1.dump);

  // 1,000 users the bridge provisioned earlier (seeded directly: creating them through Shopify's API would only
  // re-prove the create path at the emulator's pace), each with its own cost centre; one in ten carries a merchant tag.
  const seeded = await seed(t.id, USERS);
  // the change: a new static tag, and the cost centre into a metafield of its own
  const doc = v1.body.document;
  doc.tags.static = [...doc.tags.static, 'wave-2'];
  doc.rules.push({
    id: 'finance-cc',
    source: `${ENT}:costCenter`,
    target: { kind: 'metafield', namespace: 'finance', key: 'cost_center', type: 'single_line_text_field' },
  });
  const v2 = await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc);
  assert.equal(v2.status, 200, v2.dump);
  assert.equal(
    v2.body.definitions.find((d: { namespace: string; key: string }) => d.namespace === 'finance' && d.key === 'cost_center').status,
    'created',
    v2.dump,
  );

  const started = await stack.admin('POST', `/tenants/${t.name}/mapping/reapply`);
  assert.equal(started.status, 202, started.dump);
  assert.equal(started.body.mappingVersion, v2.body.version);
  const url = `/tenants/${t.name}/mapping/reapply/${started.body.runId}`;
  const seen: { total: number; done: number; failed: number; pending: number; state: string; finished: boolean }[] = [];
  const final = await stack.until(
    'the re-apply to finish',
    async () => {
      const p = await stack.admin('GET', url);
      assert.equal(p.status, 200, p.dump);
      seen.push(p.body);
      return p.body.finished ? p.body : undefined;
    },
    120_000,
  );
  assert.equal(seen[0]!.finished, false, 'the first look shows work in progress');
  assert.ok(
    seen.some((p) => p.total > 0 && p.done < p.total),
    `progress was visible part way: ${JSON.stringify(seen.slice(0, 5))}`,
  );
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.done >= seen[i - 1]!.done, 'done never goes back');
  assert.deepEqual(
    { state: final.state, total: final.total, done: final.done, failed: final.failed, pending: final.pending, failures: final.failures },
    { state: 'enqueued', total: USERS, done: USERS, failed: 0, pending: 0, failures: [] },
  );

  // every customer carries the new tag and its own cost centre
  const customers = stack.emu.control.customers();
  assert.equal(customers.length, USERS, 'one customer per user, none lost or doubled');
  const wrong: string[] = [];
  for (const c of customers) {
    const mf = (ns: string, key: string) => c.metafields.find((m) => m.namespace === ns && m.key === key)?.value;
    const want = seeded.get(mf('shopify_scim', 'scim_id')!);
    const ok =
      want &&
      c.tags.includes('wave-2') &&
      c.tags.includes('scim-provisioned') &&
      mf('finance', 'cost_center') === want.costCenter &&
      (!want.vip || c.tags.includes('vip'));
    if (!ok) wrong.push(`${c.id}: ${JSON.stringify({ tags: c.tags, cc: mf('finance', 'cost_center'), want })}`);
  }
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} customers lack the new values`);

  const runs = await stack.admin('GET', `/tenants/${t.name}/mapping/reapply`);
  assert.equal(runs.body.runs[0].runId, started.body.runId, runs.dump);
});

test('progress of an unknown run is a 404, and a run with nobody to re-apply finishes at once', async () => {
  const t = await stack.tenant('reapply-empty');
  const missing = await stack.admin('GET', `/tenants/${t.name}/mapping/reapply/nope`);
  assert.equal(missing.status, 404, missing.dump);
  const run = await stack.admin('POST', `/tenants/${t.name}/mapping/reapply`);
  const done = await stack.until('the empty run', async () => {
    const p = await stack.admin('GET', `/tenants/${t.name}/mapping/reapply/${run.body.runId}`);
    return p.body.finished ? p.body : undefined;
  });
  assert.deepEqual([done.total, done.done, done.pending], [0, 0, 0]);
});
