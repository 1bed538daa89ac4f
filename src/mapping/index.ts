// The attribute mapping: how a SCIM user becomes a Shopify customer and back, driven by each tenant's mapping
// document. Pure functions only; the sync engine stores the document and the applied state and does the writing.
export {
  mappingDocumentSchema,
  ruleSchema,
  targetSchema,
  transformSchema,
  CUSTOMER_FIELDS,
  ADDRESS_FIELDS,
  METAFIELD_TYPES,
  type MappingDocument,
  type MappingDocumentInput,
  type Rule,
  type RuleInput,
  type Target,
  type Transform,
  type TagSettings,
  type MetafieldType,
} from './document.js';
export { mappingJsonSchema, MAPPING_SCHEMA_ID } from './json-schema.js';
export { validateMapping, type MappingIssue, type MappingValidation, type ValidateOptions } from './validate.js';
export { mapToShopify, type AppliedState, type MapContext, type MapResult } from './to-shopify.js';
export { mapFromShopify, patchOperations, type ReverseContext, type ReverseResult } from './from-shopify.js';
export { previewMapping, previewReverse, type Preview, type PreviewOptions, type ReversePreview } from './preview.js';
export { presets, getPreset, PRESET_NAMES, type PresetName } from './presets.js';
export { diffTags, claimedTags, managedTags, applyTagDiff, cleanTag, uniqueTags, groupTags, type GroupRef, type TagDiff } from './tags.js';
export { customerFingerprint, type FingerprintInput, type FingerprintOptions } from './fingerprint.js';
export { describeProblem, problemsToScimError, type Problem, type ProblemCode, type RuleTrace } from './problems.js';
export type { DesiredCustomer, DesiredAddress, DesiredMetafield, MarketingConsent, ShopifyCustomerView } from './targets.js';
export { normalizePhone } from './phone.js';
export { metafieldDefinitions, type MetafieldDefinitionSpec } from './definitions.js';
