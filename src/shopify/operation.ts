// Shared plumbing of the typed operations: run a mutation and turn its userErrors into one ShopifyError, and the
// variables that ask a customer document for the caller's metafields.
import type { ShopifyClient, ShopifyDocument } from './client.js';
import { fromUserErrors, shopifyErrors, type ShopifyUserError } from './errors.js';
import type { ReadOptions } from './types.js';

export interface MutationPayload {
  userErrors: ShopifyUserError[];
}

/** Sends a mutation and returns its payload, or throws the ShopifyError its userErrors describe. */
export async function runMutation<P extends MutationPayload>(
  client: ShopifyClient,
  doc: ShopifyDocument,
  field: string,
  variables: Record<string, unknown>,
): Promise<P> {
  const { data } = await client.request<Record<string, P | null>>(doc, variables);
  const payload = data[field];
  if (!payload) throw shopifyErrors.internal(`${field} returned no payload`);
  if (payload.userErrors?.length) throw fromUserErrors(payload.userErrors);
  return payload;
}

/** Variables of the CustomerFields fragment: metafields are read only when keys are given. */
export function metafieldVars(opts: ReadOptions = {}): { withMetafields: boolean; metafieldCount: number; metafieldKeys?: string[] } {
  const keys = [...new Set(opts.metafieldKeys ?? [])];
  return keys.length
    ? { withMetafields: true, metafieldCount: keys.length, metafieldKeys: keys }
    : { withMetafields: false, metafieldCount: 0 };
}

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
