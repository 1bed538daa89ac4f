// The PATCH requests identity providers really send (IdP documentation and issues filed against other SCIM servers),
// one test per behaviour, named after it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SCHEMA } from '../schemas.js';
import { applied, ENT, ent, patch, patchGroup, rejected, sampleGroup, sampleUser } from './fixtures.test.js';

type El = Record<string, unknown>;
const list = (v: unknown) => v as El[];

describe('Entra ID', () => {
  it('sends ops capitalised: "Replace", "Add", "Remove"', () => {
    const r = applied(
      patch([
        { op: 'Replace', path: 'displayName', value: 'Ann L.' },
        { op: 'Add', path: 'nickName', value: 'Annie' },
        { op: 'Remove', path: 'title' },
      ]),
    );
    assert.equal(r.resource.displayName, 'Ann L.');
    assert.equal(r.resource.nickName, 'Annie');
  });

  it('sends booleans as strings: {"op":"Replace","path":"active","value":"False"}', () => {
    const off = applied(patch([{ op: 'Replace', path: 'active', value: 'False' }]));
    assert.equal(off.resource.active, false);
    assert.deepEqual(off.changedPaths, ['active']);
    const on = applied(patch([{ op: 'Replace', path: 'active', value: 'True' }], off.resource));
    assert.equal(on.resource.active, true);
  });

  it('soft-deletes with active "False" and keeps every other attribute', () => {
    const r = applied(patch([{ op: 'Replace', path: 'active', value: 'False' }]));
    assert.deepEqual({ ...r.resource, active: true }, sampleUser());
  });

  it('sends a path-less replace with dotted and URN-qualified keys', () => {
    const r = applied(patch([{ op: 'replace', value: { 'name.givenName': 'A', [`${ENT}:department`]: 'B', 'name.familyName': 'C' } }]));
    assert.deepEqual(r.resource.name, { familyName: 'C', givenName: 'A' });
    assert.equal(ent(r.resource)?.department, 'B');
    assert.deepEqual(r.changedPaths, ['name.familyName', 'name.givenName', `${ENT}:department`]);
  });

  it('sends a path-less replace with full objects for complex attributes and extensions', () => {
    const r = applied(
      patch([{ op: 'Replace', value: { name: { givenName: 'Anna' }, [ENT]: { employeeNumber: '701984' }, active: 'False' } }]),
    );
    assert.deepEqual(r.resource.name, { familyName: 'Lee', givenName: 'Anna' });
    assert.deepEqual(ent(r.resource), { employeeNumber: '701984', department: 'Sales', manager: { value: 'boss-1' } });
    assert.equal(r.resource.active, false);
  });

  it('creates the work email when emails[type eq "work"].value finds none', () => {
    const res = { ...sampleUser(), emails: [{ value: 'ann@home.example', type: 'home' }] };
    const r = applied(patch([{ op: 'Add', path: 'emails[type eq "work"].value', value: 'ann@work.example' }], res));
    assert.deepEqual(r.resource.emails, [
      { value: 'ann@home.example', type: 'home' },
      { value: 'ann@work.example', type: 'work' },
    ]);
  });

  it('updates the work email in place when emails[type eq "work"].value finds it', () => {
    const r = applied(patch([{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'ann.lee@example.com' }]));
    assert.deepEqual(list(r.resource.emails)[0], { value: 'ann.lee@example.com', type: 'work', primary: true });
    assert.equal(list(r.resource.emails).length, 2);
  });

  it('sets the primary flag with emails[type eq "work"].primary "True" before the value exists', () => {
    const res = { ...sampleUser(), emails: [] };
    const r = applied(
      patch(
        [
          { op: 'Add', path: 'emails[type eq "work"].primary', value: 'True' },
          { op: 'Add', path: 'emails[type eq "work"].value', value: 'w@example.com' },
        ],
        res,
      ),
    );
    assert.deepEqual(r.resource.emails, [{ value: 'w@example.com', type: 'work', primary: true }]);
  });

  it('drops an email created by a filtered path when no value ever arrives', () => {
    const res = { ...sampleUser(), emails: [] };
    const r = applied(patch([{ op: 'Add', path: 'emails[type eq "work"].primary', value: 'True' }], res));
    assert.equal('emails' in r.resource, false, JSON.stringify(r.resource));
  });

  it('creates or updates the mobile number through phoneNumbers[type eq "mobile"].value', () => {
    const updated = applied(patch([{ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+15550000000' }]));
    assert.deepEqual(updated.resource.phoneNumbers, [{ value: '+15550000000', type: 'mobile' }]);
    const res = sampleUser();
    delete res.phoneNumbers;
    const created = applied(patch([{ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+15550000000' }], res));
    assert.deepEqual(created.resource.phoneNumbers, [{ value: '+15550000000', type: 'mobile' }]);
  });

  it('creates the work address through addresses[type eq "work"].streetAddress and fills it field by field', () => {
    const r = applied(
      patch([
        { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Springfield' },
        { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: '12345' },
        { op: 'Add', path: 'addresses[type eq "work"].country', value: 'US' },
      ]),
    );
    assert.deepEqual(r.resource.addresses, [
      { streetAddress: '1 Main St', locality: 'Springfield', postalCode: '12345', country: 'US', type: 'work' },
    ]);
  });

  it('sends addresses[type eq "work"].formatted, also spelled .Formatted', () => {
    const r = applied(
      patch([
        { op: 'Replace', path: 'addresses[type eq "work"].formatted', value: '1 Main St' },
        { op: 'Replace', path: 'addresses[type eq "work"].Formatted', value: '2 Main St' },
      ]),
    );
    assert.deepEqual(r.resource.addresses, [{ formatted: '2 Main St', type: 'work' }]);
  });

  it('spells sub-attributes in other capitalisations: emails[Type eq "work"].Value', () => {
    const r = applied(patch([{ op: 'Replace', path: 'emails[Type eq "work"].Value', value: 'cap@example.com' }]));
    assert.equal(list(r.resource.emails)[0].value, 'cap@example.com');
  });

  it('sends enterprise attributes by full URN path, e.g. …:User:employeeNumber', () => {
    const r = applied(patch([{ op: 'Add', path: `${ENT}:employeeNumber`, value: '701984' }]));
    assert.equal(ent(r.resource)?.employeeNumber, '701984');
    assert.deepEqual(r.changedPaths, [`${ENT}:employeeNumber`]);
  });

  it('sends the manager as a plain string rather than {value}', () => {
    const r = applied(patch([{ op: 'Replace', path: `${ENT}:manager`, value: 'boss-2' }]));
    assert.deepEqual(ent(r.resource)?.manager, { value: 'boss-2' });
    assert.deepEqual(r.changedPaths, [`${ENT}:manager.value`]);
  });

  it('sends the manager as {value} too, and removes it by path', () => {
    const set = applied(patch([{ op: 'Add', path: `${ENT}:manager`, value: { value: 'boss-3' } }]));
    assert.deepEqual(ent(set.resource)?.manager, { value: 'boss-3' });
    const gone = applied(patch([{ op: 'Remove', path: `${ENT}:manager` }], set.resource));
    assert.deepEqual(ent(gone.resource), { department: 'Sales' });
  });

  it('sends JSON null for sub-attributes, meaning unassign', () => {
    const direct = applied(patch([{ op: 'Replace', path: 'name.givenName', value: null }]));
    assert.deepEqual(direct.resource.name, { familyName: 'Lee' });
    const dotted = applied(patch([{ op: 'Replace', value: { 'name.familyName': null, [`${ENT}:department`]: null } }]));
    assert.deepEqual(dotted.resource.name, { givenName: 'Ann' });
    assert.deepEqual(ent(dotted.resource), { manager: { value: 'boss-1' } });
    const inside = applied(patch([{ op: 'Replace', path: 'name', value: { givenName: null, middleName: 'Q' } }]));
    assert.deepEqual(inside.resource.name, { familyName: 'Lee', middleName: 'Q' });
  });

  it('sends filtered keys inside a path-less replace value, applied as the same op with that path', () => {
    const ops = (value: Record<string, unknown>) => [{ op: 'Replace', value }];
    const keyed = applied(
      patch(
        ops({ 'emails[type eq "work"].value': 'a@b.c', 'phoneNumbers[type eq "mobile"].value': '+15550000001', 'name.givenName': 'Anne' }),
      ),
    );
    const pathed = applied(
      patch([
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'a@b.c' },
        { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+15550000001' },
        { op: 'Replace', path: 'name.givenName', value: 'Anne' },
      ]),
    );
    assert.deepEqual(keyed, pathed);
    assert.deepEqual(list(keyed.resource.emails)[0], { value: 'a@b.c', type: 'work', primary: true });
    assert.deepEqual(keyed.resource.phoneNumbers, [{ value: '+15550000001', type: 'mobile' }]);
    assert.deepEqual(keyed.changedPaths, ['name.givenName', 'emails', 'phoneNumbers']);
  });

  it('creates the element a filtered key of a path-less value describes when the user has none', () => {
    const res: Record<string, unknown> = { ...sampleUser(), emails: [{ value: 'ann@home.example', type: 'home' }] };
    delete res.phoneNumbers;
    const r = applied(
      patch(
        [{ op: 'Add', value: { 'emails[type eq "work"].value': 'w@example.com', 'phoneNumbers[type eq "mobile"].value': '+15550000002' } }],
        res,
      ),
    );
    assert.deepEqual(r.resource.emails, [
      { value: 'ann@home.example', type: 'home' },
      { value: 'w@example.com', type: 'work' },
    ]);
    assert.deepEqual(r.resource.phoneNumbers, [{ value: '+15550000002', type: 'mobile' }]);
  });

  it('applies filtered keys of a path-less value in the order sent, with nulls unassigning and other spellings', () => {
    const res = { ...sampleUser(), emails: [] };
    const r = applied(
      patch(
        [
          {
            op: 'replace',
            value: {
              'emails[Type eq "work"].Primary': 'True',
              'emails[type eq "work"].value': 'p@example.com',
              'phoneNumbers[type eq "mobile"].value': null,
            },
          },
        ],
        res,
      ),
    );
    assert.deepEqual(r.resource.emails, [{ value: 'p@example.com', type: 'work', primary: true }]);
    assert.equal('phoneNumbers' in r.resource, false, JSON.stringify(r.resource));
  });

  it('drops a filtered key of a path-less value whose attribute is unknown, and refuses one the same op would refuse', () => {
    const r = applied(patch([{ op: 'Replace', value: { 'badges[type eq "x"].value': '1', displayName: 'Kept' } }]));
    assert.equal(r.resource.displayName, 'Kept');
    assert.deepEqual(r.changedPaths, ['displayName']);
    rejected(patch([{ op: 'Replace', value: { 'emails[type gt "work"].value': 'x@example.com' } }]), 'noTarget');
    rejected(patch([{ op: 'Replace', value: { 'name[type eq "x"].givenName': 'A' } }]), 'invalidPath', 'name');
  });

  it('reads filtered keys inside a value addressed to the core schema by its URN', () => {
    const r = applied(patch([{ op: 'Replace', path: SCHEMA.user, value: { 'emails[type eq "work"].value': 'urn@example.com' } }]));
    assert.equal(list(r.resource.emails)[0].value, 'urn@example.com');
  });

  it('sends null through a filtered path that matches nothing, which changes nothing', () => {
    const r = applied(patch([{ op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: null }]));
    assert.equal(r.changed, false);
  });

  it('may send an empty Operations array', () => {
    const r = applied(patch([]));
    assert.equal(r.changed, false);
  });

  it('adds group members as an array', () => {
    const r = applied(patchGroup([{ op: 'Add', path: 'members', value: [{ value: 'u-3' }, { value: 'u-4' }] }]));
    assert.deepEqual(
      list(r.resource.members).map((m) => m.value),
      ['u-1', 'u-2', 'u-3', 'u-4'],
    );
    assert.deepEqual(r.changedPaths, ['members']);
  });

  it('removes members with {"op":"Remove","path":"members","value":[{"value":"<id>"}]}: just those', () => {
    const r = applied(patchGroup([{ op: 'Remove', path: 'members', value: [{ value: 'u-1' }] }]));
    assert.deepEqual(r.resource.members, [{ value: 'u-2', type: 'User' }]);
  });

  it('removes members with the newer members[value eq "<id>"] path', () => {
    const r = applied(patchGroup([{ op: 'Remove', path: 'members[value eq "u-2"]' }]));
    assert.deepEqual(r.resource.members, [{ value: 'u-1', type: 'User' }]);
  });

  it('treats a repeated members[value eq "<id>"] removal of an absent member as a no-op (Okta retries)', () => {
    const r = applied(patchGroup([{ op: 'remove', path: 'members[value eq "u-404"]' }]));
    assert.equal(r.changed, false);
    assert.deepEqual(
      list(r.resource.members).map((m) => m.value),
      ['u-1', 'u-2'],
    );
  });

  it('sends member values with "$ref": null', () => {
    const r = applied(patchGroup([{ op: 'Add', path: 'members', value: [{ value: 'u-3', $ref: null }] }]));
    assert.deepEqual(list(r.resource.members)[2], { value: 'u-3' });
    const gone = applied(patchGroup([{ op: 'Remove', path: 'members', value: [{ value: 'u-1', $ref: null }] }]));
    assert.deepEqual(
      list(gone.resource.members).map((m) => m.value),
      ['u-2'],
    );
  });

  it('renames a group with Replace of displayName', () => {
    const r = applied(patchGroup([{ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }]));
    assert.equal(r.resource.displayName, 'Sales EMEA');
  });
});

describe('Okta', () => {
  it('deactivates with {"op":"replace","value":{"active":false}} and no path', () => {
    const r = applied(patch([{ op: 'replace', value: { active: false } }]));
    assert.equal(r.resource.active, false);
    assert.deepEqual(r.changedPaths, ['active']);
  });

  it('reactivates the same way with active true', () => {
    const off = applied(patch([{ op: 'replace', value: { active: false } }]));
    assert.equal(applied(patch([{ op: 'replace', value: { active: true } }], off.resource)).resource.active, true);
  });

  it('renames a group with {"op":"replace","value":{"id":"…","displayName":"New"}}, ignoring its own id', () => {
    const r = applied(patchGroup([{ op: 'replace', value: { id: 'g-1', displayName: 'New' } }]));
    assert.equal(r.resource.displayName, 'New');
    assert.equal(r.resource.id, 'g-1');
    assert.deepEqual(r.changedPaths, ['displayName']);
  });

  it('cannot move a group to another id through that rename', () => {
    rejected(patchGroup([{ op: 'replace', value: { id: 'g-2', displayName: 'New' } }]), 'mutability', 'id');
  });

  it('changes membership with remove members[value eq "…"] plus add of a members array in one request', () => {
    const r = applied(
      patchGroup([
        { op: 'remove', path: 'members[value eq "u-1"]' },
        { op: 'add', path: 'members', value: [{ value: 'u-5', display: 'Eve' }] },
      ]),
    );
    assert.deepEqual(r.resource.members, [{ value: 'u-2', type: 'User' }, { value: 'u-5' }]);
  });

  it('replaces the whole member list', () => {
    const r = applied(patchGroup([{ op: 'replace', path: 'members', value: [{ value: 'u-9', display: 'Zed' }] }]));
    assert.deepEqual(r.resource.members, [{ value: 'u-9' }]);
  });

  it('adding a member who is already in the group changes nothing', () => {
    const r = applied(patchGroup([{ op: 'add', path: 'members', value: [{ value: 'u-1' }] }]));
    assert.equal(r.changed, false);
    assert.equal(list(r.resource.members).length, 2);
  });

  it('pushes a password change that is accepted and not stored', () => {
    const r = applied(patch([{ op: 'replace', value: { password: 'N3wPassw0rd!' } }]));
    assert.equal(r.changed, false);
    assert.equal('password' in r.resource, false);
  });
});

describe('OneLogin', () => {
  it('sends lower-case ops and member adds as arrays', () => {
    const r = applied(
      patchGroup([
        { op: 'add', path: 'members', value: [{ value: 'u-7' }, { value: 'u-8' }] },
        { op: 'remove', path: 'members[value eq "u-2"]' },
      ]),
    );
    assert.deepEqual(
      list(r.resource.members).map((m) => m.value),
      ['u-1', 'u-7', 'u-8'],
    );
  });
});

describe('JumpCloud', () => {
  it('removes members Entra-style with a value array, ignoring ids that are not members', () => {
    const r = applied(patchGroup([{ op: 'remove', path: 'members', value: [{ value: 'u-2' }, { value: 'not-a-member' }] }]));
    assert.deepEqual(r.resource.members, [{ value: 'u-1', type: 'User' }]);
    const again = applied(patchGroup([{ op: 'remove', path: 'members', value: [{ value: 'u-2' }] }], r.resource));
    assert.equal(again.changed, false);
  });

  it('deactivates its test user with replace active false', () => {
    assert.equal(applied(patch([{ op: 'replace', path: 'active', value: false }])).resource.active, false);
  });

  it('empties a group by removing every member, leaving a valid group', () => {
    const r = applied(patchGroup([{ op: 'remove', path: 'members', value: sampleGroup().members }]));
    assert.deepEqual(r.resource, { schemas: [SCHEMA.group], id: 'g-1', displayName: 'Sales' });
  });
});
