// SCIM schema definitions (RFC 7643 §4, §8.7) for the resources this server serves, plus lookups by attribute name.
// Everything that needs attribute characteristics (filters, PATCH, projection, validation, discovery) reads them here.

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  shopify: 'urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  bulkRequest: 'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
  bulkResponse: 'urn:ietf:params:scim:api:messages:2.0:BulkResponse',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

type Opt = Partial<Omit<AttributeDef, 'name' | 'type'>>;

/** Builds an attribute definition with RFC 7643 §2.2 defaults (single, optional, case-insensitive, readWrite). */
export function attr(name: string, type: AttributeType, o: Opt = {}): AttributeDef {
  const def: AttributeDef = {
    name,
    type,
    multiValued: o.multiValued ?? false,
    description: o.description ?? '',
    required: o.required ?? false,
    caseExact: o.caseExact ?? false,
    mutability: o.mutability ?? 'readWrite',
    returned: o.returned ?? 'default',
    uniqueness: o.uniqueness ?? 'none',
  };
  if (o.canonicalValues) def.canonicalValues = o.canonicalValues;
  if (o.referenceTypes) def.referenceTypes = o.referenceTypes;
  if (o.subAttributes) def.subAttributes = o.subAttributes;
  return def;
}

const str = (name: string, description: string, o: Opt = {}) => attr(name, 'string', { description, ...o });

/** A multi-valued complex attribute of the usual {value, display, type, primary} shape. */
function multi(
  name: string,
  description: string,
  valueType: AttributeType,
  types: string[],
  extra: AttributeDef[] = [],
  o: Opt = {},
): AttributeDef {
  return attr(name, 'complex', {
    multiValued: true,
    description,
    ...o,
    subAttributes: [
      // every reference declares what it points at (RFC 7643 §7): these are URLs outside this server
      attr('value', valueType, {
        description: `The value of the ${name} entry.`,
        ...(valueType === 'reference' ? { referenceTypes: ['external'] } : {}),
      }),
      str('display', 'A human-readable name, primarily used for display purposes.'),
      str('type', `A label indicating the attribute's function.`, types.length ? { canonicalValues: types } : {}),
      attr('primary', 'boolean', { description: 'Whether this is the primary value.' }),
      ...extra,
    ],
  });
}

