// The admin UI's user pages over real HTTP: the search (userName, e-mail, names; sync state; error code; keyset pages),
// one user's SCIM resource beside its Shopify customer as the emulator has it, its history and jobs, "sync now", and
// the users Shopify could not take with where to fix each and "retry all". Bad input is a 400 with the admin error
// body and changes nothing; one tenant's users are never reachable through another's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf, type AdminStack, type TenantHandle } from './harness.js';
import { SHOPIFY_EXT } from '../helpers/http.js';
import { getPreset } from '../../src/mapping/index.js';

let s: AdminStack;
let t: TenantHandle;
let other: TenantHandle;
const ids: Record<string, string> = {};

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const person = (userName: string, given: string, family: string, email = userName) => ({
  schemas: [USER],
  userName,
  name: { givenName: given, familyName: family },
  emails: [{ value: email, primary: true }],
});

before(async () => {
  s = await startAdminStack({ syncWaitMs: 3000 });
  t = await s.tenant('people');
  // not connected to a shop: its users wait, pending
  other = await s.tenant('people-other', { connect: false });
  const make = async (key: string, tenant: TenantHandle, body: unknown) => {
    const r = await s.scim(tenant, 'POST', '/Users', body);
    ids[key] = idOf(r);
    return r;
  };
  await make('ada', t, person('ada.lovelace@example.com', 'Ada', 'Lovelace'));
  await make('grace', t, person('g.hopper', 'Grace', 'Hopper', 'grace@navy.example.org'));
  await make('alan', t, person('alan.turing@example.com', 'Alan', 'Turing'));
  await make('katherine', t, person('kjohnson@example.com', 'Katherine', 'Johnson'));
  await make('edsger', t, person('edsger@example.com', 'Edsger', 'Dijkstra'));
  await make('nameless', t, { schemas: [USER], userName: 'bjensen' });
  await make('bad-email', t, {
    schemas: [USER],
    userName: 'ada.l',
    name: { givenName: 'Ada', familyName: 'L' },
    emails: [{ value: 'not an address' }],
  });
  await make('waiting', other, person('ada.other@example.com', 'Ada', 'Other'));
  for (const k of ['ada', 'grace', 'alan', 'katherine', 'edsger'])
    await s.until(`${k} synced`, async () => (await s.scim(t, 'GET', `/Users/${ids[k]}`)).body?.[SHOPIFY_EXT]?.syncState === 'synced');
});
after(async () => {
  await s?.close();
});

const list = (query: string, tenant = t) => s.admin('GET', `/tenants/${tenant.name}/users${query}`);
const names = (r: { body: any }) => (r.body.users as { userName: string }[]).map((u) => u.userName);

test('the search finds users by a part of the userName, an e-mail address, a given or a family name, in any case', async () => {
  assert.deepEqual(names(await list('?q=LOVELACE')), ['ada.lovelace@example.com']);
  assert.deepEqual(names(await list('?q=navy.example')), ['g.hopper'], 'by an e-mail address the userName does not hold');
  assert.deepEqual(names(await list('?q=grace')), ['g.hopper'], 'by the given name');
  assert.deepEqual(names(await list('?q=dijk')), ['edsger@example.com'], 'by the family name');
  const ada = await list('?q=ada');
  assert.deepEqual(names(ada), ['ada.l', 'ada.lovelace@example.com'], ada.dump);
  assert.equal(ada.body.total, 2);
  const nobody = await list('?q=nobody-here');
  assert.deepEqual([nobody.status, nobody.body.users, nobody.body.total, nobody.body.next], [200, [], 0, null]);
  const row = (await list('?q=lovelace')).body.users[0];
  assert.deepEqual(
    [row.id, row.email, row.name, row.active, row.createdBy, row.syncState, row.syncErrorCode],
    [ids.ada, 'ada.lovelace@example.com', 'Ada Lovelace', true, 'idp', 'synced', null],
  );
  assert.match(row.customerId, /^gid:\/\/shopify\/Customer\/\d+$/);
});

test('syncState and errorCode filter the list, and the cursor pages through every user once in userName order', async () => {
  assert.deepEqual(names(await list('?syncState=failed')), ['ada.l', 'bjensen']);
  assert.deepEqual(names(await list('?syncState=failed&errorCode=CUSTOMER_NEEDS_IDENTITY')), ['bjensen']);
  assert.deepEqual(names(await list('?errorCode=EMAIL_INVALID')), ['ada.l']);
  assert.equal((await list('?syncState=synced')).body.total, 5);
  assert.deepEqual(
    names(await list('?syncState=pending', other)),
    ['ada.other@example.com'],
    'a tenant without a shop keeps its users pending',
  );
  assert.deepEqual(names(await list('?syncState=pending')), []);

  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10; page++) {
    const r = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.dump);
    assert.ok(r.body.users.length <= 2);
    assert.equal(r.body.total, 7, 'total counts every match, not the page');
    seen.push(...names(r));
    cursor = r.body.next;
    if (!cursor) break;
  }
  assert.deepEqual(seen, [
    'ada.l',
    'ada.lovelace@example.com',
    'alan.turing@example.com',
    'bjensen',
    'edsger@example.com',
    'g.hopper',
    'kjohnson@example.com',
  ]);
});

