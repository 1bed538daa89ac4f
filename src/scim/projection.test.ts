import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttributeList, projectResource } from './projection.js';
import { attr, groupResourceType, SCHEMA, userResourceType, type ResourceTypeDef, type SchemaDef } from './schemas.js';

const ENT = SCHEMA.enterprise;

/** A User as the renderer returns it: id first, meta last, computed groups, the Shopify extension. */
function renderedUser(): Record<string, unknown> {
  return {
    schemas: [SCHEMA.user, ENT, SCHEMA.shopify],
    id: 'u-1',
    externalId: 'ext-1',
    userName: 'ann@example.com',
    name: { familyName: 'Lee', givenName: 'Ann' },
    displayName: 'Ann Lee',
    active: true,
    password: 'should-never-appear',
    emails: [
      { value: 'ann@example.com', type: 'work', primary: true },
      { value: 'ann@home.example', type: 'home' },
    ],
    groups: [{ value: 'g-1', display: 'Sales', type: 'direct' }],
    [ENT]: { department: 'Sales', manager: { value: 'boss', displayName: 'Boss' } },
    [SCHEMA.shopify]: { customerId: 'gid://shopify/Customer/1', syncState: 'synced' },
    meta: {
      resourceType: 'User',
      created: '2025-01-01T00:00:00Z',
      lastModified: '2025-01-02T00:00:00Z',
      location: 'https://x/Users/u-1',
      version: 'W/"3"',
    },
  };
}

const project = (
  opts: { attributes?: string[]; excludedAttributes?: string[] },
  res = renderedUser(),
  rt: ResourceTypeDef = userResourceType,
) => projectResource(res, rt, opts);

describe('parseAttributeList', () => {
  it('splits a comma-separated parameter and trims the names', () => {
    assert.deepEqual(parseAttributeList('userName, name.givenName ,emails.value'), ['userName', 'name.givenName', 'emails.value']);
  });

  it('gives an empty list for a missing or empty parameter', () => {
    assert.deepEqual(parseAttributeList(undefined), []);
    assert.deepEqual(parseAttributeList(''), []);
    assert.deepEqual(parseAttributeList(' , ,'), []);
  });

  it('keeps URN-qualified names whole, since they contain colons and dots but no commas', () => {
    assert.deepEqual(parseAttributeList(`${ENT}:department,userName`), [`${ENT}:department`, 'userName']);
  });

  it('accepts a repeated parameter and drops duplicates case-insensitively', () => {
    assert.deepEqual(parseAttributeList(['userName,displayName', 'USERNAME', 'active']), ['userName', 'displayName', 'active']);
  });
});

describe('projectResource: defaults', () => {
  it('returns every default attribute, and never the password', () => {
    const out = project({});
    const expected = renderedUser();
    delete expected.password;
    assert.deepEqual(out, expected);
  });

  it("keeps the resource's own key order", () => {
    assert.deepEqual(
      Object.keys(project({})),
      Object.keys(renderedUser()).filter((k) => k !== 'password'),
    );
  });

  it('passes through keys no schema describes when no attributes are asked for', () => {
    assert.equal(project({}, { ...renderedUser(), extra: 1 }).extra, 1);
    assert.equal('extra' in project({ attributes: ['userName'] }, { ...renderedUser(), extra: 1 }), false);
  });

  it('does not modify the resource it is given', () => {
    const res = renderedUser();
    project({ attributes: ['name.givenName'], excludedAttributes: ['emails'] }, res);
    assert.deepEqual(res, renderedUser());
  });
});

