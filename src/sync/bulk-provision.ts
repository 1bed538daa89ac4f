// The tenant.bulkCreate job: takes a tenant's backlog of users still without a customer (an initial provisioning)
// from the per-user path, creates their customers with one Shopify bulk mutation, links them, and hands back the rest.
import type { Kysely } from 'kysely';
import type { Database } from '../store/types.js';
import type { Dialect } from '../store/db.js';
import type { Metrics } from '../metrics.js';
import { UserRepository } from '../store/users.js';
import { GroupRepository } from '../store/groups.js';
import { audit, type ResourceRecord } from '../store/resources.js';
import { TenantRepository, type Tenant } from '../store/tenants.js';
import {
  customerFingerprint,
  mapToShopify,
  uniqueTags,
  type AppliedState,
  type DesiredCustomer,
  type GroupRef,
  type MappingDocument,
} from '../mapping/index.js';
import { documents, runBulkMutation, type CustomerInput, type ShopifyClient } from '../shopify/index.js';
import { createInput } from './customer-writes.js';
import { LinkRepository, type CustomerLink } from '../store/links.js';
import { hasOpenJob, iso, type OutboxJob } from '../store/outbox.js';
import { renewLeases } from '../store/claim.js';
import { finishLeased, leaseCandidates, releaseLeased } from '../store/bulk-candidates.js';
import type { ProvisionDeps } from './failures.js';
import { classify } from './errors.js';
import { USER_SYNC } from './provision.js';
import type { JobOutcome } from './job-contract.js';
import { settingsOf } from '../settings/tenant-settings.js';
import { TENANT_BULK_CREATE_JOB, USER_SYNC_JOB } from './job-kinds.js';
import { enqueueJob } from './jobs.js';

export const TENANT_BULK_CREATE = TENANT_BULK_CREATE_JOB.kind;

const users = new UserRepository();
const groups = new GroupRepository();
const links = new LinkRepository();

export interface BulkCreateSettings {
  /** fewer candidates than this: the per-user path is as quick, the jobs are handed back */
  threshold: number;
  /** most users one bulk mutation takes */
  maxBatch: number;
  /** lease of the user.sync jobs taken (renewed while the bulk operation runs) */
  leaseMs: number;
  /** between polls of the bulk operation */
  pollIntervalMs: number;
  /** give the bulk operation up (and hand the jobs back) after this long */
  timeoutMs: number;
  /** a failed bulk create is tried again after this long; meanwhile the per-user path goes on */
  retryDelayMs: number;
}

export interface BulkDeps extends ProvisionDeps {
  dialect: Dialect;
  /** leases of the user.sync jobs taken are held under this id */
  instanceId: string;
  settings: BulkCreateSettings;
  metrics?: Metrics;
  /** called when jobs go back to the per-user path (wakes its worker) */
  onReleased?: () => void;
}

/** One user the bulk create makes a customer for: its line of variables and what to record once it exists. */
export interface PlannedCreate {
  job: OutboxJob;
  user: ResourceRecord;
  input: CustomerInput;
  desired: DesiredCustomer;
  applied: AppliedState;
  tags: string[];
}

/** A created customer as a bulk result line names it: with its default address, the one the mapping writes to. */
type CreatedCustomer = { id: string; updatedAt: string; defaultAddress?: { id: string } | null };
type Created = {
  customerCreate: { customer: CreatedCustomer | null; userErrors: Array<{ field: string[] | null; message: string }> } | null;
};

async function groupRefsOf(
  db: Kysely<Database>,
  tenantId: string,
  userIds: string[],
  mapping: MappingDocument,
): Promise<Map<string, GroupRef[]>> {
  const byUser = await users.groupsOf(db, tenantId, userIds);
  if (mapping.tags.groupTagFrom !== 'externalId') return byUser;
  const ids = [...new Set([...byUser.values()].flat().map((g) => g.id))];
  const recs = new Map((await groups.getMany(db, tenantId, ids)).map((g) => [g.id, g]));
  const out = new Map<string, GroupRef[]>();
  for (const [u, list] of byUser)
    out.set(
      u,
      list.map((g) => ({ ...g, externalId: (recs.get(g.id)?.data.externalId as string | undefined) ?? null })),
    );
  return out;
}

async function usersById(db: Kysely<Database>, tenantId: string, ids: string[]): Promise<Map<string, ResourceRecord>> {
  const out = new Map<string, ResourceRecord>();
  for (let i = 0; i < ids.length; i += 500) for (const u of await users.getMany(db, tenantId, ids.slice(i, i + 500))) out.set(u.id, u);
  return out;
}

/**
 * The customers to create, mapped exactly as the per-user create maps them (same rules, the custom-id metafield,
 * the managed tags). Anything the per-user path must judge itself (a user gone, inactive, unmappable, or linked
 * meanwhile) is returned in `skip`.
 */
