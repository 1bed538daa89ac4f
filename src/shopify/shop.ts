// What a shop says about itself and about this app's access: name, domain, plan, granted scopes, and the bucket
// and API version seen on the same response (what `shopify check` reports).
import type { ShopifyClient } from './client.js';
import { documents } from './documents.js';
import type { ThrottleStatus } from './throttle.js';

/** The scopes the bridge cannot work without. */
export const REQUIRED_SCOPES = ['read_customers', 'write_customers'] as const;

export interface ShopInfo {
  name: string;
  myshopifyDomain: string;
  primaryDomain: string | null;
  plan: { displayName: string; partnerDevelopment: boolean; shopifyPlus: boolean };
  scopes: string[];
  /** Required scopes not granted (write_customers implies read_customers, as Shopify grants it). */
  missingScopes: string[];
  /** The version that answered, per the response header (Shopify falls back when a version is unknown). */
  apiVersion: string | null;
  bucket: ThrottleStatus | null;
}

type ShopData = {
  shop: {
    name: string;
    myshopifyDomain: string;
    primaryDomain: { host: string; url: string } | null;
    plan: { publicDisplayName: string; partnerDevelopment: boolean; shopifyPlus: boolean };
  };
  currentAppInstallation: { accessScopes: { handle: string }[] };
};

/** The scopes of `required` that `granted` lacks (a write scope includes its read scope). */
export function missingScopes(granted: readonly string[], required: readonly string[] = REQUIRED_SCOPES): string[] {
  const has = new Set(granted);
  for (const s of granted) if (s.startsWith('write_')) has.add(`read_${s.slice('write_'.length)}`);
  return required.filter((s) => !has.has(s));
}

/** Shop name, domain, plan, this app's granted scopes, the answering API version and the cost bucket. */
export async function shopInfo(client: ShopifyClient): Promise<ShopInfo> {
  const res = await client.request<ShopData>(documents.shopInfo);
  const { shop, currentAppInstallation } = res.data;
  const scopes = currentAppInstallation.accessScopes.map((s) => s.handle).sort();
  return {
    name: shop.name,
    myshopifyDomain: shop.myshopifyDomain,
    primaryDomain: shop.primaryDomain?.host ?? null,
    plan: {
      displayName: shop.plan.publicDisplayName,
      partnerDevelopment: shop.plan.partnerDevelopment,
      shopifyPlus: shop.plan.shopifyPlus,
    },
    scopes,
    missingScopes: missingScopes(scopes),
    apiVersion: res.apiVersion ?? null,
    bucket: res.cost?.throttleStatus ?? null,
  };
}
