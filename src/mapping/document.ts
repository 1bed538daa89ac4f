// The per-tenant mapping document: its shape as zod schemas (the single source of the published JSON Schema) and
// the TypeScript types the engine works with. Semantic checks that need the SCIM schemas live in validate.ts.
import { z } from 'zod';

/** Customer fields a rule can target directly. */
export const CUSTOMER_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'note', 'locale'] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

/** Fields of the customer's default address (Shopify MailingAddressInput). */
export const ADDRESS_FIELDS = [
  'address1',
  'address2',
  'city',
  'province',
  'provinceCode',
  'zip',
  'country',
  'countryCode',
  'company',
  'phone',
  'firstName',
  'lastName',
] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/** Shopify metafield types a mapping may write (the scalar subset that a SCIM attribute can fill). */
export const METAFIELD_TYPES = [
  'single_line_text_field',
  'multi_line_text_field',
  'number_integer',
  'number_decimal',
  'boolean',
  'date',
  'date_time',
  'json',
  'url',
  'id',
] as const;
export type MetafieldType = (typeof METAFIELD_TYPES)[number];

export const OPT_IN_LEVELS = ['SINGLE_OPT_IN', 'CONFIRMED_OPT_IN', 'UNKNOWN'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const text = (description: string) => z.string().meta({ description });

// ---- transforms: data, applied in order; each one documented in docs/mapping.md
const op = <T extends string>(name: T) => z.literal(name);
export const transformSchema = z
  .discriminatedUnion('op', [
    z.strictObject({ op: op('lowercase') }).meta({ description: 'Lower-cases the value.' }),
    z.strictObject({ op: op('uppercase') }).meta({ description: 'Upper-cases the value.' }),
    z.strictObject({ op: op('trim') }).meta({ description: 'Removes leading and trailing white space.' }),
    z
      .strictObject({ op: op('template'), template: text('Text with {scim.path} placeholders; {$value} is the value so far.') })
      .meta({ description: 'Builds a string from attributes of the user.' }),
    z.strictObject({ op: op('constant'), value: scalar }).meta({ description: 'Replaces the value with a constant.' }),
    z
      .strictObject({
        op: op('default'),
        value: scalar.optional().meta({ description: 'The constant to use when the value is missing or empty.' }),
        source: text('A SCIM path to read when the value is missing or empty.').optional(),
        format: z.enum(['email', 'phone']).optional().meta({ description: 'Use the source only when its value has this shape.' }),
      })
      .meta({ description: 'Supplies a value when the value so far is missing or empty: a constant or another attribute.' }),
    z
      .strictObject({
        op: op('valueMap'),
        map: z.record(z.string(), scalar).meta({ description: 'from -> to' }),
        default: scalar.optional().meta({ description: 'Result for a value the map does not name.' }),
        keepUnmapped: z.boolean().optional().meta({ description: 'Pass a value the map does not name through unchanged.' }),
        caseInsensitive: z.boolean().optional().meta({ description: 'Compare map keys without regard to case.' }),
      })
      .meta({
        description: 'Translates values through a table; unmapped values are dropped unless default or keepUnmapped says otherwise.',
      }),
    z
      .strictObject({
        op: op('phoneE164'),
        country: z
          .string()
          .regex(/^[A-Za-z]{2}$/)
          .optional()
          .meta({ description: 'ISO 3166-1 alpha-2 country for national numbers.' }),
      })
      .meta({ description: 'Normalises a phone number to E.164 (+15551234567); impossible numbers are rejected.' }),
    z
      .strictObject({ op: op('date'), format: z.enum(['date', 'dateTime']) })
      .meta({ description: "Reads an ISO 8601 / RFC 3339 / RFC 2822 date and writes 'YYYY-MM-DD' or an ISO date-time in UTC." }),
    z
      .strictObject({
        op: op('split'),
        separator: z.string().min(1),
        index: z.number().int().min(0).optional().meta({ description: 'Keep only this element (0-based).' }),
      })
      .meta({ description: 'Splits a string into a list (trimmed, empty parts dropped).' }),
    z.strictObject({ op: op('join'), separator: z.string() }).meta({ description: 'Joins a list into one string.' }),
    z.strictObject({ op: op('truncate'), length: z.number().int().min(1) }).meta({ description: 'Keeps at most this many characters.' }),
    z.strictObject({ op: op('prefix'), value: z.string() }).meta({ description: 'Puts text before the value.' }),
    z.strictObject({ op: op('suffix'), value: z.string() }).meta({ description: 'Puts text after the value.' }),
  ])
  .meta({ id: 'Transform' });
export type Transform = z.output<typeof transformSchema>;

// ---- targets: where a value lands on the Shopify customer
const metafieldNamespace = z
  .string()
  .regex(/^[A-Za-z0-9_-]{3,255}$/, 'a metafield namespace is 3-255 characters of letters, digits, - and _')
  .meta({ description: 'Metafield namespace: 3-255 characters of letters, digits, - and _.' });
const metafieldKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{2,64}$/, 'a metafield key is 2-64 characters of letters, digits, - and _')
  .meta({ description: 'Metafield key: 2-64 characters of letters, digits, - and _.' });

