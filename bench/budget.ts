// How fully the per-user Shopify path uses a shop's API budget: users provisioned through the real SCIM HTTP API
// into a bridge connected to the emulator set to a plan's restore rate, from an emptied bucket (the steady state of
// a long initial cycle), with the shop's webhooks coming back to the bridge as they would from a real shop.
// Reports customer creates/s against the most the budget allows (restore rate / points actually charged per created
// customer), points requested against charged, requests per created customer, and THROTTLED answers that reached a
// user's sync state. With --full, also the initial load of 20,000 users on the per-call path and with bulk mutations.
//
//   npx tsx bench/budget.ts [--users 2000] [--plans standard,plus] [--concurrency 16] [--full] [--initial 20000]
//     [--emulator process|in-process: the shop in a process of its own (default) or in the bridge's]
//   TEST_DATABASE=postgres npx tsx bench/budget.ts   (PostgreSQL at TEST_POSTGRES_URL, default 127.0.0.1:5432/test)
import { mkdirSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { spawnServer } from './lib/harness.js';
import { cpus, totalmem } from 'node:os';
import { startBridgeStack, connectedTenant, type BridgeStack } from '../test/helpers/stack.js';
import { testDatabase } from '../test/helpers/db.js';
import { ensureTenantWebhooks } from '../src/sync/inbound/subscriptions.js';
import { TenantRepository } from '../src/store/tenants.js';
import type { EmulatorCounters, EmulatorOptions } from '../src/emulator/index.js';
import { SHOPIFY_EXT } from '../test/helpers/http.js';

interface Plan {
  name: string;
  restoreRate: number;
  bucketSize: number;
}

const PLANS: Record<string, Plan> = {
  // Shopify promises the restore rate per plan, not the bucket size: ten seconds of restore here.
  standard: { name: 'Standard', restoreRate: 100, bucketSize: 1000 },
  plus: { name: 'Plus', restoreRate: 1000, bucketSize: 10_000 },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1]!.startsWith('--') ? process.argv[i + 1]! : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const USERS = Number(arg('users', '2000'));
const CONCURRENCY = Number(arg('concurrency', '16'));
const PLAN_NAMES = arg('plans', 'standard,plus')
  .split(',')
  .filter((p) => p && p !== 'none');
const FULL = flag('full');
const INITIAL = Number(arg('initial', '20000'));
const INITIAL_PLAN = arg('initial-plan', 'standard');
const LABEL = arg('label', '');
/** which initial loads --full runs: the per-call path alone, and the bridge's default choice (bulk from a backlog of 100) */
const INITIAL_MODES = arg('initial-modes', 'per-call,default').split(',');
/**
 * where the shop runs: `process` (default), a process of its own as a real shop is; `in-process`, inside the bridge's
 * process, sharing its event loop (how the earlier figures were taken)
 */
const EMULATOR = arg('emulator', 'process');
if (EMULATOR !== 'process' && EMULATOR !== 'in-process') throw new Error('--emulator is process or in-process');

function user(i: number, run: string): Record<string, unknown> {
  const given = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'][i % 8]!;
  const family = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'][(i >> 3) % 8]!;
  const userName = `${given.toLowerCase()}.${family.toLowerCase()}.${run}.${i}@example.com`;
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    externalId: `ext-${run}-${i}`,
    name: { givenName: given, familyName: family },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  };
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
    }),
  );
}

function diff(a: EmulatorCounters, b: EmulatorCounters) {
  return {
    requests: b.requests - a.requests,
    throttled: b.throttled - a.throttled,
    costRequested: b.costRequested - a.costRequested,
    costSpent: b.costSpent - a.costSpent,
    mutations: b.mutations - a.mutations,
    bulkMutationLines: b.bulkMutationLines - a.bulkMutationLines,
    webhooksDelivered: b.webhooksDelivered - a.webhooksDelivered,
  };
}

/** What the scenario asks of the shop, in the bridge's process or through the emulator's control API. */
interface Shop {
  connection: { shop: string; url: string; accessToken: string; clientSecret: string };
  counters(): Promise<EmulatorCounters>;
  customerCount(): Promise<number>;
  /** empties the cost bucket (the steady state of a long initial cycle) */
  drain(): Promise<void>;
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
}

function shopInProcess(stack: BridgeStack): Shop {
  const c = stack.emu.control;
  return {
    connection: stack.emu,
    counters: async () => c.counters(),
    customerCount: async () => c.customers().length,
    drain: async () => {
      c.setFaults({ throttlePressure: 1 });
      c.clearFaults();
    },
    webhooksIdle: () => c.webhooksIdle(),
    close: async () => undefined,
  };
}

