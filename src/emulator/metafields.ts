// Customer metafields: value validation for the common types, the app-reserved namespace, definitions
// (including unique `id` definitions used as a custom id) and the atomic write that metafieldsSet performs.
import type { Shop } from './shop.js';
import type { CustomerRecord, MetafieldDefinitionRecord, MetafieldRecord } from './state.js';

/** Numeric id of the app that owns `$app` namespaces in this emulator. */
export const APP_ID = 7010001;
export const APP_NAMESPACE = `app--${APP_ID}`;

/** Types this emulator understands; anything else is refused as Shopify refuses unknown types. */
export const METAFIELD_TYPES = [
  'single_line_text_field',
  'multi_line_text_field',
  'boolean',
  'number_integer',
  'number_decimal',
  'date',
  'date_time',
  'json',
  'id',
  'url',
  'color',
  'list.single_line_text_field',
  'list.number_integer',
  'list.date',
];

export interface MetafieldError {
  code: string;
  field: string[];
  message: string;
}

/** `$app` and a missing namespace both mean the calling app's reserved namespace. */
export function resolveNamespace(ns: string | null | undefined): string {
  if (ns === null || ns === undefined || ns === '') return APP_NAMESPACE;
  if (ns === '$app') return APP_NAMESPACE;
  if (ns.startsWith('$app:')) return `${APP_NAMESPACE}--${ns.slice(5)}`;
  return ns;
}

function isDate(v: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
}

/** Why a value does not fit its type (Shopify's wording where known), or null when it fits. */
export function checkValue(type: string, value: string): string | null {
  switch (type) {
    case 'single_line_text_field':
      if (/[\r\n]/.test(value)) return 'Value must be a single line text string.';
      return value.length > 65535 ? 'Value is too long.' : null;
    case 'multi_line_text_field':
      return null;
    case 'boolean':
      return value === 'true' || value === 'false' ? null : 'Value must be true or false.';
    case 'number_integer': {
      if (!/^-?\d+$/.test(value)) return 'Value must be an integer.';
      const n = BigInt(value);
      return n > 9007199254740991n || n < -9007199254740991n ? 'Value is out of range.' : null;
    }
    case 'number_decimal':
      return /^-?\d+(\.\d+)?$/.test(value) ? null : 'Value must be a decimal.';
    case 'date':
      return isDate(value) ? null : 'Value must be in YYYY-MM-DD format.';
    case 'date_time':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : 'Value must be in ISO 8601 date and time format.';
    case 'json':
      try {
        JSON.parse(value);
        return null;
      } catch {
        return 'Value is invalid JSON.';
      }
    case 'id':
      if (value.length === 0) return "Value can't be blank.";
      return value.length > 255 ? 'Value is too long (maximum is 255 characters).' : null;
    case 'url':
      return /^(https?|mailto|sms|tel):/.test(value) ? null : 'Value must be a valid URL.';
    case 'color':
      return /^#[0-9a-fA-F]{6}$/.test(value) ? null : 'Value must be a hex color code.';
    default:
      if (type.startsWith('list.')) {
        let arr: unknown;
        try {
          arr = JSON.parse(value);
        } catch {
          return 'Value is invalid JSON.';
        }
        if (!Array.isArray(arr)) return 'Value must be an array.';
        for (const item of arr) {
          const err = checkValue(type.slice(5), typeof item === 'string' ? item : JSON.stringify(item));
          if (err) return err;
        }
        return null;
      }
      return null;
  }
}

/** The definition for a customer metafield, if one was created. */
export function findDefinition(shop: Shop, namespace: string, key: string): MetafieldDefinitionRecord | undefined {
  return shop.data.definitions.find((d) => d.ownerType === 'CUSTOMER' && d.namespace === namespace && d.key === key);
}

/** The customer whose metafield (namespace, key) holds exactly this value. */
export function customerByMetafield(shop: Shop, namespace: string, key: string, value: string): CustomerRecord | undefined {
  return shop.data.customers.find((c) => c.metafields.some((m) => m.namespace === namespace && m.key === key && m.value === value));
}

