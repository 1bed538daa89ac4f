// Google Workspace automated provisioning, replayed through the real HTTP app: the `GET /Users?count=1` probe when the
// connection is saved, creates and updates, suspension and deletion, and the periodic re-sync every few hours.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ScimHarness } from '../helpers/scim.js';
import { URN, withFilter, patchOp, assertError, assertList, assertCreated, createUser, startSuite } from './support.js';

function googleUser(email: string, given: string, family: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [URN.user],
    userName: email,
    name: { givenName: given, familyName: family },
    displayName: `${given} ${family}`,
    emails: [{ value: email, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}

describe('Google Workspace: the connection probe', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('answers GET /Users?count=1 on an empty tenant with a valid empty ListResponse', async () => {
    const r = await h.req('GET', '/Users?count=1');
    assert.deepEqual(assertList(r, 0), [], r.dump);
    assert.equal(r.body.startIndex, 1, r.dump);
  });

  it('answers GET /Users?count=1 with at most one user and the full total', async () => {
    await createUser(h, googleUser('first@gws.test', 'First', 'User'));
    await createUser(h, googleUser('second@gws.test', 'Second', 'User'));
    const r = await h.req('GET', '/Users?count=1');
    assert.equal(assertList(r, 2).length, 1, r.dump);
  });

  it('refuses the probe with 401 when the access token is wrong', async () => {
    assertError(await h.reqAs('wrong-token', 'GET', '/Users?count=1'), 401);
  });
});

describe('Google Workspace: provisioning and re-sync', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('creates a user in scope and finds it again by userName', async () => {
    const r = await h.req('POST', '/Users', googleUser('nia.ross@gws.test', 'Nia', 'Ross'));
    assertCreated(h, r, 'Users');
    const f = await h.req('GET', `/Users${withFilter('userName eq "nia.ross@gws.test"')}`);
    assert.equal(assertList(f, 1)[0].id, r.body.id, f.dump);
  });

  it('leaves a user untouched when a re-sync sends what is already stored', async () => {
    const u = await createUser(h, googleUser('steady@gws.test', 'Steady', 'State'));
    const put = await h.req('PUT', `/Users/${u.id}`, googleUser('steady@gws.test', 'Steady', 'State'));
    assert.equal(put.status, 200, put.dump);
    assert.equal(put.body.meta.version, u.meta.version, `an unchanged PUT keeps the version: ${put.dump}`);
    assert.equal(put.body.meta.lastModified, u.meta.lastModified, put.dump);
    const patch = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', value: { displayName: 'Steady State', active: true } }));
    assert.equal(patch.status, 200, patch.dump);
    assert.equal(patch.body.meta.version, u.meta.version, `an unchanged PATCH keeps the version: ${patch.dump}`);
  });

  it('applies a changed name on re-sync', async () => {
    const u = await createUser(h, googleUser('renamed@gws.test', 'Old', 'Name'));
    const r = await h.req('PUT', `/Users/${u.id}`, googleUser('renamed@gws.test', 'New', 'Name'));
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.name.givenName, 'New', r.dump);
    assert.notEqual(r.body.meta.version, u.meta.version, r.dump);
  });

  it('suspends a user with active false and keeps it listed', async () => {
    const u = await createUser(h, googleUser('suspended@gws.test', 'Sus', 'Pended'));
    const r = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.active, false, r.dump);
    assert.equal(assertList(await h.req('GET', `/Users${withFilter('userName eq "suspended@gws.test"')}`), 1)[0].active, false);
  });

  it('deletes a user removed from scope when deprovisioning is set to delete', async () => {
    const u = await createUser(h, googleUser('deleted@gws.test', 'Del', 'Eted'));
    assert.equal((await h.req('DELETE', `/Users/${u.id}`)).status, 204);
    assertList(await h.req('GET', `/Users${withFilter('userName eq "deleted@gws.test"')}`), 0);
  });
});
