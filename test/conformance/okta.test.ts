// Okta through the real HTTP app: the requests of Okta's "SCIM 2.0 Protocol Reference" (user lifecycle, reactivation by
// POST, imports, group push) and the checks of its Runscope spec test (JSON bodies, upper-cased lookups, 401s, timing).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ScimHarness } from '../helpers/scim.js';
import {
  URN,
  patchOp,
  assertError,
  assertList,
  assertCreated,
  assertScimJson,
  createUser,
  memberIds,
  groupIdsOf,
  startSuite,
} from './support.js';

/** Headers of Okta's provisioning client; its spec test also sends these, with JSON bodies as application/json. */
const OKTA = { 'user-agent': 'Okta SCIM Client 1.0.0', accept: 'application/scim+json', 'content-type': 'application/json' };

/** The create body of the protocol reference, for a given userName and Okta user id. */
function oktaUser(userName: string, externalId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const [given = 'Test', family = 'User'] = userName.split('@')[0]!.split('.').map(cap);
  return {
    schemas: [URN.user],
    userName,
    name: { givenName: given, familyName: family },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: `${given} ${family}`,
    locale: 'en-US',
    externalId,
    groups: [],
    password: '1mz050nq',
    active: true,
    ...extra,
  };
}

describe('Okta: the protocol reference, user lifecycle', () => {
  let h: ScimHarness;
  let id: string;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('answers the existence check for an unknown user with an empty list', async () => {
    const r = await h.req('GET', '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100', undefined, OKTA);
    assert.deepEqual(assertList(r, 0), [], r.dump);
    assert.equal(r.body.startIndex, 1, r.dump);
  });

  it('creates the user with password, groups: [], locale and externalId, answering the full user (never an empty body)', async () => {
    const r = await h.req('POST', '/Users', oktaUser('test.user@okta.local', '00ujl29u0le5T6Aj10h7'), OKTA);
    assertCreated(h, r, 'Users');
    id = r.body.id;
    assert.equal(r.body.userName, 'test.user@okta.local', r.dump);
    assert.equal(r.body.locale, 'en-US', r.dump);
    assert.equal(r.body.externalId, '00ujl29u0le5T6Aj10h7', r.dump);
    assert.equal(r.body.displayName, 'Test User', r.dump);
    assert.equal(r.body.active, true, r.dump);
    assert.equal(r.body.password, undefined, 'the password is never returned');
    assert.ok(!r.text.includes('1mz050nq'), r.dump);
  });

  it('finds the user on the next existence check', async () => {
    const r = await h.req('GET', '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100', undefined, OKTA);
    assert.equal(assertList(r, 1)[0].id, id, r.dump);
  });

  it('refuses to create the same active user again with 409 uniqueness and a string status', async () => {
    const r = await h.req('POST', '/Users', oktaUser('test.user@okta.local', '00ujl29u0le5T6Aj10h7'), OKTA);
    assertError(r, 409, 'uniqueness');
  });

  it('updates by GET then PUT of the full resource, echoing id, groups, meta and an empty middleName', async () => {
    const g = await h.req('GET', `/Users/${id}`, undefined, OKTA);
    assert.equal(g.status, 200, g.dump);
    const body = { ...g.body, name: { ...g.body.name, givenName: 'Another', middleName: 'Excited' }, groups: [] };
    const r = await h.req('PUT', `/Users/${id}`, body, OKTA);
    assert.equal(r.status, 200, r.dump);
    assertScimJson(r);
    assert.equal(r.body.id, id, r.dump);
    assert.equal(r.body.name.givenName, 'Another', r.dump);
    assert.equal(r.body.name.middleName, 'Excited', r.dump);
    assert.equal(r.body.locale, 'en-US', r.dump);
    assert.equal(r.headers.etag, r.body.meta.version, r.dump);
    const cleared = await h.req('PUT', `/Users/${id}`, { ...r.body, name: { ...r.body.name, middleName: '' } }, OKTA);
    assert.equal(cleared.status, 200, cleared.dump);
    assert.ok(!cleared.body.name.middleName, `an empty middleName is no middle name: ${cleared.dump}`);
  });

  it('drops from a PUT the attributes Okta stopped sending', async () => {
    const g = await h.req('GET', `/Users/${id}`, undefined, OKTA);
    const { locale: _locale, ...rest } = g.body;
    const r = await h.req('PUT', `/Users/${id}`, rest, OKTA);
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.locale, undefined, r.dump);
    assert.equal(r.body.externalId, '00ujl29u0le5T6Aj10h7', r.dump);
  });

  it('deactivates with a path-less PATCH replace {active:false} and answers 200 with the user', async () => {
    const r = await h.req('PATCH', `/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }), OKTA);
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.active, false, r.dump);
    assert.equal(r.body.userName, 'test.user@okta.local', r.dump);
  });

  it('keeps the deactivated user visible to GET and to the existence check', async () => {
    assert.equal((await h.req('GET', `/Users/${id}`, undefined, OKTA)).body.active, false);
    const r = await h.req('GET', '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100', undefined, OKTA);
    assert.equal(assertList(r, 1)[0].active, false, r.dump);
  });

  it('reactivates with a path-less PATCH replace {active:true}', async () => {
    const r = await h.req('PATCH', `/Users/${id}`, patchOp({ op: 'replace', value: { active: true } }), OKTA);
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.active, true, r.dump);
  });

  it('deactivates through PUT with active false, as app-wizard integrations do', async () => {
    const g = await h.req('GET', `/Users/${id}`, undefined, OKTA);
    const r = await h.req('PUT', `/Users/${id}`, { ...g.body, active: false }, OKTA);
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.active, false, r.dump);
  });

  it('answers a new POST with the userName of an inactive user 409 uniqueness, changing nothing (Okta re-activates by PATCH)', async () => {
    const before = await h.req('GET', `/Users/${id}`, undefined, OKTA);
    const r = await h.req(
      'POST',
      '/Users',
      oktaUser('TEST.USER@okta.local', '00ujl29u0le5T6Aj10h7', { name: { givenName: 'Back', familyName: 'Again' } }),
      OKTA,
    );
    assertError(r, 409, 'uniqueness');
    const after = await h.req('GET', `/Users/${id}`, undefined, OKTA);
    assert.deepEqual(after.body, before.body, 'the inactive user is as it was');
  });

  it('with reactivateOnPost, restores the same record on a new POST with the same userName instead of answering 409', async () => {
    await h.setPolicies({ reactivateOnPost: true });
    try {
      const r = await h.req(
        'POST',
        '/Users',
        oktaUser('TEST.USER@okta.local', '00ujl29u0le5T6Aj10h7', { name: { givenName: 'Back', familyName: 'Again' } }),
        OKTA,
      );
      assert.equal(r.status, 201, r.dump);
      assert.equal(r.body.id, id, r.dump);
      assert.equal(r.body.active, true, r.dump);
      assert.equal(r.body.name.givenName, 'Back', r.dump);
      const list = await h.req('GET', '/Users?startIndex=1&count=100', undefined, OKTA);
      assert.equal(assertList(list).filter((u) => u.userName.toLowerCase() === 'test.user@okta.local').length, 1, list.dump);
      assertError(await h.req('POST', '/Users', oktaUser('test.user@okta.local', '00ujl29u0le5T6Aj10h7'), OKTA), 409, 'uniqueness');
    } finally {
      await h.setPolicies({});
    }
  });

  it('with reactivateOnPost, restores by a new POST with the same externalId under a changed userName', async () => {
    const first = await createUser(h, oktaUser('renamed.before@okta.local', '00uRENAMED'));
    await h.req('PATCH', `/Users/${first.id}`, patchOp({ op: 'replace', value: { active: false } }), OKTA);
    await h.setPolicies({ reactivateOnPost: true });
    try {
      const r = await h.req('POST', '/Users', oktaUser('renamed.after@okta.local', '00uRENAMED'), OKTA);
      assert.equal(r.status, 201, r.dump);
      assert.equal(r.body.id, first.id, r.dump);
      assert.equal(r.body.userName, 'renamed.after@okta.local', r.dump);
      assert.equal(r.body.active, true, r.dump);
    } finally {
      await h.setPolicies({});
    }
  });

  it("takes a POST whose externalId another user has (RFC 7643: externalId is the client's), and refuses it under uniqueExternalId", async () => {
    const owner = await createUser(h, oktaUser('ext.owner@okta.local', '00uTAKEN'));
    const twin = await h.req('POST', '/Users', oktaUser('ext.other@okta.local', '00uTAKEN'), OKTA);
    assert.equal(twin.status, 201, twin.dump);
    const both = await h.req('GET', `/Users?filter=${encodeURIComponent('externalId eq "00uTAKEN"')}`, undefined, OKTA);
    assert.deepEqual(
      assertList(both, 2)
        .map((u) => u.id)
        .sort(),
      [owner.id, twin.body.id].sort(),
      'a filter on externalId returns every match',
    );
    await h.setPolicies({ uniqueExternalId: true });
    try {
      assertError(await h.req('POST', '/Users', oktaUser('ext.third@okta.local', '00uTAKEN'), OKTA), 409, 'uniqueness');
      const moved = await h.req('PATCH', `/Users/${twin.body.id}`, patchOp({ op: 'replace', path: 'externalId', value: '00uOWNED' }), OKTA);
      assert.equal(moved.status, 200, moved.dump);
      assertError(
        await h.req('PATCH', `/Users/${twin.body.id}`, patchOp({ op: 'replace', path: 'externalId', value: '00uTAKEN' }), OKTA),
        409,
        'uniqueness',
      );
      const kept = await h.req('PATCH', `/Users/${owner.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Owner' }), OKTA);
      assert.equal(kept.status, 200, `an unchanged externalId is never refused: ${kept.dump}`);
    } finally {
      await h.setPolicies({});
    }
  });
});

