// The figures of a tenant's dashboard in one answer: users and groups, users per sync state, jobs queued, running,
// retrying and dead, the shop's API budget over the last half hour, Shopify webhook health and the last reconcile.
import type { Tenant } from '../store/tenants.js';
import { tenantCounts, webhookStats, cursorTimes, type TenantCounts, type WebhookStats } from '../store/dashboard.js';
import type { BudgetHistory, BudgetSlot } from '../sync/budget.js';
import { RECONCILE_CURSOR } from '../sync/reconcile.js';
import { normalizeShop } from '../shopify/index.js';
import { shopView } from './shop.js';
import type { AdminDeps } from './context.js';

export interface Dashboard extends TenantCounts {
  shop: { connected: boolean; shop: string | null; webhookSecret: boolean };
  budget: { series: BudgetSlot[]; latest: { available: number; maximum: number; restoreRate: number; at: string } | null };
  webhooks: WebhookStats & { windowHours: number; signatureCheck: boolean };
  reconcile: { lastRunAt: string | null; lastFullAt: string | null };
  at: string;
}

const WEBHOOK_WINDOW_H = 24;

export async function dashboard(deps: Pick<AdminDeps, 'db'>, t: Tenant, budget: BudgetHistory | undefined): Promise<Dashboard> {
  const shop = shopView(t.settings);
  const since = new Date(Date.now() - WEBHOOK_WINDOW_H * 3600_000).toISOString();
  const [counts, webhooks, cursors] = await Promise.all([
    tenantCounts(deps.db, t.id),
    webhookStats(deps.db, t.id, since),
    cursorTimes(deps.db, t.id, [RECONCILE_CURSOR, 'reconcile.full']),
  ]);
  const domain = shop.shop ? normalizeShop(shop.shop) : null;
  return {
    ...counts,
    shop: { connected: shop.connected, shop: domain, webhookSecret: shop.clientSecret === 'set' },
    budget: { series: domain && budget ? budget.series(domain) : [], latest: (domain && budget?.latest(domain)) || null },
    // a shop's webhooks can be verified only with the app's secret: without it they are refused
    webhooks: { ...webhooks, windowHours: WEBHOOK_WINDOW_H, signatureCheck: shop.clientSecret === 'set' },
    reconcile: { lastRunAt: cursors[RECONCILE_CURSOR]?.updatedAt ?? null, lastFullAt: cursors['reconcile.full']?.updatedAt ?? null },
    at: new Date().toISOString(),
  };
}
