// The synchronous outcome of a SCIM write: adoption of an existing customer, Shopify's permanent refusals turned
// into SCIM errors with nothing half-made kept, and the pending state while Shopify fails, synced after recovery.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getPreset } from '../../src/mapping/index.js';
import { PATCH_OP } from '../helpers/http.js';
import { scrapeMetrics } from '../helpers/stack.js';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  s = await startStack();
});
after(async () => {
  await s?.close();
});

const userCount = async () =>
  Number(
    (
      await s.store.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('a create whose email matches an existing customer adopts it instead of making a second one', async () => {
  const staff = s.emu.control.createCustomer({ email: 'Existing@Example.com', firstName: 'Old', tags: ['wholesale'] });
  const cid = staff.customer!.id;
  const before = s.emu.control.customers().length;
  const r = await s.req('POST', '/Users', oktaUser('existing@example.com'));
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].customerId, cid, 'linked to the existing customer');
  assert.equal(s.emu.control.customers().length, before, 'no new customer');
  const c = s.emu.control.customer(cid)!;
  assert.equal(c.firstName, 'Ada', 'the IdP now owns the mapped fields');
  assert.ok(c.tags.includes('wholesale') && c.tags.includes('scim-provisioned'), `${c.tags}`);
  assert.equal(c.metafields.find((m) => m.key === 'scim_id')?.value, r.body.id);
});

test("a tag an adopted customer already had stays the merchant's when the mapping wanted it too, and outlives the mapping dropping it", async () => {
  const withVip = structuredClone(getPreset('default')!);
  withVip.tags.static = [...withVip.tags.static, 'vip', 'staff-store'];
  await s.setSettings({ mapping: withVip });
  try {
    const cid = s.emu.control.createCustomer({ email: 'vip@example.com', firstName: 'Old', tags: ['VIP'] }).customer!.id;
    const r = await s.req('POST', '/Users', oktaUser('vip@example.com'));
    assert.equal(r.body[SHOPIFY_EXT].customerId, cid, r.dump);
    assert.ok(s.emu.control.customer(cid)!.tags.includes('staff-store'));
    const without = structuredClone(getPreset('default')!);
    await s.setSettings({ mapping: without });
    const p = await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'title', value: 'Buyer' }],
    });
    assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
    const tags = s.emu.control.customer(cid)!.tags;
    assert.ok(!tags.includes('staff-store'), `the tag the bridge added goes: ${tags}`);
    assert.ok(
      tags.some((t) => t.toLowerCase() === 'vip'),
      `the merchant's tag stays: ${tags}`,
    );
  } finally {
    await s.setSettings({ mapping: getPreset('default')! });
  }
});

