// Tenants and tokens through the admin API: create and list, the settings summary that never shows a secret, tokens
// shown once, and a revoked token that stops working at once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startAdminStack } from './harness.js';

const run = promisify(execFile);

const stack = await startAdminStack();
after(() => stack.close());

test('a tenant created through the API is listed with its SCIM base URL', async () => {
  const r = await stack.admin('POST', '/tenants', { name: 'north-store', displayName: 'North' });
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body.scimBaseUrl, `${stack.bridge.url}/scim/v2/north-store`);
  const list = await stack.admin('GET', '/tenants');
  assert.deepEqual(
    list.body.tenants.filter((t: { name: string }) => t.name === 'north-store').map((t: { displayName: string }) => t.displayName),
    ['North'],
    list.dump,
  );
});

test('a second tenant of the same name is a 409, a name that cannot be a URL segment a 400', async () => {
  await stack.admin('POST', '/tenants', { name: 'twice' });
  const again = await stack.admin('POST', '/tenants', { name: 'twice' });
  assert.equal(again.status, 409, again.dump);
  assert.equal(again.body.error, 'TENANT_EXISTS');
  const bad = await stack.admin('POST', '/tenants', { name: 'Not A Slug' });
  assert.equal(bad.status, 400, bad.dump);
  assert.equal(bad.body.error, 'INVALID_TENANT');
  assert.match(bad.body.message, /lower-case letters, digits or dashes/);
});

test('the summary shows every setting but no secret: credentials appear only as "set"', async () => {
  const t = await stack.tenant('summary');
  const target = await stack.admin('POST', `/tenants/${t.name}/targets`, {
    kind: 'scim',
    baseUrl: 'https://other.example.com/scim/v2',
    token: 'remote-secret-token-123',
  });
  assert.equal(target.status, 201, target.dump);
  const r = await stack.admin('GET', `/tenants/${t.name}`);
  assert.equal(r.status, 200, r.dump);
  assert.equal(r.body.shop.connected, true);
  assert.equal(r.body.shop.accessToken, 'set');
  assert.equal(r.body.shop.shop, stack.emu.shop);
  assert.equal(r.body.targets.list[0].token, 'set');
  assert.equal(r.body.mapping.version, 0, 'no mapping saved yet: the default preset applies');
  assert.equal(r.body.mapping.preset, 'default');
  assert.equal(r.body.policies.policies.deprovision, 'tag');
  assert.deepEqual(r.body.tokens, { active: 1, revoked: 0 });
  for (const secret of [stack.emu.accessToken, 'remote-secret-token-123', t.token])
    assert.ok(!r.text.includes(secret), `a secret leaked into the summary: ${r.dump}`);
  const stored = await stack.store.db.selectFrom('tenants').select('settings').where('id', '=', t.id).executeTakeFirstOrThrow();
  for (const secret of [stack.emu.accessToken, 'remote-secret-token-123'])
    assert.ok(!stored.settings.includes(secret), 'secrets are sealed at rest');
});

test('a token is shown once when issued, listed by prefix after, and revoking it locks its client out', async () => {
  const t = await stack.tenant('tokens', { connect: false });
  const issued = await stack.admin('POST', `/tenants/${t.name}/tokens`, { label: 'entra' });
  assert.equal(issued.status, 201, issued.dump);
  assert.match(issued.body.token, /^scim_/);
  const listed = await stack.admin('GET', `/tenants/${t.name}/tokens`);
  assert.deepEqual(
    listed.body.tokens.map((c: { label: string }) => c.label),
    ['idp', 'entra'],
    listed.dump,
  );
  assert.ok(!listed.text.includes(issued.body.token), 'the list never shows a token');
  const entra = { ...t, token: issued.body.token as string };
  assert.equal((await stack.scim(entra, 'GET', '/Users')).status, 200);
  const del = await stack.admin('DELETE', `/tenants/${t.name}/tokens/${issued.body.id}`);
  assert.equal(del.status, 204, del.dump);
  assert.equal((await stack.scim(entra, 'GET', '/Users')).status, 401, 'a revoked token is refused');
  assert.equal((await stack.scim(t, 'GET', '/Users')).status, 200, 'the other token still works');
  const gone = await stack.admin('DELETE', `/tenants/${t.name}/tokens/no-such-client`);
  assert.equal(gone.status, 404, gone.dump);
});

test('a token needs a label', async () => {
  const r = await stack.admin('POST', '/tenants/tokens/tokens', {});
  assert.equal(r.status, 400, r.dump);
  assert.match(r.body.message, /label/);
});

test('a new token comes with curl and fetch examples that, pasted as they are, create a user', async () => {
  const byCurl = await stack.tenant('paste-curl');
  const byFetch = await stack.tenant('paste-fetch');
  for (const [t, kind] of [
    [byCurl, 'curl'],
    [byFetch, 'fetch'],
  ] as const) {
    const issued = await stack.admin('POST', `/tenants/${t.name}/tokens`, { label: 'signup form' });
    assert.equal(issued.status, 201, issued.dump);
    const snippet: string = issued.body.examples[kind];
    assert.ok(snippet.includes(`${stack.bridge.url}/scim/v2/${t.name}/Users`) && snippet.includes(issued.body.token), snippet);
    const { stdout } =
      kind === 'curl'
        ? await run('sh', ['-c', snippet], { timeout: 20_000 })
        : await run(process.execPath, ['--input-type=module', '-e', snippet], { timeout: 20_000 });
    if (kind === 'curl') assert.equal(JSON.parse(stdout).userName, 'sam@example.com', stdout);
    else assert.match(stdout, /^201 /, stdout);
    const users = await stack.scim(t, 'GET', '/Users?filter=userName eq "sam@example.com"');
    assert.equal(users.body.totalResults, 1, `the ${kind} example created the user: ${users.dump}`);
    const id = users.body.Resources[0].id as string;
    await stack.until(`the ${kind} example's customer in Shopify`, () => stack.customerOf(t, id));
  }
});