export interface MetafieldWrite {
  namespace: string;
  key: string;
  type: string;
  value: string;
}

/**
 * Validates one metafield write for a customer; `path` prefixes error fields (["metafields","0"]).
 * Returns the normalised write or the errors.
 */
export function checkMetafieldWrite(
  shop: Shop,
  owner: CustomerRecord | null,
  input: { namespace?: string | null; key?: string | null; type?: string | null; value?: string | null },
  path: string[],
): { ok: true; write: MetafieldWrite } | { ok: false; errors: MetafieldError[] } {
  const errors: MetafieldError[] = [];
  const namespace = resolveNamespace(input.namespace);
  const key = input.key ?? '';
  if (!key) errors.push({ code: 'BLANK', field: [...path, 'key'], message: "Key can't be blank." });
  else if (key.length < 2 || key.length > 64 || !/^[A-Za-z0-9_-]+$/.test(key))
    errors.push({
      code: 'INVALID',
      field: [...path, 'key'],
      message: 'Key must be 2-64 characters long and only contain alphanumeric, hyphen, and underscore characters.',
    });
  if (namespace.length < 2 || namespace.length > 255)
    errors.push({ code: 'INVALID', field: [...path, 'namespace'], message: 'Namespace must be 2-255 characters long.' });
  const def = key ? findDefinition(shop, namespace, key) : undefined;
  const existing = owner?.metafields.find((m) => m.namespace === namespace && m.key === key);
  let type = input.type ?? def?.type ?? existing?.type ?? '';
  if (!type) errors.push({ code: 'BLANK', field: [...path, 'type'], message: "Type can't be blank." });
  else if (!METAFIELD_TYPES.includes(type))
    errors.push({ code: 'INVALID_TYPE', field: [...path, 'type'], message: `Type '${type}' is not a valid type.` });
  else if (def && def.type !== type)
    errors.push({
      code: 'INVALID_TYPE',
      field: [...path, 'type'],
      message: `Type must be '${def.type}' to match the metafield definition.`,
    });
  const value = input.value;
  if (value === null || value === undefined) errors.push({ code: 'BLANK', field: [...path, 'value'], message: "Value can't be blank." });
  else if (type && METAFIELD_TYPES.includes(type)) {
    const msg = checkValue(type, value);
    if (msg) errors.push({ code: 'INVALID_VALUE', field: [...path, 'value'], message: msg });
    else if (def?.uniqueValues) {
      const holder = customerByMetafield(shop, namespace, key, value);
      if (holder && holder !== owner)
        errors.push({ code: 'TAKEN', field: [...path, 'value'], message: 'Value is already assigned to another owner.' });
    }
  }
  if (errors.length) return { ok: false, errors };
  type ||= 'single_line_text_field';
  return { ok: true, write: { namespace, key, type, value: value as string } };
}

/** Applies a checked write to a customer; returns the stored metafield. */
export function applyMetafieldWrite(shop: Shop, owner: CustomerRecord, w: MetafieldWrite): MetafieldRecord {
  const now = shop.nowIso();
  const existing = owner.metafields.find((m) => m.namespace === w.namespace && m.key === w.key);
  if (existing) {
    existing.type = w.type;
    existing.value = w.value;
    existing.updatedAt = now;
    return existing;
  }
  const m: MetafieldRecord = {
    id: shop.nextId(),
    namespace: w.namespace,
    key: w.key,
    type: w.type,
    value: w.value,
    createdAt: now,
    updatedAt: now,
  };
  owner.metafields.push(m);
  return m;
}

/** The metafield's value as JSON (Metafield.jsonValue). */
export function jsonValue(m: MetafieldRecord): unknown {
  switch (m.type) {
    case 'boolean':
      return m.value === 'true';
    case 'number_integer':
      return Number(m.value);
    case 'number_decimal':
      return m.value;
    case 'json':
      return JSON.parse(m.value);
    default:
      if (m.type.startsWith('list.')) return JSON.parse(m.value);
      return m.value;
  }
}
