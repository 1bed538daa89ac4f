// The admin preview: validates a mapping as the merchant is editing it and shows what it would do to one user
// (or, in reverse, to one Shopify customer): the customer, every rule's outcome, every problem, the tag changes.
import type { SchemaDef } from '../scim/schemas.js';
import type { MappingDocument } from './document.js';
import { customerFingerprint } from './fingerprint.js';
import { mapFromShopify } from './from-shopify.js';
import type { Problem, RuleTrace } from './problems.js';
import { diffTags, type GroupRef, type TagDiff } from './tags.js';
import type { DesiredCustomer, ShopifyCustomerView } from './targets.js';
import { mapToShopify, type AppliedState } from './to-shopify.js';
import { validateMapping, type MappingIssue } from './validate.js';

export interface PreviewOptions {
  schemas?: SchemaDef[];
  previous?: AppliedState;
  /** the tags the customer has in Shopify now, to show which tags would be added and removed */
  currentTags?: string[];
}

export interface Preview {
  /** false when the mapping is invalid or Shopify would refuse the customer */
  ok: boolean;
  /** the mapping's own errors and warnings (a mapping with errors is not run) */
  mapping: { errors: MappingIssue[]; warnings: MappingIssue[] };
  customer?: DesiredCustomer;
  trace: RuleTrace[];
  problems: Problem[];
  tagChanges?: TagDiff;
  fingerprint?: string;
}

/**
 * What a mapping (saved or still being edited: any JSON) would make of a SCIM user and its groups.
 * @example previewMapping(user, groups, draftJson, { currentTags: ['vip'] })
 */
export function previewMapping(
  user: Record<string, unknown>,
  groups: readonly GroupRef[],
  mapping: unknown,
  opts: PreviewOptions = {},
): Preview {
  const v = validateMapping(mapping, opts.schemas ? { schemas: opts.schemas } : {});
  if (!v.ok) return { ok: false, mapping: { errors: v.errors, warnings: v.warnings }, trace: [], problems: [] };
  const r = mapToShopify(user, groups, v.value, {
    ...(opts.previous ? { previous: opts.previous } : {}),
    ...(opts.schemas ? { schemas: opts.schemas } : {}),
  });
  const out: Preview = { ok: r.ok, mapping: { errors: [], warnings: v.warnings }, trace: r.trace, problems: r.problems };
  if (!r.ok) return out;
  out.customer = r.customer;
  out.fingerprint = customerFingerprint(r.customer);
  if (opts.currentTags) {
    out.tagChanges = diffTags(
      opts.currentTags,
      opts.previous?.tags ?? [],
      r.customer.tags,
      v.value.tags.managedPrefix ? { managedPrefix: v.value.tags.managedPrefix } : {},
    );
  }
  return out;
}

export interface ReversePreview {
  ok: boolean;
  mapping: { errors: MappingIssue[]; warnings: MappingIssue[] };
  patch?: Record<string, unknown>;
  trace: RuleTrace[];
  problems: Problem[];
}

/** What a mapping would change on the SCIM user (if given) when Shopify reports this customer. */
export function previewReverse(
  customer: ShopifyCustomerView,
  mapping: unknown,
  opts: { user?: Record<string, unknown>; schemas?: SchemaDef[] } = {},
): ReversePreview {
  const v = validateMapping(mapping, opts.schemas ? { schemas: opts.schemas } : {});
  if (!v.ok) return { ok: false, mapping: { errors: v.errors, warnings: v.warnings }, trace: [], problems: [] };
  const r = mapFromShopify(customer, v.value as MappingDocument, opts);
  return {
    ok: !r.problems.some((p) => p.severity === 'error'),
    mapping: { errors: [], warnings: v.warnings },
    patch: r.patch,
    trace: r.trace,
    problems: r.problems,
  };
}
