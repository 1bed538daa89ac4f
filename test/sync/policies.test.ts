// The tenant's provisioning policies end to end (HTTP -> store -> outbox -> worker -> emulator): adoption by phone,
// email and userName changes, Okta's reactivation by a new POST under the tag and delete policies, the request wait.
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

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const mf = (c: { metafields: { namespace: string; key: string; value: string }[] } | null, k: string) =>
  c?.metafields.find((m) => `${m.namespace}.${m.key}` === k)?.value;

/** Runs `body` with the tenant's policies (and mapping, when given), then puts the defaults back. */
async function withSettings(settings: Record<string, unknown>, body: () => Promise<void>): Promise<void> {
  await s.setSettings(settings);
  try {
    await body();
  } finally {
    await s.setSettings({ policies: {}, mapping: null });
  }
}

test('adoption emailOrPhone links the existing customer with the same phone; adoption email does not', async () => {
  const seeded = s.emu.control.createCustomer({ firstName: 'Seeded', phone: '+14155550177' }).customer!;
  await withSettings({ policies: { adoption: 'emailOrPhone' } }, async () => {
    const r = await s.req(
      'POST',
      '/Users',
      oktaUser('by-phone@example.com', { phoneNumbers: [{ value: '+1 415 555 0177', type: 'mobile', primary: true }] }),
    );
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body[SHOPIFY_EXT].customerId, seeded.id, r.dump);
    const c = s.emu.control.customer(seeded.id)!;
    assert.deepEqual(
      [c.email, c.firstName, c.phone],
      ['by-phone@example.com', 'Ada', '+14155550177'],
      'the adopted customer now carries the user',
    );
    assert.equal(mf(c, 'shopify_scim.scim_id'), r.body.id);
  });

  const other = s.emu.control.createCustomer({ firstName: 'Other', phone: '+14155550178' }).customer!;
  const count = s.emu.control.customers().length;
  const r = await s.req(
    'POST',
    '/Users',
    oktaUser('no-phone-adoption@example.com', { phoneNumbers: [{ value: '+14155550178', type: 'mobile', primary: true }] }),
  );
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'failed', r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncErrorCode, 'PHONE_TAKEN', r.dump);
  const c = s.emu.control.customer(other.id)!;
  assert.deepEqual([c.email, c.firstName], [null, 'Other'], 'the customer with that phone is left as it was');
  assert.equal(mf(c, 'shopify_scim.scim_id'), undefined);
  assert.equal(s.emu.control.customers().length, count, 'and no customer was created');
});

test("with applyEmailChanges false an email change at the IdP leaves Shopify's email, and the SCIM answer is still 200", async () => {
  await withSettings({ policies: { applyEmailChanges: false } }, async () => {
    const r = await s.req('POST', '/Users', oktaUser('keep-mail@example.com'));
    assert.equal(r.status, 201, r.dump);
    const cid = r.body[SHOPIFY_EXT].customerId;
    const p = await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'changed-mail@example.com' },
        { op: 'replace', path: 'name.familyName', value: 'Byron' },
      ],
    });
    assert.equal(p.status, 200, p.dump);
    assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
    assert.equal(p.body.emails[0].value, 'changed-mail@example.com', 'the SCIM user changes');
    const c = s.emu.control.customer(cid)!;
    assert.deepEqual([c.email, c.lastName], ['keep-mail@example.com', 'Byron'], 'Shopify keeps its email; the rest is applied');
  });
});

/** A mapping taking the email (when the user has none), a metafield and a tag from userName. */
const fromUserName = {
  version: 1,
  rules: [
    { id: 'first-name', source: 'name.givenName', target: { kind: 'field', field: 'firstName' } },
    {
      id: 'email',
      source: 'emails[type eq "work"].value',
      target: { kind: 'field', field: 'email' },
      transforms: [{ op: 'default', source: 'userName', format: 'email' }],
    },
    { id: 'login', source: 'userName', target: { kind: 'metafield', namespace: 'scim', key: 'login', type: 'single_line_text_field' } },
  ],
  tags: { templates: ['login:{userName}'] },
};