export async function planCreates(
  db: Kysely<Database>,
  tenant: Tenant,
  mapping: MappingDocument,
  jobs: OutboxJob[],
): Promise<{ creates: PlannedCreate[]; skip: OutboxJob[] }> {
  const userIdOf = (j: OutboxJob) => USER_SYNC_JOB.payload.safeParse(j.payload).data?.userId ?? j.key.slice('user:'.length);
  const ids = jobs.map(userIdOf);
  const [byId, linked, refs] = await Promise.all([
    usersById(db, tenant.id, ids),
    links.getMany(db, tenant.id, ids),
    groupRefsOf(db, tenant.id, ids, mapping),
  ]);
  const forMapping: MappingDocument = { ...mapping, tags: { ...mapping.tags, deactivatedTag: '' } };
  const schemas = settingsOf(tenant.settings).userType.schemas;
  const creates: PlannedCreate[] = [];
  const skip: OutboxJob[] = [];
  for (const job of jobs) {
    const user = byId.get(userIdOf(job));
    const link: CustomerLink | undefined = linked.get(userIdOf(job));
    if (!user || user.data.active === false || link?.customerId || link?.deprovisioned) {
      skip.push(job);
      continue;
    }
    const m = mapToShopify({ id: user.id, ...user.data }, refs.get(user.id) ?? [], forMapping, {
      previous: link?.applied ?? undefined,
      schemas,
    });
    if (!m.ok) {
      skip.push(job);
      continue;
    }
    const tags = uniqueTags(m.customer.tags);
    creates.push({ job, user, input: createInput(m.customer, tags, []), desired: m.customer, applied: m.applied, tags });
  }
  return { creates, skip };
}

/**
 * Records created customers as provision.ts records a create (link synced at the mapped version, applied state,
 * managed tags, fingerprint, audit) and marks their jobs done, in one transaction per chunk. A job whose lease was
 * taken over is left to the run that took it (it finds the customer by its custom id).
 */
export async function linkCreated(
  d: BulkDeps,
  tenantId: string,
  made: Array<{ plan: PlannedCreate; customer: CreatedCustomer }>,
): Promise<number> {
  let linkedCount = 0;
  for (let i = 0; i < made.length; i += 200) {
    const chunk = made.slice(i, i + 200);
    const at = iso(d.now());
    await d.db.transaction().execute(async (tx) => {
      const held = new Set(
        await finishLeased(
          tx,
          d.instanceId,
          chunk.map((c) => c.plan.job.id),
          d.now(),
        ),
      );
      for (const { plan, customer } of chunk) {
        if (!held.has(plan.job.id)) continue;
        const fingerprint = customerFingerprint({ ...plan.desired, tags: plan.tags });
        await links.update(
          tx,
          tenantId,
          plan.user.id,
          {
            customerId: customer.id,
            syncState: 'synced',
            error: null,
            lastAttemptAt: at,
            lastSyncedAt: at,
            syncedVersion: plan.user.version,
            fingerprint,
            managedTags: plan.tags,
            shopifyUpdatedAt: customer.updatedAt,
            deprovisioned: null,
            applied: {
              ...plan.applied,
              tags: plan.tags,
              fingerprint,
              ...(customer.defaultAddress?.id ? { addressId: customer.defaultAddress.id } : {}),
            },
          },
          at,
        );
        await audit(tx, {
          tenantId,
          actor: 'system',
          action: 'shopify.customer.created',
          resourceType: 'User',
          resourceId: plan.user.id,
          detail: { customerId: customer.id, changed: [], version: plan.user.version, bulk: true },
        });
        linkedCount++;
      }
    });
  }
  return linkedCount;
}

/**
 * A user written again while the bulk create ran already has its next user.sync queued; this makes sure of it, so
 * the newer version reaches Shopify. Returns how many follow-up jobs were queued.
 */
async function followUps(d: BulkDeps, tenantId: string, plans: PlannedCreate[]): Promise<number> {
  const now = await usersById(
    d.db,
    tenantId,
    plans.map((p) => p.user.id),
  );
  let queued = 0;
  for (const p of plans) {
    const cur = now.get(p.user.id);
    if (!cur || cur.version === p.user.version) continue;
    if (await hasOpenJob(d.db, tenantId, `user:${p.user.id}`)) continue;
    await enqueueJob(d.db, USER_SYNC_JOB, {
      tenantId,
      key: `user:${p.user.id}`,
      payload: { userId: p.user.id, op: 'bulk-followup' },
      now: d.now(),
    });
    queued++;
  }
  return queued;
}

