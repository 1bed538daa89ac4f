// Whether each connected shop's Admin API answers, for /readyz: one small query per shop through the shop's own
// client (its throttle included), at most every `cacheMs`, each bounded by `timeoutMs`, so probes neither spend the
// shop's budget nor hang while Shopify is away.
import type { Kysely } from 'kysely';
import type { Database } from '../store/types.js';
import { TenantRepository } from '../store/tenants.js';
import { shopInfo } from '../shopify/shop.js';
import { isShopifyError } from '../shopify/index.js';
import type { ShopConnections } from './shops.js';

export interface ShopCheck {
  tenant: string;
  shop: string;
  ok: boolean;
  ms: number;
  /** the failure's code (a ShopifyError code, or TIMEOUT) and its PII-free message */
  code?: string;
  error?: string;
}

export interface ShopReadinessOptions {
  db: Kysely<Database>;
  shops: ShopConnections;
  /** a result is reused this long (ms, default 15 s) */
  cacheMs?: number;
  /** a shop that has not answered within this long counts as unreachable (ms, default 3 s) */
  timeoutMs?: number;
  now?: () => number;
}

/** Returns the function /readyz calls: the check of every tenant with a shop connected. */
export function shopReadiness(o: ShopReadinessOptions): () => Promise<ShopCheck[]> {
  const now = o.now ?? Date.now;
  const cacheMs = o.cacheMs ?? 15_000;
  const timeoutMs = o.timeoutMs ?? 3000;
  const tenants = new TenantRepository(o.db);
  let cached: { at: number; checks: Promise<ShopCheck[]> } | undefined;

  async function checkAll(): Promise<ShopCheck[]> {
    const out: ShopCheck[] = [];
    for (const t of await tenants.list()) {
      const client = o.shops.clientFor(t);
      if (!client) continue;
      const started = now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' })), timeoutMs);
      });
      try {
        await Promise.race([shopInfo(client), timeout]);
        out.push({ tenant: t.name, shop: client.shop, ok: true, ms: now() - started });
      } catch (e) {
        const code = isShopifyError(e) ? e.code : ((e as { code?: string }).code ?? 'ERROR');
        const error = isShopifyError(e) ? e.message : e instanceof Error ? e.message : String(e);
        out.push({ tenant: t.name, shop: client.shop, ok: false, ms: now() - started, code, error });
      } finally {
        clearTimeout(timer);
      }
    }
    return out;
  }

  return () => {
    if (!cached || now() - cached.at >= cacheMs) {
      const checks = checkAll();
      cached = { at: now(), checks };
      // A failed read of the tenants is not kept: the next probe tries again.
      checks.catch(() => (cached = undefined));
    }
    return cached.checks;
  };
}