test("a tag whose answer was lost stays the bridge's: the run that finds it already there still claims it, and it goes when the group does", async () => {
  const r = await s.req('POST', '/Users', oktaUser('lost.tag@example.com'));
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
  const cid = r.body[SHOPIFY_EXT].customerId;
  // Both of the client's tries of tagsAdd land in Shopify but their answers are lost: the run fails and is retried.
  s.emu.control.setFaults({ lostResponses: 2, lostResponseOf: 'tagsAdd' });
  const g = await s.req('POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Night Shift',
    members: [{ value: r.body.id }],
  });
  assert.equal(g.status, 201, g.dump);
  await s.until(
    'the retried run recorded the group tag',
    async () => {
      const link = await s.store.db
        .selectFrom('customer_links')
        .select(['managed_tags', 'sync_state'])
        .where('user_id', '=', r.body.id)
        .executeTakeFirst();
      return (
        link?.sync_state === 'synced' &&
        s.emu.control.faults().lostResponses === 0 &&
        JSON.parse(link.managed_tags).includes('group:Night Shift')
      );
    },
    20_000,
  );
  assert.ok(s.emu.control.customer(cid)!.tags.includes('group:Night Shift'));
  const left = await s.req('PATCH', `/Groups/${g.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'remove', path: `members[value eq "${r.body.id}"]` }],
  });
  assert.ok(left.status === 200 || left.status === 204, left.dump);
  await s.until('the tag goes with the membership', async () => !s.emu.control.customer(cid)!.tags.includes('group:Night Shift'), 20_000);
});

const deadJobs = async () =>
  Number(
    (
      await s.store.db
        .selectFrom('outbox_jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('state', '=', 'dead')
        .executeTakeFirstOrThrow()
    ).n,
  );

test('under onShopifyRefusal reject, with adoption off a taken email is 409 uniqueness and neither the SCIM user, a customer nor a dead letter is kept', async () => {
  await s.setSettings({ policies: { adoption: 'off', onShopifyRefusal: 'reject' } });
  try {
    s.emu.control.createCustomer({ email: 'taken@example.com', firstName: 'Someone' });
    const customers = s.emu.control.customers().length;
    const users = await userCount();
    const r = await s.req('POST', '/Users', oktaUser('taken@example.com'));
    assert.equal(r.status, 409, r.dump);
    assert.equal(r.body.scimType, 'uniqueness', r.dump);
    assert.match(r.body.detail, /already been taken/, r.dump);
    assert.equal(await userCount(), users, 'the SCIM user was undone');
    assert.equal(s.emu.control.customers().length, customers, 'no customer made');
    const list = await s.req('GET', `/Users?filter=${encodeURIComponent('userName eq "taken@example.com"')}`);
    assert.equal(list.body.totalResults, 0, list.dump);
    const undone = await s.store.db.selectFrom('audit_log').select('action').where('action', '=', 'user.create.undone').execute();
    assert.equal(undone.length, 1, 'the undo is audited');
    assert.equal(await deadJobs(), 0, 'nothing of the undone write is dead-lettered');
    const left = await s.store.db.selectFrom('outbox_jobs').select('state').where('state', 'in', ['queued', 'running']).execute();
    assert.equal(left.length, 0, 'nor queued');
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('under onShopifyRefusal reject, a phone Shopify refuses makes the create 400 invalidValue and nothing is kept', async () => {
  await s.setSettings({ policies: { onShopifyRefusal: 'reject' } });
  try {
    const customers = s.emu.control.customers().length;
    const users = await userCount();
    // E.164 in form, so it passes the local check, but no such North American number exists.
    const r = await s.req(
      'POST',
      '/Users',
      oktaUser('phoney@example.com', { phoneNumbers: [{ value: '+10005550100', type: 'mobile', primary: true }] }),
    );
    assert.equal(r.status, 400, r.dump);
    assert.equal(r.body.scimType, 'invalidValue', r.dump);
    assert.match(r.body.detail, /Phone is invalid/, r.dump);
    assert.equal(await userCount(), users);
    assert.equal(s.emu.control.customers().length, customers);
    assert.equal(await deadJobs(), 0, 'no dead letter for a user that no longer exists');
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('under onShopifyRefusal reject, a phone the mapping rejects locally is 400 before anything is stored or sent', async () => {
  await s.setSettings({ mapping: 'custom', policies: { onShopifyRefusal: 'reject' } });
  try {
    const requests = s.emu.control.counters().requests;
    const users = await userCount();
    const r = await s.req('POST', '/Users', oktaUser('local@example.com', { phoneNumbers: [{ value: 'call me maybe', type: 'mobile' }] }));
    assert.equal(r.status, 400, r.dump);
    assert.equal(r.body.scimType, 'invalidValue', r.dump);
    assert.match(r.body.detail, /phone/i, r.dump);
    assert.equal(await userCount(), users);
    assert.equal(s.emu.control.counters().requests, requests, 'Shopify was not called');
  } finally {
    await s.setSettings({ mapping: null, policies: {} });
  }
});

test('under onShopifyRefusal reject, an update Shopify refuses puts the previous version back and answers the error', async () => {
  await s.setSettings({ policies: { onShopifyRefusal: 'reject' } });
  try {
    const a = await s.req('POST', '/Users', oktaUser('first@example.com'));
    await s.req('POST', '/Users', oktaUser('second@example.com'));
    const put = await s.req(
      'PUT',
      `/Users/${a.body.id}`,
      oktaUser('first@example.com', { emails: [{ value: 'second@example.com', type: 'work', primary: true }] }),
    );
    assert.equal(put.status, 409, put.dump);
    const got = await s.req('GET', `/Users/${a.body.id}`);
    assert.equal(got.body.emails[0].value, 'first@example.com', got.dump);
    const c = s.emu.control.customer(a.body[SHOPIFY_EXT].customerId)!;
    assert.equal(c.email, 'first@example.com');
    await s.until(
      'the restored user to be synced again',
      async () => (await s.req('GET', `/Users/${a.body.id}`)).body[SHOPIFY_EXT]?.syncState === 'synced',
    );
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('while Shopify answers 5xx the write succeeds as pending, and it is synced once Shopify recovers', async () => {
  s.emu.control.setFaults({ errorRate: 1, status: 503 });
  let r;
  try {
    r = await s.req('POST', '/Users', oktaUser('patient@example.com'));
    assert.equal(r.status, 201, r.dump);
    const ext = r.body[SHOPIFY_EXT];
    assert.equal(ext.syncState, 'pending', r.dump);
    assert.equal(ext.customerId, undefined);
    const got = await s.until('the failure to be visible', async () => {
      const g = await s.req('GET', `/Users/${r!.body.id}`);
      return g.body[SHOPIFY_EXT]?.syncError ? g : undefined;
    });
    assert.match(got.body[SHOPIFY_EXT].syncError, /503/, got.dump);
  } finally {
    s.emu.control.clearFaults();
  }
  const synced = await s.until('the user to be synced after recovery', async () => {
    const g = await s.req('GET', `/Users/${r.body.id}`);
    return g.body[SHOPIFY_EXT]?.syncState === 'synced' ? g : undefined;
  });
  const c = s.emu.control.customer(synced.body[SHOPIFY_EXT].customerId);
  assert.equal(c?.email, 'patient@example.com');
  assert.equal(synced.body[SHOPIFY_EXT].syncError, undefined, 'the error is cleared');
  const metrics = await s.bridge.metrics.registry.getSingleMetricAsString('scim_sync_jobs_total');
  assert.match(metrics, /outcome="retry"/, metrics);
});

/** The `scim_sync_users` samples of a /metrics answer, as "tenant/state" -> value. */
function syncUserSamples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^scim_sync_users\{([^}]*)\} (\d+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    out.set(`${labels.tenant}/${labels.state}`, Number(m[2]));
  }
  return out;
}

test('a change Shopify refuses after the sync wait stays, failed with the reason and the last attempt; /metrics counts users per state', async () => {
  await s.setSettings({ policies: { adoption: 'off', syncWaitMs: 50 } });
  s.emu.control.setFaults({ latencyMs: 300 });
  let id: string;
  try {
    s.emu.control.createCustomer({ email: 'late.refusal@example.com', firstName: 'Someone' });
    const started = Date.now();
    const r = await s.req('POST', '/Users', oktaUser('late.refusal@example.com'));
    assert.equal(r.status, 201, `answered before Shopify's refusal: ${r.dump}`);
    assert.equal(r.body[SHOPIFY_EXT].syncState, 'pending', r.dump);
    id = r.body.id;
    const got = await s.until('the refusal to be visible', async () => {
      const g = await s.req('GET', `/Users/${id}`);
      return g.body[SHOPIFY_EXT]?.syncState === 'failed' ? g : undefined;
    });
    const ext = got.body[SHOPIFY_EXT];
    assert.match(ext.syncError, /already been taken/, got.dump);
    assert.doesNotMatch(JSON.stringify(ext), /late\.refusal|example\.com|Lovelace/, 'no personal data in the reason');
    assert.equal(ext.customerId, undefined, 'no customer linked');
    const attempt = Date.parse(ext.lastAttemptAt);
    assert.ok(attempt >= started - 1000 && attempt <= Date.now(), `lastAttemptAt ${ext.lastAttemptAt}`);
    assert.equal(ext.lastSyncedAt, undefined, 'never synced');
    const audited = await s.store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'shopify.customer.failed')
      .where('resource_id', '=', id)
      .execute();
    assert.equal(audited.length, 1);
    assert.doesNotMatch(audited[0]!.detail, /late\.refusal|example\.com/, audited[0]!.detail);
  } finally {
    s.emu.control.clearFaults();
    await s.setSettings({ policies: {} });
  }

  const res = await scrapeMetrics(s.bridge.url);
  assert.equal(res.status, 200);
  const samples = syncUserSamples(await res.text());
  const rows = await s.store.db
    .selectFrom('customer_links')
    .select(['sync_state', (eb) => eb.fn.countAll().as('n')])
    .where('tenant_id', '=', s.tenantId)
    .groupBy('sync_state')
    .execute();
  const expected = new Map(
    ['pending', 'synced', 'failed'].map((st) => [`acme/${st}`, Number(rows.find((r) => r.sync_state === st)?.n ?? 0)]),
  );
  assert.deepEqual(samples, expected, 'one sample per state of the tenant, as the database counts them');
  assert.ok(expected.get('acme/failed')! >= 1 && expected.get('acme/synced')! >= 1, JSON.stringify([...expected]));
});
