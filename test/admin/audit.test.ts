// The audit log over HTTP: every kind of change (tenant, tokens, shop, mapping, tags, policies, targets, schemas,
// SCIM writes) leaves an entry with its actor, action and time, read back newest first, paged and filtered by action;
// no token, access token, client secret or target credential ever appears in an entry.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRecord } from '../../src/store/resources.js';
import { startAdminStack, idOf } from './harness.js';

const stack = await startAdminStack({ emulator: { clientId: 'cid-1', clientSecret: 'client-secret-xyz-987' } });
after(() => stack.close());

/** An entry as the API answers it: the store's record, its detail an object. */
type Entry = Omit<AuditRecord, 'detail'> & { detail: Record<string, unknown> };

/** Every entry of a tenant's log, walking the pages back with `before`. */
async function wholeLog(tenant: string, query = ''): Promise<Entry[]> {
  const all: Entry[] = [];
  let before: number | null | undefined;
  do {
    const r = await stack.admin('GET', `/tenants/${tenant}/audit?limit=3${query}${before ? `&before=${before}` : ''}`);
    assert.equal(r.status, 200, r.dump);
    assert.ok(r.body.entries.length <= 3);
    all.push(...r.body.entries);
    before = r.body.next;
  } while (before);
  return all;
}

test('each admin change and each SCIM write leaves an entry with actor, action and time, and no secret', async () => {
  const started = new Date().toISOString();
  const t = await stack.tenant('audited'); // tenant.create, shop.connect, token.create 'idp'
  const secrets = [
    stack.emu.accessToken,
    t.token,
    'remote-secret-token-123',
    'whsec_aGVsbG8gd29ybGQgdGhpcyBpcyBzZWNyZXQ=',
    'client-secret-xyz-987',
  ];
  const extra = await stack.admin('POST', `/tenants/${t.name}/tokens`, { label: 'website' });
  secrets.push(extra.body.token);
  assert.equal((await stack.admin('DELETE', `/tenants/${t.name}/tokens/${extra.body.id}`)).status, 204);
  assert.equal((await stack.admin('PUT', `/tenants/${t.name}/policies`, { deprovision: 'tag', adoption: 'off' })).status, 200);
  assert.equal((await stack.admin('POST', `/tenants/${t.name}/mapping/preset`, { name: 'okta' })).status, 200);
  assert.equal((await stack.admin('PUT', `/tenants/${t.name}/tags`, { static: ['staff'] })).status, 200);
  const scim = await stack.admin('POST', `/tenants/${t.name}/targets`, {
    id: 'crm',
    kind: 'scim',
    baseUrl: 'https://other.example.com/scim/v2',
    token: 'remote-secret-token-123',
  });
  assert.equal(scim.status, 201, scim.dump);
  const hook = await stack.admin('POST', `/tenants/${t.name}/targets`, {
    id: 'hook',
    kind: 'webhook',
    url: 'https://hooks.example.com/in',
  });
  assert.equal(hook.status, 201, hook.dump);
  secrets.push(hook.body.secret);
  assert.equal(
    (
      await stack.admin('PUT', `/tenants/${t.name}/targets/hook`, {
        kind: 'webhook',
        url: 'https://hooks.example.com/in',
        secret: secrets[3],
      })
    ).status,
    200,
  );
  assert.equal(
    (
      await stack.admin('PUT', `/tenants/${t.name}/targets/crm`, {
        kind: 'scim',
        baseUrl: 'https://other.example.com/scim/v3',
        token: 'set',
      })
    ).status,
    200,
  );
  assert.equal((await stack.admin('DELETE', `/tenants/${t.name}/targets/hook`)).status, 204);
  const schema = {
    id: 'urn:example:params:scim:schemas:extension:audit:2.0:User',
    name: 'AuditUser',
    attributes: [{ name: 'badge', type: 'string' }],
  };
  assert.equal((await stack.admin('PUT', `/tenants/${t.name}/schemas`, { schemas: [schema] })).status, 200);
  const user = idOf(
    await stack.scim(t, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'audit.person@example.com',
      name: { givenName: 'Audrey', familyName: 'Trail' },
      emails: [{ value: 'audit.person@example.com', primary: true }],
    }),
  );
  assert.equal((await stack.admin('DELETE', `/tenants/${t.name}/shop`)).status, 204);
  const cc = await stack.admin('PUT', `/tenants/${t.name}/shop`, {
    shop: stack.emu.shop,
    apiBaseUrl: stack.emu.url,
    clientId: 'cid-1',
    clientSecret: 'client-secret-xyz-987',
  });
  assert.equal(cc.status, 200, cc.dump);

  const log = await wholeLog(t.name);
  const ids = log.map((e) => e.id);
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => b - a),
    'newest first',
  );
  assert.equal(new Set(ids).size, ids.length, 'pages neither overlap nor repeat');
  const byAction = (action: string) => log.filter((e) => e.action === action);
  const one = (action: string, actor: string) => {
    const list = byAction(action);
    assert.ok(list.length >= 1, `no ${action} entry in ${JSON.stringify(log.map((e) => e.action))}`);
    for (const e of list) {
      assert.equal(e.actor, actor, `${action} is recorded as done by ${actor}`);
      assert.ok(e.at >= started && e.at <= new Date().toISOString(), `${action} has the time it happened: ${e.at}`);
    }
    return list;
  };
  assert.equal(one('tenant.create', 'admin')[0]!.resourceId, t.id);
  assert.deepEqual(
    one('token.create', 'admin')
      .map((e) => e.detail.label)
      .sort(),
    ['idp', 'website'],
  );
  assert.equal(one('token.revoke', 'admin')[0]!.resourceId, extra.body.id);
  assert.deepEqual(one('policies.replace', 'admin')[0]!.detail.keys, ['adoption', 'deprovision']);
  assert.deepEqual(
    one('mapping.save', 'admin').map((e) => e.detail.source),
    ['tags', 'preset:okta'],
  );
  assert.deepEqual(
    one('target.create', 'admin').map((e) => [e.resourceId, e.detail.credential]),
    [
      ['hook', 'generated'],
      ['crm', 'set'],
    ],
  );
  assert.deepEqual(
    one('target.replace', 'admin').map((e) => [e.resourceId, e.detail.credential]),
    [
      ['crm', 'kept'],
      ['hook', 'set'],
    ],
  );
  assert.equal(one('target.delete', 'admin')[0]!.resourceId, 'hook');
  assert.deepEqual(one('schemas.replace', 'admin')[0]!.detail.schemas, [schema.id]);
  assert.deepEqual(
    one('shop.connect', 'admin').map((e) => e.detail.auth),
    ['clientCredentials', 'token'],
  );
  assert.equal(one('shop.disconnect', 'admin')[0]!.resourceId, stack.emu.shop);
  const created = one('user.create', `client:${(await stack.admin('GET', `/tenants/${t.name}/tokens`)).body.tokens[0].id}`);
  assert.equal(created[0]!.resourceId, user);

  const text = JSON.stringify(log);
  for (const s of secrets) assert.ok(!text.includes(s), `a secret reached the audit log: ${s.slice(0, 8)}…`);
  for (const personal of ['audit.person@example.com', 'Audrey', 'Trail'])
    assert.ok(!text.includes(personal), `personal data reached the audit log: ${personal}`);
  // the credential a PUT kept is still the one sent first, not the "set" marker
  const stored = await stack.store.db.selectFrom('tenants').select('settings').where('id', '=', t.id).executeTakeFirstOrThrow();
  const crm = (JSON.parse(stored.settings).targets as { id: string; token: string }[]).find((x) => x.id === 'crm')!;
  assert.equal(stack.box.open(crm.token), 'remote-secret-token-123');
});

