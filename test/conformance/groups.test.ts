// Groups as RFC 7643/7644 define them, through the real HTTP app: CRUD, membership in every form clients use, the
// computed and readOnly User.groups, renames and deletes seen from the members' side, and members projection.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { userBody, type ScimHarness } from '../helpers/scim.js';
import {
  URN,
  ORIGIN,
  withFilter,
  patchOp,
  assertError,
  assertList,
  assertCreated,
  assertScimJson,
  createUser,
  createGroup,
  memberIds,
  groupIdsOf,
  startSuite,
} from './support.js';

describe('Groups: create, read, replace, patch, delete', () => {
  let h: ScimHarness;
  let ann: any;
  let ben: any;
  let g: any;
  before(async () => {
    h = await startSuite();
    ann = await createUser(h, userBody('ann@groups.test'));
    ben = await createUser(h, userBody('ben@groups.test'));
  });
  after(async () => h.close());

  it('creates a group with members and answers 201 with Location, ETag and members with $ref, type and display', async () => {
    const r = await h.req('POST', '/Groups', {
      schemas: [URN.group],
      displayName: 'Sales',
      externalId: 'grp-sales',
      members: [{ value: ann.id }],
    });
    assertCreated(h, r, 'Groups');
    g = r.body;
    assert.deepEqual(
      r.body.members,
      [{ value: ann.id, $ref: `${ORIGIN}${h.base}/Users/${ann.id}`, type: 'User', display: ann.userName }],
      r.dump,
    );
    assert.equal(r.body.externalId, 'grp-sales', r.dump);
  });

  it('reads the group with its ETag and answers 304 to If-None-Match', async () => {
    const r = await h.req('GET', `/Groups/${g.id}`);
    assert.equal(r.status, 200, r.dump);
    assertScimJson(r);
    assert.equal(r.headers.etag, r.body.meta.version, r.dump);
    const nm = await h.req('GET', `/Groups/${g.id}`, undefined, { 'if-none-match': r.body.meta.version });
    assert.equal(nm.status, 304, nm.dump);
  });

  it('refuses a group without displayName with 400', async () => {
    const r = await h.req('POST', '/Groups', { schemas: [URN.group], members: [] });
    assertError(r, 400);
  });

  it('accepts members sent with "$ref": null and with a type', async () => {
    const r = await h.req('POST', '/Groups', {
      schemas: [URN.group],
      displayName: 'Refs',
      members: [
        { value: ann.id, $ref: null },
        { value: ben.id, type: 'User' },
      ],
    });
    assertCreated(h, r, 'Groups');
    assert.deepEqual(await memberIds(h, r.body.id), [ann.id, ben.id].sort());
  });

  it('replaces the group with PUT: new name and members, readOnly values ignored, If-Match honoured', async () => {
    const body = {
      schemas: [URN.group],
      id: 'ignored',
      displayName: 'Sales EMEA',
      members: [{ value: ben.id }],
      meta: { version: 'W/"x"' },
    };
    const stale = await h.req('PUT', `/Groups/${g.id}`, body, { 'if-match': 'W/"999"' });
    assertError(stale, 412);
    const r = await h.req('PUT', `/Groups/${g.id}`, body, { 'if-match': g.meta.version });
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.id, g.id, r.dump);
    assert.equal(r.body.displayName, 'Sales EMEA', r.dump);
    assert.deepEqual(
      r.body.members.map((m: any) => m.value),
      [ben.id],
      r.dump,
    );
    assert.notEqual(r.body.meta.version, g.meta.version, r.dump);
    assert.equal(r.headers.etag, r.body.meta.version, r.dump);
    g = r.body;
  });

  it('keeps the version when a PUT sends the group exactly as stored', async () => {
    const same = await h.req('PUT', `/Groups/${g.id}`, { schemas: [URN.group], displayName: 'Sales EMEA', members: [{ value: ben.id }] });
    assert.equal(same.status, 200, same.dump);
    assert.equal(same.body.meta.version, g.meta.version, same.dump);
    assert.equal(same.body.meta.lastModified, g.meta.lastModified, same.dump);
  });

  it('patches a group with 200 and the group, its ETag the new version, projected as asked (RFC 7644 §3.5.2)', async () => {
    const r = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: ann.id }] }));
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(r.body.members.map((m: any) => m.value).sort(), [ann.id, ben.id].sort(), r.dump);
    const after = await h.req('GET', `/Groups/${g.id}`);
    assert.equal(r.headers.etag, after.body.meta.version, 'the answer carries the new version');
    assert.deepEqual(r.body, after.body, 'the answer is the group as stored');
    const withBody = await h.req(
      'PATCH',
      `/Groups/${g.id}?attributes=displayName,members`,
      patchOp({ op: 'replace', path: 'displayName', value: 'Sales World' }),
    );
    assert.equal(withBody.status, 200, withBody.dump);
    assert.equal(withBody.body.displayName, 'Sales World', withBody.dump);
    assert.equal(withBody.body.members.length, 2, withBody.dump);
    assert.equal(withBody.body.meta, undefined, 'only what was asked for, plus id and schemas');
    const lean = await h.req(
      'PATCH',
      `/Groups/${g.id}?excludedAttributes=members`,
      patchOp({ op: 'replace', path: 'displayName', value: 'Sales' }),
    );
    assert.equal(lean.status, 200, lean.dump);
    assert.equal(lean.body.members, undefined, lean.dump);
    assert.equal(lean.body.displayName, 'Sales', lean.dump);
  });

  it('answers a group PATCH with 204 and the ETag when the projection leaves nothing but the id, or when the tenant chooses noContent', async () => {
    const bare = await h.req(
      'PATCH',
      `/Groups/${g.id}?attributes=id`,
      patchOp({ op: 'replace', path: 'displayName', value: 'Sales Bare' }),
    );
    assert.equal(bare.status, 204, bare.dump);
    assert.equal(bare.headers.etag, (await h.req('GET', `/Groups/${g.id}`)).body.meta.version);
    await h.setPolicies({ groupPatchResponse: 'noContent' });
    try {
      const r = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Sales Quiet' }));
      assert.equal(r.status, 204, r.dump);
      assert.equal(r.text, '', 'no body');
      const got = await h.req('GET', `/Groups/${g.id}`);
      assert.equal(got.body.displayName, 'Sales Quiet', got.dump);
      assert.equal(r.headers.etag, got.body.meta.version, 'the 204 carries the new version');
      const asked = await h.req(
        'PATCH',
        `/Groups/${g.id}?attributes=displayName`,
        patchOp({ op: 'replace', path: 'displayName', value: 'Sales' }),
      );
      assert.equal(asked.status, 200, `a client that asks for attributes gets them: ${asked.dump}`);
    } finally {
      await h.setPolicies({});
    }
  });

  it('patches a group only if its ETag still matches', async () => {
    const stale = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Stale' }), {
      'if-match': g.meta.version,
    });
    assertError(stale, 412);
  });

  it('patches a user with 200 and the user, as a group PATCH answers', async () => {
    const r = await h.req('PATCH', `/Users/${ann.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Ann' }));
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.displayName, 'Ann', r.dump);
    assert.equal(r.headers.etag, r.body.meta.version, r.dump);
  });

  it('deletes a group with 204, then answers 404 to GET, PATCH, PUT and DELETE', async () => {
    const tmp = await createGroup(h, 'Temporary', [ann.id]);
    const d = await h.req('DELETE', `/Groups/${tmp.id}`);
    assert.equal(d.status, 204, d.dump);
    assertError(await h.req('GET', `/Groups/${tmp.id}`), 404);
    assertError(await h.req('PATCH', `/Groups/${tmp.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' })), 404);
    assertError(await h.req('PUT', `/Groups/${tmp.id}`, { schemas: [URN.group], displayName: 'x' }), 404);
    assertError(await h.req('DELETE', `/Groups/${tmp.id}`), 404);
  });

  it('answers methods on the collection that need an id with 405', async () => {
    assertError(await h.req('DELETE', '/Groups'), 405);
    assertError(await h.req('PATCH', '/Groups', patchOp()), 405);
  });
});

