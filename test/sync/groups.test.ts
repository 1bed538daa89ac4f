// Group membership as customer tags, end to end: a group's tag on every member, added and removed with the
// membership, retagged on rename, removed when the group is deleted; many members within the budget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  s = await startStack();
});
after(async () => {
  await s?.close();
});

async function makeUsers(prefix: string, n: number): Promise<{ id: string; cid: string }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = await s.req('POST', '/Users', oktaUser(`${prefix}${i}@example.com`));
    assert.equal(r.status, 201, r.dump);
    out.push({ id: r.body.id as string, cid: r.body[SHOPIFY_EXT].customerId as string });
  }
  return out;
}

const tagsOf = (cid: string) => s.emu.control.customer(cid)?.tags ?? [];
const allHave = (list: { cid: string }[], tag: string, want = true) => list.every((u) => tagsOf(u.cid).includes(tag) === want);

test('members get the group tag, which follows membership changes, renames and the group deletion', async () => {
  const [a, b, c] = await makeUsers('member', 3);
  const g = await s.req('POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Sales',
    members: [{ value: a!.id }, { value: b!.id }],
  });
  assert.equal(g.status, 201, g.dump);
  await s.until('members tagged group:Sales', () => allHave([a!, b!], 'group:Sales'));
  assert.ok(!tagsOf(c!.cid).includes('group:Sales'));

  const patch = await s.req('PATCH', `/Groups/${g.body.id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [
      { op: 'remove', path: `members[value eq "${a!.id}"]` },
      { op: 'add', path: 'members', value: [{ value: c!.id }] },
    ],
  });
  assert.ok(patch.status === 200 || patch.status === 204, patch.dump);
  await s.until('membership change applied', () => allHave([b!, c!], 'group:Sales') && !tagsOf(a!.cid).includes('group:Sales'));
  assert.ok(tagsOf(a!.cid).includes('scim-provisioned'), 'other managed tags stay');

  const rename = await s.req('PATCH', `/Groups/${g.body.id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', value: { id: g.body.id, displayName: 'Field Sales' } }],
  });
  assert.ok(rename.status === 200 || rename.status === 204, rename.dump);
  await s.until('members retagged', () => allHave([b!, c!], 'group:Field Sales') && allHave([b!, c!], 'group:Sales', false));

  // The extension follows once the run has recorded what it wrote.
  await s.until('the extension to list the new group tag', async () =>
    (await s.req('GET', `/Users/${b!.id}`)).body[SHOPIFY_EXT].tags?.includes('group:Field Sales'),
  );

  assert.equal((await s.req('DELETE', `/Groups/${g.body.id}`)).status, 204);
  await s.until('group tag removed from every member', () => allHave([b!, c!], 'group:Field Sales', false));
});

test('a user created into an existing group carries its tag, and a merchant tag of the same family is left alone', async () => {
  const g = await s.req('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Support' });
  const [u] = await makeUsers('joiner', 1);
  s.emu.control.addTags(u!.cid, ['group:Legacy']);
  await s.req('PATCH', `/Groups/${g.body.id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'add', path: 'members', value: [{ value: u!.id }] }],
  });
  await s.until('tagged group:Support', () => tagsOf(u!.cid).includes('group:Support'));
  await s.req('DELETE', `/Groups/${g.body.id}`);
  await s.until('group:Support removed', () => !tagsOf(u!.cid).includes('group:Support'));
  assert.ok(tagsOf(u!.cid).includes('group:Legacy'), 'a tag the bridge did not set is never removed');
});

test('a group of many members tags all of them, with far fewer runs than changes when they coalesce', async () => {
  const members = await makeUsers('crowd', 60);
  const g = await s.req('POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Everyone',
    members: members.map((m) => ({ value: m.id })),
  });
  assert.equal(g.status, 201, g.dump);
  // Three quick renames: each member has up to four queued runs, which collapse into fewer.
  for (const name of ['Everybody', 'All Staff', 'Staff']) {
    await s.req('PATCH', `/Groups/${g.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'displayName', value: name }],
    });
  }
  await s.until(
    'every member tagged group:Staff only',
    () =>
      allHave(members, 'group:Staff') && ['group:Everyone', 'group:Everybody', 'group:All Staff'].every((t) => allHave(members, t, false)),
    30000,
  );
  const coalesced = await s.store.db
    .selectFrom('outbox_jobs')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('state', '=', 'coalesced')
    .executeTakeFirstOrThrow();
  assert.ok(Number(coalesced.n) > 0, 'queued runs of one member were coalesced');
});