test('with applyUserNameChanges false a userName change leaves what Shopify holds from userName; turned back on, it is applied', async () => {
  await withSettings({ mapping: fromUserName, policies: { applyUserNameChanges: false } }, async () => {
    const r = await s.req('POST', '/Users', oktaUser('login-1@example.com', { emails: [] }));
    assert.equal(r.status, 201, r.dump);
    const cid = r.body[SHOPIFY_EXT].customerId;
    let c = s.emu.control.customer(cid)!;
    assert.deepEqual(
      [c.email, mf(c, 'scim.login'), c.tags.includes('login:login-1@example.com')],
      ['login-1@example.com', 'login-1@example.com', true],
      JSON.stringify(c),
    );

    const p = await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { userName: 'login-2@example.com', 'name.givenName': 'Grace' } }],
    });
    assert.equal(p.status, 200, p.dump);
    assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
    assert.equal(p.body.userName, 'login-2@example.com', 'the SCIM user changes');
    c = s.emu.control.customer(cid)!;
    assert.equal(c.firstName, 'Grace', 'the other attributes are applied');
    assert.equal(c.email, 'login-1@example.com', 'the email taken from userName stays');
    assert.equal(mf(c, 'scim.login'), 'login-1@example.com', 'the metafield from userName stays');
    assert.ok(
      c.tags.includes('login:login-1@example.com') && !c.tags.includes('login:login-2@example.com'),
      `the tag from userName stays: ${c.tags}`,
    );

    // A later change keeps holding the userName Shopify was written with.
    const again = await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'name.givenName', value: 'Ada' }],
    });
    assert.equal(again.status, 200, again.dump);
    c = s.emu.control.customer(cid)!;
    assert.deepEqual([c.firstName, c.email, mf(c, 'scim.login')], ['Ada', 'login-1@example.com', 'login-1@example.com']);

    await s.setSettings({ policies: {} });
    const on = await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'name.givenName', value: 'Augusta' }],
    });
    assert.equal(on.status, 200, on.dump);
    assert.equal(on.body[SHOPIFY_EXT].syncState, 'synced', on.dump);
    c = s.emu.control.customer(cid)!;
    assert.deepEqual(
      [c.firstName, c.email, mf(c, 'scim.login')],
      ['Augusta', 'login-2@example.com', 'login-2@example.com'],
      JSON.stringify(c),
    );
    assert.ok(c.tags.includes('login:login-2@example.com') && !c.tags.includes('login:login-1@example.com'), `the tag follows: ${c.tags}`);
  });
});

test('with applyUserNameChanges false a new userName the mapping could not write is kept from Shopify; with it on, it is refused under onShopifyRefusal reject and held otherwise', async () => {
  const emailIsUserName = { version: 1, rules: [{ id: 'email', source: 'userName', target: { kind: 'field', field: 'email' } }], tags: {} };
  await withSettings({ mapping: emailIsUserName, policies: { applyUserNameChanges: false } }, async () => {
    const r = await s.req('POST', '/Users', oktaUser('held-login@example.com', { emails: [] }));
    assert.equal(r.status, 201, r.dump);
    const cid = r.body[SHOPIFY_EXT].customerId;
    // "jdoe" is no email address: Shopify could not take it, but under this policy it never reaches Shopify.
    const held = await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'userName', value: 'jdoe' }],
    });
    assert.equal(held.status, 200, held.dump);
    assert.equal(held.body.userName, 'jdoe');
    assert.equal(held.body[SHOPIFY_EXT].syncState, 'synced', held.dump);
    assert.equal(s.emu.control.customer(cid)!.email, 'held-login@example.com');

    await s.setSettings({ policies: { onShopifyRefusal: 'reject' } });
    const refused = await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'userName', value: 'jdoe2' }],
    });
    assert.equal(refused.status, 400, refused.dump);
    assert.equal(refused.body.scimType, 'invalidValue', refused.dump);
    const now = await s.req('GET', `/Users/${r.body.id}`);
    assert.equal(now.body.userName, 'jdoe', 'the refused write changed nothing');

    await s.setSettings({ policies: {} });
    const kept = await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'userName', value: 'jdoe3' }],
    });
    assert.equal(kept.status, 200, kept.dump);
    assert.equal(kept.body.userName, 'jdoe3');
    assert.equal(kept.body[SHOPIFY_EXT].syncState, 'failed', kept.dump);
    assert.equal(kept.body[SHOPIFY_EXT].syncErrorCode, 'EMAIL_INVALID', kept.dump);
    assert.equal(s.emu.control.customer(cid)!.email, 'held-login@example.com', 'Shopify keeps the last email it took');
  });
});