describe('Okta: the Runscope spec test', () => {
  let h: ScimHarness;
  const runscope = {
    'accept-charset': 'utf-8',
    accept: 'application/scim+json',
    'content-type': 'application/scim+json; charset=utf-8',
    'user-agent': 'OKTA SCIM Integration',
  };
  before(async () => {
    h = await startSuite();
    await createUser(h, oktaUser('seed.user@okta.local', '00useed'));
  });
  after(async () => h.close());

  it('lists users with count=2&startIndex=1: ListResponse, Resources not empty, integer paging numbers, under 600 ms', async () => {
    const t = performance.now();
    const r = await h.req('GET', '/Users?count=2&startIndex=1', undefined, runscope);
    const ms = performance.now() - t;
    assert.ok(assertList(r).length > 0, r.dump);
    assert.ok(ms < 600, `took ${ms.toFixed(0)} ms`);
  });

  it('lists groups with count=100&startIndex=1 quickly', async () => {
    const t = performance.now();
    const r = await h.req('GET', '/Groups?count=100&startIndex=1', undefined, runscope);
    const ms = performance.now() - t;
    assertList(r);
    assert.ok(ms < 600, `took ${ms.toFixed(0)} ms`);
  });

  it('pages with count=1', async () => {
    await createUser(h, oktaUser('second.user@okta.local', '00usecond'));
    const r = await h.req('GET', '/Users?count=1&startIndex=1', undefined, runscope);
    assert.equal(assertList(r).length, 1, r.dump);
    assert.ok(r.body.totalResults >= 2, r.dump);
  });

  it('answers a lookup of an unknown userName with totalResults 0', async () => {
    const r = await h.req('GET', `/Users?filter=${encodeURIComponent('userName eq "abcdefgh@example.com"')}`, undefined, runscope);
    assertList(r, 0);
  });

  it('answers an unknown user id with 404 in the Error schema', async () => {
    assertError(await h.req('GET', '/Users/010101010101010101010101010101', undefined, runscope), 404);
  });

  it('creates a random user posted as application/json and reads it back', async () => {
    const r = await h.req('POST', '/Users', oktaUser('runscope.user@example.com', '00urunscope'), {
      ...runscope,
      'content-type': 'application/json',
    });
    assertCreated(h, r, 'Users');
    const g = await h.req('GET', `/Users/${r.body.id}`, undefined, runscope);
    assert.equal(g.body.userName, 'runscope.user@example.com', g.dump);
  });

  it('finds the user when looking it up by the upper-cased userName', async () => {
    const r = await h.req('GET', `/Users?filter=${encodeURIComponent('userName eq "RUNSCOPE.USER@EXAMPLE.COM"')}`, undefined, runscope);
    assert.equal(assertList(r, 1)[0].userName, 'runscope.user@example.com', r.dump);
  });

  it('answers a duplicate create with 409', async () => {
    assertError(await h.req('POST', '/Users', oktaUser('runscope.user@example.com', '00urunscope2'), runscope), 409, 'uniqueness');
  });

  it('answers a bad or missing token with 401 in the Error schema', async () => {
    for (const token of ['Runscope', undefined]) {
      const r = await h.reqAs(token, 'GET', '/Users?count=1&startIndex=1', undefined, runscope);
      assertError(r, 401);
    }
  });
});

