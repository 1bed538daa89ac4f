// Microsoft Entra ID through the real HTTP app: the requests of Microsoft's SCIM endpoint tutorial, then its known quirks
// (capitalised ops, string booleans, filtered paths that create, URN paths, dotted keys, parallel requests).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ScimHarness } from '../helpers/scim.js';
import {
  URN,
  withFilter,
  patchOp,
  assertError,
  assertList,
  assertCreated,
  assertScimJson,
  createUser,
  createGroup,
  memberIds,
  startSuite,
} from './support.js';

/** The tutorial's "Create User" request body. */
function tutorialUser(userName: string, externalId: string): Record<string, unknown> {
  return {
    schemas: [URN.user, URN.enterprise],
    externalId,
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: `${userName}@testuser.com` }],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    roles: [],
  };
}

/** A user as Entra creates it for the quirk tests: a work email and nothing else optional. */
async function entraUser(h: ScimHarness, userName: string): Promise<any> {
  return createUser(h, {
    schemas: [URN.user, URN.enterprise],
    userName,
    externalId: `ext-${userName}`,
    active: true,
    name: { givenName: 'Given', familyName: 'Family' },
    emails: [{ primary: true, type: 'work', value: userName }],
  });
}

describe('Microsoft Entra ID: the tutorial requests', () => {
  let h: ScimHarness;
  const userName = 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1';
  const externalId = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef';
  let userId: string;
  let groupId: string;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('creates a user from the tutorial body with 201, Location, ETag and the user echoed back', async () => {
    const r = await h.req('POST', '/Users', tutorialUser(userName, externalId), { 'content-type': 'application/scim+json' });
    assertCreated(h, r, 'Users');
    userId = r.body.id;
    assert.equal(r.body.userName, userName, r.dump);
    assert.equal(r.body.externalId, externalId, r.dump);
    assert.equal(r.body.active, true, r.dump);
    assert.deepEqual(r.body.name, { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' }, r.dump);
    assert.deepEqual(r.body.emails, [{ value: `${userName}@testuser.com`, type: 'work', primary: true }], r.dump);
    assert.ok(r.body.schemas.includes(URN.user), r.dump);
  });

  it('gets the user by id', async () => {
    const r = await h.req('GET', `/Users/${userId}`);
    assert.equal(r.status, 200, r.dump);
    assertScimJson(r);
    assert.equal(r.body.id, userId, r.dump);
    assert.equal(r.headers.etag, r.body.meta.version, r.dump);
  });

  it('finds the user by userName eq with a quoted value', async () => {
    const r = await h.req('GET', `/Users${withFilter(`userName eq "${userName}"`)}`);
    const found = assertList(r, 1);
    assert.equal(found[0].id, userId, r.dump);
    assert.equal(r.body.startIndex, 1, r.dump);
  });

  it('finds the user when the query string encodes spaces as "+"', async () => {
    const r = await h.req('GET', `/Users?filter=userName+eq+%22${encodeURIComponent(userName)}%22`);
    assert.equal(assertList(r, 1)[0].id, userId, r.dump);
  });

  it('finds the user by externalId eq, quoted and unquoted', async () => {
    for (const f of [`externalId eq "${externalId}"`, `externalId eq ${externalId}`]) {
      const r = await h.req('GET', `/Users${withFilter(f)}`);
      assert.equal(assertList(r, 1)[0].id, userId, `${f}: ${r.dump}`);
    }
  });

  it('finds an all-digit externalId sent unquoted, which reads as a number', async () => {
    const u = await createUser(h, { ...tutorialUser('digits.user', '1234567'), emails: undefined });
    const r = await h.req('GET', `/Users${withFilter('externalId eq 1234567')}`);
    assert.equal(assertList(r, 1)[0].id, u.id, r.dump);
  });

  it('answers a query that matches nothing with 200 and an empty list, never 404', async () => {
    const r = await h.req('GET', `/Users${withFilter('userName eq "non-existent user"')}`);
    assert.deepEqual(assertList(r, 0), [], r.dump);
  });

  it('finds the user by userName and externalId joined with and', async () => {
    const r = await h.req('GET', `/Users${withFilter(`userName eq "${userName.toUpperCase()}" and externalId eq "${externalId}"`)}`);
    assert.equal(assertList(r, 1)[0].id, userId, r.dump);
  });

  it('updates multi-valued and single-valued properties with capitalised Replace and answers 200 with the user', async () => {
    const r = await h.req(
      'PATCH',
      `/Users/${userId}`,
      patchOp(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ),
    );
    assert.equal(r.status, 200, r.dump);
    assertScimJson(r);
    assert.deepEqual(r.body.emails, [{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }], r.dump);
    assert.equal(r.body.name.familyName, 'updatedFamilyName', r.dump);
    assert.equal(r.body.name.givenName, 'givenName', r.dump);
    assert.equal(r.headers.etag, r.body.meta.version, r.dump);
  });

  it('renames the user with Replace userName', async () => {
    const next = '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com';
    const r = await h.req('PATCH', `/Users/${userId}`, patchOp({ op: 'Replace', path: 'userName', value: next }));
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.userName, next, r.dump);
    const f = await h.req('GET', `/Users${withFilter(`userName eq "${next}"`)}`);
    assert.equal(assertList(f, 1)[0].id, userId, f.dump);
  });

  it('disables the user with Replace active false and still returns it by id and by filter', async () => {
    const r = await h.req('PATCH', `/Users/${userId}`, {
      Operations: [{ op: 'Replace', path: 'active', value: false }],
      schemas: [URN.patchOp],
    });
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.active, false, r.dump);
    const g = await h.req('GET', `/Users/${userId}`);
    assert.equal(g.body.active, false, g.dump);
    const f = await h.req('GET', `/Users${withFilter(`externalId eq "${externalId}"`)}`);
    assert.equal(assertList(f, 1)[0].active, false, f.dump);
  });

  it("creates a group whose schemas list Microsoft's ADSCIM group schema", async () => {
    const r = await h.req('POST', '/Groups', {
      schemas: [URN.group, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    });
    assertCreated(h, r, 'Groups');
    groupId = r.body.id;
    assert.equal(r.body.displayName, 'displayName', r.dump);
    assert.equal(r.body.externalId, '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', r.dump);
    assert.deepEqual(r.body.schemas, [URN.group], r.dump);
  });

  it('gets the group by id with excludedAttributes=members', async () => {
    await h.req('PATCH', `/Groups/${groupId}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: userId }] }));
    const r = await h.req('GET', `/Groups/${groupId}?excludedAttributes=members`);
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.id, groupId, r.dump);
    assert.equal(r.body.displayName, 'displayName', r.dump);
    assert.equal(r.body.members, undefined, r.dump);
    const full = await h.req('GET', `/Groups/${groupId}`);
    assert.equal(full.body.members?.length, 1, full.dump);
  });

  it('finds the group by displayName with excludedAttributes=members before the filter', async () => {
    const r = await h.req('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "displayName"')}`);
    const found = assertList(r, 1);
    assert.equal(found[0].id, groupId, r.dump);
    assert.equal(found[0].members, undefined, r.dump);
  });

  it('renames the group with Replace displayName and answers 200 with the group', async () => {
    const name = '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName';
    const r = await h.req('PATCH', `/Groups/${groupId}`, patchOp({ op: 'Replace', path: 'displayName', value: name }));
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.displayName, name, r.dump);
    assert.match(String(r.headers.etag), /^W\/"/, r.dump);
    const g = await h.req('GET', `/Groups/${groupId}`);
    assert.equal(g.body.displayName, name, g.dump);
    assert.equal(g.headers.etag, r.headers.etag, "the answer's ETag is the new version");
  });

  it('adds members with "$ref": null and answers 200', async () => {
    const other = await entraUser(h, 'member.two@contoso.test');
    const r = await h.req('PATCH', `/Groups/${groupId}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: other.id }] }));
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(await memberIds(h, groupId), [userId, other.id].sort());
  });

  it('removes members listed in value (not the RFC filter form) and answers 200', async () => {
    const r = await h.req(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: userId }] }),
    );
    assert.equal(r.status, 200, r.dump);
    const left = await memberIds(h, groupId);
    assert.ok(!left.includes(userId), `removed: ${left}`);
    assert.equal(left.length, 1);
  });

  it('deletes the user with 204 and then answers 404', async () => {
    const d = await h.req('DELETE', `/Users/${userId}`);
    assert.equal(d.status, 204, d.dump);
    assertError(await h.req('GET', `/Users/${userId}`), 404);
  });

  it('deletes the group with 204 and then answers 404', async () => {
    const d = await h.req('DELETE', `/Groups/${groupId}`);
    assert.equal(d.status, 204, d.dump);
    assertError(await h.req('GET', `/Groups/${groupId}`), 404);
  });

  it('refuses a second user with the same userName in another case with 409 uniqueness', async () => {
    await createUser(h, tutorialUser('Dup.User@Contoso.test', 'dup-1'));
    assertError(await h.req('POST', '/Users', tutorialUser('dup.user@contoso.TEST', 'dup-2')), 409, 'uniqueness');
  });
});

describe('Microsoft Entra ID: attribute update quirks', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('reads "False" and "True" strings as booleans for active', async () => {
    const u = await entraUser(h, 'bool.strings@contoso.test');
    const off = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    assert.equal(off.status, 200, off.dump);
    assert.equal(off.body.active, false, off.dump);
    const on = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }));
    assert.equal(on.body.active, true, on.dump);
    const f = await h.req('GET', `/Users${withFilter('userName eq "bool.strings@contoso.test" and active eq true')}`);
    assertList(f, 1);
  });

  it('accepts Add, Replace and Remove in any capitalisation', async () => {
    const u = await entraUser(h, 'ops.case@contoso.test');
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp(
        { op: 'Add', path: 'title', value: 'Engineer' },
        { op: 'REPLACE', path: 'displayName', value: 'Ops Case' },
        { op: 'Remove', path: 'nickName' },
      ),
    );
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.title, 'Engineer', r.dump);
    assert.equal(r.body.displayName, 'Ops Case', r.dump);
  });

  it('creates the work email when Add targets emails[type eq "work"].value on a user without one', async () => {
    const u = await createUser(h, { schemas: [URN.user], userName: 'no.email@contoso.test' });
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp({ op: 'Add', path: 'emails[type eq "work"].value', value: 'no.email@contoso.test' }),
    );
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(r.body.emails, [{ value: 'no.email@contoso.test', type: 'work' }], r.dump);
  });

  it('updates the existing work email in place when Add targets its value, without duplicating it', async () => {
    const u = await entraUser(h, 'add.existing@contoso.test');
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp({ op: 'Add', path: 'emails[type eq "work"].value', value: 'changed@contoso.test' }),
    );
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(r.body.emails, [{ value: 'changed@contoso.test', type: 'work', primary: true }], r.dump);
  });

  it('creates a mobile phone number from phoneNumbers[type eq "mobile"].value', async () => {
    const u = await entraUser(h, 'phone.user@contoso.test');
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp({ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+14255550100' }),
    );
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(r.body.phoneNumbers, [{ value: '+14255550100', type: 'mobile' }], r.dump);
    const again = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp({ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+14255550199' }),
    );
    assert.deepEqual(again.body.phoneNumbers, [{ value: '+14255550199', type: 'mobile' }], again.dump);
  });

  it('builds one work address from streetAddress, formatted and other sub-attribute paths', async () => {
    const u = await entraUser(h, 'address.user@contoso.test');
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp(
        { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Microsoft Way' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Redmond' },
        { op: 'Add', path: 'addresses[type eq "work"].formatted', value: '1 Microsoft Way, Redmond' },
        { op: 'Add', path: 'addresses[type eq "work"].country', value: 'US' },
      ),
    );
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(
      r.body.addresses,
      [{ formatted: '1 Microsoft Way, Redmond', streetAddress: '1 Microsoft Way', locality: 'Redmond', country: 'US', type: 'work' }],
      r.dump,
    );
  });

  it('accepts sub-attribute names in other capitalisations (.Formatted, .Value)', async () => {
    const u = await entraUser(h, 'caps.user@contoso.test');
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp(
        { op: 'Replace', path: 'addresses[type eq "work"].Formatted', value: 'One Way' },
        { op: 'Replace', path: 'emails[type eq "work"].Value', value: 'caps.changed@contoso.test' },
        { op: 'Replace', path: 'Name.GivenName', value: 'Capital' },
      ),
    );
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(r.body.addresses, [{ formatted: 'One Way', type: 'work' }], r.dump);
    assert.equal(r.body.emails[0].value, 'caps.changed@contoso.test', r.dump);
    assert.equal(r.body.name.givenName, 'Capital', r.dump);
  });

  it('sets enterprise attributes by full URN path, with manager as a plain string or as {value}', async () => {
    const boss = await entraUser(h, 'boss@contoso.test');
    const u = await entraUser(h, 'report@contoso.test');
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp(
        { op: 'Add', path: `${URN.enterprise}:employeeNumber`, value: '701984' },
        { op: 'Add', path: `${URN.enterprise}:department`, value: 'Sales' },
        { op: 'Add', path: `${URN.enterprise}:manager`, value: boss.id },
      ),
    );
    assert.equal(r.status, 200, r.dump);
    const ext = r.body[URN.enterprise];
    assert.equal(ext?.employeeNumber, '701984', r.dump);
    assert.equal(ext.department, 'Sales', r.dump);
    assert.equal(ext.manager?.value, boss.id, r.dump);
    assert.ok(r.body.schemas.includes(URN.enterprise), r.dump);
    const other = await entraUser(h, 'boss2@contoso.test');
    const r2 = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp({ op: 'Replace', path: `${URN.enterprise}:manager`, value: { value: other.id } }),
    );
    assert.equal(r2.body[URN.enterprise].manager.value, other.id, r2.dump);
    const f = await h.req('GET', `/Users${withFilter(`${URN.enterprise}:employeeNumber eq "701984"`)}`);
    assert.equal(assertList(f, 1)[0].id, u.id, f.dump);
  });

  it('applies a path-less replace whose value carries dotted and URN-qualified keys', async () => {
    const u = await entraUser(h, 'dotted@contoso.test');
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp({ op: 'replace', value: { 'name.givenName': 'A', [`${URN.enterprise}:department`]: 'B', displayName: 'A Family' } }),
    );
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.name.givenName, 'A', r.dump);
    assert.equal(r.body.name.familyName, 'Family', 'the other name parts stay');
    assert.equal(r.body[URN.enterprise]?.department, 'B', r.dump);
    assert.equal(r.body.displayName, 'A Family', r.dump);
  });

  it('reads JSON null as "unassign" for attributes and sub-attributes', async () => {
    const u = await createUser(h, {
      schemas: [URN.user, URN.enterprise],
      userName: 'nulls@contoso.test',
      title: 'Lead',
      name: { givenName: 'Null', familyName: 'Sender', middleName: 'M' },
      [URN.enterprise]: { department: 'Ops' },
    });
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp(
        { op: 'Replace', path: 'title', value: null },
        { op: 'Replace', path: 'name', value: { middleName: null, givenName: 'Still' } },
        { op: 'Replace', path: `${URN.enterprise}:department`, value: null },
      ),
    );
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.title, undefined, r.dump);
    assert.deepEqual(r.body.name, { familyName: 'Sender', givenName: 'Still' }, r.dump);
    assert.equal(r.body[URN.enterprise], undefined, r.dump);
    assert.ok(!r.body.schemas.includes(URN.enterprise), r.dump);
  });

  it('answers an empty Operations array with success and leaves the resource unchanged', async () => {
    const u = await entraUser(h, 'empty.ops@contoso.test');
    const r = await h.req('PATCH', `/Users/${u.id}`, patchOp());
    assert.ok(r.status === 200 || r.status === 204, r.dump);
    const g = await h.req('GET', `/Users/${u.id}`);
    assert.equal(g.body.meta.version, u.meta.version, 'nothing changed, so the version stays');
    const grp = await createGroup(h, 'Empty Ops');
    const gr = await h.req('PATCH', `/Groups/${grp.id}`, patchOp());
    assert.ok(gr.status === 200 || gr.status === 204, gr.dump);
  });

  it('ignores a readOnly attribute Entra echoes unchanged and refuses one it tries to change', async () => {
    const u = await entraUser(h, 'readonly.echo@contoso.test');
    const same = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'Replace', value: { id: u.id, displayName: 'Echo' } }));
    assert.equal(same.status, 200, same.dump);
    assert.equal(same.body.displayName, 'Echo', same.dump);
    assertError(
      await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'Replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' })),
      400,
      'mutability',
    );
  });

  it('refuses an unknown attribute path with invalidPath and changes nothing', async () => {
    const u = await entraUser(h, 'bad.path@contoso.test');
    assertError(
      await h.req(
        'PATCH',
        `/Users/${u.id}`,
        patchOp({ op: 'Replace', path: 'displayName', value: 'X' }, { op: 'Replace', path: 'noSuchAttribute', value: 'x' }),
      ),
      400,
      'invalidPath',
    );
    const g = await h.req('GET', `/Users/${u.id}`);
    assert.equal(g.body.displayName, undefined, g.dump);
  });

  it('soft-deletes with active false and keeps the user in lists, filters and GET', async () => {
    const u = await entraUser(h, 'soft.delete@contoso.test');
    await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    assert.equal((await h.req('GET', `/Users/${u.id}`)).body.active, false);
    const inactive = await h.req('GET', `/Users${withFilter('active eq false')}`);
    assert.ok(
      assertList(inactive).some((x) => x.id === u.id),
      inactive.dump,
    );
    const all = await h.req('GET', '/Users?count=1000');
    assert.ok(
      assertList(all).some((x) => x.id === u.id),
      all.dump,
    );
  });
});

describe('Microsoft Entra ID: group membership quirks', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('removes a member with the newer members[value eq "<id>"] path', async () => {
    const a = await entraUser(h, 'a@contoso.test');
    const b = await entraUser(h, 'b@contoso.test');
    const g = await createGroup(h, 'Filter Remove', [a.id, b.id]);
    const r = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'Remove', path: `members[value eq "${a.id}"]` }));
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(await memberIds(h, g.id), [b.id]);
  });

  it('ignores a removal of a member that is not there, as Entra retries removals', async () => {
    const a = await entraUser(h, 'c@contoso.test');
    const g = await createGroup(h, 'Repeat Remove', [a.id]);
    const op = patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: a.id }] });
    assert.equal((await h.req('PATCH', `/Groups/${g.id}`, op)).status, 200);
    const again = await h.req('PATCH', `/Groups/${g.id}`, op);
    assert.equal(again.status, 200, again.dump);
    assert.deepEqual(await memberIds(h, g.id), []);
  });

  it('adds the same member twice without duplicating it', async () => {
    const a = await entraUser(h, 'd@contoso.test');
    const g = await createGroup(h, 'Repeat Add');
    const op = patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: a.id }] });
    await h.req('PATCH', `/Groups/${g.id}`, op);
    const again = await h.req('PATCH', `/Groups/${g.id}`, op);
    assert.equal(again.status, 200, again.dump);
    assert.deepEqual(await memberIds(h, g.id), [a.id]);
  });

  it('refuses to add a member id that is neither a user nor a group of the tenant', async () => {
    const g = await createGroup(h, 'Unknown Member');
    assertError(
      await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: 'f648f8d5ea4e4cd38e9c' }] })),
      400,
      'invalidValue',
    );
  });

  it('keeps every member when membership PATCHes for one group arrive in parallel', async () => {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await entraUser(h, `parallel.${i}@contoso.test`));
    const g = await createGroup(h, 'Parallel Adds');
    const rs = await Promise.all(
      users.map((u) => h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'Add', path: 'members', value: [{ $ref: null, value: u.id }] }))),
    );
    for (const r of rs) assert.equal(r.status, 200, r.dump);
    assert.deepEqual(await memberIds(h, g.id), users.map((u) => u.id).sort());
    const grp = await h.req('GET', `/Groups/${g.id}`);
    assert.equal(grp.body.meta.version, `W/"${1 + users.length}"`, `each add is its own version: ${grp.dump}`);
  });

  it('keeps every change when PATCHes for one user arrive in parallel', async () => {
    const u = await entraUser(h, 'parallel.user@contoso.test');
    const ops = [
      { op: 'Replace', path: 'title', value: 'Lead' },
      { op: 'Replace', path: 'displayName', value: 'Parallel User' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+14255550111' },
      { op: 'Replace', path: `${URN.enterprise}:department`, value: 'Retail' },
    ];
    const rs = await Promise.all(ops.map((op) => h.req('PATCH', `/Users/${u.id}`, patchOp(op))));
    for (const r of rs) assert.equal(r.status, 200, r.dump);
    const g = await h.req('GET', `/Users/${u.id}`);
    assert.equal(g.body.meta.version, `W/"${1 + ops.length}"`, `each PATCH is its own version: ${g.dump}`);
    assert.equal(g.body.title, 'Lead', g.dump);
    assert.equal(g.body.displayName, 'Parallel User', g.dump);
    assert.equal(g.body.phoneNumbers?.[0]?.value, '+14255550111', g.dump);
    assert.equal(g.body[URN.enterprise]?.department, 'Retail', g.dump);
  });

  it('answers 25 lookups in well under a second, the rate Entra expects of a gallery app', async () => {
    const started = performance.now();
    for (let i = 0; i < 25; i++) {
      const r = await h.req('GET', `/Users${withFilter(`userName eq "rate.${i}@contoso.test"`)}`);
      assert.equal(r.status, 200, r.dump);
    }
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `25 requests took ${ms.toFixed(0)} ms`);
  });
});
