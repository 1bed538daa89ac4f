// The choices the mapping editor offers: common SCIM attributes (any path can be typed too) and the Shopify targets a
// rule can write, as the mapping document names them (docs/mapping.md).
export const SCIM_ATTRIBUTES = [
  'userName',
  'name.givenName',
  'name.familyName',
  'name.formatted',
  'displayName',
  'nickName',
  'title',
  'emails[primary eq true].value',
  'emails[type eq "work"].value',
  'phoneNumbers[type eq "mobile"].value',
  'phoneNumbers[type eq "work"].value',
  'addresses[type eq "work"].streetAddress',
  'addresses[type eq "work"].locality',
  'addresses[type eq "work"].region',
  'addresses[type eq "work"].postalCode',
  'addresses[type eq "work"].country',
  'locale',
  'preferredLanguage',
  'timezone',
  'externalId',
  'active',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
];

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'note', 'locale'];
const ADDRESS = [
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
];
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
];

export type Target =
  | { kind: 'field'; field: string }
  | { kind: 'address'; field: string }
  | { kind: 'tag' }
  | { kind: 'metafield'; namespace: string; key: string; type: string }
  | { kind: 'emailMarketingConsent' | 'smsMarketingConsent'; optInLevel?: string };

/** Select options for a target, grouped as Polaris Select takes them; the value encodes kind and field. */
export const TARGET_OPTIONS = [
  { title: 'Customer', options: FIELDS.map((f) => ({ label: f, value: `field:${f}` })) },
  { title: 'Default address', options: ADDRESS.map((f) => ({ label: `address ${f}`, value: `address:${f}` })) },
  {
    title: 'Other',
    options: [
      { label: 'Tag', value: 'tag' },
      { label: 'Metafield', value: 'metafield' },
      { label: 'E-mail marketing consent', value: 'emailMarketingConsent' },
      { label: 'SMS marketing consent', value: 'smsMarketingConsent' },
    ],
  },
];

export function targetValue(t: Target): string {
  if (t.kind === 'field' || t.kind === 'address') return `${t.kind}:${t.field}`;
  return t.kind;
}

export function targetFrom(value: string, prev: Target): Target {
  const [kind, field] = value.split(':') as [string, string | undefined];
  if (kind === 'field' || kind === 'address') return { kind, field: field! };
  if (kind === 'metafield')
    return prev.kind === 'metafield' ? prev : { kind: 'metafield', namespace: 'scim', key: 'attribute', type: 'single_line_text_field' };
  return { kind: kind as 'tag' };
}

export const SAMPLE_USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  userName: 'ada.lovelace@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada.lovelace@example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+1 415 555 0100', type: 'mobile' }],
  addresses: [{ type: 'work', streetAddress: '1 Analytical Way', locality: 'London', postalCode: 'N1 9GU', country: 'GB' }],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Engineering', employeeNumber: '1815' },
  groups: [{ display: 'Staff' }],
};
