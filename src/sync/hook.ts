// The provisioning hook the SCIM service calls in every write transaction: it queues the Shopify work in the same
// transaction and after commit waits (bounded) for the outcome. A refusal by Shopify is the user's sync state; only a
// tenant whose policy is onShopifyRefusal "reject" has the write checked first and undone when Shopify refuses it.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/types.js';
import { UserRepository } from '../store/users.js';
import { audit, nowIso, type Json } from '../store/resources.js';
import type { Pending, ProvisioningHook, UserChange, GroupChange } from '../provisioning.js';
import type { ScimError } from '../scim/errors.js';
import { mapToShopify, problemsToScimError, type MappingDocument } from '../mapping/index.js';
import { LinkRepository } from '../store/links.js';
import { closeOpenJobs } from '../store/outbox.js';
import { userForMapping, type Policies } from '../settings/policies.js';
import { scimErrorFor, undoesWrite } from './errors.js';
import { linkExtension } from './link-extension.js';
import { targetQueue } from './targets/settings.js';
import type { Worker } from './worker.js';
import type { Logger } from './job-contract.js';
import { settingsOf } from '../settings/tenant-settings.js';
import { enqueueJob, enqueueJobs } from './jobs.js';
import { USER_DELETE_JOB, USER_SYNC_JOB } from './job-kinds.js';
import { queuedAhead } from '../store/queue-ahead.js';
import type { Tenant } from '../store/tenants.js';
import { MUTATION_COST } from '../shopify/index.js';
import type { ShopConnections } from './shops.js';
import type { InitialLoads } from './initial-load.js';

export interface HookOptions {
  db: Kysely<Database>;
  worker: Worker;
  /** how long a request waits for its Shopify write (SYNC_WAIT_MS); a tenant's policy may say otherwise */
  syncWaitMs: number;
  /** the tenants' Shopify clients, whose throttle tells whether a write can be made within the wait */
  shops?: Pick<ShopConnections, 'clientFor'>;
  /**
   * told of every first create; while it says a tenant is in an initial load, the tenant's first creates answer at
   * once (`pending`): the IdP pushes at its own speed and the backlog builds for a bulk create
   */
  loads?: Pick<InitialLoads, 'arrived' | 'inLoad'>;
  log?: Logger;
}

/** The fewest points one user's Shopify job costs (its one mutation): the hopeful side of every estimate below. */
const JOB_POINTS = MUTATION_COST;

/**
 * Whether job `jobId` of `tenant` may reach Shopify within `waitMs`: false only when callers are waiting for the
 * shop's bucket and, as the throttle knows it, it cannot hold the points of the jobs queued ahead of this one and its
 * own by then (each at least one mutation). Unknown (no call seen yet, no shop) is true: the request waits as it always did.
 */
export async function mayFinishWithin(
  db: Kysely<Database>,
  shops: Pick<ShopConnections, 'clientFor'>,
  tenant: Tenant,
  jobId: number,
  waitMs: number,
): Promise<boolean> {
  if (waitMs <= 0) return true;
  const snap = await shops.clientFor(tenant)?.throttleSnapshot();
  if (!snap) return true;
  // Only a bucket callers are waiting for holds writes up: otherwise the wait is as it always was.
  if (snap.waiting === 0) return true;
  // Points the bucket will have held by the end of the wait, after what is granted and queued in the throttle.
  const by = snap.level + (snap.restoreRate * waitMs) / 1000 - snap.waiting * JOB_POINTS;
  const fit = Math.floor(by / JOB_POINTS);
  if (fit < 1) return false;
  // Jobs of the tenant queued ahead go first (the worker takes them oldest first): counted up to what fits.
  return (await queuedAhead(db, { tenantId: tenant.id, queue: 'shopify', beforeId: jobId, limit: fit })) < fit;
}

const users = new UserRepository();
const links = new LinkRepository();

function settings(change: { tenant: { settings: Record<string, unknown> } }): { policies?: Policies; mapping?: MappingDocument } {
  try {
    return { policies: settingsOf(change.tenant.settings).policies, mapping: settingsOf(change.tenant.settings).mapping };
  } catch {
    return {}; // the job reports invalid settings on the user's link; the SCIM write itself stands
  }
}

