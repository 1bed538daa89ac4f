// The tenant's choices about changes that start in Shopify (settings.policies): whether customers created there
// become SCIM users, and what a customer deleted there does to its SCIM user. Read leniently, with defaults.
import { z } from 'zod';

export const SHOPIFY_DELETE_POLICIES = ['deactivate', 'delete', 'ignore'] as const;
export type ShopifyDeletePolicy = (typeof SHOPIFY_DELETE_POLICIES)[number];

const schema = z.object({
  /** customers created in Shopify (storefront sign-up, staff) become SCIM users */
  importShopifyCreated: z.boolean().default(false),
  /** what customers/delete does to the linked SCIM user: deactivate it (default), delete it, or only unlink */
  shopifyDelete: z.enum(SHOPIFY_DELETE_POLICIES).default('deactivate'),
});

export type InboundPolicies = z.output<typeof schema>;

/** The inbound policies of a tenant; a wrong value falls back to its default rather than stopping the sync. */
export function readInboundPolicies(settings: Record<string, unknown>): InboundPolicies {
  const raw = (settings.policies ?? {}) as Record<string, unknown>;
  const picked = { importShopifyCreated: raw.importShopifyCreated, shopifyDelete: raw.shopifyDelete };
  const r = schema.safeParse(picked);
  if (r.success) return r.data;
  const fallback = schema.parse({});
  const ok = (k: keyof InboundPolicies) => schema.shape[k].safeParse(picked[k]).success;
  return {
    importShopifyCreated: ok('importShopifyCreated')
      ? ((picked.importShopifyCreated as boolean) ?? fallback.importShopifyCreated)
      : fallback.importShopifyCreated,
    shopifyDelete: ok('shopifyDelete') ? ((picked.shopifyDelete as ShopifyDeletePolicy) ?? fallback.shopifyDelete) : fallback.shopifyDelete,
  };
}
