// Adds bulk creates to an engine: a watch on each tenant's backlog of users without a customer, and a worker of its
// own for tenant.bulkCreate jobs (the main worker takes jobs oldest first, so one queued behind the backlog would wait).
import type { Store } from '../store/db.js';
import type { Metrics } from '../metrics.js';
import type { Engine } from './engine.js';
import { Worker } from './worker.js';
import type { Logger } from './job-contract.js';
import { hasOpenJob } from '../store/outbox.js';
import { tenantsWithBacklog } from '../store/bulk-candidates.js';
import { bulkCreateJob, type BulkCreateSettings, type BulkDeps } from './bulk-provision.js';
import { USER_SYNC } from './provision.js';
import { registerJob, enqueueJob } from './jobs.js';
import { TENANT_BULK_CREATE_JOB } from './job-kinds.js';
import { TenantRepository } from '../store/tenants.js';
import { MUTATION_COST } from '../shopify/index.js';
import { usersCreatedSince } from '../store/arrivals.js';
import { INITIAL_LOAD_DEFAULTS, isSustainedLoad, type InitialLoadSettings } from './initial-load.js';

export interface BulkCreateOptions extends Partial<BulkCreateSettings> {
  store: Pick<Store, 'db' | 'dialect'>;
  /** how often each tenant's backlog is looked at (ms); default 1 s */
  scanMs?: number;
  /** tenants' bulk creates running at once; default 2 */
  concurrency?: number;
  /**
   * a backlog the shop's bucket lets the per-user path create within this long (ms, at 10 points a user, by the
   * throttle's model of the bucket) stays on that path: a bulk operation's upload and polling take longer; default 10 s
   */
  perCallHorizonMs?: number;
  /**
   * an initial load (first creates arriving over a window about as fast as the per-user path serves them, see
   * initial-load.ts): its SCIM creates answer at once and its backlog goes to a bulk create however quickly the
   * bucket could serve it one by one; false judges by the backlog alone
   */
  initialLoad?: Partial<InitialLoadSettings> | false;
  metrics?: Metrics;
  log?: Logger;
  now?: () => number;
}

export interface BulkCreate {
  worker: Worker;
  /**
   * judges whether each tenant with recent first creates is in an initial load, then looks at every tenant's backlog
   * and queues a bulk create where it is large enough; returns how many
   */
  scan(): Promise<number>;
  /** after the engine's worker started (it requeues what a dead process left running; this worker does not) */
  start(): Promise<void>;
  /** before the engine's worker stops */
  stop(): Promise<void>;
}

export const BULK_CREATE_DEFAULTS: BulkCreateSettings = {
  threshold: 100,
  maxBatch: 10_000,
  leaseMs: 120_000,
  pollIntervalMs: 1000,
  timeoutMs: 3_600_000,
  retryDelayMs: 60_000,
};

