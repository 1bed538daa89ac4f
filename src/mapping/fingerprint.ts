// A stable hash of a customer's Shopify state as the mapping sees it, so the sync engine can tell its own write
// coming back through a webhook (an echo, dropped) from a real change made in Shopify (mapped back to SCIM).
import { createHash } from 'node:crypto';
import type { DesiredCustomer } from './targets.js';
import { tagKey } from './tags.js';

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'note', 'locale'] as const;

/** A customer as fingerprinted: DesiredCustomer, or the same fields read from Shopify. */
export type FingerprintInput = Partial<Omit<DesiredCustomer, 'tags' | 'metafields'>> & {
  tags?: readonly string[];
  metafields?: readonly { namespace: string; key: string; value: string | null }[];
};

export interface FingerprintOptions {
  /**
   * Restrict to what `like` (normally the DesiredCustomer that was written) decides: its defined fields, its
   * metafields and its tags. Then a customer read from Shopify, with the merchant's own tags and fields besides,
   * fingerprints the same as what the bridge wrote exactly when the bridge's part is unchanged.
   */
  like?: FingerprintInput;
  /** leave tags out (webhook payloads since API 2025-01 carry none) */
  withoutTags?: boolean;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const norm = (v: string) => v.trim();

/**
 * A sha256 (hex) over the customer's canonical form: absent, null and empty values are alike; email and tags compare
 * without case; tags and metafields are sorted; so equal states hash equal however they were assembled.
 * @example customerFingerprint(observed, { like: desired }) === applied.fingerprint // an echo of our own write
 */
export function customerFingerprint(c: FingerprintInput, opts: FingerprintOptions = {}): string {
  const like = opts.like;
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    if (like && like[f] === undefined) continue;
    const v = c[f];
    if (!blank(v)) out[f] = f === 'email' ? norm(v as string).toLowerCase() : norm(v as string);
  }
  if (!like || like.defaultAddress !== undefined) {
    const addr: Record<string, string> = {};
    const keys = like?.defaultAddress ? Object.keys(like.defaultAddress) : Object.keys(c.defaultAddress ?? {});
    for (const k of keys.sort()) {
      const v = (c.defaultAddress as Record<string, unknown> | null | undefined)?.[k];
      if (!blank(v)) addr[k] = norm(v as string);
    }
    if (Object.keys(addr).length) out.defaultAddress = addr;
  }
  const wantedMf = like ? new Set((like.metafields ?? []).map((m) => `${m.namespace}.${m.key}`)) : undefined;
  const mfs = (c.metafields ?? [])
    .filter((m) => !blank(m.value) && (!wantedMf || wantedMf.has(`${m.namespace}.${m.key}`)))
    .map((m) => [`${m.namespace}.${m.key}`, norm(m.value as string)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (mfs.length) out.metafields = mfs;
  if (!opts.withoutTags) {
    const wantedTags = like ? new Set((like.tags ?? []).map(tagKey)) : undefined;
    const tags = [...new Set((c.tags ?? []).map(tagKey))].filter((t) => !wantedTags || wantedTags.has(t)).sort();
    if (tags.length) out.tags = tags;
  }
  for (const k of ['emailMarketingConsent', 'smsMarketingConsent'] as const) {
    if (like && like[k] === undefined) continue;
    const state = c[k]?.marketingState;
    if (state) out[k] = state;
  }
  return createHash('sha256').update(JSON.stringify(out)).digest('hex');
}
