// Ready-made mapping documents, one per identity provider, tuned to where each puts email, phone and address (see
// docs/mapping.md for the table). A merchant picks one in one step and edits from there.
import { mappingDocumentSchema, type MappingDocument, type RuleInput, type Transform } from './document.js';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const PRESET_NAMES = ['default', 'okta', 'entra', 'onelogin', 'jumpcloud', 'google', 'custom'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

type Dir = RuleInput['direction'];
const field = (f: 'firstName' | 'lastName' | 'email' | 'phone' | 'note' | 'locale') => ({ kind: 'field' as const, field: f });
const fallback = (...sources: string[]): Transform[] => sources.map((source) => ({ op: 'default', source }));

// ---- building blocks shared by the presets

const names = (direction: Dir = 'both'): RuleInput[] => [
  { id: 'first-name', source: 'name.givenName', target: field('firstName'), transforms: [{ op: 'trim' }], direction },
  { id: 'last-name', source: 'name.familyName', target: field('lastName'), transforms: [{ op: 'trim' }], direction },
];

/** Email from the first path that has one, then (unless told not to) from userName when it is an email address. */
const email = (source: string, others: string[] = [], fromUserName = true): RuleInput => ({
  id: 'email',
  source,
  target: field('email'),
  transforms: [
    ...fallback(...others),
    ...(fromUserName ? [{ op: 'default', source: 'userName', format: 'email' } as const] : []),
    { op: 'trim' },
  ],
  direction: 'both',
});

/** Phone from the first path that has one; a number Shopify would refuse is left out with a warning. */
const phone = (source: string, others: string[] = [], direction: Dir = 'both', onInvalid: 'skip' | 'reject' = 'skip'): RuleInput => ({
  id: 'phone',
  source,
  target: field('phone'),
  transforms: fallback(...others),
  direction,
  onInvalid,
});

const locale = (source = 'locale', others = ['preferredLanguage']): RuleInput => ({
  id: 'locale',
  source,
  target: field('locale'),
  transforms: fallback(...others),
  direction: 'both',
  onInvalid: 'skip',
});

/** The default address from one SCIM address (`addresses[type eq "work"]`, or `addresses` for the primary one). */
const address = (base: string): RuleInput[] => [
  {
    id: 'address-line1',
    source: `${base}.streetAddress`,
    target: { kind: 'address', field: 'address1' },
    transforms: [{ op: 'split', separator: '\n', index: 0 }],
  },
  {
    id: 'address-line2',
    source: `${base}.streetAddress`,
    target: { kind: 'address', field: 'address2' },
    transforms: [{ op: 'split', separator: '\n', index: 1 }],
  },
  { id: 'address-city', source: `${base}.locality`, target: { kind: 'address', field: 'city' }, transforms: [{ op: 'trim' }] },
  { id: 'address-province', source: `${base}.region`, target: { kind: 'address', field: 'province' }, transforms: [{ op: 'trim' }] },
  { id: 'address-zip', source: `${base}.postalCode`, target: { kind: 'address', field: 'zip' }, transforms: [{ op: 'trim' }] },
  // A code or a name ("GB", "United Kingdom", "UK"); one Shopify does not know is left out rather than refusing the user.
  { id: 'address-country', source: `${base}.country`, target: { kind: 'address', field: 'countryCode' }, onInvalid: 'skip' },
];

const metafield = (id: string, source: string, key: string): RuleInput => ({
  id,
  source,
  target: { kind: 'metafield', namespace: 'scim', key, type: 'single_line_text_field' },
  transforms: [{ op: 'trim' }],
});

/** Enterprise attributes an employee store segments by, kept as metafields (namespace `scim`). */
const enterprise = (...which: ('department' | 'employeeNumber' | 'costCenter' | 'division' | 'organization' | 'title')[]): RuleInput[] =>
  which.map((w) => {
    switch (w) {
      case 'department':
        return metafield('department', `${ENTERPRISE}:department`, 'department');
      case 'employeeNumber':
        return metafield('employee-number', `${ENTERPRISE}:employeeNumber`, 'employee_number');
      case 'costCenter':
        return metafield('cost-center', `${ENTERPRISE}:costCenter`, 'cost_center');
      case 'division':
        return metafield('division', `${ENTERPRISE}:division`, 'division');
      case 'organization':
        return metafield('organization', `${ENTERPRISE}:organization`, 'organization');
      case 'title':
        return metafield('job-title', 'title', 'job_title');
    }
  });

function preset(name: PresetName, description: string, rules: RuleInput[], tags: Record<string, unknown> = {}): MappingDocument {
  return mappingDocumentSchema.parse({
    version: 1,
    preset: name,
    description,
    rules,
    tags: { static: ['scim-provisioned'], groupPrefix: 'group:', ...tags },
    customIdMetafield: { namespace: 'shopify_scim', key: 'scim_id' },
  });
}

/** Every preset, by name. Each is a complete mapping document; use getPreset for a copy to edit. */
export const presets: Record<PresetName, MappingDocument> = {
  default: preset(
    'default',
    'What an employee store wants from any SCIM client: names, email, phone, work address, department and employee number.',
    [
      ...names(),
      email('emails.value'),
      phone('phoneNumbers[primary eq true].value', [
        'phoneNumbers[type eq "mobile"].value',
        'phoneNumbers[type eq "work"].value',
        'phoneNumbers.value',
      ]),
      locale(),
      ...address('addresses[type eq "work"]'),
      ...enterprise('department', 'employeeNumber', 'title'),
    ],
  ),
  // Okta's SCIM 2.0 app: email is the primary work email, mobilePhone -> phoneNumbers[type eq "mobile"],
  // primaryPhone -> [type eq "work"], address fields under addresses[type eq "work"].
  okta: preset('okta', 'Okta (SCIM 2.0 app): primary email, mobile then work phone, work address, enterprise attributes.', [
    ...names(),
    email('emails[primary eq true].value', ['emails[type eq "work"].value']),
    phone('phoneNumbers[type eq "mobile"].value', ['phoneNumbers[type eq "work"].value', 'phoneNumbers[primary eq true].value']),
    locale(),
    ...address('addresses[type eq "work"]'),
    ...enterprise('department', 'employeeNumber', 'costCenter', 'title'),
  ]),
  // Entra ID: userName is the UPN (not always a mailbox), mail -> emails[type eq "work"], mobile ->
  // phoneNumbers[type eq "mobile"], telephoneNumber -> [type eq "work"]; country is free text, which the countryCode target reads as a name or a code.
  entra: preset('entra', 'Microsoft Entra ID: work email (mail), mobile then business phone, work address, department and employeeId.', [
    ...names(),
    // the UPN looks like an address but is often no mailbox (…@contoso.onmicrosoft.com): never use it as email
    email('emails[type eq "work"].value', ['emails[primary eq true].value'], false),
    phone('phoneNumbers[type eq "mobile"].value', ['phoneNumbers[type eq "work"].value']),
    locale('preferredLanguage', ['locale']),
    ...address('addresses[type eq "work"]'),
    ...enterprise('department', 'employeeNumber', 'title'),
  ]),
  // OneLogin's SCIM JSON template sends one work email, untyped addresses and a work phone when mapped.
  onelogin: preset('onelogin', 'OneLogin (SCIM Provisioner): work email (userName is the email), phone, the primary address, department.', [
    ...names(),
    email('emails[type eq "work"].value', ['emails.value']),
    phone('phoneNumbers.value'),
    locale(),
    ...address('addresses'),
    ...enterprise('department', 'division', 'title'),
  ]),
  // JumpCloud sends work email (primary), work and mobile phones, work and home addresses, enterprise attributes.
  jumpcloud: preset('jumpcloud', 'JumpCloud: work email, mobile then work phone, work address, enterprise attributes.', [
    ...names(),
    email('emails[type eq "work"].value', ['emails[primary eq true].value']),
    phone('phoneNumbers[type eq "mobile"].value', ['phoneNumbers[type eq "work"].value', 'phoneNumbers.value']),
    locale(),
    ...address('addresses[type eq "work"]'),
    ...enterprise('department', 'employeeNumber', 'costCenter', 'title'),
  ]),
  // Google Workspace auto-provisioning: userName is the primary email; phone, address and employee details only
  // when the admin maps them, so every one of those rules tolerates absence.
  google: preset('google', 'Google Workspace: primary email (userName), names, work then mobile phone when mapped, department.', [
    ...names(),
    email('emails[primary eq true].value', ['emails[type eq "work"].value']),
    phone('phoneNumbers[type eq "work"].value', ['phoneNumbers[type eq "mobile"].value', 'phoneNumbers.value']),
    locale(),
    ...address('addresses[type eq "work"]'),
    ...enterprise('department', 'employeeNumber', 'costCenter', 'title'),
  ]),
  // Another website or app posting its sign-ups: everything it sets may also be edited in Shopify and should flow
  // back; a phone Shopify would refuse is an error the site can show to the person signing up.
  custom: preset(
    'custom',
    'Your own application (e.g. a sign-up form): names, email, phone and locale in both directions, any address.',
    [...names(), email('emails.value'), phone('phoneNumbers.value', [], 'both', 'reject'), locale(), ...address('addresses')],
    { static: ['scim-app'] },
  ),
};

/** A fresh copy of a preset (edit it freely), or undefined for an unknown name. */
export function getPreset(name: string): MappingDocument | undefined {
  const p = (presets as Record<string, MappingDocument>)[name];
  return p ? structuredClone(p) : undefined;
}