describe('Groups: membership in every form clients send', () => {
  let h: ScimHarness;
  let u: any[];
  before(async () => {
    h = await startSuite();
    u = [];
    for (let i = 0; i < 4; i++) u.push(await createUser(h, userBody(`member${i}@groups.test`)));
  });
  after(async () => h.close());

  const ok = (r: { status: number; body: any; dump: string }) => {
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(r.body.schemas, [URN.group], r.dump);
  };

  it('adds with a members array, a single member object, and a path-less add of members', async () => {
    const g = await createGroup(h, 'Forms Add');
    ok(await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: u[0].id }] })));
    ok(await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: { value: u[1].id } })));
    ok(await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', value: { members: [{ value: u[2].id }] } })));
    assert.deepEqual(await memberIds(h, g.id), [u[0].id, u[1].id, u[2].id].sort());
  });

  it('removes with a value filter, with a value list, and all members with a bare path', async () => {
    const g = await createGroup(
      h,
      'Forms Remove',
      u.map((x) => x.id),
    );
    ok(await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${u[0].id}"]` })));
    ok(await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: 'members', value: [{ value: u[1].id }] })));
    assert.deepEqual(await memberIds(h, g.id), [u[2].id, u[3].id].sort());
    ok(await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: 'members' })));
    assert.deepEqual(await memberIds(h, g.id), []);
  });

  it('treats removing an absent member through a value filter as a no-op, so an IdP retry succeeds', async () => {
    const g = await createGroup(h, 'Forms NoTarget', [u[0].id]);
    const before = await h.req('GET', `/Groups/${g.id}`);
    const r = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: `members[value eq "${u[3].id}"]` }));
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(await memberIds(h, g.id), [u[0].id]);
    assert.equal((await h.req('GET', `/Groups/${g.id}`)).body.meta.version, before.body.meta.version, 'nothing changed');
  });

  it('replaces all members, and empties the group with an empty replace', async () => {
    const g = await createGroup(h, 'Forms Replace', [u[0].id, u[1].id]);
    ok(
      await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'members', value: [{ value: u[2].id }, { value: u[3].id }] })),
    );
    assert.deepEqual(await memberIds(h, g.id), [u[2].id, u[3].id].sort());
    ok(await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'members', value: [] })));
    assert.deepEqual(await memberIds(h, g.id), []);
  });

  it('applies several membership operations in one request atomically', async () => {
    const g = await createGroup(h, 'Forms Atomic', [u[0].id]);
    const bad = await h.req(
      'PATCH',
      `/Groups/${g.id}`,
      patchOp(
        { op: 'add', path: 'members', value: [{ value: u[1].id }] },
        { op: 'add', path: 'members', value: [{ value: 'not-a-member-id' }] },
      ),
    );
    assertError(bad, 400, 'invalidValue');
    assert.deepEqual(await memberIds(h, g.id), [u[0].id], 'nothing of a failed request is applied');
  });

  it('takes groups as members (nested) and refuses a group as its own member', async () => {
    const inner = await createGroup(h, 'Inner', [u[0].id]);
    const outer = await createGroup(h, 'Outer');
    ok(await h.req('PATCH', `/Groups/${outer.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: inner.id, type: 'Group' }] })));
    const g = await h.req('GET', `/Groups/${outer.id}`);
    assert.deepEqual(
      g.body.members,
      [{ value: inner.id, $ref: `${ORIGIN}${h.base}/Groups/${inner.id}`, type: 'Group', display: 'Inner' }],
      g.dump,
    );
    assertError(
      await h.req('PATCH', `/Groups/${inner.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: inner.id }] })),
      400,
      'invalidValue',
    );
  });

  it("refuses to change a member's display through PATCH (readOnly)", async () => {
    const g = await createGroup(h, 'Forms Display', [u[0].id]);
    assertError(
      await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: `members[value eq "${u[0].id}"].display`, value: 'x' })),
      400,
      'mutability',
    );
  });
});

