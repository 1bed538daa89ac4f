// A SCIM user that is valid SCIM is stored and answered as SCIM says, whatever Shopify makes of it: under the default
// onShopifyRefusal "hold" a user Shopify cannot take is 201, shows syncState failed with a code and a reason free of
// personal data, is counted and listed, and is synced once the user, the mapping or the policies change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getPreset } from '../../src/mapping/index.js';
import { PATCH_OP, SHOPIFY_EXT } from '../helpers/http.js';
import { scrapeMetrics } from '../helpers/stack.js';
import { startAdminStack, idOf, type AdminStack, type TenantHandle } from '../admin/harness.js';

let s: AdminStack;
let t: TenantHandle;
before(async () => {
  s = await startAdminStack();
  t = await s.tenant('held');
});
after(async () => {
  await s?.close();
});

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ext = (r: { body: any }) => r.body[SHOPIFY_EXT] ?? {};
const customersWith = (email: string) => s.emu.control.customers().filter((c) => c.email?.toLowerCase() === email.toLowerCase());
const linkOf = (userId: string) =>
  s.store.db.selectFrom('customer_links').selectAll().where('tenant_id', '=', t.id).where('user_id', '=', userId).executeTakeFirst();
const jobsOf = (userId: string) =>
  s.store.db.selectFrom('outbox_jobs').select(['state', 'last_error_code']).where('key', '=', `user:${userId}`).execute();
const syncedUser = (id: string) =>
  s.until(`user ${id} synced`, async () => {
    const g = await s.scim(t, 'GET', `/Users/${id}`);
    return ext(g).syncState === 'synced' ? g : undefined;
  });