describe('Okta: imports', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
    for (let i = 0; i < 7; i++) await createUser(h, oktaUser(`import.${i}@okta.local`, `00uimport${i}`));
  });
  after(async () => h.close());

  it('pages users with startIndex and count in the same order whatever the page size', async () => {
    const all = assertList(await h.req('GET', '/Users?startIndex=1&count=100', undefined, OKTA), 7).map((u) => u.id);
    const paged: string[] = [];
    for (let start = 1; ; start += 3) {
      const r = await h.req('GET', `/Users?startIndex=${start}&count=3`, undefined, OKTA);
      const page = assertList(r, 7);
      assert.equal(r.body.startIndex, start, r.dump);
      if (page.length === 0) break;
      paged.push(...page.map((u) => u.id));
    }
    assert.deepEqual(paged, all);
  });

  it('pages groups the same way', async () => {
    for (let i = 0; i < 4; i++)
      assert.equal(
        (await h.req('POST', '/Groups', { schemas: [URN.group], displayName: `Okta Import ${i}`, members: [] }, OKTA)).status,
        201,
      );
    const all = assertList(await h.req('GET', '/Groups?startIndex=1&count=100', undefined, OKTA), 4).map((g) => g.id);
    const a = assertList(await h.req('GET', '/Groups?startIndex=1&count=2', undefined, OKTA), 4);
    const b = assertList(await h.req('GET', '/Groups?startIndex=3&count=2', undefined, OKTA), 4);
    assert.deepEqual(
      [...a, ...b].map((g) => g.id),
      all,
    );
  });
});

