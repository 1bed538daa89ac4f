// Maps a stored SCIM user (and its groups) to the Shopify customer it should become, rule by rule, with a trace of
// every rule and the problems Shopify would have with the result. Pure: the sync engine does the writing.
import { getKey } from '../scim/filter/evaluate.js';
import { toBool } from '../scim/filter/values.js';
import type { ResourceTypeDef, SchemaDef } from '../scim/schemas.js';
import type { MappingDocument, Rule } from './document.js';
import { compileCondition, compilePath, conditionHolds, readPath, userTypeWith } from './paths.js';
import type { Problem, RuleTrace } from './problems.js';
import { cleanTag, groupTags, uniqueTags, type GroupRef } from './tags.js';
import { prepareTargetValue, singleTargetKey, targetLabel, type DesiredCustomer, type MarketingConsent } from './targets.js';
import { applyTemplate, applyTransforms, type TransformContext } from './transforms.js';
import type { Value } from './values.js';
import { customerFingerprint } from './fingerprint.js';

/** What the bridge last wrote for a customer, kept by the sync engine and handed back on the next run. */
export interface AppliedState {
  /** the managed tags last applied: only these may be removed later */
  tags: string[];
  /** per group id, the tags that group gave (so groupRename 'keep' can keep them) */
  groupTags?: Record<string, string[]>;
  /** single-valued targets the mapping set, so a rule that stops applying clears what it set */
  targets?: string[];
  /** customerFingerprint of what was written, to recognise its echo */
  fingerprint?: string;
  /**
   * The Shopify address (GID) the default address was written to, recorded by the sync engine: the bridge changes
   * or deletes that address only, never another one the merchant added.
   */
  addressId?: string;
  /**
   * The userName the written values were computed from, so a tenant that does not apply userName changes
   * (policy applyUserNameChanges) keeps computing them from it.
   */
  userName?: string;
}

export interface MapContext {
  previous?: AppliedState;
  /** the tenant's own SCIM extension schemas, so rules can read their attributes */
  schemas?: SchemaDef[];
}

export type MapResult =
  | { ok: true; customer: DesiredCustomer; fired: RuleTrace[]; trace: RuleTrace[]; problems: Problem[]; applied: AppliedState }
  | { ok: false; problems: Problem[]; fired: RuleTrace[]; trace: RuleTrace[] };

type Obj = Record<string, unknown>;

/** Runs one rule up to the value its target should get; records problems and the trace on the way. */
export function runRule(rule: Rule, user: Obj, rt: ResourceTypeDef, tctx: TransformContext, problems: Problem[], defaultCountry?: string) {
  const base: Omit<RuleTrace, 'outcome'> = {
    ruleId: rule.id,
    target: targetLabel(rule.target),
    ...(rule.source ? { source: rule.source } : {}),
  };
  const problem = (p: Omit<Problem, 'ruleId' | 'source' | 'target'>, severity = p.severity) => {
    problems.push({ ...p, severity, ruleId: rule.id, ...(rule.source ? { source: rule.source } : {}), target: base.target });
  };
  if (rule.direction === 'toScim') return { trace: { ...base, outcome: 'skipped' as const, reason: 'direction is toScim' } };
  if (rule.when !== undefined) {
    const c = compileCondition(rule.when);
    if (!c.ok) {
      problem({ severity: 'error', code: 'invalidRule', message: `its condition is not a valid filter: ${c.reason}` });
      return { trace: { ...base, outcome: 'failed' as const, reason: 'invalid condition' } };
    }
    if (!conditionHolds(c.filter, user, rt))
      return { trace: { ...base, outcome: 'skipped' as const, reason: 'condition not met' }, conditional: true };
  }
  let value: Value;
  if (rule.source !== undefined) {
    const p = compilePath(rule.source, rt);
    if (!p.ok) {
      problem({ severity: 'error', code: 'invalidRule', message: `its source is not a User attribute path: ${p.reason}` });
      return { trace: { ...base, outcome: 'failed' as const, reason: 'invalid source path' } };
    }
    value = readPath(user, p.path);
  }
  const steps = rule.transforms.map((t) => t.op);
  const onInvalid = rule.onInvalid === 'skip' ? 'warning' : 'error';
  const t = applyTransforms(value, rule.transforms, tctx);
  if (!t.ok) {
    const code = t.op === 'phoneE164' ? 'invalidPhone' : 'transformFailed';
    const left = onInvalid === 'warning' ? '; the value was left out' : '';
    problem({ severity: onInvalid, code, message: `transform ${t.step + 1} (${t.op}): ${t.reason}${left}` });
    return { trace: { ...base, outcome: 'failed' as const, reason: `transform ${t.op} failed`, steps }, invalid: true };
  }
  const prepared = prepareTargetValue(rule.target, t.value, defaultCountry);
  if (!prepared.ok) {
    const left = onInvalid === 'warning' ? '; the value was left out' : '';
    problem({ severity: onInvalid, code: prepared.code, message: `${prepared.reason}${left}` });
    return { trace: { ...base, outcome: 'failed' as const, reason: 'value refused by its target', steps }, invalid: true };
  }
  if (prepared.note) problem({ severity: 'warning', code: 'invalidTag', message: prepared.note });
  if (prepared.value === undefined) return { trace: { ...base, outcome: 'empty' as const, steps } };
  return { trace: { ...base, outcome: 'applied' as const, steps }, value: prepared.value };
}

/** Whether the stored user is inactive (Entra's "False" strings count, should one have been stored). */
const inactive = (user: Obj) => toBool(getKey(user, 'active')) === false;

