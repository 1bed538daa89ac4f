// The reverse direction: a Shopify customer (from a webhook or a read) to the SCIM attribute changes it implies,
// through the rules marked toScim or both. Only simple rules can be inverted; the trace says why others were not.
import type { AttributeDef, ResourceTypeDef, SchemaDef } from '../scim/schemas.js';
import type { MappingDocument, Rule } from './document.js';
import { compileCondition, compilePath, conditionHolds, readPath, userTypeWith, writePath, type CompiledPath } from './paths.js';
import { runRule } from './to-shopify.js';
import type { Problem, RuleTrace } from './problems.js';
import { readTarget, targetLabel, type ShopifyCustomerView } from './targets.js';
import { invertTransforms } from './transforms.js';
import { first, str, type Value } from './values.js';

export interface ReverseContext {
  /** the SCIM user as stored: lets conditions be evaluated, pins multi-valued paths, and drops unchanged values */
  user?: Record<string, unknown>;
  schemas?: SchemaDef[];
}

export interface ReverseResult {
  /** PATCH path -> new value (null removes the attribute); apply each as a SCIM PATCH `replace` (or `remove`) */
  patch: Record<string, unknown>;
  fired: RuleTrace[];
  trace: RuleTrace[];
  problems: Problem[];
}

/** Gives a value the type of the SCIM attribute it is written to. */
function coerce(def: AttributeDef, v: Value): unknown {
  const s = first(v);
  if (s === undefined) return null;
  if (def.multiValued && !def.subAttributes && Array.isArray(v)) return v;
  switch (def.type) {
    case 'boolean':
      return typeof s === 'boolean' ? s : str(s).toLowerCase() === 'true';
    case 'integer':
    case 'decimal': {
      const n = Number(s);
      return Number.isFinite(n) ? n : str(s);
    }
    default:
      return str(s);
  }
}

/**
 * Whether Shopify's value equals what the rule would send for the stored user now. Compared without regard to
 * case, as Shopify treats emails and SCIM most strings; a phone stored as "(415) 555-0100" equals "+14155550100".
 */
function sameAsForward(rule: Rule, user: Record<string, unknown>, shopify: Value, mapping: MappingDocument, rt: ResourceTypeDef): boolean {
  const read = (path: string): Value => {
    const p = compilePath(path, rt);
    return p.ok ? readPath(user, p.path) : undefined;
  };
  const tctx = { read, ...(mapping.defaultCountry ? { defaultCountry: mapping.defaultCountry } : {}) };
  const r = runRule({ ...rule, direction: 'toShopify', when: undefined } as Rule, user, rt, tctx, [], mapping.defaultCountry);
  if (r.invalid) return false;
  const v = r.value;
  // consent compares as the yes/no the reverse read gives
  const mine: Value = v === undefined ? undefined : typeof v === 'object' && !Array.isArray(v) ? v.marketingState === 'SUBSCRIBED' : v;
  const a = first(mine);
  const b = first(shopify);
  if (a === undefined || b === undefined) return a === undefined && b === undefined;
  return str(a).toLowerCase() === str(b).toLowerCase();
}

/**
 * The attribute a value goes back to: the rule's source, or, when the stored user's value came from a `default`
 * fallback path (a mobile phone standing in for a missing primary one), that path. Fallbacks guarded by a format
 * (userName used as an email) are borrowed values and never written back.
 */
function destination(rule: Rule, source: CompiledPath, rt: ResourceTypeDef, user?: Record<string, unknown>): CompiledPath {
  if (!user) return source;
  const candidates = [source];
  for (const t of rule.transforms) {
    if (t.op !== 'default' || t.source === undefined || t.format !== undefined) continue;
    const p = compilePath(t.source, rt);
    if (p.ok) candidates.push(p.path);
  }
  return candidates.find((c) => readPath(user, c) !== undefined) ?? source;
}