async function shopProcess(options: EmulatorOptions): Promise<Shop> {
  const { info: connection, stop } = await spawnServer<Shop['connection']>('emulator.ts', { BENCH_EMULATOR: JSON.stringify(options) });
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${connection.url}/_emulator/${path}`, {
      method,
      headers: { 'x-shopify-access-token': connection.accessToken, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!r.ok) throw new Error(`emulator ${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  return {
    connection,
    counters: async () => (await control<{ counters: EmulatorCounters }>('GET', 'counters')).counters,
    customerCount: async () => (await control<{ customers: unknown[] }>('GET', 'customers')).customers.length,
    drain: async () => {
      await control('PUT', 'faults', { throttlePressure: 1 });
      await control('DELETE', 'faults');
    },
    webhooksIdle: async () => void (await control('POST', 'webhooks/idle')),
    close: stop,
  };
}

interface Scenario {
  plan: Plan;
  users: number;
  /** 0: per-call path only */
  bulkThreshold: number;
  /** empty the bucket before the first POST (steady state) */
  drain: boolean;
  webhooks: boolean;
}

async function run(sc: Scenario) {
  const emulator: EmulatorOptions = {
    restoreRate: sc.plan.restoreRate,
    bucketSize: sc.plan.bucketSize,
    planName: sc.plan.name,
    webhookRetry: { attempts: 5, baseDelayMs: 200, timeoutMs: 5000 },
  };
  const stack: BridgeStack = await startBridgeStack({
    // in-process: the shop itself; process: an idle one beside the shop in its own process
    emulator,
    env: { BULK_CREATE_THRESHOLD: String(sc.bulkThreshold), SYNC_WAIT_MS: '3000' },
    worker: { concurrency: 8 },
  });
  const shop = EMULATOR === 'process' ? await shopProcess(emulator) : shopInProcess(stack);
  try {
    const { tenant, token } = await connectedTenant({ ...stack, emu: shop.connection }, 'bench', {
      webhookSecret: true,
      settings: { policies: { importShopifyCreated: true } },
    });
    if (sc.webhooks) {
      const t = (await new TenantRepository(stack.store.db).byId(tenant.id))!;
      await ensureTenantWebhooks({ ...stack.bridge.twoWay!.deps, publicUrl: stack.bridge.url }, t);
    }
    const base = `${stack.bridge.url}/scim/v2/bench`;
    // The custom id definition and the webhook subscriptions are made once per shop: not part of a user's cost.
    const warm = await fetch(`${base}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(user(0, 'warm')),
    });
    if (warm.status !== 201) throw new Error(`warm-up POST answered ${warm.status}: ${await warm.text()}`);
    await waitSynced(stack, tenant.id, 1, 60_000);
    await shop.webhooksIdle();
    await sleep(500);
    if (sc.drain) await shop.drain();
    const c0 = await shop.counters();
    const customers0 = await shop.customerCount();
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let pendingAnswers = 0;
    const throttledSeen = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        for (const r of await stack.store.db
          .selectFrom('customer_links')
          .select(['user_id'])
          .where('tenant_id', '=', tenant.id)
          .where('sync_error_code', '=', 'THROTTLED')
          .execute())
          throttledSeen.add(r.user_id);
        await sleep(250);
      }
    })();
    const started = Date.now();
    await pool([...Array(sc.users).keys()], CONCURRENCY, async (i) => {
      const t = Date.now();
      const res = await fetch(`${base}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify(user(i + 1, 'b')),
      });
      const body = (await res.json()) as Record<string, Record<string, unknown> | undefined>;
      latencies.push(Date.now() - t);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const ext = body[SHOPIFY_EXT];
      if (ext && ext.syncState === 'pending') pendingAnswers++;
    });
    const postsDone = Date.now();
    const lastSynced = await waitSynced(stack, tenant.id, sc.users + 1, 3_600_000);
    const syncedAt = Date.now();
    const c1 = await shop.counters();
    // The webhooks of these creates, and what the bridge spends on them, once they have all been handled.
    await shop.webhooksIdle();
    await drainInbound(stack, tenant.id);
    const c2 = await shop.counters();
    watching = false;
    await watch;
    const created = (await shop.customerCount()) - customers0;
    const deadJobs = await stack.store.db
      .selectFrom('outbox_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenant.id)
      .where('last_error_code', '=', 'THROTTLED')
      .executeTakeFirst();
    const sync = diff(c0, c1);
    const all = diff(c0, c2);
    const seconds = (lastSynced - started) / 1000;
    const perUserCharged = all.costSpent / Math.max(1, created);
    const ceiling = sc.plan.restoreRate / perUserCharged;
    const achieved = created / seconds;
    return {
      plan: sc.plan,
      users: sc.users,
      bulkThreshold: sc.bulkThreshold,
      created,
      seconds: round(seconds, 1),
      postsSeconds: round((postsDone - started) / 1000, 1),
      createsPerSecond: round(achieved),
      /** restore rate / points charged per created customer (everything the bridge spent, webhooks included) */
      ceilingPerSecond: round(ceiling),
      fractionOfCeiling: round(achieved / ceiling, 3),
      /** against the cheapest possible create: one customerCreate mutation (10 points) */
      fractionOfMutationBudget: round(achieved / (sc.plan.restoreRate / 10), 3),
      pointsChargedPerCustomer: round(perUserCharged),
      pointsRequestedPerCustomer: round(all.costRequested / Math.max(1, created)),
      requestedOverCharged: round(all.costRequested / Math.max(1, all.costSpent)),
      requestsPerCustomer: round(all.requests / Math.max(1, created)),
      duringSync: sync,
      withWebhooks: all,
      webhookHandlingSeconds: round((Date.now() - syncedAt) / 1000, 1),
      throttledAnswers: all.throttled,
      throttledInSyncState: throttledSeen.size,
      jobsWithThrottledError: Number(deadJobs?.n ?? 0),
      post: {
        statuses: Object.fromEntries(statuses),
        pendingAnswers,
        p50ms: pct(latencies, 50),
        p99ms: pct(latencies, 99),
        maxMs: pct(latencies, 100),
      },
    };
  } finally {
    await stack.close();
    await shop.close();
  }
}