/** Registers bulk creates beside `engine`; nothing runs until start(). */
export function attachBulkCreate(engine: Engine, opts: BulkCreateOptions): BulkCreate {
  const db = opts.store.db;
  const now = opts.now ?? Date.now;
  const log = opts.log ?? { info() {}, warn() {}, error() {} };
  const settings: BulkCreateSettings = {
    threshold: opts.threshold ?? BULK_CREATE_DEFAULTS.threshold,
    maxBatch: opts.maxBatch ?? BULK_CREATE_DEFAULTS.maxBatch,
    leaseMs: opts.leaseMs ?? BULK_CREATE_DEFAULTS.leaseMs,
    pollIntervalMs: opts.pollIntervalMs ?? BULK_CREATE_DEFAULTS.pollIntervalMs,
    timeoutMs: opts.timeoutMs ?? BULK_CREATE_DEFAULTS.timeoutMs,
    retryDelayMs: opts.retryDelayMs ?? BULK_CREATE_DEFAULTS.retryDelayMs,
  };
  if (!(settings.threshold >= 1) || !(settings.maxBatch >= settings.threshold))
    throw new Error(
      `bulk create needs a threshold of at least 1 and a batch of at least the threshold (got ${settings.threshold} and ${settings.maxBatch})`,
    );
  const scanMs = opts.scanMs ?? 1000;
  const worker = new Worker({
    store: opts.store,
    instanceId: `${engine.worker.instanceId}:bulk`,
    concurrency: opts.concurrency ?? 2,
    leaseMs: settings.leaseMs,
    pollMs: scanMs,
    now,
    metrics: opts.metrics,
    logger: log,
    recoverOnStart: false,
  });
  const deps: BulkDeps = {
    db,
    dialect: opts.store.dialect,
    shops: engine.shops,
    now,
    log,
    instanceId: worker.instanceId,
    settings,
    metrics: opts.metrics,
    onReleased: () => engine.worker.wake(),
  };
  registerJob(worker, TENANT_BULK_CREATE_JOB, ({ job, signal }) => bulkCreateJob(deps, job, signal));

  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<number> | undefined;

  const horizonMs = opts.perCallHorizonMs ?? 10_000;
  const tenants = new TenantRepository(db);

  /** The throttle's model of the tenant's shop bucket (undefined: no shop, or no call seen yet). */
  async function bucketOf(tenantId: string) {
    const tenant = await tenants.byId(tenantId);
    return tenant ? await engine.shops.clientFor(tenant)?.throttleSnapshot() : undefined;
  }

  /** Whether the per-user path creates `jobs` users within the horizon, as the shop's bucket stands (unknown: no). */
  async function perCallSoonEnough(tenantId: string, jobs: number): Promise<boolean> {
    const snap = await bucketOf(tenantId);
    if (!snap || snap.restoreRate <= 0) return false;
    const ms = (Math.max(0, jobs * MUTATION_COST - snap.level) / snap.restoreRate) * 1000;
    return ms < horizonMs;
  }

  const load: InitialLoadSettings | undefined = opts.initialLoad === false ? undefined : { ...INITIAL_LOAD_DEFAULTS, ...opts.initialLoad };
  if (load && !(load.windowMs > 0 && load.rateFraction > 0 && load.minArrivals >= 1))
    throw new Error(
      `an initial load needs a window, a rate fraction above 0 and at least 1 arrival (got ${load.windowMs} ms, ${load.rateFraction}, ${load.minArrivals})`,
    );

  /** The per-user path's pace for the tenant's shop (customers a second), by the throttle's restore rate; 0 unknown. */
  async function perCallRate(tenantId: string): Promise<number> {
    const snap = await bucketOf(tenantId);
    return snap && snap.restoreRate > 0 ? snap.restoreRate / MUTATION_COST : 0;
  }

  /** Counts the recent first creates of every tenant this process saw one for, and records who is in a load. */
  async function judgeLoads(s: InitialLoadSettings): Promise<void> {
    for (const tenantId of engine.loads.watched(s.windowMs)) {
      const t = now();
      const arrivals = await usersCreatedSince(db, tenantId, t - s.windowMs, t - s.windowMs / 2);
      const perCallPerSecond = await perCallRate(tenantId);
      const inLoad = isSustainedLoad(arrivals, perCallPerSecond, s);
      // Renewed at every scan; a verdict outlives a few missed scans only.
      if (engine.loads.set(tenantId, inLoad, Math.max(3 * scanMs, 5000)))
        log.info(
          { tenantId, arrivals: arrivals.earlier + arrivals.later, windowMs: s.windowMs, perCallPerSecond },
          inLoad
            ? 'initial load: first creates arrive as fast as the API budget serves them; SCIM creates answer at once and go to bulk creates'
            : 'initial load over: SCIM creates wait for their outcome again',
        );
    }
  }

  async function scanOnce(): Promise<number> {
    if (load) await judgeLoads(load);
    let queued = 0;
    for (const { tenantId, jobs } of await tenantsWithBacklog(db, USER_SYNC, now(), settings.threshold)) {
      const key = `bulk:${tenantId}`;
      // One bulk create per tenant at a time: the next one looks at what is left when this one is done.
      if (await hasOpenJob(db, tenantId, key)) continue;
      // The faster way: a backlog the bucket serves at once is quicker one by one than through a bulk operation,
      // unless first creates keep arriving at the per-user path's pace (the bucket will not catch up with them).
      if (!engine.loads.inLoad(tenantId) && (await perCallSoonEnough(tenantId, jobs))) continue;
      await enqueueJob(db, TENANT_BULK_CREATE_JOB, { tenantId, key, payload: {}, now: now() });
      queued++;
    }
    if (queued) worker.wake();
    return queued;
  }

  const scan = () => {
    scanning ??= scanOnce().finally(() => (scanning = undefined));
    return scanning;
  };

  return {
    worker,
    scan,
    async start() {
      await worker.start();
      timer = setInterval(() => void scan().catch((e) => log.warn({ err: e }, 'looking for provisioning backlogs failed')), scanMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await scanning?.catch(() => undefined);
      await worker.stop();
    },
  };
}