/**
 * Maps a SCIM user and its groups to the Shopify customer the mapping wants. Local checks Shopify would fail (email
 * syntax, E.164 phone, a customer with no name, email or phone) come back as problems naming the rule; any problem
 * of severity error makes the result `ok: false`.
 * @example mapToShopify(user, [{ id: 'g1', displayName: 'Sales' }], getPreset('okta'), { previous: stored })
 */
export function mapToShopify(user: Obj, groups: readonly GroupRef[], mapping: MappingDocument, ctx: MapContext = {}): MapResult {
  const rt = userTypeWith(ctx.schemas);
  const read = (path: string): Value => {
    const p = compilePath(path, rt);
    return p.ok ? readPath(user, p.path) : undefined;
  };
  const tctx: TransformContext = { read, ...(mapping.defaultCountry ? { defaultCountry: mapping.defaultCountry } : {}) };
  const problems: Problem[] = [];
  const trace: RuleTrace[] = [];
  const customer: DesiredCustomer = { tags: [], metafields: [] };
  const claimed = new Map<string, string>();
  const untouchable = new Set<string>();
  const ruleTags: string[] = [];
  const setSingle = (rule: Rule, key: string, value: string | MarketingConsent | null) => {
    const t = rule.target;
    if (t.kind === 'field') customer[t.field] = value as string | null;
    else if (t.kind === 'address') (customer.defaultAddress ??= {})[t.field] = value as string | null;
    else if (t.kind === 'metafield')
      customer.metafields.push({ namespace: t.namespace, key: t.key, type: t.type, value: value as string | null });
    else if (t.kind === 'emailMarketingConsent' || t.kind === 'smsMarketingConsent') {
      if (value !== null) customer[t.kind] = value as MarketingConsent;
    }
    if (value !== null) claimed.set(key, rule.id);
  };

  for (const rule of mapping.rules) {
    const key = singleTargetKey(rule.target);
    const owner = key === undefined ? undefined : claimed.get(key);
    if (owner !== undefined && rule.direction !== 'toScim') {
      trace.push({
        ruleId: rule.id,
        target: targetLabel(rule.target),
        outcome: 'skipped',
        reason: `target already set by rule "${owner}"`,
      });
      continue;
    }
    const r = runRule(rule, user, rt, tctx, problems, mapping.defaultCountry);
    trace.push(r.trace);
    if (key !== undefined && r.invalid) untouchable.add(key);
    if (r.value === undefined) continue;
    if (rule.target.kind === 'tag') ruleTags.push(...(r.value as string[]));
    else if (key !== undefined) setSingle(rule, key, r.value as string | MarketingConsent);
  }

  // A target the bridge set before that no rule sets now (its attribute went away, or its condition stopped
  // holding) is cleared. Targets the bridge never set are left alone, so adopting a customer never erases the
  // merchant's data; a value refused and skipped leaves Shopify as it is; marketing consent is never withdrawn here.
  for (const key of ctx.previous?.targets ?? []) {
    if (claimed.has(key) || untouchable.has(key)) continue;
    const rule = mapping.rules.find((x) => singleTargetKey(x.target) === key && x.direction !== 'toScim');
    if (rule) setSingle(rule, key, null);
  }
  if (customer.defaultAddress && Object.values(customer.defaultAddress).every((v) => v === null)) customer.defaultAddress = null;

  // The custom id metafield links the customer to its SCIM user, so links can be rebuilt from Shopify alone.
  const id = getKey(user, 'id');
  if (typeof id === 'string' && id !== '') {
    customer.metafields.push({ namespace: mapping.customIdMetafield.namespace, key: mapping.customIdMetafield.key, type: 'id', value: id });
  }

  // Tags: rule tags, static and templated tags, group tags, and the deactivation tag while inactive.
  const tagSettings = mapping.tags;
  const extra: string[] = [];
  for (const raw of [...tagSettings.static, ...tagSettings.templates.map((t) => applyTemplate(t, tctx))]) {
    if (raw === undefined) continue;
    const c = cleanTag(raw);
    if (c.ok) extra.push(c.tag);
  }
  const groupResult = groupTags(groups, tagSettings, ctx.previous?.groupTags);
  for (const note of groupResult.notes) problems.push({ severity: 'warning', code: 'invalidTag', target: 'tag', message: note });
  const deactivated = tagSettings.deactivatedTag && inactive(user) ? cleanTag(tagSettings.deactivatedTag) : undefined;
  customer.tags = uniqueTags([
    ...ruleTags,
    ...extra,
    ...Object.values(groupResult.byGroup).flat(),
    ...(deactivated?.ok ? [deactivated.tag] : []),
  ]);

  const identity = ['firstName', 'lastName', 'email', 'phone'] as const;
  if (!identity.some((f) => typeof customer[f] === 'string' && customer[f] !== '')) {
    problems.push({
      severity: 'error',
      code: 'missingIdentity',
      message: 'Shopify refuses a customer without a first name, last name, email or phone, and no rule produced one of them',
    });
  }
  const fired = trace.filter((t) => t.outcome === 'applied');
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems, fired, trace };
  const applied: AppliedState = {
    tags: customer.tags,
    groupTags: groupResult.byGroup,
    targets: [...claimed.keys()],
    fingerprint: customerFingerprint(customer),
  };
  const userName = getKey(user, 'userName');
  if (typeof userName === 'string') applied.userName = userName;
  return { ok: true, customer, fired, trace, problems, applied };
}