export const targetSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('field'), field: z.enum(CUSTOMER_FIELDS) }),
    z.strictObject({ kind: z.literal('address'), field: z.enum(ADDRESS_FIELDS) }),
    z.strictObject({ kind: z.literal('tag') }),
    z.strictObject({ kind: z.literal('metafield'), namespace: metafieldNamespace, key: metafieldKey, type: z.enum(METAFIELD_TYPES) }),
    z.strictObject({ kind: z.literal('emailMarketingConsent'), optInLevel: z.enum(OPT_IN_LEVELS).optional() }),
    z.strictObject({ kind: z.literal('smsMarketingConsent'), optInLevel: z.enum(OPT_IN_LEVELS).optional() }),
  ])
  .meta({ id: 'Target' });
export type Target = z.output<typeof targetSchema>;

export const ruleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a rule id is 1-64 characters of letters, digits, _ . : and -')
      .meta({ description: 'Names the rule in traces and errors: 1-64 letters, digits, _ . : -' }),
    description: z.string().optional(),
    source: text(
      'A SCIM attribute path: name.givenName, emails[type eq "work"].value, urn:…:enterprise:2.0:User:department. ' +
        'May be omitted when the first transform is template or constant.',
    ).optional(),
    target: targetSchema,
    transforms: z.array(transformSchema).default([]),
    direction: z
      .enum(['toShopify', 'toScim', 'both'])
      .default('toShopify')
      .meta({ description: 'toShopify: IdP to Shopify; toScim: Shopify changes flow back to the SCIM user; both.' }),
    when: text('A SCIM filter over the user; the rule applies only when it matches.').optional(),
    onInvalid: z
      .enum(['reject', 'skip'])
      .default('reject')
      .meta({ description: 'A value that fails its check rejects the user (reject) or is left out with a warning (skip).' }),
  })
  .meta({ id: 'Rule' });
export type Rule = z.output<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

export const tagSettingsSchema = z.strictObject({
  static: z.array(z.string()).default([]).meta({ description: 'Tags every provisioned customer receives.' }),
  templates: z.array(z.string()).default([]).meta({ description: 'Tags built from attributes, e.g. "dept:{urn:…:User:department}".' }),
  groupPrefix: z.string().default('group:').meta({ description: "Put before each group's tag." }),
  groupTagFrom: z.enum(['displayName', 'externalId']).default('displayName'),
  groupTags: z
    .record(z.string(), z.string().nullable())
    .default({})
    .meta({
      description:
        "A group's tag chosen by hand: group id or displayName -> the tag its members get (as written, no prefix), or null for no tag. " +
        'Groups not named here get the derived tag (groupPrefix + displayName or externalId).',
    }),
  groupRename: z
    .enum(['retag', 'keep'])
    .default('retag')
    .meta({ description: "retag: a renamed group's old tag is replaced; keep: members keep the old tag as well." }),
  deactivatedTag: z.string().default('scim-deactivated').meta({ description: 'Added while the user is inactive; empty for none.' }),
  managedPrefix: z
    .string()
    .optional()
    .meta({
      description:
        "Opt-in claim: every tag starting with this prefix is treated as the bridge's and removed when the mapping does not want it, " +
        'including tags a merchant or another app set with that prefix. Leave it out and only tags the bridge applied are ever removed.',
    }),
});
export type TagSettings = z.output<typeof tagSettingsSchema>;

export const mappingDocumentSchema = z
  .strictObject({
    version: z.literal(1),
    preset: z.string().optional().meta({ description: 'The preset this document started from.' }),
    description: z.string().optional(),
    rules: z.array(ruleSchema),
    tags: tagSettingsSchema.default(() => tagSettingsSchema.parse({})),
    customIdMetafield: z
      .strictObject({ namespace: metafieldNamespace, key: metafieldKey })
      .default({ namespace: 'shopify_scim', key: 'scim_id' })
      .meta({ description: 'The unique id-typed metafield that carries the SCIM id on the customer.' }),
    defaultCountry: z
      .string()
      .regex(/^[A-Za-z]{2}$/)
      .optional()
      .meta({ description: 'ISO 3166-1 alpha-2 country used to read national phone numbers.' }),
  })
  .meta({ id: 'MappingDocument', title: 'shopify-scim attribute mapping' });

export type MappingDocument = z.output<typeof mappingDocumentSchema>;
export type MappingDocumentInput = z.input<typeof mappingDocumentSchema>;
