// How one attribute value compares with one filter value, by the attribute's type and caseExact (RFC 7644 §3.4.2.2).
// Shared by the in-memory evaluator and the SQL compiler so both answer the same question the same way.
import type { AttributeDef } from '../schemas.js';
import type { CompValue, CompareOp } from './ast.js';

export type OrderOp = 'gt' | 'ge' | 'lt' | 'le';
export const isOrderOp = (op: CompareOp): op is OrderOp => op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Milliseconds since the epoch of an RFC 3339 / xsd:dateTime string, or NaN. A time without a zone is UTC, so the
 * answer never depends on the server's time zone; non-ISO formats are refused rather than guessed.
 */
export function parseInstant(v: unknown): number {
  if (typeof v !== 'string') return NaN;
  const m = ISO.exec(v.trim());
  if (!m) return NaN;
  const [, date, time, zone] = m;
  if (!time) return Date.parse(`${date}T00:00:00Z`);
  let z = (zone ?? 'Z').toUpperCase();
  if (z.length === 5) z = `${z.slice(0, 3)}:${z.slice(3)}`;
  return Date.parse(`${date}T${time}${z}`);
}

/** A boolean from a stored value or a filter value; clients send "True"/"false" strings, so those count too. */
export function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const l = v.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  return undefined;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

/**
 * Orders strings by Unicode code point, which is what SQLite's BINARY collation and PostgreSQL's "C" collation do
 * on UTF-8; JavaScript's `<` orders by UTF-16 unit and disagrees for characters beyond U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff && y >= 0xd800 && y <= 0xdfff) return x - y;
    if (x >= 0xd800 && x <= 0xdfff) return y >= 0xe000 ? 1 : x - y;
    if (y >= 0xd800 && y <= 0xdfff) return x >= 0xe000 ? -1 : x - y;
    return x - y;
  }
  return a.length - b.length;
}

function order(c: number, op: OrderOp): boolean {
  return op === 'gt' ? c > 0 : op === 'ge' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
}

/** The filter value as the string it is compared with (Entra's unquoted `eq 1234` means the string "1234"). */
export function filterString(v: CompValue, caseExact: boolean): string | undefined {
  if (v === null) return undefined;
  const s = String(v);
  return caseExact ? s : s.toLowerCase();
}

/** Whether a value counts as present: not null, not "", not an empty array or object (RFC 7644 `pr`). */
export function isPresent(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return false;
  if (Array.isArray(v)) return v.some(isPresent);
  if (typeof v === 'object') return Object.values(v as object).some(isPresent);
  return true;
}

export function stringOp(op: Exclude<CompareOp, 'ne'>, a: string, e: string): boolean {
  switch (op) {
    case 'eq':
      return a === e;
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return order(compareCodePoints(a, e), op);
  }
}

/**
 * Compares one present attribute value with a non-null filter value. `ne` is not handled here: it is the negation
 * of `eq` over the whole attribute, so that a resource without the attribute matches `attr ne "x"`.
 */
export function compareOne(def: AttributeDef, op: Exclude<CompareOp, 'ne'>, actual: unknown, expected: Exclude<CompValue, null>): boolean {
  switch (def.type) {
    case 'boolean': {
      const a = typeof actual === 'boolean' ? actual : undefined;
      const e = toBool(expected);
      return op === 'eq' && a !== undefined && a === e;
    }
    case 'integer':
    case 'decimal': {
      const a = toNumber(actual);
      const e = toNumber(expected);
      if (Number.isNaN(a) || Number.isNaN(e)) return false;
      if (op === 'eq') return a === e;
      if (isOrderOp(op)) return order(a - e, op);
      return stringOp(op, String(a), String(expected));
    }
    case 'dateTime': {
      if (typeof actual !== 'string') return false;
      if (op === 'co' || op === 'sw' || op === 'ew') return stringOp(op, actual.toLowerCase(), String(expected).toLowerCase());
      const a = parseInstant(actual);
      const e = parseInstant(expected);
      if (Number.isNaN(a) || Number.isNaN(e)) return false;
      return op === 'eq' ? a === e : order(a - e, op);
    }
    case 'complex':
      return false;
    default: {
      // string, reference, binary: only real, non-empty strings are values (the store indexes nothing else)
      if (typeof actual !== 'string' || actual === '') return false;
      const a = def.caseExact ? actual : actual.toLowerCase();
      return stringOp(op, a, filterString(expected, def.caseExact)!);
    }
  }
}

/** Whether a stored value is a value of this attribute's type at all (others are ignored, as the store ignores them). */
export function isTypedValue(def: AttributeDef, v: unknown): boolean {
  switch (def.type) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
    case 'decimal':
      return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)));
    case 'complex':
      return isPresent(v);
    default:
      return typeof v === 'string' && v !== '';
  }
}
