// OneLogin's SCIM provisioner (SCIM v2 Enterprise), replayed through the real HTTP app: its JSON template fills unset
// profile fields with empty strings, ops arrive in lower case, and group members are added and removed as arrays.
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
  createUser,
  createGroup,
  memberIds,
  groupIdsOf,
  startSuite,
} from './support.js';

/** What OneLogin's default SCIM JSON template renders for a user, blanks included for fields the profile lacks. */
function oneLoginUser(email: string, first: string, last: string, profile: { title?: string; phone?: string; department?: string } = {}) {
  return {
    schemas: [URN.user, URN.enterprise],
    userName: email,
    name: { familyName: last, givenName: first },
    emails: [{ value: email, type: 'work', primary: true }],
    title: profile.title ?? '',
    phoneNumbers: [{ value: profile.phone ?? '', type: 'work' }],
    [URN.enterprise]: { department: profile.department ?? '' },
  };
}

describe('OneLogin: users', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('looks the user up by userName, then creates it from the template', async () => {
    const look = await h.req('GET', `/Users${withFilter('userName eq "kim.lee@onelogin.test"')}`);
    assertList(look, 0);
    const r = await h.req(
      'POST',
      '/Users',
      oneLoginUser('kim.lee@onelogin.test', 'Kim', 'Lee', { title: 'Buyer', phone: '+14155550123', department: 'Retail' }),
    );
    assertCreated(h, r, 'Users');
    assert.equal(r.body.title, 'Buyer', r.dump);
    assert.deepEqual(r.body.phoneNumbers, [{ value: '+14155550123', type: 'work' }], r.dump);
    assert.equal(r.body[URN.enterprise]?.department, 'Retail', r.dump);
  });

  it('creates a user whose template left title, phone and department blank, and treats the blanks as absent', async () => {
    const r = await h.req('POST', '/Users', oneLoginUser('blank.fields@onelogin.test', 'Blank', 'Fields'));
    assertCreated(h, r, 'Users');
    for (const attr of ['title', 'phoneNumbers.value', `${URN.enterprise}:department`]) {
      const present = await h.req('GET', `/Users${withFilter(`userName eq "blank.fields@onelogin.test" and ${attr} pr`)}`);
      assertList(present, 0);
    }
    const named = await h.req('GET', `/Users${withFilter('userName eq "blank.fields@onelogin.test" and name.givenName pr')}`);
    assertList(named, 1);
  });

  it('updates the user with lower-case replace ops and answers 200 with the user', async () => {
    const u = await createUser(h, oneLoginUser('update.me@onelogin.test', 'Up', 'Date'));
    const r = await h.req(
      'PATCH',
      `/Users/${u.id}`,
      patchOp(
        { op: 'replace', path: 'name.givenName', value: 'Updated' },
        { op: 'replace', path: 'title', value: 'Manager' },
        { op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '+14155550999' },
      ),
    );
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.name.givenName, 'Updated', r.dump);
    assert.equal(r.body.title, 'Manager', r.dump);
    assert.equal(r.body.phoneNumbers.find((p: any) => p.type === 'work')?.value, '+14155550999', r.dump);
  });

  it('updates the user with a PUT of the whole template', async () => {
    const u = await createUser(h, oneLoginUser('put.me@onelogin.test', 'Put', 'Me'));
    const r = await h.req('PUT', `/Users/${u.id}`, oneLoginUser('put.me@onelogin.test', 'Put', 'Again', { department: 'Ops' }));
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.name.familyName, 'Again', r.dump);
    assert.equal(r.body[URN.enterprise]?.department, 'Ops', r.dump);
  });

  it('suspends with a lower-case replace of active, and deletes when the app is configured to', async () => {
    const u = await createUser(h, oneLoginUser('leaver@onelogin.test', 'Lea', 'Ver'));
    const s = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    assert.equal(s.status, 200, s.dump);
    assert.equal(s.body.active, false, s.dump);
    const d = await h.req('DELETE', `/Users/${u.id}`);
    assert.equal(d.status, 204, d.dump);
    assertError(await h.req('GET', `/Users/${u.id}`), 404);
  });
});

describe('OneLogin: groups', () => {
  let h: ScimHarness;
  let users: any[];
  before(async () => {
    h = await startSuite();
    users = [];
    for (const n of ['ann', 'bo', 'cy']) users.push(await createUser(h, oneLoginUser(`${n}@onelogin.test`, n, 'Member')));
  });
  after(async () => h.close());

  it('creates a group, then adds several members in one lower-case add with an array', async () => {
    const g = await createGroup(h, 'OneLogin Role');
    const r = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: users.map((u) => ({ value: u.id })) }));
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(await memberIds(h, g.id), users.map((u) => u.id).sort());
    assert.deepEqual(await groupIdsOf(h, users[0].id), [g.id]);
  });

  it('removes members with a lower-case remove carrying an array, and with a value filter', async () => {
    const g = await createGroup(
      h,
      'OneLogin Remove',
      users.map((u) => u.id),
    );
    const a = await h.req(
      'PATCH',
      `/Groups/${g.id}`,
      patchOp({ op: 'remove', path: 'members', value: [{ value: users[0].id }, { value: users[1].id }] }),
    );
    assert.equal(a.status, 200, a.dump);
    assert.deepEqual(await memberIds(h, g.id), [users[2].id]);
    const b = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${users[2].id}"]` }));
    assert.equal(b.status, 200, b.dump);
    assert.deepEqual(await memberIds(h, g.id), []);
  });

  it('renames a group with a lower-case replace of displayName', async () => {
    const g = await createGroup(h, 'OneLogin Old', [users[0].id]);
    const r = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'OneLogin New' }));
    assert.equal(r.status, 200, r.dump);
    const u = await h.req('GET', `/Users/${users[0].id}`);
    assert.ok(
      u.body.groups.some((x: any) => x.value === g.id && x.display === 'OneLogin New'),
      u.dump,
    );
  });

  it('finds a group by displayName and deletes it', async () => {
    const g = await createGroup(h, 'OneLogin Gone');
    const f = await h.req('GET', `/Groups${withFilter('displayName eq "OneLogin Gone"')}`);
    assert.equal(assertList(f, 1)[0].id, g.id, f.dump);
    assert.equal((await h.req('DELETE', `/Groups/${g.id}`)).status, 204);
    assertList(await h.req('GET', `/Groups${withFilter('displayName eq "OneLogin Gone"')}`), 0);
  });
});