/** Waits until `n` users of the tenant are synced; returns when the last one was (its last_synced_at, ms). */
async function waitSynced(stack: BridgeStack, tenantId: string, n: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await stack.store.db
      .selectFrom('customer_links')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('last_synced_at').as('last')])
      .where('tenant_id', '=', tenantId)
      .where('sync_state', '=', 'synced')
      .executeTakeFirst();
    if (Number(r?.n ?? 0) >= n) return Date.parse(String(r!.last));
    if (Date.now() > deadline) throw new Error(`only ${r?.n} of ${n} users synced`);
    await sleep(200);
  }
}

/** Waits until no job of the tenant is queued or running (the inbound work of the webhooks included). */
async function drainInbound(stack: BridgeStack, tenantId: string): Promise<void> {
  for (let quiet = 0; quiet < 3;) {
    const r = await stack.store.db
      .selectFrom('outbox_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    quiet = Number(r?.n ?? 0) === 0 ? quiet + 1 : 0;
    await sleep(300);
  }
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main() {
  const results: Record<string, unknown>[] = [];
  const rows: string[][] = [];
  /** One line of the printed table: a run's figures in the order of the header. */
  const tableRow = (label: string, r: Awaited<ReturnType<typeof run>>): string[] => [
    label,
    String(r.created),
    String(r.seconds),
    String(r.createsPerSecond),
    String(r.ceilingPerSecond),
    `${round(r.fractionOfCeiling * 100, 1)}%`,
    `${round(r.fractionOfMutationBudget * 100, 1)}%`,
    String(r.pointsChargedPerCustomer),
    String(r.requestedOverCharged),
    String(r.requestsPerCustomer),
    String(r.throttledInSyncState),
    `${r.post.p50ms}/${r.post.p99ms}`,
  ];
  for (const name of PLAN_NAMES) {
    const plan = PLANS[name];
    if (!plan) throw new Error(`unknown plan ${name} (standard, plus)`);
    process.stderr.write(`budget: ${USERS} users on ${plan.name} (${plan.restoreRate} points/s)…\n`);
    const r = await run({ plan, users: USERS, bulkThreshold: 0, drain: true, webhooks: true });
    results.push({ scenario: 'per-user', ...r });
    rows.push(tableRow(`per-user ${plan.name}`, r));
  }
  if (FULL) {
    const plan = PLANS[INITIAL_PLAN]!;
    for (const [scenario, bulkThreshold] of (
      [
        ['initial per-call', 0],
        ['initial default', 100],
      ] as const
    ).filter(([name]) => INITIAL_MODES.includes(name.replace('initial ', '')))) {
      process.stderr.write(`budget: initial load of ${INITIAL} users on ${plan.name}, ${scenario}…\n`);
      const r = await run({ plan, users: INITIAL, bulkThreshold, drain: false, webhooks: true });
      results.push({ scenario, ...r });
      rows.push(tableRow(`${scenario} ${plan.name}`, r));
    }
  }
  const out = {
    bench: 'budget',
    label: LABEL || undefined,
    commit: commit(),
    at: new Date().toISOString(),
    database: testDatabase,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version },
    concurrency: CONCURRENCY,
    emulator: EMULATOR,
    results,
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/budget-${LABEL ? `${LABEL}-` : ''}${out.at.replace(/[:.]/g, '-')}.json`, import.meta.url);
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  const head = [
    'scenario',
    'created',
    's',
    'creates/s',
    'ceiling/s',
    'of ceiling',
    'of 10-pt budget',
    'pts/customer',
    'req/charged',
    'requests/customer',
    'THROTTLED in state',
    'POST p50/p99 ms',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(`\n${file.pathname}`);
}

await main();
process.exit(0);
