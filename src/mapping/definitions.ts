// The customer metafield definitions a mapping needs on the shop, so they can be created (with the right types)
// when the mapping is saved: one per metafield target, plus the unique id-typed custom id metafield.
import type { MappingDocument, MetafieldType } from './document.js';

export interface MetafieldDefinitionSpec {
  namespace: string;
  key: string;
  type: MetafieldType;
  /** true for the custom id metafield: unique values, usable with customerByIdentifier(customId) */
  unique: boolean;
  /** the rules that write it (empty for the custom id metafield) */
  ruleIds: string[];
}

/** Every customer metafield the mapping writes, once each, the custom id metafield first. */
export function metafieldDefinitions(mapping: MappingDocument): MetafieldDefinitionSpec[] {
  const cid = mapping.customIdMetafield;
  const out: MetafieldDefinitionSpec[] = [{ namespace: cid.namespace, key: cid.key, type: 'id', unique: true, ruleIds: [] }];
  for (const rule of mapping.rules) {
    const t = rule.target;
    if (t.kind !== 'metafield' || rule.direction === 'toScim') continue;
    const known = out.find((d) => d.namespace === t.namespace && d.key === t.key);
    if (known) known.ruleIds.push(rule.id);
    else out.push({ namespace: t.namespace, key: t.key, type: t.type, unique: false, ruleIds: [rule.id] });
  }
  return out;
}
