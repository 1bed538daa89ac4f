// Validates a mapping document a merchant wrote: its shape (zod, the same schema the published JSON Schema comes
// from) and what a shape cannot say: paths that exist, templates that parse, targets not set twice, metafield names.
import type { Filter } from '../scim/filter/ast.js';
import { findAttr, resolveAttribute, type ResourceTypeDef, type SchemaDef } from '../scim/schemas.js';
import { mappingDocumentSchema, type MappingDocument, type Rule, type Transform } from './document.js';
import { compileCondition, compilePath, userTypeWith, writePath, type CompiledPath } from './paths.js';
import { knownPhoneCountry } from './phone.js';
import { cleanTag } from './tags.js';
import { singleTargetKey, targetLabel } from './targets.js';
import { parseTemplate, VALUE_PLACEHOLDER } from './template.js';

export interface MappingIssue {
  /** where in the document, e.g. `rules[2].transforms[0].template` */
  path: string;
  ruleId?: string;
  message: string;
}

export type MappingValidation =
  { ok: true; value: MappingDocument; warnings: MappingIssue[] } | { ok: false; errors: MappingIssue[]; warnings: MappingIssue[] };

export interface ValidateOptions {
  /** custom extension schemas the tenant declares; their attributes may be used as sources */
  schemas?: SchemaDef[];
}

const IDENTITY_FIELDS = new Set(['firstName', 'lastName', 'email', 'phone']);

/**
 * A user's `groups` are computed from group memberships when the user is served, never stored with the user, so a
 * mapping that reads them would find nothing: group membership reaches Shopify through the tag settings instead.
 */
const GROUPS_UNREADABLE =
  "reads the user's groups, which the mapping never sees (they are computed from group memberships); map groups with tags.groupTags, groupPrefix and groupTagFrom";

const readsGroups = (p: CompiledPath): boolean => p.core && p.def.name === 'groups';

/** Every attribute path a filter names, with whether it is relative to an element of `parent`. */
function filterPaths(
  f: Filter,
  out: { path: Filter & { kind: 'compare' | 'present' | 'valuePath' }; parent?: string }[] = [],
  parent?: string,
) {
  switch (f.kind) {
    case 'and':
    case 'or':
      filterPaths(f.left, out, parent);
      filterPaths(f.right, out, parent);
      break;
    case 'not':
      filterPaths(f.filter, out, parent);
      break;
    case 'valuePath':
      out.push({ path: f, ...(parent ? { parent } : {}) });
      filterPaths(f.filter, out, f.path.attr);
      break;
    default:
      out.push({ path: f, ...(parent ? { parent } : {}) });
  }
  return out;
}

/** Why a `when` filter names an attribute the User resource does not have, or undefined when every name resolves. */
function conditionProblem(text: string, rt: ResourceTypeDef): string | undefined {
  const c = compileCondition(text);
  if (!c.ok) return `is not a valid filter: ${c.reason}`;
  const paths = filterPaths(c.filter);
  let parentDef: ReturnType<typeof resolveAttribute>;
  for (const { path: node, parent } of paths) {
    const p = node.path;
    if (parent === undefined) {
      parentDef = resolveAttribute(rt, p.uri, p.attr, p.sub);
      if (!parentDef) return `names "${p.uri ? `${p.uri}:` : ''}${p.attr}${p.sub ? `.${p.sub}` : ''}", which is not a User attribute`;
      if (parentDef.core && parentDef.def.name === 'groups') return GROUPS_UNREADABLE;
    } else if (parentDef && !findAttr(parentDef.def.subAttributes, p.attr)) {
      return `names "${p.attr}" inside ${parent}[…], which has no such sub-attribute`;
    }
  }
  return undefined;
}

