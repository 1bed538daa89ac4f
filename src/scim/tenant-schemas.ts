// Extension schemas a tenant declares (settings.schemas) so an IdP can send attributes the core schema lacks: checked
// when written (RFC 7643 §7 representation, URN ids that clash with nothing, valid names), read back once per settings text.
import { z } from 'zod';
import { attr, SCHEMA, userResourceTypeFor, type AttributeDef, type ResourceTypeDef, type SchemaDef } from './schemas.js';

/** Limits that keep discovery documents and every request's schema lookups small. */
export const MAX_TENANT_SCHEMAS = 20;
export const MAX_SCHEMA_ATTRIBUTES = 100;

/** RFC 7643 §2.1 ATTRNAME: a letter, then letters, digits, "-" or "_". */
const ATTR_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** `urn:<NID>:<NSS>` (RFC 8141), limited to characters that need no quoting in SCIM filters and PATCH paths. */
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}(?::[A-Za-z0-9._-]+)+$/i;
/** Namespaces whose schemas RFC 7643/7644 define; a tenant cannot declare its own there. */
const RESERVED = ['urn:ietf:params:scim:schemas:core:', 'urn:ietf:params:scim:api:'];

export interface SchemaIssue {
  /** where in the declared list, e.g. `schemas[0].attributes[2].name` */
  path: string;
  message: string;
}

export type SchemasValidation = { ok: true; value: SchemaDef[] } | { ok: false; errors: SchemaIssue[] };

const TYPES = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'] as const;

const characteristics = {
  name: z.string(),
  type: z.enum(TYPES),
  multiValued: z.boolean().optional(),
  description: z.string().max(1000).optional(),
  required: z.boolean().optional(),
  caseExact: z.boolean().optional(),
  mutability: z.enum(['readOnly', 'readWrite', 'immutable', 'writeOnly']).optional(),
  returned: z.enum(['always', 'never', 'default', 'request']).optional(),
  uniqueness: z.enum(['none', 'server', 'global']).optional(),
  canonicalValues: z.array(z.string()).max(200).optional(),
  referenceTypes: z.array(z.string().min(1)).max(20).optional(),
};
const subAttributeShape = z.strictObject(characteristics);
const attributeShape = z.strictObject({
  ...characteristics,
  subAttributes: z.array(subAttributeShape).max(MAX_SCHEMA_ATTRIBUTES).optional(),
});
const schemaShape = z.strictObject({
  id: z.string(),
  name: z.string().min(1).max(100),
  description: z.string().max(1000).optional(),
  attributes: z.array(attributeShape).min(1).max(MAX_SCHEMA_ATTRIBUTES),
  // what GET /Schemas shows is accepted back as written
  schemas: z.array(z.string()).optional(),
  meta: z.unknown().optional(),
});
const listShape = z.array(schemaShape).max(MAX_TENANT_SCHEMAS);

type AttributeInput = z.output<typeof attributeShape>;
type SubAttributeInput = z.output<typeof subAttributeShape>;

/** The URNs of every schema the server itself defines, lower-cased. */
const BUILT_IN = Object.values(SCHEMA).map((s) => s.toLowerCase());

function pathOf(p: readonly PropertyKey[]): string {
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
}

function idProblem(id: string, others: string[]): string | undefined {
  const l = id.toLowerCase();
  if (!URN.test(id))
    return `"${id}" is not a URN such as urn:example:params:scim:schemas:extension:acme:2.0:User (letters, digits, . _ - between colons)`;
  if (BUILT_IN.includes(l)) return `"${id}" is a schema the server defines itself; declare your own URN`;
  if (RESERVED.some((r) => l.startsWith(r)))
    return `"${id}" lies in a namespace RFC 7643 reserves (${RESERVED.find((r) => l.startsWith(r))}…)`;
  if (others.includes(l)) return `"${id}" is declared twice`;
  // A URN that extends another one would make `urn:a:b:attr` ambiguous between schema `urn:a:b` and `urn:a:b:attr`.
  const clash = others.find((o) => l.startsWith(`${o}:`) || o.startsWith(`${l}:`));
  if (clash) return `"${id}" and "${clash}" start alike up to a colon, so attribute paths under them would be ambiguous`;
  return undefined;
}

function nameProblem(name: string, type: string, sub: boolean): string | undefined {
  if (sub && name === '$ref' && type === 'reference') return undefined;
  if (!ATTR_NAME.test(name)) return `"${name}" is not a valid attribute name: start with a letter, then letters, digits, - or _`;
  return undefined;
}