export const userSchema: SchemaDef = {
  id: SCHEMA.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', 'Unique identifier for the User, typically used to sign in. Unique per tenant, case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    attr('name', 'complex', {
      description: "The components of the user's real name.",
      subAttributes: [
        str('formatted', 'The full name, formatted for display.'),
        str('familyName', 'The family name (last name).'),
        str('givenName', 'The given name (first name).'),
        str('middleName', 'The middle name(s).'),
        str('honorificPrefix', 'The honorific prefix(es), e.g. Ms.'),
        str('honorificSuffix', 'The honorific suffix(es), e.g. III.'),
      ],
    }),
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', { description: "A URL to the user's online profile.", referenceTypes: ['external'] }),
    str('title', "The user's title, such as 'Vice President'."),
    str('userType', 'The relationship between the organization and the user.'),
    str('preferredLanguage', "The user's preferred written or spoken language (RFC 7231 language tag)."),
    str('locale', "The user's default location, e.g. en-US."),
    str('timezone', "The user's time zone in IANA format, e.g. America/Los_Angeles."),
    attr('active', 'boolean', { description: "The user's administrative status. Inactive users are deprovisioned in Shopify." }),
    str('password', 'Accepted for compatibility and never stored or returned.', { mutability: 'writeOnly', returned: 'never' }),
    multi('emails', 'Email addresses for the user.', 'string', ['work', 'home', 'other']),
    multi('phoneNumbers', 'Phone numbers for the user.', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multi('ims', 'Instant messaging addresses for the user.', 'string', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multi('photos', 'URLs of photos of the user.', 'reference', ['photo', 'thumbnail']),
    attr('addresses', 'complex', {
      multiValued: true,
      description: 'Physical mailing addresses for this user.',
      subAttributes: [
        str('formatted', 'The full mailing address, formatted for display.'),
        str('streetAddress', 'The full street address component.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component (ISO 3166-1 alpha-2).'),
        str('type', "A label indicating the attribute's function.", { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean', { description: 'Whether this is the primary address.' }),
      ],
    }),
    attr('groups', 'complex', {
      multiValued: true,
      mutability: 'readOnly',
      description: 'The groups the user belongs to, computed from group memberships.',
      subAttributes: [
        str('value', 'The identifier of the group.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', { description: 'The URI of the group.', referenceTypes: ['Group'], mutability: 'readOnly' }),
        str('display', 'The displayName of the group.', { mutability: 'readOnly' }),
        str('type', 'direct or indirect.', { canonicalValues: ['direct', 'indirect'], mutability: 'readOnly' }),
      ],
    }),
    multi('entitlements', 'Entitlements of the user.', 'string', []),
    multi('roles', 'Roles of the user.', 'string', []),
    multi('x509Certificates', 'X.509 certificates of the user.', 'binary', []),
  ],
};

export const enterpriseSchema: SchemaDef = {
  id: SCHEMA.enterprise,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person.'),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    attr('manager', 'complex', {
      description: "The user's manager.",
      subAttributes: [
        str('value', 'The id of the SCIM resource representing the manager.'),
        attr('$ref', 'reference', { description: 'The URI of the manager.', referenceTypes: ['User'] }),
        str('displayName', 'The displayName of the manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

const ro: Opt = { mutability: 'readOnly' };
export const shopifySchema: SchemaDef = {
  id: SCHEMA.shopify,
  name: 'ShopifyCustomer',
  description: 'The Shopify customer this user is linked to and the state of its synchronisation. Maintained by the server.',
  attributes: [
    str('customerId', 'The GID of the linked Shopify customer, e.g. gid://shopify/Customer/1.', { ...ro, caseExact: true }),
    str(
      'syncState',
      'pending (a write is on its way), synced (Shopify holds the user as it is), or failed (Shopify cannot take the user as it stands, or the retries ran out; syncError says why).',
      {
        ...ro,
        canonicalValues: ['pending', 'synced', 'failed'],
      },
    ),
    str('syncError', 'Why the last attempt failed, when it did, without personal data.', ro),
    str('syncErrorCode', 'A stable code for syncError, e.g. CUSTOMER_NEEDS_IDENTITY, EMAIL_INVALID, EMAIL_TAKEN, PHONE_INVALID.', {
      ...ro,
      caseExact: true,
    }),
    attr('lastSyncedAt', 'dateTime', { description: 'When Shopify last accepted a change for this user.', ...ro }),
    attr('lastAttemptAt', 'dateTime', {
      description: 'When the server last tried to write this user to Shopify, whatever the outcome.',
      ...ro,
    }),
    str('tags', 'The tags the server manages on the customer.', { ...ro, multiValued: true }),
  ],
};

export const groupSchema: SchemaDef = {
  id: SCHEMA.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'A human-readable name for the Group. Members receive a customer tag derived from it.', { required: true }),
    attr('members', 'complex', {
      multiValued: true,
      description: 'A list of members of the Group.',
      subAttributes: [
        str('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attr('$ref', 'reference', { description: 'The URI of the member.', referenceTypes: ['User', 'Group'], mutability: 'immutable' }),
        str('display', 'A human-readable name of the member.', { mutability: 'readOnly' }),
        str('type', 'The type of member.', { canonicalValues: ['User', 'Group'], mutability: 'immutable' }),
      ],
    }),
  ],
};

/** Attributes every resource has (RFC 7643 §3.1), described as in the RFC's schema representation. */
export const commonAttributes: AttributeDef[] = [
  str('id', 'Unique identifier for the resource, assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  str('externalId', 'An identifier for the resource as defined by the provisioning client.', { caseExact: true }),
  attr('meta', 'complex', {
    mutability: 'readOnly',
    description: 'Resource metadata.',
    subAttributes: [
      str('resourceType', 'The name of the resource type.', { ...ro, caseExact: true }),
      attr('created', 'dateTime', { description: 'When the resource was added.', ...ro }),
      attr('lastModified', 'dateTime', { description: 'When the resource was last updated.', ...ro }),
      attr('location', 'reference', { description: 'The URI of the resource.', ...ro, referenceTypes: ['uri'] }),
      str('version', 'The version (ETag) of the resource.', { ...ro, caseExact: true }),
    ],
  }),
];

export interface ResourceTypeDef {
  id: 'User' | 'Group';
  name: string;
  endpoint: string;
  description: string;
  schema: SchemaDef;
  extensions: { schema: SchemaDef; required: boolean }[];
}

export const userResourceType: ResourceTypeDef = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'A person who becomes a Shopify customer.',
  schema: userSchema,
  extensions: [
    { schema: enterpriseSchema, required: false },
    { schema: shopifySchema, required: false },
  ],
};

export const groupResourceType: ResourceTypeDef = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'A group whose members receive a customer tag.',
  schema: groupSchema,
  extensions: [],
};

export const resourceTypes: ResourceTypeDef[] = [userResourceType, groupResourceType];

const userTypes = new WeakMap<readonly SchemaDef[], ResourceTypeDef>();

/**
 * The User resource type of a tenant: the built-in extensions plus the tenant's declared extension schemas (never
 * required). The same array gives the same object, so per-type caches (compiled paths, filters) keep working.
 */
export function userResourceTypeFor(extra: readonly SchemaDef[]): ResourceTypeDef {
  if (extra.length === 0) return userResourceType;
  let rt = userTypes.get(extra);
  if (!rt) {
    const known = new Set(userResourceType.extensions.map((e) => e.schema.id.toLowerCase()));
    const added = extra.filter((s) => !known.has(s.id.toLowerCase())).map((schema) => ({ schema, required: false }));
    rt = { ...userResourceType, extensions: [...userResourceType.extensions, ...added] };
    userTypes.set(extra, rt);
  }
  return rt;
}

export const allSchemas: SchemaDef[] = [userSchema, enterpriseSchema, shopifySchema, groupSchema];

/** Where an attribute lives: the schema URN it belongs to (core or extension) and its definition. */
export interface ResolvedAttribute {
  schemaId: string;
  /** true for the core schema's and the common attributes, which sit at the top level of a resource. */
  core: boolean;
  def: AttributeDef;
  sub?: AttributeDef;
}

const lower = (s: string) => s.toLowerCase();

export function findAttr(list: AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  if (!list) return undefined;
  const n = lower(name);
  return list.find((a) => lower(a.name) === n);
}

/**
 * Resolves an attribute reference (`userName`, `name.givenName`, `urn:…:enterprise:2.0:User:department`,
 * `urn:…:User:manager.value`) against a resource type, case-insensitively. Returns undefined when unknown.
 */
export function resolveAttribute(
  rt: ResourceTypeDef,
  uri: string | undefined,
  attrName: string,
  subName?: string,
): ResolvedAttribute | undefined {
  const schemas = [{ schema: rt.schema, core: true }, ...rt.extensions.map((e) => ({ schema: e.schema, core: false }))];
  let candidates = schemas;
  if (uri) {
    candidates = schemas.filter((s) => lower(s.schema.id) === lower(uri));
    if (candidates.length === 0) return undefined;
  }
  for (const c of candidates) {
    const list = c.core ? [...commonAttributes, ...c.schema.attributes] : c.schema.attributes;
    const def = findAttr(list, attrName);
    if (!def) continue;
    if (subName === undefined) return { schemaId: c.schema.id, core: c.core, def };
    const sub = findAttr(def.subAttributes, subName);
    if (!sub) return undefined;
    return { schemaId: c.schema.id, core: c.core, def, sub };
  }
  return undefined;
}

/** Splits `urn:…:User:manager.value` into its schema URN and attribute path for a known resource type. */
export function splitUrnPath(rt: ResourceTypeDef, path: string): { uri?: string; rest: string } {
  const l = lower(path);
  const ids = [rt.schema.id, ...rt.extensions.map((e) => e.schema.id)].sort((a, b) => b.length - a.length);
  for (const id of ids) {
    const li = lower(id);
    if (l === li) return { uri: id, rest: '' };
    if (l.startsWith(li + ':')) return { uri: id, rest: path.slice(id.length + 1) };
  }
  return { rest: path };
}
