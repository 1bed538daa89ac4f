// Large initial provisionings through the whole bridge against the emulator's Standard-plan bucket: a backlog of
// new users is created by one Shopify bulk mutation, the rest (taken emails, later writes) by the per-user path.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openTestStore, type TestStore } from '../helpers/db.js';
import { call, type Res } from '../helpers/http.js';
import { startBridgeStack, connectedTenant } from '../helpers/stack.js';
import { TenantRepository } from '../../src/store/tenants.js';
import type { Emulator } from '../../src/emulator/index.js';
import type { Bridge } from '../../src/server.js';
import { attachBulkCreate, type BulkCreate, type BulkCreateOptions } from '../../src/sync/bulk-schedule.js';
import { USER_SYNC } from '../../src/sync/provision.js';
import { leaseCandidates, releaseLeased, tenantsWithBacklog } from '../../src/store/bulk-candidates.js';
import { enqueue, getJob } from '../../src/store/outbox.js';
import { LinkRepository } from '../../src/store/links.js';
import { planCreates } from '../../src/sync/bulk-provision.js';
import { readMapping } from '../../src/settings/policies.js';
import { documents, runBulkMutation, createShopifyClient } from '../../src/shopify/index.js';

const USER_EXT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

interface Stack {
  store: TestStore;
  emu: Emulator;
  bridge: Bridge;
  bulk?: BulkCreate;
  tenantId: string;
  req(method: string, path: string, body?: unknown): Promise<Res>;
  close(): Promise<void>;
}

/** The bridge with its engine (sync wait 0), the emulator with its default Standard-plan bucket, and optionally bulk creates. */
async function startStack(o: { bulk: boolean | Partial<BulkCreateOptions>; bulkStepMs?: number }): Promise<Stack> {
  // The bridge's own bulk worker is off: each test attaches one with its own tuning, or none.
  const stack = await startBridgeStack({
    emulator: { bulkStepMs: o.bulkStepMs ?? 10 },
    env: { SYNC_WAIT_MS: '0', BULK_CREATE_THRESHOLD: '0' },
    worker: { concurrency: 8 },
    shopClient: { timeoutMs: 5000, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 } },
  });
  const { store, emu, bridge } = stack;
  const { tenant, token } = await connectedTenant(stack, `t${randomBytes(3).toString('hex')}`, { displayName: 'Bulk Store' });
  const tuning = typeof o.bulk === 'object' ? o.bulk : {};
  const bulk = o.bulk
    ? attachBulkCreate(bridge.engine!, { store, threshold: 100, scanMs: 100, pollIntervalMs: 50, metrics: bridge.metrics, ...tuning })
    : undefined;
  await bulk?.start();
  const base = `${bridge.url}/scim/v2/${tenant.name}`;
  return {
    store,
    emu,
    bridge,
    bulk,
    tenantId: tenant.id,
    req: (method, path, body) =>
      call(method, base + path, {
        headers: { authorization: `Bearer ${token}` },
        body,
        contentType: 'application/scim+json',
        label: path,
        dumpChars: 800,
      }),
    async close() {
      await bulk?.stop();
      await stack.close();
    },
  };
}

const userBody = (run: string, i: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', USER_EXT],
  userName: `${run}.u${i}@example.com`,
  name: { givenName: `Given${i}`, familyName: `Family${i}` },
  emails: [{ value: `${run}.u${i}@example.com`, type: 'work', primary: true }],
  active: true,
  [USER_EXT]: { department: `Dept${i % 7}` },
});

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
    }),
  );
}

