import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from './index.js';
import { normalizeResource } from '../resource.js';
import { groupResourceType, SCHEMA, userResourceType } from '../schemas.js';
import { acme, acmeUsers, applied, ENT, ent, patch, patchGroup, PATCH_OP, rejected, sampleGroup, sampleUser } from './fixtures.test.js';

describe('applyPatch: the PatchOp body', () => {
  it('changes nothing and reports no change for an empty Operations array', () => {
    const r = applied(patch([]));
    assert.equal(r.changed, false);
    assert.deepEqual(r.changedPaths, []);
    assert.deepEqual(r.resource, sampleUser());
  });

  it('accepts a body without schemas, since the Operations array is unambiguous', () => {
    const r = applied(applyPatch(sampleUser(), { Operations: [{ op: 'replace', path: 'nickName', value: 'A' }] }, userResourceType));
    assert.equal(r.resource.nickName, 'A');
  });

  it('rejects a body whose schemas do not name the PatchOp message', () => {
    rejected(applyPatch(sampleUser(), { schemas: [SCHEMA.user], Operations: [] }, userResourceType), 'invalidSyntax', PATCH_OP);
  });

  it('rejects a body that is not an object, or has no Operations array', () => {
    rejected(applyPatch(sampleUser(), [], userResourceType), 'invalidSyntax');
    rejected(applyPatch(sampleUser(), { schemas: [PATCH_OP] }, userResourceType), 'invalidSyntax', 'Operations');
    rejected(applyPatch(sampleUser(), { schemas: [PATCH_OP], Operations: { op: 'add' } }, userResourceType), 'invalidSyntax', 'Operations');
  });

  it('rejects an unknown op and an operation that is not an object', () => {
    rejected(patch([{ op: 'move', path: 'nickName', value: 'x' }]), 'invalidSyntax', 'move');
    rejected(patch(['replace']), 'invalidSyntax', 'Operations[0]');
  });

  it('rejects an add or replace without a value', () => {
    rejected(patch([{ op: 'add', path: 'nickName' }]), 'invalidSyntax', 'value');
    rejected(patch([{ op: 'replace', path: 'nickName' }]), 'invalidSyntax', 'value');
  });

  it('rejects a path that is not a string', () => {
    rejected(patch([{ op: 'replace', path: 7, value: 'x' }]), 'invalidPath');
  });

  it('reads member names in any case (Operations, OP, Path, VALUE)', () => {
    const r = applied(applyPatch(sampleUser(), { operations: [{ OP: 'replace', Path: 'nickName', VALUE: 'A' }] }, userResourceType));
    assert.equal(r.resource.nickName, 'A');
  });

  it('treats an empty path like no path', () => {
    const r = applied(patch([{ op: 'replace', path: '', value: { nickName: 'A' } }]));
    assert.equal(r.resource.nickName, 'A');
  });
});

describe('applyPatch: paths', () => {
  it('rejects a path naming an unknown attribute with invalidPath', () => {
    rejected(patch([{ op: 'replace', path: 'favouriteColour', value: 'teal' }]), 'invalidPath', 'favouriteColour');
    rejected(patch([{ op: 'replace', path: 'name.nickname', value: 'x' }]), 'invalidPath');
    rejected(patch([{ op: 'replace', path: 'urn:example:unknown:2.0:User:x', value: 'x' }]), 'invalidPath');
  });

  it('rejects a malformed path with invalidPath', () => {
    rejected(patch([{ op: 'replace', path: 'emails[type eq "work"', value: 'x' }]), 'invalidPath');
  });

  it('rejects a value filter on an attribute that is not a multi-valued complex one', () => {
    rejected(patch([{ op: 'replace', path: 'name[givenName eq "Ann"]', value: {} }]), 'invalidPath');
  });

  it('reads attribute and sub-attribute names in any case', () => {
    const r = applied(patch([{ op: 'replace', path: 'NAME.GIVENNAME', value: 'Anna' }]));
    assert.deepEqual(r.resource.name, { familyName: 'Lee', givenName: 'Anna' });
  });
});

