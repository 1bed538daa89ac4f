// Paging through customers with the `customers` connection: one page at a time, or every page changed since an
// updated_at watermark (ascending, so a caller can checkpoint the last updatedAt or cursor and resume).
import type { ShopifyClient } from './client.js';
import { toCustomer, type CustomerNode } from './customer-shape.js';
import { estimateCost } from './cost.js';
import { documents } from './documents.js';
import { metafieldVars } from './operation.js';
import type { ReadOptions, ShopifyCustomer } from './types.js';

/** Shopify's largest page. */
export const MAX_PAGE_SIZE = 250;

export interface CustomerPage {
  customers: ShopifyCustomer[];
  /** Cursor to pass as `after` for the next page. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface ListCustomersOptions extends ReadOptions {
  /** Shopify search syntax, e.g. `tag:staff AND state:enabled`. */
  query?: string;
  after?: string | null;
  /** 1..250, default 100. */
  first?: number;
  sortKey?: 'UPDATED_AT' | 'CREATED_AT' | 'ID' | 'NAME';
}

/** Shopify refuses a single query that asks for more than this many points. */
export const MAX_QUERY_COST = 1000;

/**
 * One page of customers matching `query`. The page is made smaller when the asked size would cost more than one
 * query may (1,000 points) or than the shop's bucket holds, so a page never waits for a bucket it cannot fit in.
 */
export async function listCustomers(client: ShopifyClient, opts: ListCustomersOptions = {}): Promise<CustomerPage> {
  const vars = {
    after: opts.after ?? null,
    query: opts.query ?? null,
    sortKey: opts.sortKey ?? 'UPDATED_AT',
    ...metafieldVars(opts),
  };
  const bucket = (await client.throttleSnapshot())?.maximum ?? MAX_QUERY_COST;
  const first = Math.min(Math.max(1, Math.floor(opts.first ?? 100)), maxPageSize(vars, Math.min(MAX_QUERY_COST, bucket)));
  const { data } = await client.request<{
    customers: { nodes: CustomerNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  }>(documents.customers, { ...vars, first });
  return {
    customers: data.customers.nodes.map(toCustomer),
    endCursor: data.customers.pageInfo.endCursor,
    hasNextPage: data.customers.pageInfo.hasNextPage,
  };
}

/** The largest page whose estimated cost stays within 90% of `budget` points (at least 1, at most 250). */
export function maxPageSize(vars: Record<string, unknown>, budget: number): number {
  const base = estimateCost(documents.customers.text, { ...vars, first: 0 });
  const perNode = estimateCost(documents.customers.text, { ...vars, first: 1 }) - base;
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor((budget * 0.9 - base) / Math.max(1, perNode))));
}

/** The search term selecting customers changed at or after `since` (an ISO timestamp). */
export function updatedSinceQuery(since: string): string {
  const at = new Date(since);
  if (Number.isNaN(at.getTime())) throw new Error(`not a timestamp: ${since}`);
  return `updated_at:>='${at.toISOString()}'`;
}

export interface UpdatedSinceOptions extends ReadOptions {
  /** Only customers updated at or after this ISO timestamp (inclusive, so nothing at the boundary is missed). */
  since?: string;
  /** Resume after this cursor of an earlier page. */
  after?: string | null;
  /** Page size, default 100, at most 250. */
  pageSize?: number;
  /** Further search terms ANDed with the timestamp. */
  query?: string;
}

/**
 * Every page of customers updated since a watermark, oldest change first. A connection stops at 25,000 objects:
 * for whole stores use the bulk export, or restart from the last customer's updatedAt.
 */
export async function* listCustomersUpdatedSince(client: ShopifyClient, opts: UpdatedSinceOptions = {}): AsyncGenerator<CustomerPage> {
  const terms = [opts.since ? updatedSinceQuery(opts.since) : '', opts.query ? `(${opts.query})` : ''].filter(Boolean);
  let after = opts.after ?? null;
  for (;;) {
    const page = await listCustomers(client, {
      query: terms.join(' AND ') || undefined,
      after,
      first: opts.pageSize,
      sortKey: 'UPDATED_AT',
      metafieldKeys: opts.metafieldKeys,
    });
    yield page;
    if (!page.hasNextPage || !page.endCursor) return;
    after = page.endCursor;
  }
}