/** POSTs `count` users (16 at a time) and returns their SCIM ids by index. */
async function provision(s: Stack, run: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  await pool([...Array(count).keys()], 16, async (i) => {
    const r = await s.req('POST', '/Users', userBody(run, i));
    assert.equal(r.status, 201, r.dump);
    ids[i] = r.body.id;
  });
  return ids;
}

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once every given user is synced at its current version. */
async function allSynced(s: Stack, ids: string[], ms: number): Promise<void> {
  let last = '';
  await until(
    `every user to be synced (${ids.length})`,
    async () => {
      const rows = await s.store.db
        .selectFrom('customer_links')
        .innerJoin('users', (j) =>
          j.onRef('users.id', '=', 'customer_links.user_id').onRef('users.tenant_id', '=', 'customer_links.tenant_id'),
        )
        .select(['customer_links.sync_state', 'customer_links.synced_version', 'users.version', 'customer_links.customer_id'])
        .where('users.tenant_id', '=', s.tenantId)
        .execute();
      const done = rows.filter((r) => r.sync_state === 'synced' && r.customer_id && Number(r.synced_version) === Number(r.version)).length;
      last = `${done}/${ids.length} synced, states: ${JSON.stringify(rows.reduce<Record<string, number>>((a, r) => ({ ...a, [r.sync_state]: (a[r.sync_state] ?? 0) + 1 }), {}))}`;
      return done === ids.length;
    },
    ms,
  ).catch((e) => {
    throw new Error(`${(e as Error).message}: ${last}`);
  });
}

const clientOf = (s: Stack) =>
  createShopifyClient({ shop: s.emu.shop, baseUrl: s.emu.url, auth: { kind: 'token', accessToken: s.emu.accessToken } });

/** A stack closed when test `t` ends. */
async function stackFor(t: TestContext, o: Parameters<typeof startStack>[0]): Promise<Stack> {
  const s = await startStack(o);
  t.after(() => s.close());
  return s;
}

test(
  '600 new users become customers through one bulk mutation; taken emails are adopted by the per-user path; no duplicates',
  { timeout: 150_000 },
  async (t) => {
    const s = await stackFor(t, { bulk: true });
    const run = `b${randomBytes(3).toString('hex')}`;
    // Five users already shop here: the per-user path must adopt their customers, not duplicate them.
    const existing = [3, 150, 299, 451, 598].map(
      (i) => s.emu.control.createCustomer({ email: `${run}.u${i}@example.com`, firstName: 'Existing' }).customer!,
    );
    const started = Date.now();
    const ids = await provision(s, run, 600);
    // A group added while the backlog is being worked off: its tag reaches its members through later user.sync jobs.
    const members = ids.slice(200, 240);
    const g = await s.req('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Engineering',
      members: members.map((value) => ({ value })),
    });
    assert.equal(g.status, 201, g.dump);
    await allSynced(s, ids, 100_000);
    const elapsed = Date.now() - started;

    const counters = s.emu.control.counters();
    const customers = s.emu.control.customers().filter((c) => c.email?.startsWith(`${run}.`));
    assert.equal(customers.length, 600, 'one customer per user, no duplicates');
    assert.equal(new Set(customers.map((c) => c.email)).size, 600);
    // A full bucket (2,000 points) serves about 200 per-user creates at 10 points each, and the per-user path keeps a
    // backlog it works off within 10 s; the rest goes through bulk mutations.
    assert.ok(counters.bulkMutationLines >= 100, `the backlog went through bulk mutations (${counters.bulkMutationLines} lines)`);
    // Each user the bulk mutation did not create costs one customerCreate; the rest are the group's tags (40), the
    // adoptions (a refused create and an update each) and the bulk operation's own calls.
    assert.ok(
      counters.mutations <= 600 - counters.bulkMutationLines + 40 + 2 * 5 + 10,
      `one GraphQL mutation per user created outside the bulk mutation (${counters.mutations} for ${600 - counters.bulkMutationLines})`,
    );
    // Read through a client of our own: it waits for the bucket, which the per-user path may have just emptied.
    const { data: ops } = await clientOf(s).request<{ bulkOperations: { nodes: Array<{ status: string; objectCount: string }> } }>({
      name: 'BulkMutations',
      text: 'query BulkMutations { bulkOperations(first: 20, query: "type:mutation") { nodes { status objectCount } } }',
    });
    const nodes = ops.bulkOperations.nodes;
    assert.ok(nodes.length >= 1 && nodes.every((o) => o.status === 'COMPLETED'), JSON.stringify(nodes));
    assert.equal(
      nodes.reduce((n, o) => n + Number(o.objectCount), 0),
      counters.bulkMutationLines,
    );

    const byEmail = new Map(customers.map((c) => [c.email, c]));
    for (const [i, id] of ids.entries()) {
      const got = await s.req('GET', `/Users/${id}`);
      const ext = got.body['urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User'];
      assert.equal(ext?.syncState, 'synced', got.dump);
      const c = byEmail.get(`${run}.u${i}@example.com`)!;
      assert.equal(ext.customerId, c.id, `user ${i} is linked to its customer`);
      assert.equal(c.lastName, `Family${i}`, `user ${i}'s fields reached Shopify`);
      assert.ok(c.tags.includes('scim-provisioned'), `user ${i} carries the configured tag: ${c.tags}`);
      assert.deepEqual(
        c.metafields.find((m) => m.namespace === 'shopify_scim' && m.key === 'scim_id')?.value,
        id,
        `user ${i} carries its custom id`,
      );
      assert.equal(c.metafields.find((m) => m.key === 'department')?.value, `Dept${i % 7}`, `user ${i} carries its mapped metafield`);
      if (i >= 200 && i < 240) assert.ok(c.tags.includes('group:Engineering'), `member ${i} got its group tag: ${c.tags}`);
    }
    for (const e of existing) assert.equal(byEmail.get(e.email!)?.id, e.id, `the customer already there for ${e.email} was adopted`);
    const adopted = await s.store.db
      .selectFrom('audit_log')
      .select('resource_id')
      .where('tenant_id', '=', s.tenantId)
      .where('action', '=', 'shopify.customer.adopted')
      .execute();
    assert.equal(adopted.length, 5);
    const bulkCreated = (await s.bridge.metrics.bulkCreatedCustomers.get()).values[0]?.value ?? 0;
    assert.ok(bulkCreated >= counters.bulkMutationLines - 5, `the metric counts bulk-created customers (${bulkCreated})`);
    const dead = await s.store.db
      .selectFrom('outbox_jobs')
      .select(['kind', 'last_error'])
      .where('tenant_id', '=', s.tenantId)
      .where('state', '=', 'dead')
      .execute();
    assert.deepEqual(dead, []);
    console.log(
      `bulk provisioning: 600 users in ${elapsed} ms; ${counters.bulkMutationLines} bulk lines, ${counters.mutations} GraphQL mutations, ${counters.requests} GraphQL requests`,
    );
  },
);