test('the log filters by action prefix, pages with before, and refuses a bad query', async () => {
  const t = await stack.tenant('filtered', { connect: false });
  for (const label of ['a', 'b', 'c']) assert.equal((await stack.admin('POST', `/tenants/${t.name}/tokens`, { label })).status, 201);
  const tokens = await stack.admin('GET', `/tenants/${t.name}/audit?action=token.`);
  assert.deepEqual(
    tokens.body.entries.map((e: Entry) => e.detail.label),
    ['c', 'b', 'a', 'idp'],
    tokens.dump,
  );
  assert.equal(tokens.body.next, null);
  const first = await stack.admin('GET', `/tenants/${t.name}/audit?action=token.create&limit=2`);
  assert.deepEqual(
    first.body.entries.map((e: Entry) => e.detail.label),
    ['c', 'b'],
  );
  const rest = await stack.admin('GET', `/tenants/${t.name}/audit?action=token.create&limit=2&before=${first.body.next}`);
  assert.deepEqual(
    rest.body.entries.map((e: Entry) => e.detail.label),
    ['a', 'idp'],
  );
  assert.deepEqual((await stack.admin('GET', `/tenants/${t.name}/audit?action=token_`)).body.entries, [], '"_" is no wildcard');
  assert.deepEqual(
    (await wholeLog(t.name, '&action=tenant.')).map((e) => e.action),
    ['tenant.create'],
  );
  const other = await wholeLog('audited', '&action=token.');
  assert.ok(
    other.every((e) => !['a', 'b', 'c'].includes(e.detail.label as string)),
    "one tenant never sees another tenant's log",
  );
  for (const q of ['limit=0', 'limit=abc', 'limit=501', 'before=-1', 'action=%25']) {
    const bad = await stack.admin('GET', `/tenants/${t.name}/audit?${q}`);
    assert.equal(bad.status, 400, `${q}: ${bad.dump}`);
    assert.equal(bad.body.error, 'BAD_REQUEST');
  }
  assert.equal((await stack.admin('GET', '/tenants/nobody/audit')).status, 404);
  assert.equal((await stack.admin('GET', `/tenants/${t.name}/audit`, undefined, { token: null })).status, 401);
});
