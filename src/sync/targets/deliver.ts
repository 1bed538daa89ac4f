// Runs the outbox jobs of outbound targets: provisions into a remote SCIM server (create, replace, deactivate,
// delete, linking by userName on 409) or posts a signed event; each failure says whether a retry can help.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/types.js';
import { TenantRepository } from '../../store/tenants.js';
import { UserRepository } from '../../store/users.js';
import { SecretBox } from '../../security/secrets.js';
import { AddressPolicy, AddressRefused } from '../../security/ssrf.js';
import { TargetError, targetErrors } from './errors.js';
import { linkRemote, remoteIdOf, unlinkRemote } from '../../store/target-links.js';
import { ScimClient } from './scim-client.js';
import { remoteUserResource } from './events.js';
import { findTarget, type ScimTarget, type WebhookTarget } from './settings.js';
import { standardWebhookHeaders } from './standard-webhooks.js';
import type { ScimTargetJob, WebhookTargetJob } from './fanout.js';
import { jobsOfKey } from '../../store/outbox.js';

export interface Delivery {
  /** `wait`: not yet, and not a failure (the engine has not given Shopify's verdict on the change) */
  outcome: 'done' | 'retry' | 'failed' | 'wait';
  error?: { code: string; message: string };
  /** what happened, for the log and tests: created, replaced, linked, deactivated, deleted, posted, skipped… */
  note?: string;
}

export interface DeliveryDeps {
  db: Kysely<Database>;
  /** opens sealed credentials; a credential that is not sealed is used as written */
  secrets?: SecretBox;
  /** for tests; without it, requests go through `addresses` (private addresses refused at connect time) */
  fetch?: typeof fetch;
  /** which addresses targets may reach (TARGETS_ALLOW_PRIVATE); default: public addresses only */
  addresses?: AddressPolicy;
  now?: () => number;
  /** how long after a SCIM write the engine may still undo it (the longest request wait, 30 s, and a margin) */
  undoWindowMs?: number;
}

/** The outbox job being delivered: its id orders it after the engine's job for the same change. */
export interface JobRef {
  id: number;
  createdAt: string;
}

const users = new UserRepository();
const publicOnly = new AddressPolicy();
const guarded = new WeakMap<AddressPolicy, typeof fetch>();

/** The fetch deliveries use: the test's, else one that checks every address it connects to against the policy. */
export function fetchOf(deps: Pick<DeliveryDeps, 'fetch' | 'addresses'>): typeof fetch {
  if (deps.fetch) return deps.fetch;
  const policy = deps.addresses ?? publicOnly;
  let f = guarded.get(policy);
  if (!f) guarded.set(policy, (f = policy.fetch()));
  return f;
}

/** A credential from the settings in clear. */
export function openCredential(secrets: SecretBox | undefined, value: string, targetId: string): string {
  if (!SecretBox.isSealed(value)) return value;
  if (!secrets) throw targetErrors.secretUnreadable(targetId);
  try {
    return secrets.open(value);
  } catch {
    throw targetErrors.secretUnreadable(targetId);
  }
}

function failure(e: unknown): Delivery {
  if (e instanceof TargetError) return { outcome: e.retryable ? 'retry' : 'failed', error: { code: e.code, message: e.message } };
  throw e;
}

async function targetOf<T extends 'scim' | 'webhook'>(deps: DeliveryDeps, tenantId: string, targetId: string, kind: T) {
  const tenant = await new TenantRepository(deps.db).byId(tenantId);
  const target = tenant && findTarget(tenant.settings, targetId);
  if (!target || target.kind !== kind || !target.enabled) return undefined;
  return target as T extends 'scim' ? ScimTarget : WebhookTarget;
}

const WAIT: Delivery = { outcome: 'wait', note: "waiting for Shopify's verdict on the change" };
/** After the engine's job failed for good, how long its undo may take to land. */
const UNDO_LAG_MS = 2000;

/**
 * Whether a SCIM write may still be taken back. The engine undoes a write Shopify refuses within the request's
 * wait (deleting a created user, or restoring the previous version), after its job for the change ended, and in
 * the same transaction closes the target jobs of that write: until then a target must not hear of it. A job the
 * undo did not close is final. Changes from Shopify have no such job.
 * Deliveries send the user's current state, so every engine job of the user counts, not only those before this
 * delivery's own change: a later write still awaiting its verdict is already in that state.
 */
async function engineVerdict(deps: DeliveryDeps, tenantId: string, userId: string, ref: JobRef): Promise<'wait' | 'final'> {
  const now = (deps.now ?? Date.now)();
  const young = now - Date.parse(ref.createdAt) < (deps.undoWindowMs ?? 35_000);
  const earlier = young
    ? await jobsOfKey(deps.db, { tenantId, queue: 'shopify', key: `user:${userId}`, states: ['queued', 'running', 'dead'] })
    : [];
  if (earlier.some((j) => j.state !== 'dead')) return 'wait';
  if (earlier.some((j) => j.finishedAt && now - Date.parse(j.finishedAt) < UNDO_LAG_MS)) return 'wait';
  return 'final';
}