test('a bulk create takes only due user.sync jobs heading their key, for users with no customer, and hands them back as they were', async () => {
  const store = await openTestStore();
  try {
    const tenant = await new TenantRepository(store.db).create(`k${randomBytes(3).toString('hex')}`, 'Keys', {});
    const job = (key: string, extra: Partial<Parameters<typeof enqueue>[1]> = {}) =>
      enqueue(store.db, { tenantId: tenant.id, key, kind: 'user.sync', payload: { userId: key.slice(5) }, ...extra });
    const fresh = await job('user:fresh');
    const behindDelete = await enqueue(store.db, { tenantId: tenant.id, key: 'user:deleting', kind: 'user.delete', payload: {} }).then(() =>
      job('user:deleting'),
    );
    const runningHead = await job('user:busy');
    await store.db
      .updateTable('outbox_jobs')
      .set({ state: 'running', leased_by: 'worker', lease_until: new Date(Date.now() + 60_000).toISOString() })
      .where('id', '=', runningHead)
      .execute();
    const behindRunning = await job('user:busy');
    const later = await job('user:later', { runAfter: new Date(Date.now() + 60_000) });
    const linked = await job('user:linked');
    await new LinkRepository().update(store.db, tenant.id, 'linked', { customerId: 'gid://shopify/Customer/9' }, new Date().toISOString());
    const pendingLink = await job('user:pending');
    await new LinkRepository().markPending(store.db, tenant.id, ['pending'], new Date().toISOString());
    const otherQueue = await job('user:target', { queue: 'target:x' });

    assert.deepEqual(await tenantsWithBacklog(store.db, USER_SYNC, Date.now(), 2), [{ tenantId: tenant.id, jobs: 2 }]);
    assert.deepEqual(await tenantsWithBacklog(store.db, USER_SYNC, Date.now(), 3), []);
    const leased = await leaseCandidates(store.db, store.dialect, {
      kind: USER_SYNC,
      tenantId: tenant.id,
      instanceId: 'bulk',
      now: Date.now(),
      leaseMs: 60_000,
      limit: 100,
    });
    assert.deepEqual(
      leased.map((j) => j.id),
      [fresh, pendingLink],
    );
    assert.ok(leased.every((j) => j.state === 'running' && j.leasedBy === 'bulk' && j.attempts === 1));
    for (const id of [behindDelete, behindRunning, later, linked, otherQueue])
      assert.equal((await getJob(store.db, id))?.state, 'queued', `job ${id} was left alone`);
    assert.deepEqual(
      await leaseCandidates(store.db, store.dialect, {
        kind: USER_SYNC,
        tenantId: tenant.id,
        instanceId: 'other',
        now: Date.now(),
        leaseMs: 60_000,
        limit: 100,
      }),
      [],
      'a leased job is taken once',
    );

    assert.equal(
      await releaseLeased(
        store.db,
        'bulk',
        leased.map((j) => j.id),
        Date.now(),
      ),
      2,
    );
    for (const id of [fresh, pendingLink]) {
      const j = await getJob(store.db, id);
      assert.deepEqual([j?.state, j?.attempts, j?.leasedBy], ['queued', 0, null], `job ${id} is back as it was`);
    }
  } finally {
    await store.close();
  }
});

