// Turns a connection's query/sortKey arguments into the matching customers, and records Shopify's search
// warnings ("Invalid search field for this query.") that end up in the response's extensions.
import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { customerSearch } from '../customer-search.js';
import type { CustomerRecord } from '../state.js';
import type { ExecContext } from './context.js';
import type { Args } from './views.js';

/** Customers matching `args.query`, plus the sort key to page them by. */
export function search(ctx: ExecContext, args: Args, info: GraphQLResolveInfo): { list: CustomerRecord[]; sortKey: string } {
  const query = (args.query as string | undefined) ?? '';
  const s = customerSearch(query, ctx.shop.clock());
  if (s.unknownFields.length) {
    ctx.searchWarnings.push({
      path: responsePathAsArray(info.path),
      query,
      warnings: s.unknownFields.map((field) => ({ field, message: 'Invalid search field for this query.' })),
    });
  }
  const sortKey = (args.sortKey as string | undefined) ?? 'ID';
  return { list: ctx.shop.data.customers.filter((c) => s.matches(c)), sortKey };
}

/** The simple `status:… type:…` filter of bulkOperations(query:). */
export function parseSearch(query: string | undefined): { status?: string; type?: string } {
  const out: { status?: string; type?: string } = {};
  for (const m of (query ?? '').matchAll(/(status|operation_type|type):(\w+)/gi)) {
    if (m[1].toLowerCase() === 'status') out.status = m[2].toLowerCase();
    else out.type = m[2].toLowerCase();
  }
  return out;
}