describe('projectResource: attributes', () => {
  it('returns only the attributes asked for, plus id and schemas', () => {
    assert.deepEqual(project({ attributes: ['userName'] }), { schemas: renderedUser().schemas, id: 'u-1', userName: 'ann@example.com' });
  });

  it('leaves meta out unless asked for, as its returned characteristic is default', () => {
    assert.equal('meta' in project({ attributes: ['userName'] }), false);
    assert.deepEqual(project({ attributes: ['meta'] }).meta, renderedUser().meta);
  });

  it('matches attribute names case-insensitively', () => {
    assert.deepEqual(project({ attributes: ['USERNAME', 'Name.GivenName'] }), {
      schemas: renderedUser().schemas,
      id: 'u-1',
      userName: 'ann@example.com',
      name: { givenName: 'Ann' },
    });
  });

  it('selects a sub-attribute of a complex attribute', () => {
    assert.deepEqual(project({ attributes: ['name.familyName'] }).name, { familyName: 'Lee' });
  });

  it('selects a sub-attribute of every element of a list', () => {
    assert.deepEqual(project({ attributes: ['emails.value'] }).emails, [{ value: 'ann@example.com' }, { value: 'ann@home.example' }]);
  });

  it('drops list elements that lack the selected sub-attribute, and the list when none has it', () => {
    assert.deepEqual(project({ attributes: ['emails.primary'] }).emails, [{ primary: true }]);
    assert.equal('emails' in project({ attributes: ['emails.display'] }), false);
  });

  it('combines a whole attribute with a sub-attribute of it as the whole', () => {
    assert.deepEqual(project({ attributes: ['name', 'name.givenName'] }).name, { familyName: 'Lee', givenName: 'Ann' });
  });

  it('selects an extension attribute by URN-qualified name', () => {
    const out = project({ attributes: [`${ENT}:department`] });
    assert.deepEqual(out[ENT], { department: 'Sales' });
    assert.equal(out.userName, undefined);
  });

  it('selects an extension sub-attribute by URN-qualified dotted name', () => {
    assert.deepEqual(project({ attributes: [`${ENT}:manager.value`] })[ENT], { manager: { value: 'boss' } });
  });

  it('selects a whole extension by its URN', () => {
    assert.deepEqual(project({ attributes: [SCHEMA.shopify] })[SCHEMA.shopify], renderedUser()[SCHEMA.shopify]);
  });

  it('selects core attributes by URN-qualified name', () => {
    assert.equal(project({ attributes: [`${SCHEMA.user}:userName`] }).userName, 'ann@example.com');
  });

  it('never returns the password, even when asked for', () => {
    assert.equal('password' in project({ attributes: ['password', 'userName'] }), false);
  });

  it('ignores unknown names', () => {
    assert.deepEqual(project({ attributes: ['favouriteColour', 'urn:example:x:1.0:Y:z'] }), { schemas: renderedUser().schemas, id: 'u-1' });
  });

  it('always returns schemas', () => {
    assert.deepEqual(project({ attributes: ['displayName'], excludedAttributes: ['schemas'] }).schemas, renderedUser().schemas);
  });
});

describe('projectResource: excludedAttributes', () => {
  it('leaves out the excluded attributes and returns the rest', () => {
    const out = project({ excludedAttributes: ['emails', 'groups'] });
    assert.equal('emails' in out, false);
    assert.equal('groups' in out, false);
    assert.equal(out.userName, 'ann@example.com');
  });

  it('never excludes id', () => {
    assert.equal(project({ excludedAttributes: ['id'] }).id, 'u-1');
  });

  it('excludes members from a group, as Entra asks with excludedAttributes=members', () => {
    const group = {
      schemas: [SCHEMA.group],
      id: 'g-1',
      displayName: 'Sales',
      members: [{ value: 'u-1' }],
      meta: { resourceType: 'Group' },
    };
    assert.deepEqual(projectResource(group, groupResourceType, { excludedAttributes: ['members'] }), {
      schemas: [SCHEMA.group],
      id: 'g-1',
      displayName: 'Sales',
      meta: { resourceType: 'Group' },
    });
  });

  it('excludes a sub-attribute, keeping the rest of the complex value', () => {
    assert.deepEqual(project({ excludedAttributes: ['name.givenName'] }).name, { familyName: 'Lee' });
    assert.deepEqual(project({ excludedAttributes: ['emails.type'] }).emails, [
      { value: 'ann@example.com', primary: true },
      { value: 'ann@home.example' },
    ]);
  });

  it('excludes an extension attribute by URN-qualified name, and the extension when nothing is left', () => {
    assert.deepEqual(project({ excludedAttributes: [`${ENT}:manager`] })[ENT], { department: 'Sales' });
    assert.equal(ENT in project({ excludedAttributes: [`${ENT}:manager`, `${ENT}:department`] }), false);
  });

  it('excludes a whole extension by its URN', () => {
    assert.equal(SCHEMA.shopify in project({ excludedAttributes: [SCHEMA.shopify] }), false);
  });

  it('applies exclusions after the attributes list when both are given', () => {
    assert.deepEqual(project({ attributes: ['name', 'userName'], excludedAttributes: ['name.familyName'] }), {
      schemas: renderedUser().schemas,
      id: 'u-1',
      userName: 'ann@example.com',
      name: { givenName: 'Ann' },
    });
  });
});