test('a small batch stays on the per-user path', async (t) => {
  const s = await stackFor(t, { bulk: true });
  const ids = await provision(s, `s${randomBytes(3).toString('hex')}`, 20);
  await allSynced(s, ids, 20_000);
  await s.bulk!.scan();
  assert.equal(s.emu.control.counters().bulkMutationLines, 0);
});

test(
  'a process that dies after its bulk mutation ran leaves no duplicates: the per-user path links the customers by custom id',
  { timeout: 150_000 },
  async (t) => {
    const s = await stackFor(t, { bulk: false });
    const engine = s.bridge.engine!;
    await engine.worker.stop(); // nothing runs the jobs while the "dead" process holds them
    const ids = await provision(s, `c${randomBytes(3).toString('hex')}`, 150);
    const tenant = (await new TenantRepository(s.store.db).byId(s.tenantId))!;
    const leased = await leaseCandidates(s.store.db, s.store.dialect, {
      kind: USER_SYNC,
      tenantId: s.tenantId,
      instanceId: 'dead-process',
      now: Date.now(),
      leaseMs: 500,
      limit: 1000,
    });
    assert.equal(leased.length, 150);
    const { creates } = await planCreates(s.store.db, tenant, readMapping(tenant.settings), leased);
    const client = clientOf(s);
    await engine.shops.ensureCustomId(engine.shops.clientFor(tenant)!, readMapping(tenant.settings).customIdMetafield);
    let made = 0;
    for await (const r of runBulkMutation<{ customerCreate: { customer: { id: string } | null } }>(client, {
      mutation: documents.bulkCustomerCreate,
      lines: creates.map((c) => ({ input: c.input })),
      pollIntervalMs: 20,
    }))
      if (r.data?.customerCreate.customer) made++;
    assert.equal(made, 150, 'the bulk mutation created every customer before the process died');
    // The process is gone: its leases run out and the per-user path takes the jobs over.
    await new Promise((r) => setTimeout(r, 600));
    await engine.worker.start();
    await allSynced(s, ids, 40_000);
    const customers = s.emu.control.customers();
    assert.equal(customers.length, 150, 'no customer was created twice');
    const links = await s.store.db
      .selectFrom('customer_links')
      .select(['user_id', 'customer_id'])
      .where('tenant_id', '=', s.tenantId)
      .execute();
    for (const l of links) {
      const c = customers.find((x) => x.id === l.customer_id)!;
      assert.equal(
        c.metafields.find((m) => m.key === 'scim_id')?.value,
        l.user_id,
        'each user is linked to the customer carrying its custom id',
      );
    }
  },
);