describe('Okta: group push', () => {
  let h: ScimHarness;
  let alice: any;
  let bob: any;
  let groupId: string;
  before(async () => {
    h = await startSuite();
    alice = await createUser(h, oktaUser('alice@okta.local', '00ualice'));
    bob = await createUser(h, oktaUser('bob@okta.local', '00ubob'));
  });
  after(async () => h.close());

  it('creates a pushed group with members: [] and answers it like a GET', async () => {
    const r = await h.req('POST', '/Groups', { schemas: [URN.group], displayName: 'Test SCIMv2', members: [] }, OKTA);
    assertCreated(h, r, 'Groups');
    groupId = r.body.id;
    assert.equal(r.body.displayName, 'Test SCIMv2', r.dump);
    const g = await h.req('GET', `/Groups/${groupId}`, undefined, OKTA);
    assert.equal(g.body.displayName, 'Test SCIMv2', g.dump);
  });

  it('renames with a path-less replace carrying {id, displayName}', async () => {
    const r = await h.req(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv20' } }),
      OKTA,
    );
    assert.ok(r.status === 200 || r.status === 204, r.dump);
    assert.equal((await h.req('GET', `/Groups/${groupId}`)).body.displayName, 'Test SCIMv20');
  });

  it("refuses a rename whose echoed id is not the group's own", async () => {
    assertError(
      await h.req('PATCH', `/Groups/${groupId}`, patchOp({ op: 'replace', value: { id: alice.id, displayName: 'Hijack' } }), OKTA),
      400,
      'mutability',
    );
  });

  it('adds members with a members array (display included)', async () => {
    const r = await h.req(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: alice.id, display: 'alice@okta.local' }] }),
      OKTA,
    );
    assert.ok(r.status === 200 || r.status === 204, r.dump);
    assert.deepEqual(await memberIds(h, groupId), [alice.id]);
  });

  it('removes with members[value eq "…"] and adds with a members array in one request', async () => {
    const r = await h.req(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp(
        { op: 'remove', path: `members[value eq "${alice.id}"]` },
        { op: 'add', path: 'members', value: [{ value: bob.id, display: 'bob@okta.local' }] },
      ),
      OKTA,
    );
    assert.ok(r.status === 200 || r.status === 204, r.dump);
    assert.deepEqual(await memberIds(h, groupId), [bob.id]);
    assert.deepEqual(await groupIdsOf(h, alice.id), []);
    assert.deepEqual(await groupIdsOf(h, bob.id), [groupId]);
  });

  it('replaces the whole member list with replace members', async () => {
    const r = await h.req(
      'PATCH',
      `/Groups/${groupId}`,
      patchOp({
        op: 'replace',
        path: 'members',
        value: [
          { value: alice.id, display: 'alice@okta.local' },
          { value: bob.id, display: 'bob@okta.local' },
        ],
      }),
      OKTA,
    );
    assert.ok(r.status === 200 || r.status === 204, r.dump);
    assert.deepEqual(await memberIds(h, groupId), [alice.id, bob.id].sort());
    const only = await h.req('PATCH', `/Groups/${groupId}`, patchOp({ op: 'replace', path: 'members', value: [{ value: bob.id }] }), OKTA);
    assert.ok(only.status === 200 || only.status === 204, only.dump);
    assert.deepEqual(await memberIds(h, groupId), [bob.id]);
  });

  it('takes memberships sent inside POST and PUT bodies', async () => {
    const c = await h.req(
      'POST',
      '/Groups',
      { schemas: [URN.group], displayName: 'Pushed With Members', members: [{ value: alice.id, display: 'alice@okta.local' }] },
      OKTA,
    );
    assertCreated(h, c, 'Groups');
    assert.deepEqual(
      c.body.members?.map((m: any) => m.value),
      [alice.id],
      c.dump,
    );
    const p = await h.req(
      'PUT',
      `/Groups/${c.body.id}`,
      { schemas: [URN.group], id: c.body.id, displayName: 'Pushed With Members', members: [{ value: bob.id }] },
      OKTA,
    );
    assert.equal(p.status, 200, p.dump);
    assert.deepEqual(
      p.body.members?.map((m: any) => m.value),
      [bob.id],
      p.dump,
    );
    const empty = await h.req(
      'PUT',
      `/Groups/${c.body.id}`,
      { schemas: [URN.group], displayName: 'Pushed With Members', members: [] },
      OKTA,
    );
    assert.equal(empty.status, 200, empty.dump);
    assert.deepEqual(await memberIds(h, c.body.id), []);
  });

  it('shows each member with its display name on GET', async () => {
    const g = await h.req('GET', `/Groups/${groupId}`, undefined, OKTA);
    assert.deepEqual(
      g.body.members,
      [{ value: bob.id, $ref: `https://scim.example.test${h.base}/Users/${bob.id}`, type: 'User', display: 'Bob User' }],
      g.dump,
    );
  });

  it('deletes the pushed group with 204 when the admin unlinks it', async () => {
    const d = await h.req('DELETE', `/Groups/${groupId}`, undefined, OKTA);
    assert.equal(d.status, 204, d.dump);
    assert.equal(d.text, '');
    assertError(await h.req('GET', `/Groups/${groupId}`, undefined, OKTA), 404);
    assert.deepEqual(await groupIdsOf(h, bob.id), []);
  });
});