test('a user with only a userName is 201, failed with CUSTOMER_NEEDS_IDENTITY and a reason, and becomes one customer once a PATCH adds an email', async () => {
  const before = s.emu.control.customers().length;
  const r = await s.scim(t, 'POST', '/Users', { schemas: [USER], userName: 'bjensen' });
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body.userName, 'bjensen', r.dump);
  assert.equal(ext(r).syncState, 'failed', r.dump);
  assert.equal(ext(r).syncErrorCode, 'CUSTOMER_NEEDS_IDENTITY', r.dump);
  assert.match(ext(r).syncError, /name|email|phone/i, r.dump);
  assert.doesNotMatch(ext(r).syncError, /bjensen/, 'no personal data in the reason');
  assert.equal(ext(r).customerId, undefined, r.dump);
  const id = idOf(r);
  const got = await s.scim(t, 'GET', `/Users/${id}`);
  assert.equal(got.status, 200, got.dump);
  assert.equal(ext(got).syncState, 'failed', got.dump);
  assert.equal(s.emu.control.customers().length, before, 'no customer was made');
  assert.ok(
    (await jobsOf(id)).every((j) => j.state === 'done'),
    'a refusal is no dead letter',
  );

  const metrics = await (await scrapeMetrics(s.bridge.url)).text();
  assert.match(metrics, /scim_sync_users\{tenant="held",state="failed"\} [1-9]/, 'counted as failed');

  const p = await s.scim(t, 'PATCH', `/Users/${id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'add', path: 'emails', value: [{ value: 'barbara@example.com', primary: true }] }],
  });
  assert.equal(p.status, 200, p.dump);
  const synced = ext(p).syncState === 'synced' ? p : await syncedUser(id);
  assert.equal(ext(synced).syncError, undefined, synced.dump);
  assert.equal(customersWith('barbara@example.com').length, 1, 'exactly one customer');
  assert.equal(ext(synced).customerId, customersWith('barbara@example.com')[0]!.id);
});

test('an email that is not an address is 201, failed with EMAIL_INVALID naming the rule, and a mapping change that skips it makes the customer', async () => {
  const r = await s.scim(t, 'POST', '/Users', {
    schemas: [USER],
    userName: 'ada.l',
    name: { givenName: 'Ada', familyName: 'L' },
    emails: [{ value: 'not an address' }],
  });
  assert.equal(r.status, 201, r.dump);
  assert.equal(ext(r).syncState, 'failed', r.dump);
  assert.equal(ext(r).syncErrorCode, 'EMAIL_INVALID', r.dump);
  assert.match(ext(r).syncError, /rule "email"/, r.dump);
  const id = idOf(r);
  const listed = await s.admin('GET', `/tenants/${t.name}/users?syncState=failed&errorCode=EMAIL_INVALID`);
  assert.equal(listed.status, 200, listed.dump);
  assert.deepEqual(
    listed.body.users.map((u: { id: string }) => u.id),
    [id],
    'the admin lists it by state and code',
  );
  assert.equal(listed.body.users[0].syncErrorCode, 'EMAIL_INVALID', listed.dump);

  const mapping = structuredClone(getPreset('default')!);
  mapping.rules = mapping.rules.map((rule) => (rule.id === 'email' ? { ...rule, onInvalid: 'skip' as const } : rule));
  const put = await s.admin('PUT', `/tenants/${t.name}/mapping`, mapping);
  assert.equal(put.status, 200, put.dump);
  const synced = await syncedUser(id);
  const c = s.emu.control.customer(ext(synced).customerId)!;
  assert.equal(c.firstName, 'Ada');
  assert.equal(c.email ?? null, null, 'the invalid email was left out');
  await s.admin('PUT', `/tenants/${t.name}/mapping`, getPreset('default')!);
});

test("an email another SCIM user's customer holds is 201, failed with EMAIL_TAKEN, and a PATCH to a free email syncs it", async () => {
  const a = await s.scim(t, 'POST', '/Users', { schemas: [USER], userName: 'owner@example.com' });
  assert.equal(ext(a).syncState, 'synced', a.dump);
  const b = await s.scim(t, 'POST', '/Users', {
    schemas: [USER],
    userName: 'second.owner',
    emails: [{ value: 'Owner@example.com', primary: true }],
  });
  assert.equal(b.status, 201, b.dump);
  assert.equal(ext(b).syncState, 'failed', b.dump);
  assert.equal(ext(b).syncErrorCode, 'EMAIL_TAKEN', b.dump);
  assert.equal(customersWith('owner@example.com').length, 1, 'the two people are not merged');
  const p = await s.scim(t, 'PATCH', `/Users/${b.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'emails', value: [{ value: 'second@example.com', primary: true }] }],
  });
  const synced = ext(p).syncState === 'synced' ? p : await syncedUser(b.body.id);
  assert.equal(customersWith('second@example.com').length, 1, synced.dump);
});

test('a value Shopify itself refuses (a phone no country has) is 201 and failed with PHONE_INVALID; nothing is dead-lettered', async () => {
  const r = await s.scim(t, 'POST', '/Users', {
    schemas: [USER],
    userName: 'phoney@example.com',
    phoneNumbers: [{ value: '+10005550100', type: 'mobile', primary: true }],
  });
  assert.equal(r.status, 201, r.dump);
  assert.equal(ext(r).syncState, 'failed', r.dump);
  assert.equal(ext(r).syncErrorCode, 'PHONE_INVALID', r.dump);
  assert.match(ext(r).syncError, /Phone is invalid/, r.dump);
  const jobs = await jobsOf(r.body.id);
  assert.deepEqual(
    jobs.map((j) => [j.state, j.last_error_code]),
    [['done', 'PHONE_INVALID']],
    'the job ends, keeping the refusal',
  );
  const dead = await s.admin('GET', `/tenants/${t.name}/jobs/dead`);
  assert.equal(dead.status, 200, dead.dump);
  assert.ok(!JSON.stringify(dead.body).includes(r.body.id), `not a dead letter: ${dead.dump}`);
});

