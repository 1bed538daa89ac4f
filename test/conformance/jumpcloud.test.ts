// JumpCloud's custom SCIM connector, replayed through the real HTTP app: "Test Connection" creates a test user and a
// test group and deletes both (deactivating the user when DELETE is refused); members are removed Entra-style.
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
  startSuite,
} from './support.js';

/** A user as JumpCloud sends it: its own 24-hex id as externalId, core and enterprise attributes. */
function jumpCloudUser(email: string, jcId: string, extra: Record<string, unknown> = {}) {
  const [first = 'Jump', last = 'Cloud'] = email.split('@')[0]!.split('.');
  return {
    schemas: [URN.user, URN.enterprise],
    userName: email,
    externalId: jcId,
    active: true,
    displayName: `${first} ${last}`,
    name: { givenName: first, familyName: last, formatted: `${first} ${last}` },
    emails: [{ value: email, type: 'work', primary: true }],
    [URN.enterprise]: { employeeNumber: '42', department: 'Stores' },
    ...extra,
  };
}

describe('JumpCloud: Test Connection', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('creates the test user and test group, then deletes both with 204', async () => {
    const u = await h.req('POST', '/Users', jumpCloudUser('jc.test.user@example.test', '5f1a2b3c4d5e6f7a8b9c0d1e'));
    assertCreated(h, u, 'Users');
    const g = await h.req('POST', '/Groups', {
      schemas: [URN.group],
      displayName: 'JumpCloud Test Group',
      members: [{ value: u.body.id }],
    });
    assertCreated(h, g, 'Groups');
    const dg = await h.req('DELETE', `/Groups/${g.body.id}`);
    assert.equal(dg.status, 204, dg.dump);
    const du = await h.req('DELETE', `/Users/${u.body.id}`);
    assert.equal(du.status, 204, du.dump);
    assertError(await h.req('GET', `/Users/${u.body.id}`), 404);
    assertError(await h.req('GET', `/Groups/${g.body.id}`), 404);
  });

  it('can run again with the same test user email once the first one was deleted', async () => {
    const u = await h.req('POST', '/Users', jumpCloudUser('jc.test.user@example.test', '5f1a2b3c4d5e6f7a8b9c0d1e'));
    assertCreated(h, u, 'Users');
    assert.equal((await h.req('DELETE', `/Users/${u.body.id}`)).status, 204);
  });

  it("deactivates the test user (the fallback when DELETE fails); the next run's POST is 409 by default and restores it under reactivateOnPost", async () => {
    const u = await createUser(h, jumpCloudUser('jc.fallback@example.test', '5f1a2b3c4d5e6f7a8b9c0d1f'));
    const off = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    assert.equal(off.status, 200, off.dump);
    assert.equal(off.body.active, false, off.dump);
    assertError(await h.req('POST', '/Users', jumpCloudUser('jc.fallback@example.test', '5f1a2b3c4d5e6f7a8b9c0d1f')), 409, 'uniqueness');
    await h.setPolicies({ reactivateOnPost: true });
    try {
      const again = await h.req('POST', '/Users', jumpCloudUser('jc.fallback@example.test', '5f1a2b3c4d5e6f7a8b9c0d1f'));
      assert.equal(again.status, 201, again.dump);
      assert.equal(again.body.id, u.id, 'the inactive test user is restored, not duplicated');
      assert.equal(again.body.active, true, again.dump);
    } finally {
      await h.setPolicies({});
    }
  });
});

describe('JumpCloud: provisioning', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('looks users up by userName and groups by displayName before creating them', async () => {
    assertList(await h.req('GET', `/Users${withFilter('userName eq "sam.stone@example.test"')}`), 0);
    const u = await createUser(h, jumpCloudUser('sam.stone@example.test', '60aa00000000000000000001'));
    assert.equal(assertList(await h.req('GET', `/Users${withFilter('userName eq "sam.stone@example.test"')}`), 1)[0].id, u.id);
    assertList(await h.req('GET', `/Groups${withFilter('displayName eq "Store Staff"')}`), 0);
    const g = await createGroup(h, 'Store Staff');
    assert.equal(assertList(await h.req('GET', `/Groups${withFilter('displayName eq "Store Staff"')}`), 1)[0].id, g.id);
  });

  it('updates a user with PUT and keeps the enterprise extension', async () => {
    const u = await createUser(h, jumpCloudUser('pat.kay@example.test', '60aa00000000000000000002'));
    const r = await h.req('PUT', `/Users/${u.id}`, jumpCloudUser('pat.kay@example.test', '60aa00000000000000000002', { title: 'Cashier' }));
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.title, 'Cashier', r.dump);
    assert.equal(r.body[URN.enterprise]?.employeeNumber, '42', r.dump);
  });

  it('deactivates a user with a PUT of active false', async () => {
    const u = await createUser(h, jumpCloudUser('off.put@example.test', '60aa00000000000000000003'));
    const r = await h.req('PUT', `/Users/${u.id}`, jumpCloudUser('off.put@example.test', '60aa00000000000000000003', { active: false }));
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.active, false, r.dump);
  });

  it('adds members with an array and removes them Entra-style with a value array', async () => {
    const a = await createUser(h, jumpCloudUser('mem.a@example.test', '60aa00000000000000000004'));
    const b = await createUser(h, jumpCloudUser('mem.b@example.test', '60aa00000000000000000005'));
    const g = await createGroup(h, 'JC Members');
    const add = await h.req(
      'PATCH',
      `/Groups/${g.id}`,
      patchOp({
        op: 'add',
        path: 'members',
        value: [
          { value: a.id, display: 'mem a' },
          { value: b.id, display: 'mem b' },
        ],
      }),
    );
    assert.equal(add.status, 200, add.dump);
    assert.deepEqual(await memberIds(h, g.id), [a.id, b.id].sort());
    const rm = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: 'members', value: [{ value: a.id }] }));
    assert.equal(rm.status, 200, rm.dump);
    assert.deepEqual(await memberIds(h, g.id), [b.id]);
  });

  it('renames a group with PUT, keeping the members it lists', async () => {
    const a = await createUser(h, jumpCloudUser('ren.a@example.test', '60aa00000000000000000006'));
    const g = await createGroup(h, 'JC Before', [a.id]);
    const r = await h.req('PUT', `/Groups/${g.id}`, { schemas: [URN.group], displayName: 'JC After', members: [{ value: a.id }] });
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.displayName, 'JC After', r.dump);
    assert.deepEqual(
      r.body.members.map((m: any) => m.value),
      [a.id],
      r.dump,
    );
  });
});