describe('projectResource: returned characteristics of declared extensions', () => {
  const vault: SchemaDef = {
    id: 'urn:example:params:scim:schemas:extension:vault:2.0:User',
    name: 'Vault',
    description: 'test extension',
    attributes: [
      attr('pin', 'string', { returned: 'request' }),
      attr('secret', 'string', { returned: 'never' }),
      attr('tier', 'string', { returned: 'always' }),
      attr('note', 'string'),
    ],
  };
  const rt: ResourceTypeDef = { ...userResourceType, extensions: [{ schema: vault, required: false }] };
  const res = {
    schemas: [SCHEMA.user, vault.id],
    id: 'u-1',
    userName: 'ann',
    [vault.id]: { pin: '1234', secret: 's', tier: 'gold', note: 'n' },
  };

  it('returns request attributes only when asked for', () => {
    assert.deepEqual(projectResource(res, rt, {})[vault.id], { tier: 'gold', note: 'n' });
    assert.deepEqual(projectResource(res, rt, { attributes: [`${vault.id}:pin`] })[vault.id], { pin: '1234', tier: 'gold' });
  });

  it('returns always attributes even when not asked for or excluded', () => {
    assert.deepEqual(projectResource(res, rt, { attributes: ['userName'] })[vault.id], { tier: 'gold' });
    assert.deepEqual(projectResource(res, rt, { excludedAttributes: [`${vault.id}:tier`] })[vault.id], { tier: 'gold', note: 'n' });
  });

  it('never returns never attributes', () => {
    assert.equal('secret' in (projectResource(res, rt, { attributes: [`${vault.id}:secret`, vault.id] })[vault.id] as object), false);
  });
});

describe('projectResource: complex values in a default answer', () => {
  const badge: SchemaDef = {
    id: 'urn:example:params:scim:schemas:extension:badge:2.0:User',
    name: 'Badge',
    description: 'test extension',
    attributes: [
      attr('cards', 'complex', {
        multiValued: true,
        subAttributes: [
          attr('number', 'string'),
          attr('pin', 'string', { returned: 'request' }),
          attr('key', 'string', { returned: 'never' }),
        ],
      }),
      attr('desk', 'complex', { subAttributes: [attr('floor', 'string'), attr('code', 'string')] }),
    ],
  };
  const rt: ResourceTypeDef = { ...userResourceType, extensions: [{ schema: badge, required: false }] };
  const user = (ext: Record<string, unknown>, core: Record<string, unknown> = {}) => ({
    schemas: [SCHEMA.user, badge.id],
    id: 'u-1',
    userName: 'ann',
    ...core,
    [badge.id]: ext,
  });

  it('drops request and never sub-attributes from every element, and keeps unknown keys', () => {
    const out = projectResource(user({ cards: [{ number: '1', pin: '9', key: 'k', color: 'red' }, { pin: '8' }] }), rt, {});
    assert.deepEqual(out[badge.id], { cards: [{ number: '1', color: 'red' }] });
  });

  it('shows a value whose sub-attributes all show by default as it is, but never an empty list or element', () => {
    const emails = [{ value: 'a@example.com', type: 'work', primary: true, display: 'A' }];
    const shown = projectResource(user({ desk: { floor: '3', code: 'B' } }, { emails }), rt, {});
    assert.deepEqual(shown.emails, emails);
    assert.deepEqual(shown[badge.id], { desk: { floor: '3', code: 'B' } });
    const empty = projectResource(user({ desk: {} }, { emails: [], phoneNumbers: [{}, { value: '+1' }], addresses: [{}] }), rt, {});
    assert.equal('emails' in empty, false, 'an empty list is left out');
    assert.deepEqual(empty.phoneNumbers, [{ value: '+1' }], 'an empty element is dropped');
    assert.equal('addresses' in empty, false, 'a list of empty elements is left out');
    assert.equal(badge.id in empty, false, 'an empty complex value is left out, and with it the extension');
  });

  it('with an exclusion, an excluded sub-attribute goes from each element', () => {
    const out = projectResource(user({}, { emails: [{ value: 'a@example.com', type: 'work' }] }), rt, {
      excludedAttributes: ['emails.type'],
    });
    assert.deepEqual(out.emails, [{ value: 'a@example.com' }]);
  });
});
