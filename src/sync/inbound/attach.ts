// Adds the two-way sync to a running engine: what the webhook receiver needs (each tenant's secret and shop, a wake-up
// after a stored delivery), the inbound and target job handlers, the hook that fans SCIM writes out to targets, and
// the reconcile schedule. The server calls this once at start and gives the receiver to the HTTP layer.
import type { Store } from '../../store/db.js';
import type { AddressPolicy } from '../../security/ssrf.js';
import type { SecretBox } from '../../security/secrets.js';
import type { Tenant } from '../../store/tenants.js';
import type { ProvisioningHook } from '../../provisioning.js';
import type { Engine } from '../engine.js';
import type { Logger } from '../job-contract.js';
import { readShopSettings } from '../shops.js';
import { withTargets } from '../targets/hook.js';
import { registerTargets } from '../targets/handlers.js';
import type { ReconcileDeps } from '../reconcile.js';
import { registerInbound } from './handlers.js';
import { ensureReconcileSchedules, registerReconcile } from './schedule.js';

export interface TwoWayOptions {
  store: Pick<Store, 'db' | 'dialect'>;
  box: SecretBox;
  /** PUBLIC_URL: webhook callbacks and the meta.location of users in outbound events */
  publicUrl?: string;
  /** reconcile every tenant this often (ms); 0 or absent: no schedule */
  reconcileIntervalMs?: number;
  fullReconcileEveryMs?: number;
  /** for outbound targets (tests) */
  fetch?: typeof fetch;
  /** which addresses outbound targets may reach (TARGETS_ALLOW_PRIVATE); default: public ones only */
  addresses?: AddressPolicy;
  /** bulk export polling during reconcile (tests shorten it) */
  pollIntervalMs?: number;
  log?: Logger;
}

/** What the webhook receiver asks the engine: the secret that signs a tenant's webhooks, its shop, and what to do after a delivery was stored. */
export interface WebhookReceiver {
  /** the app's client secret in clear; undefined when unknown (every delivery is then refused) */
  webhookSecret: (tenant: Tenant) => string | undefined | Promise<string | undefined>;
  /** a delivery naming another shop (X-Shopify-Shop-Domain) is refused: one app's secret signs every shop it is in */
  shopDomain?: (tenant: Tenant) => string | undefined;
  onStored?: (tenant: Tenant, topic: string) => void;
}

export interface TwoWay {
  /** the engine's hook with outbound targets added: pass it to buildApp */
  hook: ProvisioningHook;
  /** what the webhook receiver route needs from the engine */
  receiver: WebhookReceiver;
  /** what import, reconcile and subscription management need */
  deps: ReconcileDeps;
  /** queues the reconcile schedule (call after migrations, before or after the worker starts) */
  start(): Promise<void>;
}

/** Registers the two-way handlers on the engine's worker and returns what the HTTP app needs. */
export function attachTwoWay(engine: Engine, opts: TwoWayOptions): TwoWay {
  const db = opts.store.db;
  const deps: ReconcileDeps = {
    db,
    clientFor: (t) => engine.shops.clientFor(t),
    ensureCustomId: (c, ns) => engine.shops.ensureCustomId(c, ns),
    fanout: { publicUrl: opts.publicUrl },
    publicUrl: opts.publicUrl,
    pollIntervalMs: opts.pollIntervalMs,
  };
  registerInbound(engine.worker, deps);
  registerTargets(engine.worker, { db, secrets: opts.box, fetch: opts.fetch, ...(opts.addresses ? { addresses: opts.addresses } : {}) });
  const interval = opts.reconcileIntervalMs ?? 0;
  if (interval > 0) registerReconcile(engine.worker, deps, { intervalMs: interval, fullEveryMs: opts.fullReconcileEveryMs, log: opts.log });
  return {
    hook: withTargets(engine.hook, { publicUrl: opts.publicUrl }),
    receiver: {
      webhookSecret: (t) => readShopSettings(t.settings, opts.box)?.clientSecret,
      shopDomain: (t) => readShopSettings(t.settings, opts.box)?.shop,
      onStored: () => engine.worker.wake(),
    },
    deps,
    async start() {
      if (interval > 0) await ensureReconcileSchedules(db, interval);
    },
  };
}
