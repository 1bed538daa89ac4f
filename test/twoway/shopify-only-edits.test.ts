// What the bridge decides about two Shopify-side edits it does not map back (see docs/deprovisioning.md): a staff member
// disabling a customer account leaves the SCIM user as the IdP says, and a tag the bridge wants is put back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTwoWay, scimUser, SHOPIFY_EXT, PATCH_OP, type TwoWayStack } from './harness.js';

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay();
});
after(() => s?.close());

test('a staff member disabling a customer account leaves the SCIM user active: the account state is not mapped', async () => {
  const created = await s.req('POST', '/Users', scimUser('disabled.by.staff@example.com'));
  const customerId = created.body[SHOPIFY_EXT].customerId as string;
  // Every customer starts DISABLED (never invited): only one who signed in can be disabled by staff.
  assert.equal(s.emu.control.customer(customerId)?.state, 'DISABLED');
  s.emu.control.signIn(customerId);
  await s.settled();
  s.emu.control.disableAccount(customerId);
  await s.settled();
  const events = await s.store.db.selectFrom('webhook_events').select('outcome').where('topic', '=', 'customers/disable').execute();
  assert.equal(events.length, 1, 'the delivery was received and applied');
  const u = await s.req('GET', `/Users/${created.body.id}`);
  assert.equal(u.body.active, true, u.dump);
  assert.equal(s.emu.control.customer(customerId)?.state, 'DISABLED', 'and the bridge does not undo the staff action');
});

test('the deactivation tag a merchant removes by hand is put back at the next sync of the user', async () => {
  const created = await s.req('POST', '/Users', scimUser('stays.blocked@example.com'));
  const { id } = created.body;
  const customerId = created.body[SHOPIFY_EXT].customerId as string;
  const off = await s.req('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
  assert.equal(off.status, 200, off.dump);
  await s.until('the deactivation tag', () => s.emu.control.customer(customerId)?.tags.includes('scim-deactivated'));
  await s.settled();
  s.emu.control.removeTags(customerId, ['scim-deactivated']);
  await s.settled();
  const change = await s.req('PATCH', `/Users/${id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'displayName', value: 'Still Blocked' }],
  });
  assert.equal(change.status, 200, change.dump);
  await s.until('the tag back on the customer', () => s.emu.control.customer(customerId)?.tags.includes('scim-deactivated'));
});