test('bad search input is a 400 with the admin error body naming the parameter', async () => {
  const cases: [string, RegExp][] = [
    [`?q=${'x'.repeat(201)}`, /^q must be text/],
    ['?q=a&q=b', /^q must be text/],
    ['?syncState=broken', /^syncState must be one of pending, synced, failed/],
    ['?errorCode=not%20a%20code', /^errorCode must be an error code/],
    ['?limit=0', /^limit must be a whole number of at least 1/],
    ['?limit=ten', /^limit must be a whole number/],
    ['?limit=201', /^limit must be at most 200/],
    ['?cursor=%%%not-a-cursor', /^cursor must be the "next" of the previous page/],
  ];
  for (const [query, message] of cases) {
    const r = await list(query);
    assert.equal(r.status, 400, `${query}: ${r.dump}`);
    assert.deepEqual(Object.keys(r.body).sort(), ['error', 'message'], r.dump);
    assert.equal(r.body.error, 'BAD_REQUEST', r.dump);
    assert.match(r.body.message, message, r.dump);
  }
  const unknown = await s.admin('GET', '/tenants/no-such-tenant/users');
  assert.deepEqual([unknown.status, unknown.body.error], [404, 'TENANT_NOT_FOUND']);
});

test("a user's page shows its SCIM resource as the SCIM API does, beside the customer the emulator holds, with its history and jobs", async () => {
  const r = await s.admin('GET', `/tenants/${t.name}/users/${ids.ada}`);
  assert.equal(r.status, 200, r.dump);
  const scim = await s.scim(t, 'GET', `/Users/${ids.ada}`);
  assert.deepEqual(r.body.resource, scim.body, 'the resource is what a SCIM client reads');
  const customer = await s.customerOf(t, ids.ada!);
  assert.ok(customer);
  assert.equal(r.body.link.customerId, customer.id);
  assert.equal(r.body.link.syncState, 'synced');
  assert.deepEqual(
    [r.body.customer.id, r.body.customer.email, r.body.customer.firstName, r.body.customer.lastName],
    [customer.id, customer.email, 'Ada', 'Lovelace'],
  );
  assert.equal(r.body.customerNote, null);
  const actions = (r.body.history as { action: string; actorLabel: string }[]).map((h) => [h.action, h.actorLabel]);
  assert.deepEqual(
    actions,
    [
      ['shopify.customer.created', 'Sync engine'],
      ['user.create', 'SCIM client "idp"'],
    ],
    'newest first',
  );
  assert.deepEqual(
    (r.body.jobs as { kind: string; state: string }[]).map((j) => [j.kind, j.state]),
    [['user.sync', 'done']],
  );

  const failed = await s.admin('GET', `/tenants/${t.name}/users/${ids.nameless}`);
  assert.equal(failed.status, 200, failed.dump);
  assert.deepEqual(
    [failed.body.customer, failed.body.link.syncState, failed.body.link.syncErrorCode],
    [null, 'failed', 'CUSTOMER_NEEDS_IDENTITY'],
  );
  assert.equal(
    failed.body.resource[SHOPIFY_EXT].syncErrorCode,
    'CUSTOMER_NEEDS_IDENTITY',
    'the resource carries the code as SCIM shows it',
  );
  assert.match(failed.body.customerNote, /not taken/);
  assert.deepEqual(failed.body.resource, (await s.scim(t, 'GET', `/Users/${ids.nameless}`)).body);

  const waiting = await s.admin('GET', `/tenants/${other.name}/users/${ids.waiting}`);
  assert.deepEqual([waiting.body.link.syncState, waiting.body.customer], ['pending', null], waiting.dump);
  assert.match(waiting.body.customerNote, /no customer is linked yet/);
});