describe('applyPatch: add (RFC 7644 §3.5.2.1)', () => {
  it('sets a single-valued attribute that had no value', () => {
    const r = applied(patch([{ op: 'add', path: 'nickName', value: 'Annie' }]));
    assert.equal(r.resource.nickName, 'Annie');
    assert.deepEqual(r.changedPaths, ['nickName']);
  });

  it('appends to a multi-valued attribute', () => {
    const r = applied(patch([{ op: 'add', path: 'emails', value: [{ value: 'ann@other.example', type: 'other' }] }]));
    assert.deepEqual(
      (r.resource.emails as unknown[]).map((e) => (e as { value: string }).value),
      ['ann@example.com', 'ann@home.example', 'ann@other.example'],
    );
  });

  it('changes nothing when the list already holds the value added', () => {
    const r = applied(patch([{ op: 'add', path: 'emails', value: [{ value: 'ANN@home.example', type: 'home' }] }]));
    assert.equal(r.changed, false, JSON.stringify(r.resource));
    assert.equal((r.resource.emails as unknown[]).length, 2);
  });

  it('makes a newly added primary email the only primary one', () => {
    const r = applied(patch([{ op: 'add', path: 'emails', value: { value: 'new@example.com', primary: true } }]));
    const emails = r.resource.emails as { value: string; primary?: boolean }[];
    assert.deepEqual(
      emails.filter((e) => e.primary === true).map((e) => e.value),
      ['new@example.com'],
    );
    assert.equal(emails[0].primary, false);
  });

  it('rejects adding two primary values at once', () => {
    rejected(
      patch([
        {
          op: 'add',
          path: 'emails',
          value: [
            { value: 'a@x.com', primary: true },
            { value: 'b@x.com', primary: true },
          ],
        },
      ]),
      'invalidValue',
      'primary',
    );
  });

  it('merges sub-attributes into a complex attribute, leaving the others', () => {
    const r = applied(patch([{ op: 'add', path: 'name', value: { middleName: 'Q' } }]));
    assert.deepEqual(r.resource.name, { familyName: 'Lee', givenName: 'Ann', middleName: 'Q' });
  });

  it('adds several attributes from a path-less value', () => {
    const r = applied(patch([{ op: 'add', value: { nickName: 'Annie', title: 'CTO', emails: [{ value: 'x@y.com' }] } }]));
    assert.equal(r.resource.nickName, 'Annie');
    assert.equal(r.resource.title, 'CTO');
    assert.equal((r.resource.emails as unknown[]).length, 3);
    assert.deepEqual(r.changedPaths, ['nickName', 'title', 'emails']);
  });

  it('creates an element for a sub-attribute path on an empty list', () => {
    const res = sampleUser();
    delete res.phoneNumbers;
    const r = applied(patch([{ op: 'add', path: 'phoneNumbers.value', value: '+441234' }], res));
    assert.deepEqual(r.resource.phoneNumbers, [{ value: '+441234' }]);
  });
});