test(
  'a bulk create that gives up waiting hands every user back; customers its operation still makes are linked by custom id, none twice',
  { timeout: 150_000 },
  async (t) => {
    // Shopify takes 1.5 s per status step here, so the operation is still waiting when the bulk create gives up.
    const s = await stackFor(t, { bulk: { timeoutMs: 400, retryDelayMs: 600_000 }, bulkStepMs: 1500 });
    // The per-user path waits until the bulk create has taken the backlog (it would otherwise create most users first).
    await s.bridge.engine!.worker.stop();
    const ids = await provision(s, `t${randomBytes(3).toString('hex')}`, 150);
    await until(
      'the bulk create to take the backlog',
      async () => {
        const r = await s.store.db
          .selectFrom('outbox_jobs')
          .select('id')
          .where('tenant_id', '=', s.tenantId)
          .where('kind', '=', 'tenant.bulkCreate')
          .executeTakeFirst();
        return !!r;
      },
      10_000,
    );
    await s.bridge.engine!.worker.start();
    await allSynced(s, ids, 50_000);
    const client = clientOf(s);
    await until(
      'the abandoned operation to finish in Shopify',
      async () => {
        const { data } = await client.request<{ bulkOperations: { nodes: Array<{ status: string }> } }>({
          name: 'BulkMutations',
          text: 'query BulkMutations { bulkOperations(first: 5, query: "type:mutation") { nodes { status } } }',
        });
        return data.bulkOperations.nodes.length > 0 && data.bulkOperations.nodes.every((n) => n.status === 'COMPLETED');
      },
      20_000,
    );
    assert.ok(s.emu.control.counters().bulkMutationLines > 0, 'the abandoned operation ran in Shopify all the same');
    const customers = s.emu.control.customers();
    assert.equal(customers.length, 150, 'no customer was created twice');
    const bulkJobs = await s.store.db
      .selectFrom('outbox_jobs')
      .select(['state', 'last_error_code'])
      .where('tenant_id', '=', s.tenantId)
      .where('kind', '=', 'tenant.bulkCreate')
      .execute();
    assert.ok(
      bulkJobs.some((j) => j.state === 'queued' && j.last_error_code === 'TIMEOUT'),
      `the bulk create waits to be tried again: ${JSON.stringify(bulkJobs)}`,
    );
    const recovered = await s.store.db.selectFrom('customer_links').select('customer_id').where('tenant_id', '=', s.tenantId).execute();
    assert.equal(new Set(recovered.map((r) => r.customer_id)).size, 150);
  },
);

// Opt-in (BULK_BENCH=1): without bulk creates, 600 users at the Standard plan's 100 points/s take minutes.
test(
  'with bulk creates, 600 users are provisioned several times faster than one by one',
  { skip: !process.env.BULK_BENCH, timeout: 600_000 },
  async () => {
    const timeFor = async (bulk: boolean) => {
      const s = await startStack({ bulk });
      try {
        const started = Date.now();
        const ids = await provision(s, `p${randomBytes(3).toString('hex')}`, 600);
        await allSynced(s, ids, 540_000);
        return { ms: Date.now() - started, counters: s.emu.control.counters() };
      } finally {
        await s.close();
      }
    };
    const withBulk = await timeFor(true);
    const oneByOne = await timeFor(false);
    const ratio = oneByOne.ms / withBulk.ms;
    console.log(
      `600 users: ${withBulk.ms} ms with bulk creates (${withBulk.counters.mutations} mutations, ${withBulk.counters.bulkMutationLines} bulk lines), ${oneByOne.ms} ms one by one (${oneByOne.counters.mutations} mutations): ${ratio.toFixed(1)}x`,
    );
    assert.equal(oneByOne.counters.bulkMutationLines, 0);
    assert.ok(ratio > 2, `bulk creates are faster (${ratio.toFixed(2)}x)`);
  },
);