test('a policy change retries held users: a taken email under adoption off is adopted once adoption is turned on', async () => {
  const put = await s.admin('PUT', `/tenants/${t.name}/policies`, { adoption: 'off' });
  assert.equal(put.status, 200, put.dump);
  const cid = s.emu.control.createCustomer({ email: 'merchant.made@example.com', firstName: 'Made' }).customer!.id;
  const r = await s.scim(t, 'POST', '/Users', { schemas: [USER], userName: 'merchant.made@example.com' });
  assert.equal(r.status, 201, r.dump);
  assert.equal(ext(r).syncState, 'failed', r.dump);
  assert.equal(ext(r).syncErrorCode, 'EMAIL_TAKEN', r.dump);
  assert.match(ext(r).syncError, /does not adopt/, r.dump);
  const on = await s.admin('PUT', `/tenants/${t.name}/policies`, { adoption: 'email' });
  assert.equal(on.status, 200, on.dump);
  const synced = await syncedUser(r.body.id);
  assert.equal(ext(synced).customerId, cid, 'the existing customer was adopted');
  assert.equal((await linkOf(r.body.id))?.sync_state, 'synced');
});

test('under onShopifyRefusal reject a user with only a userName is 400 invalidValue and nothing is kept, as before the hold policy', async () => {
  const put = await s.admin('PUT', `/tenants/${t.name}/policies`, { onShopifyRefusal: 'reject' });
  assert.equal(put.status, 200, put.dump);
  try {
    const r = await s.scim(t, 'POST', '/Users', { schemas: [USER], userName: 'rejected.kiosk' });
    assert.equal(r.status, 400, r.dump);
    assert.equal(r.body.scimType, 'invalidValue', r.dump);
    const found = await s.scim(t, 'GET', `/Users?filter=${encodeURIComponent('userName eq "rejected.kiosk"')}`);
    assert.equal(found.body.totalResults, 0, found.dump);
  } finally {
    await s.admin('PUT', `/tenants/${t.name}/policies`, {});
  }
});

test('a user deactivated while its profile no longer maps is still deprovisioned in Shopify, and a reactivation that maps undoes it', async () => {
  const r = await s.scim(t, 'POST', '/Users', {
    schemas: [USER],
    userName: 'leaver@example.com',
    name: { givenName: 'Lee', familyName: 'Ver' },
  });
  assert.equal(ext(r).syncState, 'synced', r.dump);
  const cid = ext(r).customerId;
  const broken = await s.scim(t, 'PATCH', `/Users/${r.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'add', path: 'emails', value: [{ value: 'no at sign', primary: true }] }],
  });
  assert.equal(ext(broken).syncState, 'failed', broken.dump);
  assert.equal(ext(broken).syncErrorCode, 'EMAIL_INVALID', broken.dump);
  const off = await s.scim(t, 'PATCH', `/Users/${r.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  });
  assert.equal(off.status, 200, off.dump);
  await s.until('the customer to carry the deactivation tag', async () => s.emu.control.customer(cid)?.tags.includes('scim-deactivated'));
  const c = s.emu.control.customer(cid)!;
  assert.equal(c.email, 'leaver@example.com', 'nothing of the unmappable profile was written');
  assert.ok(
    c.metafields.some((m) => m.key === 'deprovisioned'),
    'the marker says when and why',
  );
  assert.equal((await linkOf(r.body.id))?.deprovisioned, 'tag');

  const back = await s.scim(t, 'PATCH', `/Users/${r.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [
      { op: 'replace', path: 'active', value: true },
      { op: 'replace', path: 'emails', value: [{ value: 'leaver@example.com', primary: true }] },
    ],
  });
  const synced = ext(back).syncState === 'synced' ? back : await syncedUser(r.body.id);
  assert.equal(ext(synced).customerId, cid, synced.dump);
  const after = s.emu.control.customer(cid)!;
  assert.ok(!after.tags.includes('scim-deactivated'), `${after.tags}`);
  assert.ok(!after.metafields.some((m) => m.key === 'deprovisioned'));
});
