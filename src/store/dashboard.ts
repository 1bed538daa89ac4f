// The counts the admin dashboard shows for one tenant, each one grouped query: users and groups, users per sync state,
// jobs per state, Shopify webhook deliveries lately, SCIM tokens, and when reconcile last compared the shop.
import type { Db } from './resources.js';
import type { SyncState } from './links.js';

export interface TenantCounts {
  users: number;
  activeUsers: number;
  groups: number;
  syncStates: Record<SyncState, number>;
  jobs: { queued: number; running: number; dead: number; retrying: number };
  tokens: number;
}

export async function tenantCounts(db: Db, tenantId: string): Promise<TenantCounts> {
  const [users, groups, states, jobs, retrying, tokens] = await Promise.all([
    db
      .selectFrom('users')
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('active').as('active')])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('groups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('customer_links')
      .select(['sync_state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId)
      .groupBy('sync_state')
      .execute(),
    db
      .selectFrom('outbox_jobs')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('state', 'in', ['queued', 'running', 'dead'])
      .groupBy('state')
      .execute(),
    db
      .selectFrom('outbox_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('state', '=', 'queued')
      .where('attempts', '>', 0)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('clients')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  const syncStates: Record<SyncState, number> = { pending: 0, synced: 0, failed: 0 };
  for (const r of states) syncStates[r.sync_state] = Number(r.n);
  const byState = Object.fromEntries(jobs.map((r) => [r.state, Number(r.n)]));
  return {
    users: Number(users.n),
    activeUsers: Number(users.active ?? 0),
    groups: Number(groups.n),
    syncStates,
    jobs: { queued: byState.queued ?? 0, running: byState.running ?? 0, dead: byState.dead ?? 0, retrying: Number(retrying.n) },
    tokens: Number(tokens.n),
  };
}

export interface WebhookStats {
  /** deliveries received in the window */
  received: number;
  /** of those, not yet processed */
  unprocessed: number;
  /** processed with an outcome other than applied/ignored-type outcomes: counted by outcome */
  outcomes: Record<string, number>;
  lastReceivedAt: string | null;
}

/** Shopify webhook deliveries of the tenant received since `since` (ISO). */
export async function webhookStats(db: Db, tenantId: string, since: string): Promise<WebhookStats> {
  const [rows, last] = await Promise.all([
    db
      .selectFrom('webhook_events')
      .select(['outcome', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('received_at', '>=', since)
      .groupBy('outcome')
      .execute(),
    db
      .selectFrom('webhook_events')
      .select((eb) => eb.fn.max('received_at').as('at'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst(),
  ]);
  const outcomes: Record<string, number> = {};
  let received = 0;
  let unprocessed = 0;
  for (const r of rows) {
    received += Number(r.n);
    if (r.outcome === null) unprocessed += Number(r.n);
    else outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + Number(r.n);
  }
  return { received, unprocessed, outcomes, lastReceivedAt: (last?.at as string | null | undefined) ?? null };
}

/** When each named sync cursor of the tenant was last written (reconcile's watermarks). */
export async function cursorTimes(
  db: Db,
  tenantId: string,
  names: string[],
): Promise<Record<string, { value: string; updatedAt: string }>> {
  if (names.length === 0) return {};
  const rows = await db
    .selectFrom('sync_cursors')
    .select(['name', 'value', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where('name', 'in', names)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.name, { value: r.value, updatedAt: r.updated_at }]));
}
