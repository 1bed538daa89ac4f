// Who the audit log says made a change: the signed-in admin UI user as `admin:<username>` (shown as Admin "<name>"
// in the activity log, of kind admin), the ADMIN_TOKEN bearer as plain `admin`, for every kind of change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf, type AdminStack, type SessionHandle, type TenantHandle } from './harness.js';

let s: AdminStack;
let t: TenantHandle;
let ui: SessionHandle;
before(async () => {
  s = await startAdminStack();
  t = await s.tenant('actors');
  ui = await s.signIn('merchant');
});
after(async () => {
  await s?.close();
});

const entries = async (action: string) =>
  (await s.admin('GET', `/tenants/${t.name}/audit?action=${action}`)).body.entries as { actor: string; action: string }[];

test('changes made from a signed-in session are recorded as admin:<username>, those made with the admin token as admin', async () => {
  const viaUi: [string, string, unknown][] = [
    ['PUT', `/tenants/${t.name}/policies`, { adoption: 'off' }],
    ['PUT', `/tenants/${t.name}/privacy`, { maskPersonalData: false }],
    ['POST', `/tenants/${t.name}/tokens`, { label: 'entra' }],
    ['POST', `/tenants/${t.name}/mapping/preset`, { name: 'okta' }],
    ['POST', `/tenants/${t.name}/targets`, { id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/hook' }],
  ];
  for (const [method, path, body] of viaUi) {
    const r = await ui.call(method, path, body);
    assert.ok(r.status < 300, r.dump);
  }
  const user = idOf(
    await s.scim(t, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'actor@example.com' }),
  );
  assert.equal((await ui.call('POST', `/tenants/${t.name}/users/${user}/sync`)).status, 202);
  for (const action of ['policies.replace', 'privacy.replace', 'token.create', 'mapping.save', 'target.create', 'user.resync']) {
    const e = await entries(action);
    assert.ok(
      e.some((x) => x.actor === 'admin:merchant'),
      `${action}: ${JSON.stringify(e)}`,
    );
  }
  const versions = await s.admin('GET', `/tenants/${t.name}/mapping/versions`);
  assert.equal(versions.body.versions[0].savedBy, 'admin:merchant', versions.dump);

  assert.equal((await s.admin('PUT', `/tenants/${t.name}/policies`, {})).status, 200);
  const policies = await entries('policies.replace');
  assert.deepEqual(
    policies.map((e) => e.actor),
    ['admin', 'admin:merchant'],
    'the bearer token names no person',
  );
  assert.ok((await entries('tenant.create')).every((e) => e.actor === 'admin'));
});

test('the activity log names the signed-in admin and counts the change as an admin one', async () => {
  const r = await ui.call('GET', `/tenants/${t.name}/activity?kind=admin&limit=100`);
  assert.equal(r.status, 200, r.dump);
  const mine = (r.body.entries as { actor: string; actorLabel: string; kind: string }[]).filter((e) => e.actor === 'admin:merchant');
  assert.ok(mine.length >= 6, r.dump);
  assert.ok(mine.every((e) => e.actorLabel === 'Admin "merchant"' && e.kind === 'admin'));
  assert.ok(r.body.entries.some((e: { actor: string; actorLabel: string }) => e.actor === 'admin' && e.actorLabel === 'Admin'));
});

test("a signed-in session reads one tenant's users and activity through its own paths only", async () => {
  const b = await s.tenant('actors-other');
  const theirs = idOf(
    await s.scim(b, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'someone.else@example.net' }),
  );
  const users = await ui.call('GET', `/tenants/${t.name}/users?q=someone`);
  assert.deepEqual([users.status, users.body.total], [200, 0], users.dump);
  const detail = await ui.call('GET', `/tenants/${t.name}/users/${theirs}`);
  assert.equal(detail.status, 404, detail.dump);
  const activity = await ui.call('GET', `/tenants/${t.name}/activity?limit=500`);
  assert.ok(!activity.text.includes(theirs) && !activity.text.includes('someone.else'), 'nothing of the other tenant');
  const csv = await ui.call('GET', `/tenants/${t.name}/activity.csv`);
  assert.ok(!csv.text.includes('someone.else'));
  assert.ok(
    (await ui.call('GET', `/tenants/${b.name}/activity?limit=500`)).text.includes('someone.else'),
    'and it is there under its own tenant',
  );
});