/**
 * Turns a Shopify customer into SCIM attribute changes through the rules with direction toScim or both.
 * Normalising transforms (trim, case, phone, date) let a value pass, prefix/suffix/valueMap/split/join are undone,
 * template and constant rules are skipped and say so. With `ctx.user`, values equal to the stored ones are left out.
 * @example mapFromShopify({ firstName: 'Ada', email: 'ada@example.com' }, mapping, { user }).patch // { 'name.givenName': 'Ada' }
 */
export function mapFromShopify(customer: ShopifyCustomerView, mapping: MappingDocument, ctx: ReverseContext = {}): ReverseResult {
  const rt = userTypeWith(ctx.schemas);
  const patch: Record<string, unknown> = {};
  const trace: RuleTrace[] = [];
  const problems: Problem[] = [];
  const writtenBy = new Map<string, string>();
  for (const rule of mapping.rules) {
    const base = { ruleId: rule.id, target: targetLabel(rule.target), ...(rule.source ? { source: rule.source } : {}) };
    const skip = (reason: string) => trace.push({ ...base, outcome: 'skipped', reason });
    if (rule.direction === 'toShopify') {
      skip('direction is toShopify');
      continue;
    }
    if (rule.source === undefined) {
      skip('it has no source attribute to write back to');
      continue;
    }
    if (rule.target.kind === 'tag') {
      skip('tags are not mapped back to attributes');
      continue;
    }
    const p = compilePath(rule.source, rt);
    if (!p.ok) {
      problems.push({
        severity: 'error',
        code: 'invalidRule',
        ruleId: rule.id,
        source: rule.source,
        message: `its source is not a User attribute path: ${p.reason}`,
      });
      trace.push({ ...base, outcome: 'failed', reason: 'invalid source path' });
      continue;
    }
    if (rule.when !== undefined) {
      const c = compileCondition(rule.when);
      if (!ctx.user || !c.ok) {
        skip(c.ok ? 'its condition needs the stored SCIM user' : 'invalid condition');
        continue;
      }
      if (!conditionHolds(c.filter, ctx.user, rt)) {
        skip('condition not met');
        continue;
      }
    }
    const read = readTarget(rule.target, customer);
    if (!read.present) {
      skip('the customer data does not include this field');
      continue;
    }
    const inv = invertTransforms(read.value, rule.transforms);
    if (!inv.ok) {
      problems.push({
        severity: 'warning',
        code: 'notInvertible',
        ruleId: rule.id,
        source: rule.source,
        target: base.target,
        message: `not mapped back: ${inv.op} ${inv.reason}`,
      });
      trace.push({ ...base, outcome: 'skipped', reason: `${inv.op}: ${inv.reason}` });
      continue;
    }
    // What the mapping would send today: if Shopify holds exactly that, nothing changed (or it is our own echo).
    if (ctx.user && sameAsForward(rule, ctx.user, read.value, mapping, rt)) {
      trace.push({ ...base, outcome: 'empty', reason: 'unchanged', steps: inv.notes });
      continue;
    }
    const dest = destination(rule, p.path, rt, ctx.user);
    const def = dest.sub ?? dest.def;
    const path = writePath(dest, ctx.user);
    const owner = writtenBy.get(path.toLowerCase());
    if (owner !== undefined) {
      skip(`${path} is already written by rule "${owner}"`);
      continue;
    }
    patch[path] = coerce(def, inv.value);
    writtenBy.set(path.toLowerCase(), rule.id);
    trace.push({ ...base, outcome: 'applied', steps: inv.notes });
  }
  return { patch, fired: trace.filter((t) => t.outcome === 'applied'), trace, problems };
}

/** The PATCH operations (RFC 7644 §3.5.2) that apply a reverse patch: replace for values, remove for nulls. */
export function patchOperations(patch: Record<string, unknown>): { op: 'replace' | 'remove'; path: string; value?: unknown }[] {
  return Object.entries(patch).map(([path, value]) => (value === null ? { op: 'remove', path } : { op: 'replace', path, value }));
}
