// Reads list/search parameters from a query string or a SearchRequest body (RFC 7644 §3.4.2, §3.4.3) into one
// shape, enforcing the limits the discovery documents advertise.
import { errors } from './errors.js';
import { SCHEMA } from './schemas.js';
import { parseFilter } from './filter/parser.js';
import { parseAttributeList } from './projection.js';
import type { Filter } from './filter/ast.js';
import type { Limits } from './discovery.js';

/** What a list or search asks for: which resources (filter), in which order, which page. */
export interface ListQuery {
  filter?: Filter;
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
  /** 1-based */
  startIndex: number;
  count: number;
}

export interface ListParams extends ListQuery {
  attributes: string[];
  excludedAttributes: string[];
}

type Raw = Record<string, unknown>;

function intParam(name: string, v: unknown, fallback: number): number {
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isFinite(n) || !Number.isInteger(n)) throw errors.invalidValue(`${name} must be an integer`);
  return n;
}

function strParam(name: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) throw errors.invalidValue(`${name} may be given only once`);
  if (typeof v !== 'string') throw errors.invalidValue(`${name} must be a string`);
  return v;
}

function listParam(name: string, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === 'string')) throw errors.invalidValue(`${name} must be a list of attribute names`);
    return v.flatMap((x) => parseAttributeList(x as string));
  }
  return parseAttributeList(strParam(name, v));
}

/** Parses list parameters; `body` marks a POST .search SearchRequest (whose schemas must say so). */
export function parseListParams(raw: Raw, limits: Limits, body = false): ListParams {
  if (body) {
    const schemas = raw.schemas;
    if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(SCHEMA.searchRequest)))
      throw errors.invalidSyntax(`a search request must list the schema ${SCHEMA.searchRequest}`);
  }
  const filterText = strParam('filter', raw.filter);
  let filter;
  if (filterText !== undefined && filterText.trim() !== '') {
    const r = parseFilter(filterText);
    if (!r.ok) throw r.error;
    filter = r.value;
  }
  const sortBy = strParam('sortBy', raw.sortBy);
  const sortOrderRaw = strParam('sortOrder', raw.sortOrder);
  let sortOrder: 'ascending' | 'descending' | undefined;
  if (sortOrderRaw !== undefined) {
    const s = sortOrderRaw.toLowerCase();
    if (s !== 'ascending' && s !== 'descending') throw errors.invalidValue('sortOrder must be "ascending" or "descending"');
    sortOrder = s;
  }
  // RFC 7644 §3.4.2.4: startIndex below 1 is read as 1; a negative count as 0; count above the maximum is capped.
  const startIndex = Math.max(1, intParam('startIndex', raw.startIndex, 1));
  const count = Math.min(limits.maxResults, Math.max(0, intParam('count', raw.count, limits.defaultCount)));
  const attributes = listParam('attributes', raw.attributes);
  const excludedAttributes = listParam('excludedAttributes', raw.excludedAttributes);
  if (attributes.length && excludedAttributes.length)
    throw errors.invalidValue('attributes and excludedAttributes cannot be used together');
  return { filter, sortBy: sortBy?.trim() || undefined, sortOrder, startIndex, count, attributes, excludedAttributes };
}