function checkTemplate(template: string, rt: ResourceTypeDef, allowValue: boolean): string | undefined {
  const t = parseTemplate(template);
  if (!t.ok) return `template ${t.reason}`;
  for (const part of t.parts) {
    if (part.kind !== 'path') continue;
    if (part.path === VALUE_PLACEHOLDER) {
      if (!allowValue) return `template uses {${VALUE_PLACEHOLDER}}, which only a rule's template transform has`;
      continue;
    }
    const p = compilePath(part.path, rt);
    if (!p.ok) return `template placeholder {${part.path}}: ${p.reason}`;
    if (readsGroups(p.path)) return `template placeholder {${part.path}} ${GROUPS_UNREADABLE}`;
  }
  return undefined;
}

function checkTransform(t: Transform, rt: ResourceTypeDef): string | undefined {
  switch (t.op) {
    case 'template':
      return checkTemplate(t.template, rt, true);
    case 'default': {
      if ((t.value === undefined) === (t.source === undefined)) return 'default needs exactly one of value or source';
      if (t.format !== undefined && t.source === undefined) return 'default: format applies only with source';
      if (t.source !== undefined) {
        const p = compilePath(t.source, rt);
        if (!p.ok) return `default source: ${p.reason}`;
        if (readsGroups(p.path)) return `default source "${t.source}" ${GROUPS_UNREADABLE}`;
      }
      return undefined;
    }
    case 'valueMap':
      return Object.keys(t.map).length === 0 && t.default === undefined && !t.keepUnmapped
        ? 'valueMap has an empty map, so every value would be dropped'
        : undefined;
    default:
      return undefined;
  }
}

const NOT_INVERTIBLE = (t: Transform) => t.op === 'template' || t.op === 'constant' || (t.op === 'split' && t.index !== undefined);

/** Why a configured tag is not one Shopify would store as written, or undefined when it is. */
function tagProblem(tag: string): string | undefined {
  const c = cleanTag(tag);
  if (!c.ok) return `the tag ${c.reason}`;
  if (c.tag !== tag) return `the tag "${tag}" ${c.note ?? 'has white space Shopify would remove'}: write "${c.tag}"`;
  return undefined;
}