/** Delivers one user change to a SCIM target, always sending the user's current state (so retries converge). */
export async function deliverScim(deps: DeliveryDeps, tenantId: string, job: ScimTargetJob, ref: JobRef): Promise<Delivery> {
  const target = await targetOf(deps, tenantId, job.targetId, 'scim');
  if (!target) return { outcome: 'done', note: 'skipped: the target is gone or disabled' };
  if ((await engineVerdict(deps, tenantId, job.userId, ref)) === 'wait') return WAIT;
  try {
    const client = new ScimClient({
      baseUrl: target.baseUrl,
      token: openCredential(deps.secrets, target.token, target.id),
      timeoutMs: target.timeoutMs,
      fetch: fetchOf(deps),
    });
    let remote = await remoteIdOf(deps.db, tenantId, target.id, job.userId);
    if (job.event === 'user.deleted') {
      remote ??= await lookUp(client, job.userName);
      if (!remote) return { outcome: 'done', note: 'skipped: nothing to delete on the target' };
      if (target.onDelete === 'deactivate') {
        await client.patchUser(remote, [{ op: 'replace', path: 'active', value: false }]);
        return { outcome: 'done', note: 'deactivated' };
      }
      await client.deleteUser(remote);
      await unlinkRemote(deps.db, tenantId, target.id, job.userId);
      return { outcome: 'done', note: 'deleted' };
    }
    const rec = await users.get(deps.db, tenantId, job.userId);
    // Gone since: the delete job queued behind this one tells the target.
    if (!rec) return { outcome: 'done', note: 'skipped: the user no longer exists' };
    const resource = remoteUserResource(rec);
    if (remote && job.event === 'user.deactivated' && rec.data.active === false) {
      if ((await client.patchUser(remote, [{ op: 'replace', path: 'active', value: false }])) === 'ok')
        return { outcome: 'done', note: 'deactivated' };
      remote = undefined;
    }
    if (remote) {
      if ((await client.replaceUser(remote, resource)) === 'ok') return { outcome: 'done', note: 'replaced' };
      await unlinkRemote(deps.db, tenantId, target.id, job.userId);
    }
    const created = await client.createUser(resource);
    if (created !== 'conflict') {
      await linkRemote(deps.db, tenantId, target.id, job.userId, created.id);
      return { outcome: 'done', note: 'created' };
    }
    // The userName exists there already (provisioned before, or by someone else): adopt it and bring it up to date.
    const found = await lookUp(client, String(rec.data.userName));
    if (!found) throw targetErrors.http('POST', `${target.baseUrl}/Users`, 409, 'conflict, but no user with this userName can be found');
    await linkRemote(deps.db, tenantId, target.id, job.userId, found);
    await client.replaceUser(found, resource);
    return { outcome: 'done', note: 'linked' };
  } catch (e) {
    return failure(e);
  }
}

async function lookUp(client: ScimClient, userName: string): Promise<string | undefined> {
  if (!userName) return undefined;
  const ids = await client.findByUserName(userName);
  if (ids.length > 1) throw targetErrors.ambiguousMatch(userName, ids.length);
  return ids[0];
}

/** Posts one signed event to a webhook target. */
export async function deliverWebhook(deps: DeliveryDeps, tenantId: string, job: WebhookTargetJob, ref: JobRef): Promise<Delivery> {
  const target = await targetOf(deps, tenantId, job.targetId, 'webhook');
  if (!target) return { outcome: 'done', note: 'skipped: the target is gone or disabled' };
  if (job.event.type !== 'user.deleted') {
    const rec = await users.get(deps.db, tenantId, job.userId);
    if (!rec || rec.version < job.version) return { outcome: 'done', note: 'skipped: the change was undone' };
  }
  if ((await engineVerdict(deps, tenantId, job.userId, ref)) === 'wait') return WAIT;
  const body = JSON.stringify(job.event);
  try {
    const secret = openCredential(deps.secrets, target.secret, target.id);
    const headers = standardWebhookHeaders(job.eventId, body, secret, (deps.now ?? Date.now)());
    let res: Response;
    try {
      res = await fetchOf(deps)(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'shopify-scim', ...headers },
        body,
        signal: AbortSignal.timeout(target.timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      if (err instanceof AddressRefused) throw targetErrors.addressRefused(target.url, err.message);
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw targetErrors.timeout(target.url, target.timeoutMs);
      throw targetErrors.network(target.url, (err.cause as Error | undefined)?.message ?? err.message);
    }
    const text = await res.text().catch(() => '');
    if (res.status < 200 || res.status >= 300) throw targetErrors.http('POST', target.url, res.status, text);
    return { outcome: 'done', note: 'posted' };
  } catch (e) {
    return failure(e);
  }
}