test('a user is found only through its own tenant, and an unknown id is a 404 that names it', async () => {
  const cross = await s.admin('GET', `/tenants/${t.name}/users/${ids.waiting}`);
  assert.deepEqual([cross.status, cross.body.error], [404, 'NOT_FOUND'], cross.dump);
  assert.ok(!cross.text.includes('ada.other'), 'nothing of the other tenant leaks');
  const back = await s.admin('GET', `/tenants/${other.name}/users/${ids.ada}`);
  assert.equal(back.status, 404, back.dump);
  assert.ok(!names(await list('?q=ada', other)).includes('ada.lovelace@example.com'));
  assert.deepEqual(names(await list('?q=ada.other')), [], "another tenant's user is not in the search");
  const unknown = await s.admin('GET', `/tenants/${t.name}/users/00000000-0000-4000-8000-000000000000`);
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.message, /has no user 00000000-0000-4000-8000-000000000000/);
});

test('"sync now" queues a sync that writes the user to Shopify again, is audited, and refuses unknown and foreign users', async () => {
  const cid = (await s.customerOf(t, ids.alan!))!.id;
  s.emu.control.updateCustomer(cid, { firstName: 'Changed in the shop' });
  const jobsBefore = await s.store.db.selectFrom('outbox_jobs').select('id').where('tenant_id', '=', t.id).execute();
  const r = await s.admin('POST', `/tenants/${t.name}/users/${ids.alan}/sync`);
  assert.equal(r.status, 202, r.dump);
  assert.equal(r.body.syncState, 'pending');
  assert.ok(Number.isInteger(r.body.jobId) && !jobsBefore.some((j) => Number(j.id) === r.body.jobId), r.dump);
  await s.until('the customer written from the SCIM user again', () => s.emu.control.customer(cid)?.firstName === 'Alan');
  const detail = await s.until('the user synced again', async () => {
    const d = await s.admin('GET', `/tenants/${t.name}/users/${ids.alan}`);
    // the run records the user's link, then the worker its job: wait for both
    return d.body.link.syncState === 'synced' &&
      d.body.jobs.some((j: { id: number; state: string }) => j.id === r.body.jobId && j.state === 'done')
      ? d
      : undefined;
  });
  const resync = detail.body.history.find((h: { action: string }) => h.action === 'user.resync');
  assert.ok(resync, detail.dump);
  assert.deepEqual([resync.actor, resync.detail.job], ['admin', r.body.jobId]);
  assert.ok(
    detail.body.jobs.some((j: { id: number; state: string }) => j.id === r.body.jobId && j.state === 'done'),
    detail.dump,
  );

  const count = async () => (await s.store.db.selectFrom('outbox_jobs').select('id').execute()).length;
  const n = await count();
  const unknown = await s.admin('POST', `/tenants/${t.name}/users/00000000-0000-4000-8000-000000000000/sync`);
  assert.deepEqual([unknown.status, unknown.body.error], [404, 'NOT_FOUND']);
  const foreign = await s.admin('POST', `/tenants/${t.name}/users/${ids.waiting}/sync`);
  assert.deepEqual([foreign.status, foreign.body.error], [404, 'NOT_FOUND'], "another tenant's user cannot be synced through this one");
  assert.equal(await count(), n, 'the refused calls queued nothing');
});

test('each user Shopify could not take is listed with its reason and a fix naming the mapping rule and the SCIM attribute it reads', async () => {
  const r = await s.admin('GET', `/tenants/${t.name}/sync-failures`);
  assert.equal(r.status, 200, r.dump);
  assert.equal(r.body.total, 2);
  const by = Object.fromEntries(
    (r.body.failures as { user: { userName: string; syncErrorCode: string }; fix: any }[]).map((f) => [f.user.userName, f]),
  );
  const email = by['ada.l'];
  assert.equal(email.user.syncErrorCode, 'EMAIL_INVALID');
  assert.deepEqual([email.fix.where, email.fix.field], ['attribute', 'email']);
  assert.deepEqual(email.fix.rules, [{ id: 'email', source: 'emails.value', target: 'email' }], 'the rule named in the reason');
  assert.match(email.fix.hint, /e-mail|email/i);
  const nameless = by.bjensen;
  assert.equal(nameless.user.syncErrorCode, 'CUSTOMER_NEEDS_IDENTITY');
  assert.deepEqual(nameless.fix.rules.map((x: { id: string; source: string }) => [x.id, x.source]).sort(), [
    ['email', 'emails.value'],
    ['first-name', 'name.givenName'],
    ['last-name', 'name.familyName'],
    ['phone', 'phoneNumbers[primary eq true].value'],
  ]);
  assert.match(nameless.fix.hint, /name, an e-mail address or a phone number/);
  const one = await s.admin('GET', `/tenants/${t.name}/sync-failures?q=bjensen`);
  assert.deepEqual(
    one.body.failures.map((f: { user: { userName: string } }) => f.user.userName),
    ['bjensen'],
  );
  const bad = await s.admin('GET', `/tenants/${t.name}/sync-failures?limit=-1`);
  assert.deepEqual([bad.status, bad.body.error], [400, 'BAD_REQUEST']);
  const foreign = await s.admin('GET', `/tenants/${other.name}/sync-failures`);
  assert.deepEqual([foreign.body.total, foreign.body.failures], [0, []], "another tenant's failures are its own");
});