describe('Groups: User.groups is computed and readOnly', () => {
  let h: ScimHarness;
  let user: any;
  let g: any;
  before(async () => {
    h = await startSuite();
    user = await createUser(h, userBody('carol@groups.test'));
    g = await createGroup(h, 'Engineering', [user.id]);
  });
  after(async () => h.close());

  it("lists the user's groups with value, $ref, display and type direct", async () => {
    const r = await h.req('GET', `/Users/${user.id}`);
    assert.deepEqual(
      r.body.groups,
      [{ value: g.id, $ref: `${ORIGIN}${h.base}/Groups/${g.id}`, display: 'Engineering', type: 'direct' }],
      r.dump,
    );
  });

  it("lists only the user's own groups, in displayName order, on a GET and on a list page", async () => {
    const u = await createUser(h, userBody('erin@groups.test'));
    const other = await createUser(h, userBody('fay@groups.test'));
    const made = [];
    for (const name of ['Zeta', 'alpha', 'Mu']) made.push(await createGroup(h, name, [u.id]));
    const notMine = await createGroup(h, 'Beta', [other.id]);
    const r = await h.req('GET', `/Users/${u.id}`);
    assert.deepEqual(
      r.body.groups.map((x: any) => x.display),
      ['alpha', 'Mu', 'Zeta'],
      r.dump,
    );
    const l = await h.req('GET', `/Users${withFilter('userName eq "erin@groups.test"')}`);
    assert.deepEqual(
      assertList(l, 1)[0].groups.map((x: any) => x.display),
      ['alpha', 'Mu', 'Zeta'],
      l.dump,
    );
    for (const x of [...made, notMine]) await h.req('DELETE', `/Groups/${x.id}`);
    for (const x of [u, other]) await h.req('DELETE', `/Users/${x.id}`);
  });

  it("bumps the user's version when a membership changes", async () => {
    const before = (await h.req('GET', `/Users/${user.id}`)).body.meta.version;
    const other = await createGroup(h, 'Extra');
    await h.req('PATCH', `/Groups/${other.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user.id }] }));
    const after = await h.req('GET', `/Users/${user.id}`);
    assert.notEqual(after.body.meta.version, before, after.dump);
    assert.deepEqual(await groupIdsOf(h, user.id), [g.id, other.id].sort());
    await h.req('DELETE', `/Groups/${other.id}`);
  });

  it('ignores groups sent in a POST or PUT of the user', async () => {
    const c = await h.req('POST', '/Users', userBody('dave@groups.test', { groups: [{ value: g.id }] }));
    assertCreated(h, c, 'Users');
    assert.equal(c.body.groups, undefined, c.dump);
    assert.deepEqual(await memberIds(h, g.id), [user.id]);
    const cur = await h.req('GET', `/Users/${user.id}`);
    const p = await h.req('PUT', `/Users/${user.id}`, { ...cur.body, groups: [] });
    assert.equal(p.status, 200, p.dump);
    assert.deepEqual(
      p.body.groups.map((x: any) => x.value),
      [g.id],
      'PUT cannot take the user out of its groups',
    );
  });

  it('refuses a PATCH of groups with mutability', async () => {
    assertError(
      await h.req('PATCH', `/Users/${user.id}`, patchOp({ op: 'add', path: 'groups', value: [{ value: g.id }] })),
      400,
      'mutability',
    );
    assertError(
      await h.req('PATCH', `/Users/${user.id}`, patchOp({ op: 'remove', path: `groups[value eq "${g.id}"]` })),
      400,
      'mutability',
    );
  });

  it('accepts an Okta-style path-less replace that echoes groups: [] unchanged for a user in no group', async () => {
    const lone = await createUser(h, userBody('lone@groups.test'));
    const r = await h.req('PATCH', `/Users/${lone.id}`, patchOp({ op: 'replace', value: { groups: [], displayName: 'Lone' } }));
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.displayName, 'Lone', r.dump);
  });

  it('filters users by group membership', async () => {
    const r = await h.req('GET', `/Users${withFilter(`groups.value eq "${g.id}"`)}`);
    assert.deepEqual(
      assertList(r, 1).map((x) => x.id),
      [user.id],
      r.dump,
    );
    const d = await h.req('GET', `/Users${withFilter('groups.display eq "engineering"')}`);
    assertList(d, 1);
  });

  it("shows a group rename in the members' groups and bumps their version", async () => {
    const before = (await h.req('GET', `/Users/${user.id}`)).body.meta.version;
    const r = await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Platform Engineering' }));
    assert.equal(r.status, 200, r.dump);
    const u = await h.req('GET', `/Users/${user.id}`);
    assert.equal(u.body.groups[0].display, 'Platform Engineering', u.dump);
    assert.notEqual(u.body.meta.version, before, 'a rename changes what the user looks like');
  });

  it("takes a deleted group out of its members' groups", async () => {
    const before = (await h.req('GET', `/Users/${user.id}`)).body.meta.version;
    assert.equal((await h.req('DELETE', `/Groups/${g.id}`)).status, 204);
    const u = await h.req('GET', `/Users/${user.id}`);
    assert.equal(u.body.groups, undefined, u.dump);
    assert.notEqual(u.body.meta.version, before, u.dump);
  });

  it('takes a deleted user out of the groups it was in', async () => {
    const x = await createUser(h, userBody('erin@groups.test'));
    const grp = await createGroup(h, 'Leavers', [x.id, user.id]);
    const before = (await h.req('GET', `/Groups/${grp.id}`)).body.meta.version;
    assert.equal((await h.req('DELETE', `/Users/${x.id}`)).status, 204);
    const after = await h.req('GET', `/Groups/${grp.id}`);
    assert.deepEqual(
      after.body.members.map((m: any) => m.value),
      [user.id],
      after.dump,
    );
    assert.notEqual(after.body.meta.version, before, after.dump);
  });
});

describe('Groups: concurrent changes', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('answers parallel membership changes, user deletes and group deletes without a server error', async () => {
    for (let round = 0; round < 4; round++) {
      const us: any[] = [];
      for (let i = 0; i < 3; i++) us.push(await createUser(h, userBody(`race${round}.${i}@groups.test`)));
      const gs: any[] = [];
      for (let i = 0; i < 3; i++) gs.push(await createGroup(h, `Race ${round}.${i}`, [us[0].id, us[1].id]));
      const jobs = [
        ...gs.flatMap((g) =>
          us.map((u) => h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: u.id }] }))),
        ),
        h.req('DELETE', `/Users/${us[0].id}`),
        h.req('DELETE', `/Groups/${gs[2].id}`),
        h.req('PATCH', `/Groups/${gs[0].id}`, patchOp({ op: 'replace', path: 'displayName', value: `Race ${round} renamed` })),
        ...us.map((u) => h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'Racer' }))),
      ];
      for (const r of await Promise.all(jobs)) assert.ok(r.status < 500, r.dump);
      assertError(await h.req('GET', `/Users/${us[0].id}`), 404);
      assert.ok(!(await memberIds(h, gs[0].id)).includes(us[0].id), 'a deleted user is in no group');
      assert.deepEqual(await groupIdsOf(h, us[1].id), [gs[0].id, gs[1].id].sort());
    }
  });
});

describe('Groups: listing, filtering and members projection', () => {
  let h: ScimHarness;
  let user: any;
  let g: any;
  before(async () => {
    h = await startSuite();
    user = await createUser(h, userBody('frank@groups.test'));
    g = await createGroup(h, 'Marketing', [user.id], { externalId: 'mkt-1' });
    await createGroup(h, 'Finance');
  });
  after(async () => h.close());

  it('filters groups by displayName case-insensitively, by externalId, and by member', async () => {
    assert.equal(assertList(await h.req('GET', `/Groups${withFilter('displayName eq "MARKETING"')}`), 1)[0].id, g.id);
    assert.equal(assertList(await h.req('GET', `/Groups${withFilter('externalId eq "mkt-1"')}`), 1)[0].id, g.id);
    assert.equal(assertList(await h.req('GET', `/Groups${withFilter(`members[value eq "${user.id}"]`)}`), 1)[0].id, g.id);
    assert.equal(assertList(await h.req('GET', `/Groups${withFilter(`members.value eq "${user.id}"`)}`), 1)[0].id, g.id);
    assertList(await h.req('GET', `/Groups${withFilter('displayName eq "Nobody"')}`), 0);
  });

  it('leaves members out with excludedAttributes=members, on lists and on one group', async () => {
    const l = await h.req('GET', '/Groups?excludedAttributes=members');
    for (const x of assertList(l, 2)) {
      assert.equal(x.members, undefined, l.dump);
      assert.ok(x.displayName && x.meta, l.dump);
    }
    const one = await h.req('GET', `/Groups/${g.id}?excludedAttributes=members`);
    assert.equal(one.body.members, undefined, one.dump);
    assert.equal(one.body.displayName, 'Marketing', one.dump);
  });

  it('returns only the asked attributes with attributes=displayName, and members when asked', async () => {
    const r = await h.req('GET', `/Groups${withFilter('displayName eq "Marketing"', '&attributes=displayName')}`);
    const [x] = assertList(r, 1);
    assert.deepEqual(Object.keys(x).sort(), ['displayName', 'id', 'schemas'], r.dump);
    const m = await h.req('GET', `/Groups/${g.id}?attributes=members.value`);
    assert.deepEqual(m.body.members, [{ value: user.id }], m.dump);
  });

  it('sorts groups by displayName', async () => {
    const r = await h.req('GET', '/Groups?sortBy=displayName&sortOrder=descending');
    assert.deepEqual(
      assertList(r, 2).map((x) => x.displayName),
      ['Marketing', 'Finance'],
      r.dump,
    );
  });
});
