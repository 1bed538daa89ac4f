// What the inbound side needs to run: the database, the tenant's Shopify client (for reads that settle ties and for
// custom-id writes), where outbound events point, and the clock. Also the metafields every customer read asks for.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/types.js';
import type { Tenant } from '../../store/tenants.js';
import type { MappingDocument } from '../../mapping/document.js';
import type { ShopifyClient } from '../../shopify/client.js';
import type { FanoutOptions } from '../targets/fanout.js';

export interface InboundDeps {
  db: Kysely<Database>;
  /** the tenant's Shopify client; undefined when the tenant has no shop connected */
  clientFor: (tenant: Tenant) => ShopifyClient | undefined;
  /** makes sure the shop has the unique custom-id metafield definition (once per shop) */
  ensureCustomId?: (client: ShopifyClient, ns: { namespace: string; key: string }) => Promise<void>;
  fanout: FanoutOptions;
  now?: () => number;
}

/** `namespace.key` of the metafields a read must include: the custom id and every metafield mapped back to SCIM. */
export function metafieldKeysFor(mapping: MappingDocument): string[] {
  const keys = [`${mapping.customIdMetafield.namespace}.${mapping.customIdMetafield.key}`];
  for (const r of mapping.rules) {
    if (r.direction !== 'toShopify' && r.target.kind === 'metafield') keys.push(`${r.target.namespace}.${r.target.key}`);
  }
  return [...new Set(keys)];
}

/** The SCIM user id a customer's custom-id metafield names, if it has one. */
export function customIdOf(
  metafields: { namespace: string; key: string; value: string | null }[] | undefined,
  mapping: MappingDocument,
): string | undefined {
  const { namespace, key } = mapping.customIdMetafield;
  const m = metafields?.find((x) => x.namespace === namespace && x.key === key);
  return m?.value ? m.value : undefined;
}

export const isoNow = (deps: Pick<InboundDeps, 'now'>): string => new Date((deps.now ?? Date.now)()).toISOString();