/** The 400 a write gets when the mapping already knows Shopify would refuse the result (and the previous version was fine). */
async function localCheck(
  tx: Transaction<Database>,
  change: UserChange,
  mapping: MappingDocument,
  policies: Policies | undefined,
): Promise<ScimError | undefined> {
  const after = change.after!;
  const groups = (await users.groupsOf(tx, change.tenant.id, [after.id])).get(after.id) ?? [];
  const plain: MappingDocument = { ...mapping, tags: { ...mapping.tags, deactivatedTag: '' } };
  // the tenant's declared extension schemas, so rules reading their attributes resolve
  const schemas = settingsOf(change.tenant.settings).userType.schemas;
  // The user as the engine will map it: without applyUserNameChanges, with the userName Shopify was written from.
  // (the link is read only when the policy holds a userName back: no extra query on the common write path)
  const held =
    policies && !policies.applyUserNameChanges ? (await links.get(tx, change.tenant.id, after.id))?.applied?.userName : undefined;
  const asMapped = (u: { id: string; data: Record<string, unknown> }) =>
    policies ? userForMapping(policies, { id: u.id, ...u.data }, held) : { id: u.id, ...u.data };
  const now = mapToShopify(asMapped(after), groups, plain, { schemas });
  if (now.ok) return undefined;
  if (change.before) {
    // A user that was already unmappable is not made worse by this write (e.g. a deactivation): let it through.
    const was = mapToShopify(asMapped(change.before), groups, plain, { schemas });
    if (!was.ok) return undefined;
  }
  return problemsToScimError(now.problems);
}