test('every refusal code gets its own fix, and "retry all" queues every held user once the cause was fixed outside the bridge', async () => {
  const put = await s.admin('PUT', `/tenants/${t.name}/policies`, { adoption: 'off' });
  assert.equal(put.status, 200, put.dump);
  const strict = structuredClone(getPreset('default')!);
  strict.rules = strict.rules.map((rule) => (rule.id === 'locale' ? { ...rule, onInvalid: 'reject' as const } : rule));
  assert.equal((await s.admin('PUT', `/tenants/${t.name}/mapping`, strict)).status, 200);
  const held = s.emu.control.createCustomer({ email: 'shop.made@example.com', firstName: 'Made' }).customer!.id;
  const taken = idOf(await s.scim(t, 'POST', '/Users', person('shop.made@example.com', 'Sam', 'Made')));
  const phone = idOf(
    await s.scim(t, 'POST', '/Users', {
      ...person('phoney@example.com', 'Phil', 'Oney'),
      phoneNumbers: [{ value: '+10005550100', type: 'mobile', primary: true }],
    }),
  );
  const locale = idOf(await s.scim(t, 'POST', '/Users', { ...person('locale@example.com', 'Lo', 'Cale'), locale: 'not a locale at all' }));
  const r = await s.admin('GET', `/tenants/${t.name}/sync-failures?limit=200`);
  const fix = (id: string) =>
    (r.body.failures as { user: { id: string; syncErrorCode: string }; fix: any }[]).find((f) => f.user.id === id);
  assert.deepEqual([fix(taken)?.user.syncErrorCode, fix(taken)?.fix.where], ['EMAIL_TAKEN', 'policies'], r.dump);
  assert.match(fix(taken)!.fix.hint, /turn adoption on in the policies/);
  assert.deepEqual(
    [fix(phone)?.user.syncErrorCode, fix(phone)?.fix.where, fix(phone)?.fix.field],
    ['PHONE_INVALID', 'attribute', 'phone'],
    r.dump,
  );
  assert.ok(fix(phone)!.fix.attributes.includes('phoneNumbers[primary eq true].value'), r.dump);
  assert.match(fix(phone)!.fix.hint, /country code/);
  assert.deepEqual(
    [fix(locale)?.user.syncErrorCode, fix(locale)?.fix.where, fix(locale)?.fix.field],
    ['INVALID_VALUE', 'attribute', 'locale'],
    r.dump,
  );
  assert.deepEqual(fix(locale)!.fix.rules, [{ id: 'locale', source: 'locale', target: 'locale' }]);
  const codes = Object.fromEntries((r.body.byCode as { code: string; count: number }[]).map((c) => [c.code, c.count]));
  assert.equal(codes.EMAIL_TAKEN, 1, r.dump);
  assert.equal(codes.CUSTOMER_NEEDS_IDENTITY, 1, r.dump);

  // Fixed in the shop, which the bridge cannot see: the other customer is removed, and a retry links a new one.
  s.emu.control.deleteCustomer(held);
  await s.admin('PUT', `/tenants/${t.name}/policies`, {});
  await s.admin('PUT', `/tenants/${t.name}/mapping`, getPreset('default')!);
  const policiesQueued = await s.until('the policy change to have retried the held users', async () => {
    const u = await s.admin('GET', `/tenants/${t.name}/users/${taken}`);
    return u.body.link.syncState !== 'pending' ? u : undefined;
  });
  assert.equal(policiesQueued.body.link.syncState, 'synced', 'a policy change re-queues every held user by itself');
  const retry = await s.admin('POST', `/tenants/${t.name}/sync-failures/retry`);
  assert.equal(retry.status, 202, retry.dump);
  assert.ok(retry.body.queued >= 3, retry.dump);
  const audit = await s.admin('GET', `/tenants/${t.name}/audit?action=sync-failures.retry`);
  assert.deepEqual(
    audit.body.entries.map((e: { actor: string; detail: { queued: number } }) => [e.actor, e.detail.queued]),
    [['admin', retry.body.queued]],
  );
  const none = await s.admin('POST', `/tenants/${other.name}/sync-failures/retry`);
  assert.deepEqual([none.status, none.body.queued], [202, 0], 'a tenant without failures queues nothing');
  await s.until('the retried users to be decided again', async () => (await list('?syncState=pending')).body.total === 0);
});