/** Problems of one attribute (or sub-attribute) beyond its shape. */
function attributeProblems(a: AttributeInput | SubAttributeInput, at: string, sub: boolean, out: SchemaIssue[]): void {
  const push = (k: string, message: string) => out.push({ path: `${at}.${k}`, message: `${at}.${k}: ${message}` });
  const name = nameProblem(a.name, a.type, sub);
  if (name) push('name', name);
  if (a.uniqueness && a.uniqueness !== 'none')
    push('uniqueness', 'the server does not enforce uniqueness of extension attributes, so it cannot advertise it: use "none"');
  if (a.mutability === 'readOnly')
    push(
      'mutability',
      "readOnly attributes are maintained by the server, which maintains none of a tenant's attributes: use readWrite, immutable or writeOnly",
    );
  if (a.referenceTypes && a.type !== 'reference')
    push('referenceTypes', `only reference attributes have referenceTypes (this one is ${a.type})`);
  const subs = 'subAttributes' in a ? a.subAttributes : undefined;
  if (a.type === 'complex') {
    if (sub) push('type', 'a sub-attribute cannot be complex (RFC 7643 §2.3.8)');
    else if (!subs || subs.length === 0) push('subAttributes', 'a complex attribute needs its sub-attributes');
  } else if (subs) push('subAttributes', `only complex attributes have sub-attributes (this one is ${a.type})`);
  if (subs) {
    const seen = new Map<string, number>();
    subs.forEach((s, j) => {
      const k = s.name.toLowerCase();
      if (seen.has(k))
        out.push({
          path: `${at}.subAttributes[${j}].name`,
          message: `${at}.subAttributes[${j}].name: "${s.name}" is also subAttributes[${seen.get(k)}] (names compare without case)`,
        });
      else seen.set(k, j);
      attributeProblems(s, `${at}.subAttributes[${j}]`, true, out);
    });
  }
}

function toDef(a: AttributeInput | SubAttributeInput): AttributeDef {
  const subs = 'subAttributes' in a && a.subAttributes ? a.subAttributes.map(toDef) : undefined;
  return attr(a.name, a.type, {
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.canonicalValues ? { canonicalValues: a.canonicalValues } : {}),
    ...(a.referenceTypes ? { referenceTypes: a.referenceTypes } : a.type === 'reference' ? { referenceTypes: ['external'] } : {}),
    ...(subs ? { subAttributes: subs } : {}),
  });
}

/**
 * Checks a tenant's declared extension schemas and returns them with every characteristic filled in (RFC 7643 §2.2
 * defaults), or every problem at once (of shape first, then, once the shape is right, of meaning), each naming where.
 * @example validateExtensionSchemas([{ id: 'urn:acme:scim:ext:1.0:User', name: 'Acme', attributes: [{ name: 'badge', type: 'string' }] }])
 */
export function validateExtensionSchemas(input: unknown): SchemasValidation {
  const parsed = listShape.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ path: `schemas${pathOf(i.path)}`, message: `schemas${pathOf(i.path)}: ${i.message}` })),
    };
  }
  const errors: SchemaIssue[] = [];
  const ids: string[] = [];
  parsed.data.forEach((s, i) => {
    const at = `schemas[${i}]`;
    const why = idProblem(s.id, [...BUILT_IN, ...ids]);
    if (why) errors.push({ path: `${at}.id`, message: `${at}.id: ${why}` });
    ids.push(s.id.toLowerCase());
    const seen = new Map<string, number>();
    s.attributes.forEach((a, j) => {
      const k = a.name.toLowerCase();
      if (seen.has(k))
        errors.push({
          path: `${at}.attributes[${j}].name`,
          message: `${at}.attributes[${j}].name: "${a.name}" is also attributes[${seen.get(k)}] (names compare without case)`,
        });
      else seen.set(k, j);
      attributeProblems(a, `${at}.attributes[${j}]`, false, errors);
    });
  });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: parsed.data.map((s) => ({ id: s.id, name: s.name, description: s.description ?? '', attributes: s.attributes.map(toDef) })),
  };
}

const memo = new Map<string, SchemaDef[]>();
const NONE: SchemaDef[] = [];

/**
 * The extension schemas a tenant's settings declare. Checked when written; read leniently (an entry that no longer
 * passes is left out rather than breaking the tenant) and once per distinct settings text, since every request asks.
 */
export function readTenantSchemas(settings: Record<string, unknown>): SchemaDef[] {
  const raw = settings.schemas;
  if (!Array.isArray(raw) || raw.length === 0) return NONE;
  const key = JSON.stringify(raw);
  let found = memo.get(key);
  if (!found) {
    const all = validateExtensionSchemas(raw);
    found = all.ok
      ? all.value
      : raw.flatMap((entry) => {
          const one = validateExtensionSchemas([entry]);
          return one.ok ? one.value : [];
        });
    if (memo.size >= 500) memo.clear();
    memo.set(key, found);
  }
  return found;
}

/** A tenant's User resource type and the extension schemas it adds to the built-in ones. */
export interface TenantUserType {
  /** the tenant's declared extension schemas (what the mapping takes as `schemas`) */
  schemas: SchemaDef[];
  /** the User type with those extensions: what a user of the tenant is normalised and patched with */
  type: ResourceTypeDef;
}

/**
 * The User type every write of a tenant's users goes through, whether a SCIM request or a change that starts in
 * Shopify (webhook, reconcile, import), so an attribute of a declared extension is kept on every path.
 */
export function tenantUserType(settings: Record<string, unknown>): TenantUserType {
  const schemas = readTenantSchemas(settings);
  return { schemas, type: userResourceTypeFor(schemas) };
}
