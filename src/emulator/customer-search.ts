// The customer fields Shopify's customers(query:) understands, and the sort keys of the connection,
// evaluated over the emulator's records. Unknown fields are ignored with a warning, as Shopify does.
import { compare, evaluate, fieldsOf, matchText, parseSearch, parseSearchDate, type SearchNode } from './search.js';
import type { CustomerRecord } from './state.js';

export const CUSTOMER_SEARCH_FIELDS = [
  'email',
  'phone',
  'tag',
  'tag_not',
  'state',
  'updated_at',
  'created_at',
  'id',
  'first_name',
  'last_name',
  'orders_count',
  'number_of_orders',
  'accepts_marketing',
  'country',
  'customer_date',
  'default',
];

type Term = Extract<SearchNode, { kind: 'term' }>;

const digits = (s: string) => s.replace(/\D/g, '');

function matchTerm(c: CustomerRecord, t: Term, now: number): boolean | undefined {
  const v = t.value;
  switch (t.field) {
    case null:
    case 'default': {
      if (v === '*' || v === '') return true;
      const needle = v.toLowerCase().replace(/\*$/, '');
      const hay = [c.firstName, c.lastName, c.email, c.phone, c.note, ...c.tags, ...c.addresses.map((a) => a.company)]
        .filter((x): x is string => !!x)
        .map((x) => x.toLowerCase());
      return hay.some((h) => h.includes(needle)) || [c.firstName, c.lastName].filter(Boolean).join(' ').toLowerCase().includes(needle);
    }
    case 'email':
      return matchText(c.email, v);
    case 'phone':
      if (v === '*') return c.phone !== null;
      return c.phone !== null && digits(v).length > 0 && digits(c.phone) === digits(v);
    case 'tag':
      return v === '*' ? c.tags.length > 0 : c.tags.some((tag) => matchText(tag, v));
    case 'tag_not':
      return !c.tags.some((tag) => matchText(tag, v));
    case 'state':
      return c.state.toLowerCase() === v.toLowerCase();
    case 'first_name':
      return matchText(c.firstName, v);
    case 'last_name':
      return matchText(c.lastName, v);
    case 'id': {
      const n = Number(v.replace(/^gid:\/\/shopify\/Customer\//, ''));
      return Number.isFinite(n) && compare(c.id, t.op, n);
    }
    case 'orders_count':
    case 'number_of_orders': {
      const n = Number(v);
      return Number.isFinite(n) && compare(c.orders.length, t.op, n);
    }
    case 'accepts_marketing':
      return (c.emailMarketingConsent?.marketingState === 'SUBSCRIBED') === (v.toLowerCase() === 'true');
    case 'country': {
      const def = c.addresses.find((a) => a.id === c.defaultAddressId);
      return matchText(def?.country, v) || matchText(def?.countryCode, v);
    }
    case 'updated_at':
    case 'created_at':
    case 'customer_date': {
      const at = Date.parse(t.field === 'updated_at' ? c.updatedAt : c.createdAt);
      const want = parseSearchDate(v, now);
      if (Number.isNaN(want)) return false;
      // a bare date with ':' means "that day"
      if (t.op === ':' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return at >= want && at < want + 86_400_000;
      return compare(at, t.op, want);
    }
    default: {
      const m = /^metafields\.([^.]+)\.(.+)$/.exec(t.field);
      if (m) return c.metafields.some((mf) => mf.namespace === m[1] && mf.key === m[2] && matchText(mf.value, v));
      return undefined;
    }
  }
}

export interface CustomerSearch {
  /** does the customer match the query */
  matches(c: CustomerRecord): boolean;
  /** fields the query used that are not searchable (Shopify reports them as warnings and ignores them) */
  unknownFields: string[];
}

/** Compiles a customers(query:) string. */
export function customerSearch(query: string | null | undefined, now: number): CustomerSearch {
  const ast = parseSearch(query ?? '');
  const unknownFields = [...new Set(fieldsOf(ast).filter((f) => !CUSTOMER_SEARCH_FIELDS.includes(f) && !f.startsWith('metafields.')))];
  return { matches: (c) => evaluate(ast, (t) => matchTerm(c, t, now)), unknownFields };
}

export type CustomerSortKey = 'ID' | 'CREATED_AT' | 'UPDATED_AT' | 'NAME' | 'LOCATION' | 'RELEVANCE';

/** The value a customer sorts by, as a string or number; ties break by id. */
export function sortValue(c: CustomerRecord, key: string): string | number {
  switch (key) {
    case 'CREATED_AT':
      return c.createdAt;
    case 'UPDATED_AT':
      return c.updatedAt;
    case 'NAME':
      return [c.firstName, c.lastName].filter(Boolean).join(' ').toLowerCase() || (c.email ?? '').toLowerCase();
    case 'LOCATION': {
      const def = c.addresses.find((a) => a.id === c.defaultAddressId);
      return (def?.country ?? '').toLowerCase();
    }
    default:
      return c.id;
  }
}