/** The Shopify engine as the SCIM service's provisioning hook. */
export function createProvisioningHook(opts: HookOptions): ProvisioningHook {
  const { db, worker } = opts;

  function waitMs(policies?: Policies): number {
    return policies?.syncWaitMs ?? opts.syncWaitMs;
  }

  /**
   * Closes the outbound target jobs queued with the write being undone (all of this user's target jobs after its
   * engine job `jobId`: no newer write exists, or the undo would not run), so no target hears of it. A job already
   * running is waiting for this very verdict; closed here, the worker drops what it reports.
   */
  async function neutraliseTargetJobs(
    tx: Transaction<Database>,
    tenantId: string,
    userId: string,
    jobId: number,
    error: ScimError,
  ): Promise<void> {
    await closeOpenJobs(tx, {
      tenantId,
      key: `user:${userId}`,
      queuePrefix: targetQueue(''),
      afterId: jobId,
      code: 'UNDONE',
      message: `the change was undone: ${error.detail}`,
      now: nowIso(),
    });
  }

  /** Takes back a write Shopify refused: deletes a created user, or puts the previous version back. */
  async function undo(change: UserChange, error: ScimError, jobId: number): Promise<boolean> {
    const after = change.after!;
    const tenantId = change.tenant.id;
    return db.transaction().execute(async (tx) => {
      const cur = await users.get(tx, tenantId, after.id);
      if (!cur || cur.version !== after.version) return false; // changed again since: the newer write decides
      const actor = change.client?.id ?? 'admin';
      if (change.op === 'create' || !change.before) {
        await users.delete(tx, tenantId, after.id);
        await links.delete(tx, tenantId, after.id);
      } else {
        await users.update(tx, tenantId, cur, change.before.data, change.client?.id ?? null);
        await links.markPending(tx, tenantId, [after.id], nowIso());
        await enqueueJob(tx, USER_SYNC_JOB, {
          tenantId,
          key: `user:${after.id}`,
          payload: { userId: after.id, op: 'undo' },
          originClient: change.client?.id ?? null,
        });
      }
      await neutraliseTargetJobs(tx, tenantId, after.id, jobId, error);
      await audit(tx, {
        tenantId,
        actor,
        action: `user.${change.op}.undone`,
        resourceType: 'User',
        resourceId: after.id,
        detail: { reason: error.detail },
      });
      return true;
    });
  }

  /**
   * How long the request waits: not at all when the write cannot reach Shopify within the wait anyway, nor for a
   * first create during the tenant's initial load (waiting would hold the IdP to the per-call pace) unless the
   * tenant's onShopifyRefusal policy is reject.
   */
  async function waitFor(tenant: Tenant, jobId: number, change: UserChange | undefined, policies?: Policies): Promise<number> {
    const ms = waitMs(policies);
    if (ms <= 0) return ms;
    // A tenant whose policy undoes what Shopify refuses keeps waiting: the answer must carry Shopify's verdict.
    if (change?.op === 'create' && policies?.onShopifyRefusal !== 'reject' && opts.loads?.inLoad(tenant.id)) return 0;
    if (!opts.shops) return ms;
    try {
      return (await mayFinishWithin(db, opts.shops, tenant, jobId, ms)) ? ms : 0;
    } catch (e) {
      opts.log?.warn({ err: e, jobId }, 'cannot tell whether a write can reach Shopify within the wait');
      return ms;
    }
  }

  function pending(tenant: Tenant, jobId: number, change: UserChange | undefined, policies?: Policies): Pending {
    return {
      async settle() {
        worker.wake();
        const ms = await waitFor(tenant, jobId, change, policies);
        const r = ms > 0 ? await worker.waitFor(jobId, ms, { firstAttempt: true }) : undefined;
        // Held (the default): the answer shows the refusal as the user's sync state, and the write stands.
        if (!change || policies?.onShopifyRefusal !== 'reject' || !r || r.state === 'queued' || !r.error || !undoesWrite(r.error.code))
          return undefined;
        const error = scimErrorFor(r.error.code, r.error.message, { adoption: policies?.adoption });
        try {
          if (await undo(change, error, jobId)) return error;
        } catch (e) {
          opts.log?.error({ err: e, userId: change.after?.id }, 'undoing a refused SCIM write failed');
        }
        return undefined;
      },
    };
  }

  return {
    async userWritten(tx, change) {
      const { tenant } = change;
      const s = settings(change);
      if (change.op === 'delete') {
        const userId = change.before!.id;
        const link = await links.get(tx, tenant.id, userId);
        const id = await enqueueJob(tx, USER_DELETE_JOB, {
          tenantId: tenant.id,
          key: `user:${userId}`,
          payload: { userId, customerId: link?.customerId ?? null },
          originClient: change.client?.id ?? null,
        });
        return pending(tenant, id, undefined, s.policies);
      }
      const after = change.after!;
      if (s.mapping && s.policies?.onShopifyRefusal === 'reject') {
        const refused = await localCheck(tx, change, s.mapping, s.policies);
        if (refused) throw refused;
      }
      await links.markPending(tx, tenant.id, [after.id], nowIso());
      if (change.op === 'create') opts.loads?.arrived(tenant.id);
      const id = await enqueueJob(tx, USER_SYNC_JOB, {
        tenantId: tenant.id,
        key: `user:${after.id}`,
        payload: { userId: after.id, op: change.op, version: after.version },
        originClient: change.client?.id ?? null,
      });
      return pending(tenant, id, change, s.policies);
    },

    async groupWritten(tx, change: GroupChange) {
      const renamed = !!change.before && !!change.after && change.before.data.displayName !== change.after.data.displayName;
      const externalChanged = !!change.before && !!change.after && change.before.data.externalId !== change.after.data.externalId;
      const touched =
        change.op === 'delete' || renamed || externalChanged
          ? [...change.members, ...change.removed]
          : [...change.added, ...change.removed];
      // Members were checked to exist by the service; a user deleted meanwhile makes its job a no-op.
      const members = [...new Set(touched.filter((m) => m.type === 'User').map((m) => m.value))];
      if (members.length === 0) return undefined;
      await links.markPending(tx, change.tenant.id, members, nowIso());
      await enqueueJobs(
        tx,
        USER_SYNC_JOB,
        members.map((userId) => ({
          tenantId: change.tenant.id,
          key: `user:${userId}`,
          payload: { userId, op: 'group', groupId: (change.after ?? change.before)?.id },
          originClient: change.client?.id ?? null,
        })),
      );
      return {
        async settle() {
          worker.wake();
          return undefined;
        },
      };
    },

    async userExtensions(tenantId, ids) {
      const out = new Map<string, Json>();
      for (const [id, l] of await links.getMany(db, tenantId, ids)) out.set(id, linkExtension(l));
      return out;
    },
    async userExtensionsByUserName(tenantId, userNameLc) {
      const out = new Map<string, Json>();
      for (const [id, l] of await links.byUserName(db, tenantId, userNameLc)) out.set(id, linkExtension(l));
      return out;
    },
  };
}
