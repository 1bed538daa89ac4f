// The sync engine of one process: the outbox worker with the Shopify job handlers registered, the tenants' shop
// connections and the provisioning hook the SCIM service calls. Other modules register their job kinds on `worker`.
import type { Store } from '../store/db.js';
import type { Metrics } from '../metrics.js';
import type { SecretBox } from '../security/secrets.js';
import type { ProvisioningHook } from '../provisioning.js';
import type { ThrottleStore } from '../shopify/index.js';
import { Worker, type WorkerOptions } from './worker.js';
import type { Logger } from './job-contract.js';
import { ShopConnections, type ShopConnectionsOptions } from './shops.js';
import { createProvisioningHook } from './hook.js';
import { syncUserJob } from './provision.js';
import { deleteUserJob, eraseJob } from './deprovision.js';
import { DbThrottleStore } from './throttle-store.js';
import type { BudgetHistory } from './budget.js';
import { userSyncDead, type ProvisionDeps } from './failures.js';
import { registerJob } from './jobs.js';
import { InitialLoads } from './initial-load.js';
import { USER_DELETE_JOB, USER_ERASE_JOB, USER_SYNC_JOB } from './job-kinds.js';

export interface EngineOptions {
  store: Pick<Store, 'db' | 'dialect'>;
  box: SecretBox;
  /** SYNC_WAIT_MS: how long a SCIM request waits for its Shopify write */
  syncWaitMs: number;
  metrics?: Metrics;
  log?: Logger;
  /** worker settings (concurrency, poll interval, retry policy, lease, clock, instance id) */
  worker?: Omit<WorkerOptions, 'store' | 'metrics' | 'logger'>;
  /** Shopify client settings for every shop (timeouts, retries within one run) */
  shopClient?: ShopConnectionsOptions['client'];
  /** default: shared through the database on PostgreSQL, in memory on SQLite */
  throttle?: ThrottleStore;
  /** records each shop's API budget use for the admin dashboard */
  budget?: BudgetHistory;
}

export interface Engine {
  worker: Worker;
  shops: ShopConnections;
  hook: ProvisioningHook;
  /** which tenants are in an initial load (the bulk scan judges it; a first create's SCIM write then does not wait) */
  loads: InitialLoads;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the engine; nothing runs until start(). */
export function createEngine(opts: EngineOptions): Engine {
  const now = opts.worker?.now ?? Date.now;
  const log = opts.log ?? { info() {}, warn() {}, error() {} };
  const worker = new Worker({ ...opts.worker, store: opts.store, metrics: opts.metrics, logger: log });
  const throttle = opts.throttle ?? (opts.store.dialect === 'postgres' ? new DbThrottleStore(opts.store.db) : undefined);
  const shops = new ShopConnections({
    box: opts.box,
    metrics: opts.metrics,
    log,
    client: opts.shopClient,
    ...(opts.budget ? { budget: opts.budget } : {}),
    ...(throttle ? { throttle } : {}),
  });
  const deps: ProvisionDeps = { db: opts.store.db, shops, now, log };
  registerJob(worker, USER_SYNC_JOB, ({ job, payload }) => syncUserJob(deps, job, payload), { coalesce: true, onDead: userSyncDead });
  registerJob(worker, USER_DELETE_JOB, ({ job, payload }) => deleteUserJob(deps, job, payload));
  registerJob(worker, USER_ERASE_JOB, ({ job, payload }) => eraseJob(deps, job, payload));
  const loads = new InitialLoads(now);
  const hook = createProvisioningHook({ db: opts.store.db, worker, syncWaitMs: opts.syncWaitMs, shops, loads, log });
  return {
    worker,
    shops,
    hook,
    loads,
    start: () => worker.start(),
    async stop() {
      await worker.stop();
      // The calls of jobs cut short still hold points of the shared bucket: give them back for the other instances.
      if (throttle instanceof DbThrottleStore)
        await throttle.releaseHeld().catch((e: unknown) => log.warn({ err: e }, 'giving back the Shopify cost reservations failed'));
    },
  };
}
