// The activity log: every operation end to end, from the SCIM request (or the admin's change, or Shopify's) to the job
// that carried it and what Shopify answered, built from the audit log and the outbox. Filterable by user, client,
// kind, action and outcome, with personal data masked when the tenant chose so, and exportable as CSV.
import type { Tenant } from '../store/tenants.js';
import type { AuditRecord, Json } from '../store/resources.js';
import { readActivity, jobsForKeys, clientLabels, type JobRecord } from '../store/activity.js';
import { userIdsMatching, userNamesOf } from '../store/user-search.js';
import { adminErrors } from './errors.js';
import type { AdminDeps } from './context.js';
import { maskPersonal, readPrivacy } from './privacy.js';

export const ACTIVITY_KINDS = ['scim', 'shopify', 'admin', 'system'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const ACTIVITY_OUTCOMES = ['ok', 'pending', 'retrying', 'failed'] as const;
export type ActivityOutcome = (typeof ACTIVITY_OUTCOMES)[number];

export interface ActivityEntry {
  id: number;
  at: string;
  kind: ActivityKind;
  actor: string;
  /** who, in words: `SCIM client "okta"`, `Admin "merchant"` (signed in), `Admin` (the admin token), `Shopify`, `Sync engine` */
  actorLabel: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  /** the user's userName (masked when the tenant chose so), for entries about a user */
  user: string | null;
  outcome: ActivityOutcome;
  /** the job that carried a SCIM write to Shopify, when there was one */
  job: { id: number; queue: string; state: string; attempts: number; lastErrorCode: string | null } | null;
  /** what Shopify made of it: the sync's audit entry (created, updated, failed with the reason) */
  result: { action: string; at: string; code: string | null; reason: string | null } | null;
  detail: Json;
}

export interface ActivityQuery {
  limit?: unknown;
  before?: unknown;
  /** a part of a userName or e-mail address */
  user?: unknown;
  /** a SCIM client's id */
  client?: unknown;
  kind?: unknown;
  outcome?: unknown;
  /** an action prefix: `user.`, `token.`, `shopify.customer.failed` */
  action?: unknown;
}

const SCIM_WRITES = /^user\.(create|replace|patch|delete|restore)$/;

/** Who did it, in words. */
export function describeActor(actor: string, labels: Map<string, string>): string {
  if (actor.startsWith('client:')) {
    const id = actor.slice('client:'.length);
    return `SCIM client "${labels.get(id) ?? id}"`;
  }
  if (actor.startsWith('admin:')) return `Admin "${actor.slice('admin:'.length)}"`;
  return ({ admin: 'Admin', cli: 'Command line', shopify: 'Shopify', system: 'Sync engine' } as Record<string, string>)[actor] ?? actor;
}

function kindOf(e: AuditRecord): ActivityKind {
  if (e.actor.startsWith('client:')) return 'scim';
  if (e.actor === 'shopify' || e.action.startsWith('shopify.')) return 'shopify';
  if (e.actor === 'admin' || e.actor.startsWith('admin:') || e.actor === 'cli') return 'admin';
  return 'system';
}

function parseQuery(q: ActivityQuery) {
  const int = (v: unknown, name: string, max: number): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (typeof v !== 'string' || !/^\d+$/.test(v) || n < 1 || n > max)
      throw adminErrors.badRequest(`${name} must be a whole number from 1 to ${max}`);
    return n;
  };
  const oneOf = <T extends string>(v: unknown, name: string, list: readonly T[]): T | undefined => {
    if (v === undefined || v === '') return undefined;
    if (!list.includes(v as T)) throw adminErrors.badRequest(`${name} must be one of ${list.join(', ')}`);
    return v as T;
  };
  const str = (v: unknown, name: string, re: RegExp, hint: string): string | undefined => {
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || !re.test(v)) throw adminErrors.badRequest(`${name} must be ${hint}`);
    return v;
  };
  return {
    limit: int(q.limit, 'limit', 500) ?? 50,
    before: int(q.before, 'before', Number.MAX_SAFE_INTEGER),
    user: str(q.user, 'user', /^.{1,200}$/s, 'text of at most 200 characters'),
    client: str(q.client, 'client', /^[A-Za-z0-9-]{1,64}$/, "a SCIM client's id"),
    kind: oneOf(q.kind, 'kind', ACTIVITY_KINDS),
    outcome: oneOf(q.outcome, 'outcome', ACTIVITY_OUTCOMES),
    action: str(q.action, 'action', /^[a-z][a-z0-9.:_-]{0,99}$/i, 'the start of an action name, e.g. "user." or "token.create"'),
  };
}

