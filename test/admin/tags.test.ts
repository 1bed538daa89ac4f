// The bridge only ever removes tags it manages: a tag the merchant set in Shopify survives every sync (profile
// changes, group joins, renames and leaves, deactivation and back) and a change of the mapping's tags re-applied.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf } from './harness.js';

const stack = await startAdminStack();
after(() => stack.close());

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const sorted = (tags: string[] | undefined) => [...(tags ?? [])].sort();

test('a merchant tag survives profile updates, group changes, deactivation and a re-applied mapping change', async () => {
  const t = await stack.tenant('tags-e2e');
  await stack.admin('PUT', `/tenants/${t.name}/tags`, {
    static: ['scim-provisioned'],
    groupPrefix: 'group:',
    deactivatedTag: 'scim-deactivated',
  });
  const group = await stack.scim(t, 'POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Sales' });
  const userId = idOf(
    await stack.scim(t, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ines@example.com',
      name: { givenName: 'Ines', familyName: 'Duarte' },
      emails: [{ value: 'ines@example.com', type: 'work', primary: true }],
    }),
  );
  const customer = await stack.until('the customer', () => stack.customerOf(t, userId));
  // the merchant tags the customer in Shopify's admin
  stack.emu.control.addTags(customer.id, ['vip', 'Wholesale Approved']);
  const merchant = ['Wholesale Approved', 'vip'];
  const tags = async () => sorted((await stack.customerOf(t, userId))?.tags);
  const settle = (what: string, want: string[]) =>
    stack.until(what, async () => JSON.stringify(await tags()) === JSON.stringify(sorted(want)) && true, 10000);

  // a profile change from the IdP
  const patch = await stack.scim(t, 'PATCH', `/Users/${userId}`, {
    schemas: [PATCH],
    Operations: [{ op: 'replace', path: 'title', value: 'Account Lead' }],
  });
  assert.equal(patch.status, 200, patch.dump);
  assert.deepEqual(await tags(), sorted([...merchant, 'scim-provisioned']), 'after a profile update');

  // joins a group, the group is renamed, then the user leaves it
  await stack.scim(t, 'PATCH', `/Groups/${group.body.id}`, {
    schemas: [PATCH],
    Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }],
  });
  await settle('the group tag', [...merchant, 'scim-provisioned', 'group:Sales']);
  await stack.scim(t, 'PATCH', `/Groups/${group.body.id}`, {
    schemas: [PATCH],
    Operations: [{ op: 'replace', path: 'displayName', value: 'Field Sales' }],
  });
  await settle('the renamed group tag', [...merchant, 'scim-provisioned', 'group:Field Sales']);
  await stack.scim(t, 'PATCH', `/Groups/${group.body.id}`, {
    schemas: [PATCH],
    Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }],
  });
  await settle('the group tag gone', [...merchant, 'scim-provisioned']);

  // the merchant changes the mapping's tags, and re-applies it
  const put = await stack.admin('PUT', `/tenants/${t.name}/tags`, {
    static: ['staff'],
    groupPrefix: 'group:',
    deactivatedTag: 'scim-deactivated',
  });
  assert.equal(put.status, 200, put.dump);
  const run = await stack.admin('POST', `/tenants/${t.name}/mapping/reapply`);
  assert.equal(run.status, 202, run.dump);
  await stack.until(
    'the re-apply',
    async () => (await stack.admin('GET', `/tenants/${t.name}/mapping/reapply/${run.body.runId}`)).body.finished,
  );
  assert.deepEqual(await tags(), sorted([...merchant, 'staff']), 'the old static tag is replaced, the merchant tags stay');

  // deactivated and back
  await stack.scim(t, 'PATCH', `/Users/${userId}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
  assert.deepEqual(await tags(), sorted([...merchant, 'staff', 'scim-deactivated']), 'deactivation adds its tag only');
  await stack.scim(t, 'PATCH', `/Users/${userId}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true } }] });
  assert.deepEqual(await tags(), sorted([...merchant, 'staff']), 'reactivation removes only its own tag');
});

test('a merchant tag that happens to start like a group tag is still the merchant’s', async () => {
  const t = await stack.tenant('tags-lookalike');
  const userId = idOf(
    await stack.scim(t, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'omar@example.com',
      name: { givenName: 'Omar', familyName: 'Haddad' },
      emails: [{ value: 'omar@example.com', type: 'work', primary: true }],
    }),
  );
  const customer = await stack.until('the customer', () => stack.customerOf(t, userId));
  stack.emu.control.addTags(customer.id, ['group:VIP Club']);
  const put = await stack.admin('PUT', `/tenants/${t.name}/tags`, { static: ['members'] });
  assert.equal(put.status, 200, put.dump);
  const run = await stack.admin('POST', `/tenants/${t.name}/mapping/reapply`);
  await stack.until(
    'the re-apply',
    async () => (await stack.admin('GET', `/tenants/${t.name}/mapping/reapply/${run.body.runId}`)).body.finished,
  );
  assert.deepEqual(sorted((await stack.customerOf(t, userId))?.tags), ['group:VIP Club', 'members']);
});