function checkRules(doc: MappingDocument, rt: ResourceTypeDef, errors: MappingIssue[], warnings: MappingIssue[]) {
  const ids = new Map<string, number>();
  const forward = new Map<string, Rule[]>();
  const backward = new Map<string, Rule>();
  doc.rules.forEach((rule, i) => {
    const at = `rules[${i}]`;
    const err = (path: string, message: string) =>
      errors.push({ path: `${at}${path}`, ruleId: rule.id, message: `rule "${rule.id}": ${message}` });
    const warn = (path: string, message: string) =>
      warnings.push({ path: `${at}${path}`, ruleId: rule.id, message: `rule "${rule.id}": ${message}` });
    if (ids.has(rule.id)) err('.id', `the id is also used by rules[${ids.get(rule.id)}]; ids must be unique`);
    else ids.set(rule.id, i);

    const reads = rule.direction !== 'toScim';
    const writes = rule.direction !== 'toShopify';
    const firstOp = rule.transforms[0]?.op;
    let source: ReturnType<typeof compilePath> | undefined;
    if (rule.source === undefined) {
      if (firstOp !== 'template' && firstOp !== 'constant' && firstOp !== 'default') {
        err('.source', 'has no source: give a SCIM attribute path, or start the transforms with template, constant or default');
      }
      if (writes) err('.direction', 'maps back to SCIM but has no source attribute to write to');
    } else {
      source = compilePath(rule.source, rt);
      if (!source.ok) err('.source', `source "${rule.source}": ${source.reason}`);
      else if (readsGroups(source.path)) err('.source', `source "${rule.source}" ${GROUPS_UNREADABLE}`);
    }
    if (rule.when !== undefined) {
      const why = conditionProblem(rule.when, rt);
      if (why) err('.when', `condition ${why}`);
    }
    rule.transforms.forEach((t, j) => {
      const why = checkTransform(t, rt);
      if (why) err(`.transforms[${j}]`, why);
      if (t.op === 'phoneE164' && !t.country && !doc.defaultCountry) {
        warn(
          `.transforms[${j}]`,
          'phoneE164 has no country and the mapping no defaultCountry: numbers without +<country code> will be refused',
        );
      }
      if (t.op === 'phoneE164' && t.country && !knownPhoneCountry(t.country)) {
        warn(
          `.transforms[${j}].country`,
          `the numbering plan of ${t.country} is not known: only numbers written with +<country code> will be read`,
        );
      }
    });

    const target = rule.target;
    if (target.kind === 'metafield') {
      const cid = doc.customIdMetafield;
      if (target.namespace === cid.namespace && target.key === cid.key) {
        err('.target', `metafield ${cid.namespace}.${cid.key} is the custom id metafield, which holds the SCIM id`);
      }
    }
    if (
      (target.kind === 'field' || target.kind === 'address') &&
      target.field === 'phone' &&
      !doc.defaultCountry &&
      !rule.transforms.some((t) => t.op === 'phoneE164' && t.country)
    ) {
      warn('.target', 'phone without a defaultCountry in the mapping: numbers without +<country code> will be refused');
    }
    if (
      target.kind === 'emailMarketingConsent' &&
      reads &&
      !doc.rules.some((r) => r.target.kind === 'field' && r.target.field === 'email' && r.direction !== 'toScim')
    ) {
      warn('.target', 'email marketing consent needs an email on the customer, and no rule maps one');
    }
    if (
      target.kind === 'smsMarketingConsent' &&
      reads &&
      !doc.rules.some((r) => r.target.kind === 'field' && r.target.field === 'phone' && r.direction !== 'toScim')
    ) {
      warn('.target', 'SMS marketing consent needs a phone on the customer, and no rule maps one');
    }

    const key = singleTargetKey(target);
    if (reads && key !== undefined) forward.set(key, [...(forward.get(key) ?? []), rule]);
    if (writes) {
      if (target.kind === 'tag') warn('.direction', 'tags are not mapped back to SCIM attributes; only toShopify applies');
      const stuck = rule.transforms.find(NOT_INVERTIBLE);
      if (stuck) warn('.direction', `the ${stuck.op} transform cannot be undone, so Shopify changes will not flow back through this rule`);
      if (source?.ok) {
        const def = source.path.sub ?? source.path.def;
        if (def.mutability === 'readOnly' || source.path.def.mutability === 'readOnly') {
          err('.direction', `maps back to "${rule.source}", which is read-only`);
        } else if (target.kind !== 'tag') {
          const path = writePath(source.path).toLowerCase();
          const other = backward.get(path);
          if (other) err('.source', `writes back to the same attribute as rule "${other.id}"`);
          else backward.set(path, rule);
        }
      }
    }
  });

  for (const [, rules] of forward) {
    if (rules.length < 2) continue;
    const label = targetLabel(rules[0].target);
    const names = rules.map((r) => `"${r.id}"`).join(', ');
    const i = doc.rules.indexOf(rules[1]);
    const issue = { path: `rules[${i}].target`, ruleId: rules[1].id };
    if (rules.slice(0, -1).some((r) => r.when === undefined)) {
      errors.push({
        ...issue,
        message: `rules ${names} all set ${label}; only the first would ever apply. Chain fallbacks with a default transform, or give every rule but the last a condition`,
      });
    } else {
      warnings.push({ ...issue, message: `rules ${names} all set ${label}; the first whose condition holds wins` });
    }
  }
  const reaches = doc.rules.some((r) => r.direction !== 'toScim' && r.target.kind === 'field' && IDENTITY_FIELDS.has(r.target.field));
  if (!reaches) {
    errors.push({
      path: 'rules',
      message: 'no rule sets firstName, lastName, email or phone: Shopify refuses a customer without one of them',
    });
  }
}

