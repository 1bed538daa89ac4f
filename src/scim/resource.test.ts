import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeResource, type StoredResource } from './resource.js';
import { attr, groupResourceType, SCHEMA, userResourceType, type ResourceTypeDef, type SchemaDef } from './schemas.js';
import type { Result } from './errors.js';

const ENT = SCHEMA.enterprise;

function okValue<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected success, got ${JSON.stringify(r.error.toJSON())}`);
  return r.value;
}

function failure<T>(r: Result<T>, scimType: string, mentions?: string) {
  if (r.ok) assert.fail(`expected ${scimType}, got ${JSON.stringify(r.value)}`);
  assert.equal(r.error.scimType, scimType, JSON.stringify(r.error.toJSON()));
  assert.equal(r.error.status, 400);
  if (mentions) assert.ok(r.error.detail.includes(mentions), `detail should mention '${mentions}': ${r.error.detail}`);
  return r.error;
}

const create = (body: unknown) => normalizeResource(body, userResourceType, 'create');

// A tenant-declared extension exercising the types and mutabilities the built-in schemas do not use.
const acme: SchemaDef = {
  id: 'urn:example:params:scim:schemas:extension:acme:2.0:User',
  name: 'Acme',
  description: 'test extension',
  attributes: [
    attr('badge', 'string', { mutability: 'immutable' }),
    attr('hiredAt', 'dateTime'),
    attr('level', 'integer'),
    attr('score', 'decimal'),
    attr('contract', 'complex', { subAttributes: [attr('number', 'string', { mutability: 'immutable' }), attr('kind', 'string')] }),
  ],
};
const acmeUsers: ResourceTypeDef = { ...userResourceType, extensions: [...userResourceType.extensions, { schema: acme, required: false }] };
const acmeRequired: ResourceTypeDef = { ...userResourceType, extensions: [{ schema: acme, required: true }] };

describe('normalizeResource: attribute names', () => {
  it('stores attributes under their canonical names whatever case the client used', () => {
    const r = okValue(create({ USERNAME: 'ann', Name: { GIVENNAME: 'Ann', familyname: 'Lee' }, DisplayName: 'Ann Lee' }));
    assert.deepEqual(r, { schemas: [SCHEMA.user], userName: 'ann', name: { familyName: 'Lee', givenName: 'Ann' }, displayName: 'Ann Lee' });
  });

  it('reads an extension given as an object under its URN, in any case', () => {
    const r = okValue(create({ userName: 'ann', [ENT.toUpperCase()]: { Department: 'Sales', employeeNumber: '42' } }));
    assert.deepEqual(r[ENT], { employeeNumber: '42', department: 'Sales' });
    assert.deepEqual(r.schemas, [SCHEMA.user, ENT]);
  });

  it('reads flat URN-qualified extension keys such as urn:…:enterprise:2.0:User:department', () => {
    const r = okValue(create({ userName: 'ann', [`${ENT}:department`]: 'Sales', [`${ENT}:manager.value`]: 'm-1' }));
    assert.deepEqual(r[ENT], { department: 'Sales', manager: { value: 'm-1' } });
  });

  it('reads URN-qualified core attribute keys', () => {
    const r = okValue(create({ [`${SCHEMA.user}:userName`]: 'ann', [`${SCHEMA.user}:name.givenName`]: 'Ann' }));
    assert.equal(r.userName, 'ann');
    assert.deepEqual(r.name, { givenName: 'Ann' });
  });

  it('merges dotted keys with the complex attribute they belong to, in either order', () => {
    const a = okValue(create({ userName: 'ann', 'name.givenName': 'Ann', name: { familyName: 'Lee' } }));
    const b = okValue(create({ userName: 'ann', name: { familyName: 'Lee' }, 'name.givenName': 'Ann' }));
    assert.deepEqual(a.name, { familyName: 'Lee', givenName: 'Ann' });
    assert.deepEqual(b.name, a.name);
  });

  it('produces the same stored JSON whatever order the client wrote the keys in', () => {
    const a = okValue(create({ userName: 'ann', active: true, name: { givenName: 'A', familyName: 'L' }, [ENT]: { department: 'D' } }));
    const b = okValue(create({ [ENT]: { department: 'D' }, name: { familyName: 'L', givenName: 'A' }, active: true, userName: 'ann' }));
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });

  it('rejects a dotted key that addresses a sub-attribute of a multi-valued attribute', () => {
    failure(create({ userName: 'ann', 'emails.value': 'a@x.com' }), 'invalidValue', 'emails.value');
  });
});

describe('normalizeResource: the schemas list', () => {
  it('lists the core schema and only the extensions that hold a value', () => {
    const r = okValue(create({ schemas: [SCHEMA.user, ENT], userName: 'ann', [ENT]: {} }));
    assert.deepEqual(r.schemas, [SCHEMA.user]);
    assert.equal(r[ENT], undefined);
  });

  it('accepts a body without schemas, since the endpoint names the resource type', () => {
    assert.deepEqual(okValue(create({ userName: 'ann' })).schemas, [SCHEMA.user]);
  });

  it("rejects schemas that do not include the resource type's core schema", () => {
    failure(create({ schemas: [SCHEMA.group], userName: 'ann' }), 'invalidValue', SCHEMA.user);
  });

  it('rejects schemas that is not an array of strings', () => {
    failure(create({ schemas: SCHEMA.user, userName: 'ann' }), 'invalidValue', 'schemas');
    failure(create({ schemas: [SCHEMA.user, 7], userName: 'ann' }), 'invalidValue', 'schemas');
  });

  it('refuses data under an unknown schema the client declared in schemas, rather than lose it silently', () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
    failure(create({ schemas: [SCHEMA.user, urn], userName: 'ann', [urn]: { costCentre: 'x' } }), 'invalidValue', urn);
    failure(create({ schemas: [SCHEMA.user, urn], userName: 'ann', [`${urn}:costCentre`]: 'x' }), 'invalidValue', urn);
  });

  it('accepts an unknown schema listed without any data and leaves it out of the stored schemas', () => {
    const r = okValue(create({ schemas: [SCHEMA.user, 'urn:example:unknown:2.0:User'], userName: 'ann' }));
    assert.deepEqual(r.schemas, [SCHEMA.user]);
  });

  it('drops data under an unknown schema the client did not declare', () => {
    const r = okValue(create({ userName: 'ann', 'urn:example:unknown:2.0:User': { x: 1 }, 'urn:example:unknown:2.0:User:y': 2 }));
    assert.deepEqual(r, { schemas: [SCHEMA.user], userName: 'ann' });
  });
});

describe('normalizeResource: value types', () => {
  for (const [given, expected] of [
    ['True', true],
    ['False', false],
    ['TRUE', true],
    ['false', false],
    [true, true],
    [false, false],
  ] as const) {
    it(`reads active ${JSON.stringify(given)} as ${expected} (Entra sends booleans as strings)`, () => {
      assert.equal(okValue(create({ userName: 'ann', active: given })).active, expected);
    });
  }

  it('rejects active "maybe" with invalidValue naming the attribute', () => {
    failure(create({ userName: 'ann', active: 'maybe' }), 'invalidValue', 'active');
  });

  it('rejects a number where a boolean is expected', () => {
    failure(create({ userName: 'ann', active: 1 }), 'invalidValue', 'active');
  });

  it('rejects a number where a string is expected, naming the sub-attribute', () => {
    failure(create({ userName: 'ann', name: { givenName: 5 } }), 'invalidValue', 'name.givenName');
  });

  it('rejects emails given as a string', () => {
    failure(create({ userName: 'ann', emails: 'ann@example.com' }), 'invalidValue', 'emails');
  });

  it('rejects a list entry that is not an object', () => {
    failure(create({ userName: 'ann', emails: ['ann@example.com'] }), 'invalidValue', 'emails');
  });

  it('wraps a single object given for a multi-valued attribute into a list', () => {
    const r = okValue(create({ userName: 'ann', emails: { value: 'ann@example.com', type: 'work' } }));
    assert.deepEqual(r.emails, [{ value: 'ann@example.com', type: 'work' }]);
  });

  it('rejects a complex attribute given as a string', () => {
    failure(create({ userName: 'ann', name: 'Ann Lee' }), 'invalidValue', 'name');
  });

  it('checks dateTime, integer and decimal attributes of a declared extension', () => {
    const ok = okValue(
      normalizeResource({ userName: 'a', [acme.id]: { hiredAt: '2025-03-01T09:00:00Z', level: 3, score: 4.5 } }, acmeUsers, 'create'),
    );
    assert.deepEqual(ok[acme.id], { hiredAt: '2025-03-01T09:00:00Z', level: 3, score: 4.5 });
    failure(normalizeResource({ userName: 'a', [acme.id]: { hiredAt: 'yesterday' } }, acmeUsers, 'create'), 'invalidValue', 'hiredAt');
    failure(
      normalizeResource({ userName: 'a', [acme.id]: { hiredAt: '2025-13-01T09:00:00Z' } }, acmeUsers, 'create'),
      'invalidValue',
      'hiredAt',
    );
    failure(normalizeResource({ userName: 'a', [acme.id]: { level: 2.5 } }, acmeUsers, 'create'), 'invalidValue', 'level');
    failure(normalizeResource({ userName: 'a', [acme.id]: { score: '4.5' } }, acmeUsers, 'create'), 'invalidValue', 'score');
  });

  it('rejects an extension given as something other than an object', () => {
    failure(create({ userName: 'ann', [ENT]: 'Sales' }), 'invalidValue', ENT);
  });
});

describe('normalizeResource: unassigned and unknown values', () => {
  it('drops JSON null attributes and sub-attributes as unassigned', () => {
    const r = okValue(create({ userName: 'ann', nickName: null, name: { givenName: 'Ann', familyName: null }, [ENT]: null }));
    assert.deepEqual(r, { schemas: [SCHEMA.user], userName: 'ann', name: { givenName: 'Ann' } });
  });

  it('treats an empty list and an empty object as unassigned', () => {
    const r = okValue(create({ userName: 'ann', emails: [], name: {} }));
    assert.deepEqual(r, { schemas: [SCHEMA.user], userName: 'ann' });
  });

  it('ignores unknown attributes and unknown sub-attributes instead of failing', () => {
    const r = okValue(
      create({
        userName: 'ann',
        favouriteColour: 'teal',
        name: { givenName: 'Ann', nickname: 'A' },
        emails: [{ value: 'a@x.com', label: 'x' }],
      }),
    );
    assert.deepEqual(r, { schemas: [SCHEMA.user], userName: 'ann', name: { givenName: 'Ann' }, emails: [{ value: 'a@x.com' }] });
  });

  it('drops an email entry that has no value, since it carries no address', () => {
    const r = okValue(create({ userName: 'ann', emails: [{ type: 'work' }, { value: 'a@x.com', type: 'home' }] }));
    assert.deepEqual(r.emails, [{ value: 'a@x.com', type: 'home' }]);
  });

  it('does not modify the body it is given', () => {
    const body = { userName: 'ann', active: 'True', emails: { value: 'a@x.com' } };
    const copy = structuredClone(body);
    okValue(create(body));
    assert.deepEqual(body, copy);
  });

  it('rejects a body that is not a JSON object with invalidSyntax', () => {
    for (const body of [null, 'ann', [{ userName: 'ann' }], 42]) failure(create(body), 'invalidSyntax');
  });
});

describe('normalizeResource: readOnly, writeOnly and required', () => {
  it('ignores readOnly attributes sent by the client: id, meta, groups and the Shopify extension', () => {
    const r = okValue(
      create({
        id: 'client-chosen',
        userName: 'ann',
        meta: { resourceType: 'User', version: 'W/"9"' },
        groups: [{ value: 'g1' }],
        [SCHEMA.shopify]: { customerId: 'gid://shopify/Customer/1', syncState: 'synced' },
        [`${SCHEMA.shopify}:syncState`]: 'failed',
      }),
    );
    assert.deepEqual(r, { schemas: [SCHEMA.user], userName: 'ann' });
  });

  it('accepts a password and never stores it', () => {
    const r = okValue(create({ userName: 'ann', password: 'hunter2' }));
    assert.equal('password' in r, false, JSON.stringify(r));
  });

  it('requires userName for a User', () => {
    failure(create({ name: { givenName: 'Ann' } }), 'invalidValue', 'userName');
  });

  it('rejects an empty or blank userName', () => {
    failure(create({ userName: '' }), 'invalidValue', 'userName');
    failure(create({ userName: '   ' }), 'invalidValue', 'userName');
    failure(create({ userName: null }), 'invalidValue', 'userName');
  });

  it('requires displayName for a Group', () => {
    failure(normalizeResource({ members: [] }, groupResourceType, 'create'), 'invalidValue', 'displayName');
  });

  it('requires a required extension to be present', () => {
    failure(normalizeResource({ userName: 'a' }, acmeRequired, 'create'), 'invalidValue', acme.id);
    okValue(normalizeResource({ userName: 'a', [acme.id]: { level: 1 } }, acmeRequired, 'create'));
  });
});

describe('normalizeResource: multi-valued attributes', () => {
  it('rejects two primary emails (RFC 7643 §2.4)', () => {
    const body = {
      userName: 'ann',
      emails: [
        { value: 'a@x.com', primary: true },
        { value: 'b@x.com', primary: 'True' },
      ],
    };
    failure(create(body), 'invalidValue', 'primary');
  });

  it('accepts one primary email among several', () => {
    const r = okValue(
      create({
        userName: 'ann',
        emails: [
          { value: 'a@x.com', primary: false },
          { value: 'b@x.com', primary: true },
        ],
      }),
    );
    assert.deepEqual(r.emails, [
      { value: 'a@x.com', primary: false },
      { value: 'b@x.com', primary: true },
    ]);
  });

  it('rejects two primary phone numbers too', () => {
    failure(
      create({
        userName: 'ann',
        phoneNumbers: [
          { value: '+1', primary: true },
          { value: '+2', primary: true },
        ],
      }),
      'invalidValue',
      'phoneNumbers',
    );
  });
});

describe('normalizeResource: enterprise manager', () => {
  it('turns a manager given as a plain string (Entra) into {value}', () => {
    const r = okValue(create({ userName: 'ann', [ENT]: { manager: 'boss-id' } }));
    assert.deepEqual(r[ENT], { manager: { value: 'boss-id' } });
  });

  it('keeps manager value and $ref and drops the readOnly displayName', () => {
    const r = okValue(create({ userName: 'ann', [ENT]: { manager: { value: 'b', $ref: '../Users/b', displayName: 'Boss' } } }));
    assert.deepEqual(r[ENT], { manager: { value: 'b', $ref: '../Users/b' } });
  });
});

describe('normalizeResource: group members', () => {
  const group = (members: unknown) =>
    normalizeResource({ schemas: [SCHEMA.group], displayName: 'Sales', members }, groupResourceType, 'create');

  it('keeps value, $ref and type, accepts "$ref": null and drops the readOnly display', () => {
    const r = okValue(
      group([
        { value: 'u1', $ref: null, display: 'Ann' },
        { value: 'u2', type: 'User', $ref: 'https://x/Users/u2' },
      ]),
    );
    assert.deepEqual(r, {
      schemas: [SCHEMA.group],
      displayName: 'Sales',
      members: [{ value: 'u1' }, { value: 'u2', $ref: 'https://x/Users/u2', type: 'User' }],
    });
  });

  it('rejects a member whose value is not a string', () => {
    failure(group([{ value: 42 }]), 'invalidValue', 'members.value');
  });

  it('rejects a member without a value', () => {
    failure(group([{ display: 'Ann' }]), 'invalidValue', 'members');
  });

  it('keeps one entry per member when the same id is listed twice', () => {
    assert.deepEqual(okValue(group([{ value: 'u1' }, { value: 'u1', type: 'User' }])).members, [{ value: 'u1' }]);
  });
});

describe('normalizeResource: replace (PUT)', () => {
  const existing: StoredResource = {
    schemas: [SCHEMA.user, SCHEMA.shopify],
    id: 'u-1',
    userName: 'ann',
    nickName: 'Annie',
    meta: { resourceType: 'User', created: '2025-01-01T00:00:00Z' },
    [SCHEMA.shopify]: { customerId: 'gid://shopify/Customer/7', syncState: 'synced' },
  };
  const replace = (body: unknown, rt = userResourceType, prev: Record<string, unknown> = existing) =>
    normalizeResource(body, rt, 'replace', prev);

  it('ignores an id in the body that differs from the stored one and keeps the stored id', () => {
    const r = okValue(replace({ id: 'other', userName: 'ann' }));
    assert.equal(r.id, 'u-1');
  });

  it('carries over the stored readOnly values: meta and the Shopify extension', () => {
    const r = okValue(replace({ userName: 'ann', [SCHEMA.shopify]: { customerId: 'gid://shopify/Customer/999' } }));
    assert.deepEqual(r.meta, existing.meta);
    assert.deepEqual(r[SCHEMA.shopify], existing[SCHEMA.shopify]);
    assert.deepEqual(r.schemas, [SCHEMA.user, SCHEMA.shopify]);
  });

  it('clears writable attributes the replacement leaves out', () => {
    const r = okValue(replace({ userName: 'ann', title: 'CTO' }));
    assert.equal(r.nickName, undefined, JSON.stringify(r));
    assert.equal(r.title, 'CTO');
  });

  it('refuses to change an immutable attribute that already has a value', () => {
    const prev = { userName: 'a', [acme.id]: { badge: 'B-1' } };
    failure(replace({ userName: 'a', [acme.id]: { badge: 'B-2' } }, acmeUsers, prev), 'mutability', 'badge');
  });

  it('accepts an immutable attribute sent unchanged (case-insensitively) and keeps it when omitted', () => {
    const prev = { userName: 'a', [acme.id]: { badge: 'B-1' } };
    assert.deepEqual(okValue(replace({ userName: 'a', [acme.id]: { badge: 'b-1' } }, acmeUsers, prev))[acme.id], { badge: 'b-1' });
    assert.deepEqual(okValue(replace({ userName: 'a' }, acmeUsers, prev))[acme.id], { badge: 'B-1' });
  });

  it('lets an immutable attribute without a value be set', () => {
    assert.deepEqual(okValue(replace({ userName: 'a', [acme.id]: { badge: 'B-1' } }, acmeUsers, { userName: 'a' }))[acme.id], {
      badge: 'B-1',
    });
  });

  it('refuses to change an immutable sub-attribute of a complex attribute', () => {
    const prev = { userName: 'a', [acme.id]: { contract: { number: 'C1', kind: 'full' } } };
    failure(replace({ userName: 'a', [acme.id]: { contract: { number: 'C2' } } }, acmeUsers, prev), 'mutability', 'contract.number');
    const kept = okValue(replace({ userName: 'a', [acme.id]: { contract: { kind: 'part' } } }, acmeUsers, prev));
    assert.deepEqual(kept[acme.id], { contract: { number: 'C1', kind: 'part' } });
  });

  it('still requires userName on replace', () => {
    failure(replace({ nickName: 'x' }), 'invalidValue', 'userName');
  });
});

describe('normalizeResource: bodies real clients send', () => {
  it('normalises an Okta create with password, groups: [], locale and externalId', () => {
    const body = {
      schemas: [SCHEMA.user],
      userName: 'isabella.weaver@example.com',
      name: { givenName: 'Isabella', familyName: 'Weaver' },
      emails: [{ primary: true, value: 'isabella.weaver@example.com', type: 'work' }],
      displayName: 'Isabella Weaver',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    };
    assert.deepEqual(okValue(create(body)), {
      schemas: [SCHEMA.user],
      externalId: '00ujl29u0le5T6Aj10h7',
      userName: 'isabella.weaver@example.com',
      name: { familyName: 'Weaver', givenName: 'Isabella' },
      displayName: 'Isabella Weaver',
      locale: 'en-US',
      active: true,
      emails: [{ value: 'isabella.weaver@example.com', type: 'work', primary: true }],
    });
  });

  it('normalises an Entra ID create with the enterprise extension and string booleans', () => {
    const body = {
      schemas: [SCHEMA.user, ENT],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      userName: 'Test_User_dfeef4c5@contoso.com',
      active: 'True',
      emails: [{ primary: 'True', type: 'work', value: 'Test_User_22370c1a@testuser.com' }],
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      [ENT]: { employeeNumber: 'Sample value', department: 'sales', manager: 'Test_User_c2c2e6c5' },
      roles: [],
    };
    const r = okValue(create(body));
    assert.equal(r.active, true);
    assert.deepEqual(r.emails, [{ value: 'Test_User_22370c1a@testuser.com', type: 'work', primary: true }]);
    assert.deepEqual(r[ENT], { employeeNumber: 'Sample value', department: 'sales', manager: { value: 'Test_User_c2c2e6c5' } });
    assert.deepEqual(r.schemas, [SCHEMA.user, ENT]);
    assert.equal('roles' in r, false);
  });
});
