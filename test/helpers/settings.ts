// Tenant settings the end-to-end suites share: a declared extension schema, and the default preset with one more
// rule reading an attribute of it.
import { getPreset } from '../../src/mapping/index.js';
import type { RuleInput } from '../../src/mapping/index.js';

/** An extension schema `id` declaring `attributes`, and the default mapping plus `rule` (as the admin API stores them). */
export function withExtensionRule(
  id: string,
  attributes: Array<{ name: string; type: 'boolean' | 'string' }>,
  rule: RuleInput,
): Record<string, unknown> {
  const mapping = structuredClone(getPreset('default')!);
  mapping.rules.push(rule as (typeof mapping.rules)[number]);
  return { schemas: [{ id, name: 'Extension', attributes }], mapping };
}

/** The rule carrying SMS marketing consent from `${schema}:smsOptIn`, in the given direction. */
export function smsConsentRule(schema: string, direction: 'toShopify' | 'both'): RuleInput {
  return {
    id: 'sms-consent',
    source: `${schema}:smsOptIn`,
    target: { kind: 'smsMarketingConsent', optInLevel: 'SINGLE_OPT_IN' },
    transforms: [],
    direction,
    onInvalid: 'reject',
  };
}