/** A sleep that ends early, with an error, when the job is asked to stop. */
function abortableSleep(signal: AbortSignal) {
  return (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new Error('the bulk create was stopped'));
      const t = setTimeout(() => {
        signal.removeEventListener('abort', stop);
        resolve();
      }, ms);
      const stop = () => {
        clearTimeout(t);
        reject(new Error('the bulk create was stopped'));
      };
      signal.addEventListener('abort', stop, { once: true });
    });
}

/** Runs the bulk mutation for the planned creates; returns each line's customer (or undefined when it was refused). */
async function createAll(
  d: BulkDeps,
  client: ShopifyClient,
  plans: PlannedCreate[],
  signal: AbortSignal,
): Promise<Array<CreatedCustomer | undefined>> {
  const out: Array<CreatedCustomer | undefined> = new Array(plans.length);
  const results = runBulkMutation<Created>(client, {
    mutation: documents.bulkCustomerCreate,
    lines: plans.map((p) => ({ input: p.input })),
    pollIntervalMs: d.settings.pollIntervalMs,
    timeoutMs: d.settings.timeoutMs,
    sleep: abortableSleep(signal),
    onStarted: (op) => d.log.info({ operation: op.id, customers: op.lines }, 'bulk create of customers started'),
  });
  for await (const r of results) {
    const customer = r.data?.customerCreate?.customer;
    if (customer && r.lineNumber >= 0 && r.lineNumber < plans.length) out[r.lineNumber] = customer;
  }
  return out;
}

/** Runs tenant.bulkCreate for the job's tenant. */
export async function bulkCreateJob(d: BulkDeps, job: OutboxJob, signal: AbortSignal): Promise<JobOutcome> {
  const tenant = await new TenantRepository(d.db).byId(job.tenantId);
  if (!tenant) return { outcome: 'done' };
  // Without a shop or with settings it cannot read, the per-user path reports the problem on every user.
  const client = d.shops.clientFor(tenant);
  if (!client) return { outcome: 'done' };
  let mapping: MappingDocument;
  try {
    mapping = settingsOf(tenant.settings).mapping;
  } catch {
    return { outcome: 'done' };
  }
  const s = d.settings;
  const leased = await leaseCandidates(d.db, d.dialect, {
    kind: USER_SYNC,
    tenantId: tenant.id,
    instanceId: d.instanceId,
    now: d.now(),
    leaseMs: s.leaseMs,
    limit: s.maxBatch,
  });
  const held = new Set(leased.map((j) => j.id));
  const release = async (ids: number[]) => {
    const mine = ids.filter((id) => held.has(id));
    if (mine.length === 0) return;
    await releaseLeased(d.db, d.instanceId, mine, d.now());
    for (const id of mine) held.delete(id);
    d.onReleased?.();
  };
  if (leased.length < s.threshold) {
    await release(leased.map((j) => j.id));
    return { outcome: 'done' };
  }
  const heartbeat = setInterval(
    () => {
      renewLeases(d.db, d.instanceId, [...held], d.now(), s.leaseMs).catch((e) =>
        d.log.warn({ err: e }, 'renewing the leases of a bulk create failed'),
      );
    },
    Math.max(50, Math.floor(s.leaseMs / 3)),
  );
  try {
    const { creates, skip } = await planCreates(d.db, tenant, mapping, leased);
    await release(skip.map((j) => j.id));
    if (creates.length === 0) return { outcome: 'done' };
    await d.shops.ensureCustomId(client, mapping.customIdMetafield);
    const customers = await createAll(d, client, creates, signal);
    const made = creates.flatMap((plan, i) => (customers[i] ? [{ plan, customer: customers[i]! }] : []));
    const linked = await linkCreated(d, tenant.id, made);
    for (const m of made) held.delete(m.plan.job.id);
    // Refused lines (an email or phone already taken, an invalid value): the per-user path adopts or reports them.
    await release([...held]);
    const queued = await followUps(
      d,
      tenant.id,
      made.map((m) => m.plan),
    );
    d.metrics?.bulkCreatedCustomers.inc(made.length);
    d.log.info(
      { tenantId: tenant.id, created: made.length, linked, handedBack: creates.length - made.length + skip.length, followUps: queued },
      'bulk create of customers finished',
    );
    return { outcome: 'done' };
  } catch (e) {
    // Whatever happened to the operation, every user still held goes back to the per-user path, which finds a
    // customer the bulk operation did create by its custom id: nothing is created twice.
    await release([...held]).catch((err) => d.log.warn({ err }, 'handing jobs back after a failed bulk create failed'));
    const f = classify(e);
    d.log.warn({ tenantId: tenant.id, code: f.code, err: e }, 'a bulk create of customers failed; its users go the per-user way');
    return { outcome: 'retry', error: { code: f.code, message: f.message }, delayMs: s.retryDelayMs };
  } finally {
    clearInterval(heartbeat);
  }
}