/** How far one request looks back for entries matching filters applied after reading (kind, outcome). */
const SCAN_LIMIT = 5000;
const BATCH = 250;

/**
 * One page of the activity log, newest first. `next` is the `before` of the following page (null at the end); a
 * page may come back short when kind or outcome filters matched few of the entries looked at.
 */
export async function listActivity(
  deps: Pick<AdminDeps, 'db' | 'dialect'>,
  t: Tenant,
  query: ActivityQuery,
): Promise<{ entries: ActivityEntry[]; next: number | null; masked: boolean }> {
  const q = parseQuery(query);
  const masked = readPrivacy(t.settings).maskPersonalData;
  const resourceIds = q.user ? await userIdsMatching(deps.db, deps.dialect, t.id, q.user) : undefined;
  const labels = await clientLabels(deps.db, t.id);
  const out: ActivityEntry[] = [];
  let before = q.before;
  let scanned = 0;
  let exhausted = false;
  while (out.length < q.limit && scanned < SCAN_LIMIT) {
    const batch = await readActivity(deps.db, t.id, {
      limit: BATCH,
      ...(before !== undefined ? { before } : {}),
      ...(q.action ? { actionPrefixes: [q.action] } : {}),
      ...(q.client ? { actor: `client:${q.client}` } : {}),
      ...(resourceIds ? { resourceIds } : {}),
    });
    if (batch.length === 0) {
      exhausted = true;
      break;
    }
    scanned += batch.length;
    const enriched = await enrich(deps, t, batch, labels, masked);
    for (const e of enriched) {
      before = e.id;
      if ((q.kind && e.kind !== q.kind) || (q.outcome && e.outcome !== q.outcome)) continue;
      out.push(e);
      if (out.length === q.limit) break;
    }
    if (batch.length < BATCH && out.length < q.limit) {
      exhausted = true;
      break;
    }
  }
  const last = out.length === q.limit ? out[out.length - 1]!.id : before;
  return { entries: out, next: exhausted && out.length < q.limit ? null : (last ?? null), masked };
}

/** How far apart a write's audit entry and its job may be stamped: both are written in one transaction. */
const SAME_TRANSACTION_MS = 1000;

/**
 * The job that carried a write to Shopify: the one a resync names, else the user's job stamped closest to the
 * write (within one transaction's time). The entry and the job are stamped separately, in either order, so their
 * times are compared, never ordered.
 */
function carrier(e: AuditRecord, jobs: JobRecord[]): JobRecord | undefined {
  if ((e.action === 'user.resync' || e.action === 'job.retry') && typeof e.detail.job === 'number')
    return jobs.find((j) => j.id === e.detail.job);
  const at = Date.parse(e.at);
  let best: JobRecord | undefined;
  let bestGap = SAME_TRANSACTION_MS + 1;
  for (const j of jobs) {
    const gap = Math.abs(Date.parse(j.createdAt) - at);
    if (gap < bestGap) {
      best = j;
      bestGap = gap;
    }
  }
  return best;
}