describe('applyPatch: replace (RFC 7644 §3.5.2.3)', () => {
  it('replaces a single-valued attribute', () => {
    const r = applied(patch([{ op: 'replace', path: 'displayName', value: 'Ann B. Lee' }]));
    assert.equal(r.resource.displayName, 'Ann B. Lee');
    assert.deepEqual(r.changedPaths, ['displayName']);
  });

  it('adds an attribute that had no value', () => {
    assert.equal(applied(patch([{ op: 'replace', path: 'title', value: 'CTO' }])).resource.title, 'CTO');
  });

  it('replaces a whole multi-valued attribute', () => {
    const r = applied(patch([{ op: 'replace', path: 'emails', value: [{ value: 'only@example.com', type: 'work' }] }]));
    assert.deepEqual(r.resource.emails, [{ value: 'only@example.com', type: 'work' }]);
  });

  it('merges into a complex attribute: sub-attributes not given stay', () => {
    const r = applied(patch([{ op: 'replace', path: 'name', value: { givenName: 'Anna' } }]));
    assert.deepEqual(r.resource.name, { familyName: 'Lee', givenName: 'Anna' });
  });

  it('replaces a sub-attribute of the elements a filter selects, and only those', () => {
    const r = applied(patch([{ op: 'replace', path: 'emails[type eq "home"].value', value: 'ann@new-home.example' }]));
    assert.deepEqual(r.resource.emails, [
      { value: 'ann@example.com', type: 'work', primary: true },
      { value: 'ann@new-home.example', type: 'home' },
    ]);
    assert.deepEqual(r.changedPaths, ['emails']);
  });

  it('replaces in every element the filter selects', () => {
    const r = applied(patch([{ op: 'replace', path: 'emails[value co "ann"].type', value: 'other' }]));
    assert.deepEqual(
      (r.resource.emails as { type: string }[]).map((e) => e.type),
      ['other', 'other'],
    );
  });

  it('merges an object into the elements a filter selects', () => {
    const r = applied(patch([{ op: 'replace', path: 'emails[type eq "home"]', value: { display: 'Home' } }]));
    assert.deepEqual((r.resource.emails as unknown[])[1], { value: 'ann@home.example', display: 'Home', type: 'home' });
  });

  it('answers noTarget when a filter that is not a plain equality selects nothing', () => {
    rejected(patch([{ op: 'replace', path: 'emails[value ew "@nowhere.example"].type', value: 'work' }]), 'noTarget');
    rejected(
      patch([{ op: 'replace', path: 'emails[type eq "work" or type eq "x"].display', value: 'W' }], { ...sampleUser(), emails: [] }),
      'noTarget',
    );
  });

  it('makes the element a filter sets primary the only primary one', () => {
    const r = applied(patch([{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]));
    assert.deepEqual(
      (r.resource.emails as { primary?: boolean }[]).map((e) => e.primary),
      [false, true],
    );
  });

  it('sets a sub-attribute on every element when the path has no filter', () => {
    const r = applied(patch([{ op: 'replace', path: 'emails.display', value: 'Mail' }]));
    assert.deepEqual(
      (r.resource.emails as { display?: string }[]).map((e) => e.display),
      ['Mail', 'Mail'],
    );
  });

  it('reports no change when the value replaced is the one already stored', () => {
    const r = applied(
      patch([
        { op: 'replace', path: 'displayName', value: 'Ann Lee' },
        { op: 'replace', path: 'active', value: true },
      ]),
    );
    assert.equal(r.changed, false);
  });

  it('reports a change of case as a change', () => {
    assert.deepEqual(applied(patch([{ op: 'replace', path: 'displayName', value: 'ann lee' }])).changedPaths, ['displayName']);
  });
});

describe('applyPatch: remove (RFC 7644 §3.5.2.2)', () => {
  it('answers noTarget for a remove without a path', () => {
    rejected(patch([{ op: 'remove' }]), 'noTarget');
  });

  it('removes a single-valued attribute', () => {
    const r = applied(patch([{ op: 'remove', path: 'displayName' }]));
    assert.equal('displayName' in r.resource, false);
    assert.deepEqual(r.changedPaths, ['displayName']);
  });

  it('succeeds without change when the attribute has no value', () => {
    const r = applied(patch([{ op: 'remove', path: 'nickName' }]));
    assert.equal(r.changed, false);
  });

  it('removes a sub-attribute, and the complex attribute with its last one', () => {
    const one = applied(patch([{ op: 'remove', path: 'name.givenName' }]));
    assert.deepEqual(one.resource.name, { familyName: 'Lee' });
    assert.deepEqual(one.changedPaths, ['name.givenName']);
    const both = applied(
      patch([
        { op: 'remove', path: 'name.givenName' },
        { op: 'remove', path: 'name.familyName' },
      ]),
    );
    assert.equal('name' in both.resource, false);
  });

  it('removes a whole multi-valued attribute', () => {
    assert.equal('emails' in applied(patch([{ op: 'remove', path: 'emails' }])).resource, false);
  });

  it('removes only the elements a filter selects', () => {
    const r = applied(patch([{ op: 'remove', path: 'emails[type eq "home"]' }]));
    assert.deepEqual(r.resource.emails, [{ value: 'ann@example.com', type: 'work', primary: true }]);
  });

  it('answers noTarget when the filter selects nothing', () => {
    rejected(patch([{ op: 'remove', path: 'emails[type eq "other"]' }]), 'noTarget', 'emails[type eq "other"]');
  });

  it('removes a sub-attribute from the selected elements and drops an email left without a value', () => {
    const r = applied(patch([{ op: 'remove', path: 'emails[type eq "home"].value' }]));
    assert.deepEqual(r.resource.emails, [{ value: 'ann@example.com', type: 'work', primary: true }]);
    const t = applied(patch([{ op: 'remove', path: 'emails[type eq "home"].type' }]));
    assert.deepEqual((t.resource.emails as unknown[])[1], { value: 'ann@home.example' });
  });

  it('refuses to remove a required attribute (mutability)', () => {
    rejected(patch([{ op: 'remove', path: 'userName' }]), 'mutability', 'userName');
    rejected(patchGroup([{ op: 'remove', path: 'displayName' }]), 'mutability', 'displayName');
  });

  it('removes a whole extension named by its URN, and drops it from schemas', () => {
    const r = applied(patch([{ op: 'remove', path: ENT }]));
    assert.equal(ent(r.resource), undefined);
    assert.deepEqual(r.resource.schemas, [SCHEMA.user]);
    assert.deepEqual(r.changedPaths, [`${ENT}:department`, `${ENT}:manager.value`]);
  });
});

describe('applyPatch: mutability', () => {
  for (const path of ['id', 'meta.version', 'groups', `${SCHEMA.shopify}:customerId`, 'members[value eq "u-1"].display']) {
    it(`refuses to modify the readOnly target ${path}`, () => {
      const rt = path.startsWith('members') ? groupResourceType : userResourceType;
      const res = path.startsWith('members') ? sampleGroup() : sampleUser();
      rejected(patch([{ op: 'replace', path, value: 'x' }], res, rt), 'mutability');
      rejected(patch([{ op: 'remove', path }], res, rt), 'mutability');
    });
  }

  it('refuses to modify the Shopify extension as a whole', () => {
    rejected(patch([{ op: 'remove', path: SCHEMA.shopify }]), 'mutability', SCHEMA.shopify);
    rejected(patch([{ op: 'replace', path: SCHEMA.shopify, value: { syncState: 'synced' } }]), 'mutability');
  });

  it('refuses a path-less value carrying readOnly attributes that differ from the stored ones', () => {
    rejected(patch([{ op: 'replace', value: { meta: { version: 'W/"1"' } } }]), 'mutability', 'meta');
    rejected(patch([{ op: 'replace', value: { id: 'u-2', nickName: 'x' } }]), 'mutability', 'id');
    rejected(patch([{ op: 'add', value: { groups: [{ value: 'g-9' }] } }]), 'mutability', 'groups');
  });

  it('ignores readOnly attributes in a path-less value that equal the stored ones', () => {
    const r = applied(patch([{ op: 'replace', value: { id: 'u-1', groups: [], nickName: 'A' } }]));
    assert.deepEqual(r.changedPaths, ['nickName']);
  });

  it('accepts a password and neither stores it nor reports a change', () => {
    const r = applied(
      patch([
        { op: 'replace', path: 'password', value: 's3cret' },
        { op: 'replace', value: { password: 'other' } },
      ]),
    );
    assert.equal(r.changed, false);
    assert.equal('password' in r.resource, false);
  });

  it('lets an immutable attribute be set once and then refuses to change or remove it', () => {
    const first = applied(patch([{ op: 'add', path: `${acme.id}:badge`, value: 'B-1' }], sampleUser(), acmeUsers));
    assert.deepEqual(first.resource[acme.id], { badge: 'B-1' });
    rejected(patch([{ op: 'replace', path: `${acme.id}:badge`, value: 'B-2' }], first.resource, acmeUsers), 'mutability', 'badge');
    rejected(patch([{ op: 'remove', path: `${acme.id}:badge` }], first.resource, acmeUsers), 'mutability', 'badge');
    assert.equal(applied(patch([{ op: 'replace', path: `${acme.id}:badge`, value: 'B-1' }], first.resource, acmeUsers)).changed, false);
  });

  it('refuses to change the id of an existing group member (members.value is immutable)', () => {
    rejected(patchGroup([{ op: 'replace', path: 'members[value eq "u-1"].value', value: 'u-9' }]), 'mutability', 'value');
  });
});

describe('applyPatch: atomicity and results', () => {
  it('applies nothing when a later operation fails, and names the failing operation', () => {
    const original = sampleUser();
    const r = patch(
      [
        { op: 'replace', path: 'nickName', value: 'A' },
        { op: 'remove', path: 'userName' },
      ],
      original,
    );
    const err = rejected(r, 'mutability');
    assert.ok(err.detail.startsWith('Operations[1] (remove userName)'), err.detail);
    assert.deepEqual(original, sampleUser());
  });

  it('never modifies the resource it is given', () => {
    const original = sampleUser();
    applied(
      patch(
        [
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'z@z.com' },
          { op: 'remove', path: 'name.givenName' },
        ],
        original,
      ),
    );
    assert.deepEqual(original, sampleUser());
  });

  it('rejects wrongly typed values with invalidValue naming the attribute', () => {
    rejected(patch([{ op: 'replace', path: 'active', value: 'maybe' }]), 'invalidValue', 'active');
    rejected(patch([{ op: 'replace', path: 'emails', value: 'a@x.com' }]), 'invalidValue', 'emails');
    rejected(patch([{ op: 'replace', value: { name: { givenName: 3 } } }]), 'invalidValue', 'name.givenName');
    rejected(patch([{ op: 'add', path: 'emails[type eq "work"]', value: 'a@x.com' }]), 'invalidValue', 'emails');
  });

  it('rejects a path-less add whose value is not an object', () => {
    rejected(patch([{ op: 'add', value: 'x' }]), 'invalidValue');
    rejected(patch([{ op: 'replace', value: [{ active: false }] }]), 'invalidValue');
  });

  it('refuses to leave a required attribute blank', () => {
    rejected(patch([{ op: 'replace', path: 'userName', value: '  ' }]), 'invalidValue', 'userName');
  });

  it('adds an extension to schemas when its first attribute is set', () => {
    const res = sampleUser();
    delete res[ENT];
    res.schemas = [SCHEMA.user];
    const r = applied(patch([{ op: 'add', path: `${ENT}:costCenter`, value: 'CC-1' }], res));
    assert.deepEqual(r.resource.schemas, [SCHEMA.user, ENT]);
    assert.deepEqual(r.changedPaths, [`${ENT}:costCenter`]);
  });

  it("replaces through an extension URN path by merging that extension's attributes", () => {
    const r = applied(patch([{ op: 'replace', path: ENT, value: { division: 'EMEA', department: 'Ops' } }]));
    assert.deepEqual(ent(r.resource), { division: 'EMEA', department: 'Ops', manager: { value: 'boss-1' } });
  });

  it('lists canonical paths of what changed: sub-attributes, whole lists and extension attributes', () => {
    const r = applied(
      patch([
        { op: 'replace', path: 'Name.FamilyName', value: 'Li' },
        { op: 'add', path: 'phoneNumbers', value: [{ value: '+1999', type: 'work' }] },
        { op: 'replace', path: `${ENT}:manager.value`, value: 'boss-2' },
      ]),
    );
    assert.deepEqual(r.changedPaths, ['name.familyName', 'phoneNumbers', `${ENT}:manager.value`]);
  });

  it('returns a resource that a PUT of the same body would store unchanged', () => {
    const r = applied(
      patch([
        { op: 'add', path: 'emails[type eq "other"].value', value: 'o@x.com' },
        { op: 'replace', value: { 'name.middleName': 'Q', [`${ENT}:division`]: 'D' } },
        { op: 'remove', path: 'phoneNumbers' },
      ]),
    );
    const { id: _id, ...body } = r.resource;
    const put = normalizeResource(body, userResourceType, 'replace', { id: 'u-1' });
    assert.ok(put.ok, JSON.stringify(put));
    assert.deepEqual(put.value, r.resource);
  });
});
