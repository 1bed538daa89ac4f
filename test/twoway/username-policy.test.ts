// Values held from an earlier userName (policy applyUserNameChanges false) are the bridge's own writes: a staff edit
// in Shopify carries its change to the SCIM user, never those held values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTwoWay, scimUser, SHOPIFY_EXT, PATCH_OP, type TwoWayStack } from './harness.js';

const mapping = {
  version: 1,
  rules: [
    { id: 'first-name', source: 'name.givenName', target: { kind: 'field', field: 'firstName' }, direction: 'both' },
    {
      id: 'email',
      source: 'emails[type eq "work"].value',
      target: { kind: 'field', field: 'email' },
      transforms: [{ op: 'default', source: 'userName', format: 'email' }],
      direction: 'both',
    },
  ],
};

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay({ settings: { mapping, policies: { applyUserNameChanges: false } } });
});
after(async () => {
  await s?.close();
});

test('a staff edit after a held userName change reaches the SCIM user without carrying the held email back', async () => {
  const r = await s.req('POST', '/Users', scimUser('held.one@example.com', { emails: [] }));
  assert.equal(r.status, 201, r.dump);
  const cid = r.body[SHOPIFY_EXT].customerId;
  const p = await s.req('PATCH', `/Users/${r.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'userName', value: 'held.two@example.com' }],
  });
  assert.equal(p.status, 200, p.dump);
  assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
  await s.settled();
  assert.equal(s.emu.control.customer(cid)?.email, 'held.one@example.com', 'Shopify keeps the email taken from the old userName');

  assert.deepEqual(s.emu.control.updateCustomer(cid, { firstName: 'Augusta' }).userErrors, []);
  const got = await s.until('the staff edit to reach the SCIM user', async () => {
    const g = await s.req('GET', `/Users/${r.body.id}`);
    return g.body?.name?.givenName === 'Augusta' ? g : undefined;
  });
  await s.settled();
  const now = await s.req('GET', `/Users/${r.body.id}`);
  assert.equal(now.body.userName, 'held.two@example.com', now.dump);
  assert.deepEqual(now.body.emails ?? [], [], `the held email is not the user's: ${got.dump}`);
  assert.equal(s.emu.control.customer(cid)?.email, 'held.one@example.com');
});