/** zod issues -> MappingIssues, naming the rule when the issue sits inside one. */
function shapeIssues(input: unknown, issues: readonly { path: PropertyKey[]; message: string }[]): MappingIssue[] {
  return issues.map((iss) => {
    const path = iss.path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('') || '(document)';
    const issue: MappingIssue = { path, message: iss.message };
    if (iss.path[0] === 'rules' && typeof iss.path[1] === 'number') {
      const raw = (input as { rules?: unknown[] })?.rules?.[iss.path[1]] as { id?: unknown } | undefined;
      const id = typeof raw?.id === 'string' ? raw.id : `#${iss.path[1] + 1}`;
      issue.ruleId = typeof raw?.id === 'string' ? raw.id : undefined;
      issue.message = `rule "${id}": ${path.replace(/^rules\[\d+\]\.?/, '') || 'rule'}: ${iss.message}`;
    } else {
      issue.message = `${path}: ${iss.message}`;
    }
    return issue;
  });
}

/**
 * Validates a mapping document: shape first (every mistake reported, each naming its rule), then meaning: SCIM
 * paths exist on the User resource (with the tenant's extension schemas), templates and conditions parse, metafield
 * names are ones Shopify accepts, no single target is set by two unconditional rules, a customer can get an identity.
 * @example const v = validateMapping(JSON.parse(body)); if (!v.ok) reply(400, v.errors.map((e) => e.message))
 */
export function validateMapping(doc: unknown, opts: ValidateOptions = {}): MappingValidation {
  const parsed = mappingDocumentSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, errors: shapeIssues(doc, parsed.error.issues), warnings: [] };
  const value = parsed.data;
  const rt = userTypeWith(opts.schemas);
  const errors: MappingIssue[] = [];
  const warnings: MappingIssue[] = [];
  checkRules(value, rt, errors, warnings);
  value.tags.static.forEach((t, i) => {
    const why = tagProblem(t);
    if (why) errors.push({ path: `tags.static[${i}]`, message: `tags.static[${i}]: ${why}` });
  });
  value.tags.templates.forEach((t, i) => {
    const why = checkTemplate(t, rt, false);
    if (why) errors.push({ path: `tags.templates[${i}]`, message: `tags.templates[${i}]: ${why}` });
  });
  if (value.tags.groupPrefix.includes(','))
    errors.push({ path: 'tags.groupPrefix', message: 'tags.groupPrefix: commas separate tags in Shopify' });
  const groupKeys = new Map<string, string>();
  for (const [key, tag] of Object.entries(value.tags.groupTags)) {
    const at = `tags.groupTags[${JSON.stringify(key)}]`;
    if (key.trim() === '') errors.push({ path: at, message: `${at}: name a group by its id or displayName` });
    const other = groupKeys.get(key.toLowerCase());
    if (other !== undefined)
      errors.push({ path: at, message: `${at}: names the same group as "${other}" (displayNames compare without regard to case)` });
    else groupKeys.set(key.toLowerCase(), key);
    const why = tag === null ? undefined : tagProblem(tag);
    if (why) errors.push({ path: at, message: `${at}: ${why}` });
  }
  const deactivated = value.tags.deactivatedTag === '' ? undefined : tagProblem(value.tags.deactivatedTag);
  if (deactivated) errors.push({ path: 'tags.deactivatedTag', message: `tags.deactivatedTag: ${deactivated}` });
  if (value.tags.managedPrefix !== undefined && value.tags.managedPrefix.trim().length < 2) {
    errors.push({
      path: 'tags.managedPrefix',
      message: 'tags.managedPrefix: too short: every tag starting with it would be removed when not wanted',
    });
  }
  if (value.defaultCountry && !knownPhoneCountry(value.defaultCountry)) {
    warnings.push({
      path: 'defaultCountry',
      message: `defaultCountry: the numbering plan of ${value.defaultCountry} is not known: only numbers written with +<country code> will be read`,
    });
  }
  return errors.length ? { ok: false, errors, warnings } : { ok: true, value, warnings };
}
