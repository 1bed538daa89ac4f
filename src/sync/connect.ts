// Connects a tenant to the shop named in the environment (SHOPIFY_*) at start, creating the tenant if needed, so a
// single-shop deployment needs nothing but its .env: the `serve` command calls this before the worker starts.
import type { Kysely } from 'kysely';
import type { Database } from '../store/types.js';
import type { Config } from '../config.js';
import { TenantRepository, type Tenant } from '../store/tenants.js';
import { SecretBox, loadOrCreateKey } from '../security/secrets.js';
import { connectTenantShop } from './shops.js';

/** The SecretBox of this deployment (SECRET_KEY, else the key file in the data directory). */
export function secretBoxFor(config: Pick<Config, 'dataDir' | 'secretKey'>): SecretBox {
  return new SecretBox(loadOrCreateKey(config.dataDir, config.secretKey));
}

/** Creates tenant `name` when missing and connects it to config.shopify; returns it (undefined without SHOPIFY_*). */
export async function connectTenantFromConfig(db: Kysely<Database>, config: Config, name: string): Promise<Tenant | undefined> {
  const shop = config.shopify;
  if (!shop) return undefined;
  const tenants = new TenantRepository(db);
  const tenant = (await tenants.byName(name)) ?? (await tenants.create(name));
  await connectTenantShop(
    db,
    tenant.id,
    {
      shop: shop.shop,
      apiVersion: shop.apiVersion,
      ...(shop.apiBaseUrl ? { apiBaseUrl: shop.apiBaseUrl } : {}),
      ...(shop.accessToken ? { accessToken: shop.accessToken } : { clientId: shop.clientId }),
      // The app secret signs webhooks: with a static token it comes from SHOPIFY_WEBHOOK_SECRET.
      ...(shop.webhookSecret ? { clientSecret: shop.webhookSecret } : {}),
    },
    secretBoxFor(config),
  );
  return tenant;
}
