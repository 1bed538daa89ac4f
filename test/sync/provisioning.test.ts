// SCIM writes to Shopify customers end to end (HTTP -> store -> outbox -> worker -> emulator): create with fields,
// tags and the custom-id link, update, deactivate and reactivate under each policy, delete.
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

const mf = (c: { metafields: { namespace: string; key: string; value: string }[] } | null, k: string) =>
  c?.metafields.find((m) => `${m.namespace}.${m.key}` === k)?.value;

test('a created user becomes a Shopify customer with its fields, tags and custom-id metafield, synced in the response', async () => {
  const r = await s.req(
    'POST',
    '/Users',
    oktaUser('ada@example.com', {
      phoneNumbers: [{ value: '+14155550123', type: 'mobile', primary: true }],
      addresses: [
        { type: 'work', streetAddress: '1 Market St', locality: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' },
      ],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Engineering' },
    }),
  );
  assert.equal(r.status, 201, r.dump);
  const ext = r.body[SHOPIFY_EXT];
  assert.equal(ext?.syncState, 'synced', r.dump);
  assert.match(ext.customerId, /^gid:\/\/shopify\/Customer\/\d+$/);
  const c = s.emu.control.customer(ext.customerId)!;
  assert.deepEqual([c.firstName, c.lastName, c.email, c.phone], ['Ada', 'Lovelace', 'ada@example.com', '+14155550123'], JSON.stringify(c));
  assert.ok(c.tags.includes('scim-provisioned'), `static tag at creation: ${c.tags}`);
  assert.equal(mf(c, 'shopify_scim.scim_id'), r.body.id, 'the custom id links the customer to the SCIM user');
  assert.equal(mf(c, 'scim.department'), 'Engineering');
  const addr = c.addresses.find((a) => a.id === c.defaultAddressId);
  assert.deepEqual(
    [addr?.address1, addr?.city, addr?.zip, addr?.countryCode],
    ['1 Market St', 'San Francisco', '94105', 'US'],
    JSON.stringify(c.addresses),
  );
  assert.deepEqual(
    ext.tags,
    c.tags.filter((t) => t === 'scim-provisioned'),
    'the extension lists the managed tags',
  );
});

test('a userName look-up answers the user with its groups and Shopify extension, as a GET by id does', async () => {
  const r = await s.req('POST', '/Users', oktaUser('look.up@example.com'));
  assert.equal(r.status, 201, r.dump);
  const g = await s.req('POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Look-up',
    members: [{ value: r.body.id }],
  });
  assert.equal(g.status, 201, g.dump);
  // The membership tags the customer: once that sync is done, nothing changes between the two reads.
  const byId = await s.until('the membership synced', async () => {
    const u = await s.req('GET', `/Users/${r.body.id}`);
    return u.body[SHOPIFY_EXT]?.syncState === 'synced' && u;
  });
  assert.match(byId.body[SHOPIFY_EXT].customerId, /^gid:\/\/shopify\/Customer\//);
  assert.deepEqual(
    byId.body.groups.map((x: { display: string }) => x.display),
    ['Look-up'],
  );
  const list = await s.req('GET', `/Users?filter=${encodeURIComponent('userName eq "LOOK.UP@example.com"')}`);
  assert.equal(list.status, 200, list.dump);
  assert.deepEqual(list.body.Resources, [byId.body]);
  const none = await s.req('GET', `/Users?filter=${encodeURIComponent('userName eq "look.up@example.org"')}`);
  assert.deepEqual([none.body.totalResults, none.body.Resources], [0, []]);
});

test('an update changes only what changed and never removes tags the bridge did not set', async () => {
  const r = await s.req('POST', '/Users', oktaUser('grace@example.com'));
  assert.equal(r.status, 201, r.dump);
  const id = r.body.id;
  const cid = r.body[SHOPIFY_EXT].customerId;
  s.emu.control.addTags(cid, ['vip']);
  const p = await s.req('PATCH', `/Users/${id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [
      { op: 'replace', value: { 'name.familyName': 'Hopper' } },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'grace.hopper@example.com' },
    ],
  });
  assert.equal(p.status, 200, p.dump);
  assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
  const c = s.emu.control.customer(cid)!;
  assert.deepEqual([c.lastName, c.email], ['Hopper', 'grace.hopper@example.com'], JSON.stringify(c));
  assert.ok(c.tags.includes('vip'), `a merchant's tag stays: ${c.tags}`);
});

test('deactivation tags the customer with the date and reason, and reactivation takes both away', async () => {
  const r = await s.req('POST', '/Users', oktaUser('alan@example.com'));
  const id = r.body.id;
  const cid = r.body[SHOPIFY_EXT].customerId;
  const off = await s.req('PATCH', `/Users/${id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
  });
  assert.equal(off.status, 200, off.dump);
  let c = s.emu.control.customer(cid)!;
  assert.ok(c.tags.includes('scim-deactivated'), `deactivated tag: ${c.tags}`);
  const marker = JSON.parse(mf(c, 'shopify_scim.deprovisioned') ?? '{}');
  assert.match(marker.at ?? '', /^\d{4}-\d\d-\d\dT/, JSON.stringify(c.metafields));
  assert.match(marker.reason ?? '', /deactivated/);
  const on = await s.req('PATCH', `/Users/${id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', value: { active: true } }],
  });
  assert.equal(on.status, 200, on.dump);
  c = s.emu.control.customer(cid)!;
  assert.ok(!c.tags.includes('scim-deactivated'), `tag removed: ${c.tags}`);
  assert.equal(mf(c, 'shopify_scim.deprovisioned'), undefined, 'marker removed');
  assert.ok(c.tags.includes('scim-provisioned'));
});

test('with the delete policy a deactivated customer is deleted, or tagged when it has orders, and comes back on reactivation', async () => {
  await s.setSettings({ policies: { deprovision: 'delete' } });
  try {
    const a = await s.req('POST', '/Users', oktaUser('del-a@example.com'));
    const b = await s.req('POST', '/Users', oktaUser('del-b@example.com'));
    const cidA = a.body[SHOPIFY_EXT].customerId;
    const cidB = b.body[SHOPIFY_EXT].customerId;
    s.emu.control.placeOrder(cidB);
    for (const u of [a, b]) {
      const r = await s.req('PUT', `/Users/${u.body.id}`, { ...oktaUser(u.body.userName), active: false });
      assert.equal(r.status, 200, r.dump);
    }
    assert.equal(s.emu.control.customer(cidA), null, 'deleted when Shopify allows');
    const kept = s.emu.control.customer(cidB)!;
    assert.ok(kept.tags.includes('scim-deactivated'), `tagged instead: ${kept.tags}`);
    const gotB = await s.req('GET', `/Users/${b.body.id}`);
    assert.match(gotB.body[SHOPIFY_EXT].syncError ?? '', /orders/, gotB.dump);
    const back = await s.req('PUT', `/Users/${a.body.id}`, oktaUser('del-a@example.com'));
    assert.equal(back.status, 200, back.dump);
    const again = back.body[SHOPIFY_EXT].customerId;
    assert.ok(again && again !== cidA, 'a new customer for the reactivated user');
    assert.equal(s.emu.control.customer(again)?.email, 'del-a@example.com');
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('a SCIM DELETE tags the customer under the default policy and the user answers 404', async () => {
  const r = await s.req('POST', '/Users', oktaUser('gone@example.com'));
  const cid = r.body[SHOPIFY_EXT].customerId;
  const d = await s.req('DELETE', `/Users/${r.body.id}`);
  assert.equal(d.status, 204, d.dump);
  assert.equal((await s.req('GET', `/Users/${r.body.id}`)).status, 404);
  const c = await s.until("the deleted user's customer to be tagged", () => {
    const x = s.emu.control.customer(cid);
    return x?.tags.includes('scim-deactivated') ? x : undefined;
  });
  assert.match(JSON.parse(mf(c, 'shopify_scim.deprovisioned') ?? '{}').reason ?? '', /deleted/);
  const link = await s.store.db.selectFrom('customer_links').selectAll().where('user_id', '=', r.body.id).executeTakeFirst();
  assert.equal(link, undefined, 'the link went with the user');
});

test('a SCIM DELETE under the delete policy deletes the customer', async () => {
  await s.setSettings({ policies: { delete: 'delete' } });
  try {
    const r = await s.req('POST', '/Users', oktaUser('erase-me@example.com'));
    const cid = r.body[SHOPIFY_EXT].customerId;
    assert.equal((await s.req('DELETE', `/Users/${r.body.id}`)).status, 204);
    await s.until('the customer to be deleted', () => s.emu.control.customer(cid) === null);
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('the erase policy tags at once and requests erasure only after the grace period', async () => {
  await s.setSettings({ policies: { deprovision: 'erase', eraseGraceMs: 300 } });
  try {
    const r = await s.req('POST', '/Users', oktaUser('gdpr@example.com'));
    const cid = r.body[SHOPIFY_EXT].customerId;
    await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    const c = s.emu.control.customer(cid)!;
    assert.ok(c.tags.includes('scim-deactivated'), `${c.tags}`);
    assert.equal(c.erasureRequestedAt, null, 'nothing erased during the grace period');
    await s.until('the erasure request', () => s.emu.control.customer(cid)?.erasureRequestedAt);
    await s.until('the link to record the request', async () => {
      const link = await s.store.db
        .selectFrom('customer_links')
        .select('deprovisioned')
        .where('user_id', '=', r.body.id)
        .executeTakeFirstOrThrow();
      return link.deprovisioned === 'erasure-requested';
    });
    // Reactivation withdraws the request.
    await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    assert.equal(s.emu.control.customer(cid)?.erasureRequestedAt, null);
  } finally {
    await s.setSettings({ policies: {} });
  }
});