test('by default a userName change reaches everything the mapping takes from userName', async () => {
  await withSettings({ mapping: fromUserName }, async () => {
    const r = await s.req('POST', '/Users', oktaUser('name-a@example.com', { emails: [] }));
    assert.equal(r.status, 201, r.dump);
    const cid = r.body[SHOPIFY_EXT].customerId;
    const p = await s.req('PATCH', `/Users/${r.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'userName', value: 'name-b@example.com' }],
    });
    assert.equal(p.status, 200, p.dump);
    const c = s.emu.control.customer(cid)!;
    assert.deepEqual([c.email, mf(c, 'scim.login')], ['name-b@example.com', 'name-b@example.com'], JSON.stringify(c));
    assert.ok(c.tags.includes('login:name-b@example.com') && !c.tags.includes('login:name-a@example.com'), `${c.tags}`);
  });
});

const deactivate = (id: string) =>
  s.req('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });

test('reactivation by a new POST of the inactive userName (policy reactivateOnPost) takes the deactivation tag away (policy tag)', async () => {
  await s.setSettings({ policies: { reactivateOnPost: true } });
  const r = await s.req('POST', '/Users', oktaUser('okta-back@example.com'));
  assert.equal(r.status, 201, r.dump);
  const cid = r.body[SHOPIFY_EXT].customerId;
  assert.equal((await deactivate(r.body.id)).status, 200);
  assert.ok(s.emu.control.customer(cid)!.tags.includes('scim-deactivated'));

  const again = await s.req('POST', '/Users', oktaUser('okta-back@example.com'));
  assert.ok(again.status === 201 || again.status === 200, again.dump);
  assert.equal(again.body.id, r.body.id, 'the same SCIM user comes back');
  assert.equal(again.body.active, true, again.dump);
  assert.equal(again.body[SHOPIFY_EXT].syncState, 'synced', again.dump);
  const c = s.emu.control.customer(cid)!;
  assert.ok(!c.tags.includes('scim-deactivated'), `the deactivation tag is gone: ${c.tags}`);
  assert.equal(mf(c, 'shopify_scim.deprovisioned'), undefined, 'and so is the deactivation record');
  await s.setSettings({ policies: {} });
});

test('reactivation by a new POST (policy reactivateOnPost) under the delete policy creates a new customer and links it', async () => {
  await withSettings({ policies: { deprovision: 'delete', reactivateOnPost: true } }, async () => {
    const r = await s.req('POST', '/Users', oktaUser('okta-del@example.com'));
    assert.equal(r.status, 201, r.dump);
    const cid = r.body[SHOPIFY_EXT].customerId;
    assert.equal((await deactivate(r.body.id)).status, 200);
    assert.equal(s.emu.control.customer(cid), null, 'deleted on deactivation');

    const again = await s.req('POST', '/Users', oktaUser('okta-del@example.com'));
    assert.ok(again.status === 201 || again.status === 200, again.dump);
    assert.equal(again.body.id, r.body.id);
    const ext = again.body[SHOPIFY_EXT];
    assert.equal(ext.syncState, 'synced', again.dump);
    assert.ok(ext.customerId && ext.customerId !== cid, `a new customer is linked: ${ext.customerId}`);
    const c = s.emu.control.customer(ext.customerId)!;
    assert.equal(c.email, 'okta-del@example.com');
    assert.equal(mf(c, 'shopify_scim.scim_id'), r.body.id);
    assert.ok(!c.tags.includes('scim-deactivated'), `${c.tags}`);
  });
});

test('a syncWaitMs policy of 0 answers pending at once (the process waits 5 s), and the user becomes synced', async () => {
  await withSettings({ policies: { syncWaitMs: 0 } }, async () => {
    const r = await s.req('POST', '/Users', oktaUser('no-wait@example.com'));
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body[SHOPIFY_EXT].syncState, 'pending', r.dump);
    const ext = await s.until('the user to be synced', async () => {
      const g = await s.req('GET', `/Users/${r.body.id}`);
      return g.body[SHOPIFY_EXT]?.syncState === 'synced' ? g.body[SHOPIFY_EXT] : undefined;
    });
    assert.equal(s.emu.control.customer(ext.customerId)?.email, 'no-wait@example.com');
  });
});

test('a long syncWaitMs policy answers synced where the process would not wait', async () => {
  const t = await startStack({ syncWaitMs: 0, settings: { policies: { syncWaitMs: 10_000 } } });
  try {
    const r = await t.req('POST', '/Users', oktaUser('long-wait@example.com'));
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
    assert.equal(t.emu.control.customer(r.body[SHOPIFY_EXT].customerId)?.email, 'long-wait@example.com');
  } finally {
    await t.close();
  }
});
