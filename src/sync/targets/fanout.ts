// Puts one outbound job per interested target into the outbox, in the transaction of the user change itself, so a
// change is delivered everywhere or nowhere; never to the SCIM client the change came from.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../../store/types.js';
import { UserRepository } from '../../store/users.js';
import { LinkRepository } from '../../store/links.js';
import type { ResourceRecord } from '../../store/resources.js';
import type { Tenant } from '../../store/tenants.js';
import type { WriteOp } from '../../provisioning.js';
import { eventTypeOf, eventUser, type ChangeSource, type UserEvent } from './events.js';
import { readTargets, targetQueue, wantsEvent, type Target, type UserEventType } from './settings.js';
import { SCIM_TARGET_JOB_KIND, WEBHOOK_TARGET_JOB_KIND } from '../job-kinds.js';
import { enqueueJob } from '../jobs.js';

export const SCIM_TARGET_JOB = SCIM_TARGET_JOB_KIND.kind;
export const WEBHOOK_TARGET_JOB = WEBHOOK_TARGET_JOB_KIND.kind;

export interface ScimTargetJob {
  targetId: string;
  userId: string;
  /** to find the remote user by name when no link is known (and for deletes, when the record is gone) */
  userName: string;
  event: UserEventType;
}

export interface WebhookTargetJob {
  targetId: string;
  /** webhook-id: the same on every retry, so a receiver can drop duplicates */
  eventId: string;
  userId: string;
  /** the user's version the event describes (0 for a delete) */
  version: number;
  event: UserEvent;
}

export interface TargetChange {
  tenant: Tenant;
  /** the SCIM client that made the change; targets standing for it are skipped */
  originClient: string | null;
  source: ChangeSource;
  op: WriteOp;
  before?: ResourceRecord;
  after?: ResourceRecord;
  changedPaths: string[];
}

export interface FanoutOptions {
  /** public base URL of the bridge, for the meta.location of users in events */
  publicUrl?: string;
}

const users = new UserRepository();
const links = new LinkRepository();

/** True when `target` should hear about a change made by `originClient`. */
export function targetAccepts(target: Target, originClient: string | null, type: UserEventType): boolean {
  if (!target.enabled) return false;
  if (target.clientId && originClient && target.clientId === originClient) return false;
  return target.kind === 'webhook' ? wantsEvent(target, type) : true;
}

/** Enqueues the change for every target that wants it; returns the ids of the jobs written. */
export async function enqueueTargetJobs(tx: Transaction<Database>, change: TargetChange, opts: FanoutOptions = {}): Promise<number[]> {
  const { targets } = readTargets(change.tenant.settings);
  if (targets.length === 0) return [];
  const rec = change.after ?? change.before;
  if (!rec) return [];
  const type = eventTypeOf(change.op, change.before, change.after);
  const chosen = targets.filter((t) => targetAccepts(t, change.originClient, type));
  if (chosen.length === 0) return [];

  let event: UserEvent | undefined;
  const ids: number[] = [];
  for (const t of chosen) {
    const base = { tenantId: change.tenant.id, queue: targetQueue(t.id), key: `user:${rec.id}`, originClient: change.originClient };
    if (t.kind === 'scim') {
      const payload: ScimTargetJob = { targetId: t.id, userId: rec.id, userName: String(rec.data.userName ?? ''), event: type };
      ids.push(await enqueueJob(tx, SCIM_TARGET_JOB_KIND, { ...base, payload }));
      continue;
    }
    event ??= await buildEvent(tx, change, rec, type, opts);
    const payload: WebhookTargetJob = {
      targetId: t.id,
      eventId: `evt_${randomUUID()}`,
      userId: rec.id,
      version: change.after?.version ?? 0,
      event,
    };
    ids.push(await enqueueJob(tx, WEBHOOK_TARGET_JOB_KIND, { ...base, payload }));
  }
  return ids;
}

async function buildEvent(
  tx: Transaction<Database>,
  change: TargetChange,
  rec: ResourceRecord,
  type: UserEventType,
  opts: FanoutOptions,
): Promise<UserEvent> {
  const groups = change.after ? ((await users.groupsOf(tx, change.tenant.id, [rec.id])).get(rec.id) ?? []) : [];
  const customerId = await links.customerIdOf(tx, change.tenant.id, rec.id);
  const location = `${opts.publicUrl ?? ''}/scim/v2/${change.tenant.name}/Users/${rec.id}`;
  return {
    type,
    timestamp: new Date().toISOString(),
    data: {
      tenant: change.tenant.name,
      source: change.source,
      changedAttributes: change.changedPaths,
      user: eventUser(rec, groups, location),
      shopifyCustomerId: customerId,
    },
  };
}