/** Joins each entry with the job that carried it and the Shopify outcome that followed. */
async function enrich(
  deps: Pick<AdminDeps, 'db'>,
  t: Tenant,
  batch: AuditRecord[],
  labels: Map<string, string>,
  masked: boolean,
): Promise<ActivityEntry[]> {
  const userIds = [...new Set(batch.filter((e) => e.resourceType === 'User' && e.resourceId).map((e) => e.resourceId!))];
  const oldest = Math.min(...batch.map((e) => e.id));
  const [names, jobs, later] = await Promise.all([
    userNamesOf(deps.db, t.id, userIds),
    jobsForKeys(
      deps.db,
      t.id,
      userIds.map((id) => `user:${id}`),
    ),
    // what happened to those users from the oldest entry on (at most a few thousand rows)
    readActivity(deps.db, t.id, {
      limit: 4000,
      from: oldest,
      resourceIds: userIds,
      actionPrefixes: ['user.', 'shopify.customer.', 'job.retry'],
    }),
  ]);
  const byUser = new Map<string, AuditRecord[]>();
  for (const e of later) {
    const list = byUser.get(e.resourceId!) ?? [];
    list.push(e);
    byUser.set(e.resourceId!, list);
  }
  const jobsByUser = new Map<string, JobRecord[]>();
  for (const j of jobs.filter((x) => x.queue === 'shopify')) {
    const id = j.key.slice('user:'.length);
    const list = jobsByUser.get(id) ?? [];
    list.push(j);
    jobsByUser.set(id, list);
  }
  return batch.map((e) => {
    const userName = e.resourceType === 'User' && e.resourceId ? (names.get(e.resourceId) ?? null) : null;
    let job: ActivityEntry['job'] = null;
    let result: ActivityEntry['result'] = null;
    let outcome: ActivityOutcome = 'ok';
    if (e.action === 'shopify.customer.failed' || e.action.endsWith('.undone')) outcome = 'failed';
    if (
      e.resourceId &&
      e.resourceType === 'User' &&
      (SCIM_WRITES.test(e.action) || e.action === 'user.resync' || e.action === 'job.retry')
    ) {
      const after = byUser.get(e.resourceId) ?? [];
      // the outcome is the first sync entry after this write and before the user's next write
      const next = after.find(
        (x) => x.id > e.id && (x.action.startsWith('shopify.customer.') || SCIM_WRITES.test(x.action) || x.action === 'job.retry'),
      );
      if (next?.action.startsWith('shopify.customer.')) {
        result = {
          action: next.action,
          at: next.at,
          code: typeof next.detail.code === 'string' ? next.detail.code : null,
          reason: typeof next.detail.reason === 'string' ? next.detail.reason : null,
        };
      }
      const j = carrier(e, jobsByUser.get(e.resourceId) ?? []);
      if (j) job = { id: j.id, queue: j.queue, state: j.state, attempts: j.attempts, lastErrorCode: j.lastErrorCode };
      if (result) outcome = result.action === 'shopify.customer.failed' ? 'failed' : 'ok';
      else if (j?.state === 'dead') outcome = 'failed';
      else if (j && (j.state === 'queued' || j.state === 'running')) outcome = j.attempts > 0 ? 'retrying' : 'pending';
    }
    return {
      id: e.id,
      at: e.at,
      kind: kindOf(e),
      actor: e.actor,
      actorLabel: describeActor(e.actor, labels),
      action: e.action,
      resourceType: e.resourceType,
      resourceId: e.resourceId,
      user: userName === null ? null : masked ? maskPersonal(userName) : userName,
      outcome,
      job,
      result,
      detail: e.detail,
    };
  });
}

const CSV_COLUMNS = [
  'time',
  'kind',
  'who',
  'action',
  'user',
  'resource',
  'outcome',
  'job',
  'job state',
  'attempts',
  'shopify result',
  'error code',
  'reason',
];

/** One CSV cell: quoted when needed, and a leading = + - @ defused so a spreadsheet never runs it as a formula. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_MAX_ROWS = 10_000;

/** The log (same filters; `limit` rows, at most and by default 10,000) as CSV. */
export async function activityCsv(deps: Pick<AdminDeps, 'db' | 'dialect'>, t: Tenant, query: ActivityQuery): Promise<string> {
  const { limit: rawLimit, ...filters } = query;
  // every filter is checked before the first row, so a bad one is a 400 and not a short file
  parseQuery(filters);
  let max = CSV_MAX_ROWS;
  if (rawLimit !== undefined && rawLimit !== '') {
    if (typeof rawLimit !== 'string' || !/^\d+$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > CSV_MAX_ROWS)
      throw adminErrors.badRequest(`limit must be a whole number from 1 to ${CSV_MAX_ROWS}`);
    max = Number(rawLimit);
  }
  const lines = [CSV_COLUMNS.join(',')];
  let before = filters.before;
  for (let n = 0; n < max;) {
    const page = await listActivity(deps, t, {
      ...filters,
      limit: String(Math.min(500, max - n)),
      ...(before !== undefined ? { before: String(before) } : {}),
    });
    for (const e of page.entries) {
      lines.push(
        [
          e.at,
          e.kind,
          e.actorLabel,
          e.action,
          e.user,
          e.resourceId,
          e.outcome,
          e.job?.id,
          e.job?.state,
          e.job?.attempts,
          e.result?.action,
          e.result?.code ?? e.job?.lastErrorCode,
          e.result?.reason,
        ]
          .map(csvCell)
          .join(','),
      );
    }
    n += page.entries.length;
    if (page.next === null) break;
    before = String(page.next);
  }
  return lines.join('\r\n') + '\r\n';
}
