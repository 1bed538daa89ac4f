// SSRF: outbound targets refuse loopback, private, link-local (cloud metadata), unique-local and reserved addresses,
// by default and through the real admin API: refused when saved (a clear 400, nothing stored) and when sent (a
// target saved before, or a name that resolves there now, fails for good without a connection being made).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startAdminStack, type AdminStack, type TenantHandle } from '../admin/harness.js';
import { mergeSettings } from '../helpers/stack.js';

let stack: AdminStack;
let acme: TenantHandle;
let receiver: Server;
let port: number;
let hits = 0;

before(async () => {
  receiver = createServer((_req, res) => {
    hits++;
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  port = (receiver.address() as { port: number }).port;
  // what a production bridge runs with: no TARGETS_ALLOW_PRIVATE
  stack = await startAdminStack({ env: { TARGETS_ALLOW_PRIVATE: '0' } });
  acme = await stack.tenant('acme');
});
after(async () => {
  await stack?.close();
  receiver?.close();
});

const HOSTILE = [
  () => `http://127.0.0.1:${port}/hook`,
  () => `http://localhost:${port}/hook`,
  () => 'http://169.254.169.254/latest/meta-data/',
  () => 'http://10.0.0.5/hook',
  () => 'http://192.168.1.1/hook',
  () => 'http://[::1]:8080/hook',
  () => 'http://[fd00:ec2::254]/latest',
  () => 'http://[fe80::1]/hook',
  () => 'http://[::ffff:127.0.0.1]/hook',
  () => 'http://0.0.0.0/hook',
];

test('a target on a private address is refused when saved: 400 naming the address and the setting, nothing stored', async () => {
  for (const make of HOSTILE) {
    const url = make();
    const web = await stack.admin('POST', '/tenants/acme/targets', { kind: 'webhook', id: 'w1', url });
    assert.equal(web.status, 400, `${url}: ${web.dump}`);
    assert.equal(web.body.error, 'INVALID_TARGET');
    assert.match(web.body.message, /target\.url: .*(private, loopback, link-local or reserved address).*TARGETS_ALLOW_PRIVATE/, web.dump);
    const scim = await stack.admin('POST', '/tenants/acme/targets', { kind: 'scim', id: 's1', baseUrl: url, token: 'remote-token' });
    assert.equal(scim.status, 400, `${url}: ${scim.dump}`);
    assert.match(scim.body.message, /target\.baseUrl: /);
  }
  const localhost = await stack.admin('POST', '/tenants/acme/targets', { kind: 'webhook', url: `http://localhost:${port}/` });
  assert.match(localhost.body.message, /localhost resolves to (127\.0\.0\.1|::1)/, 'a name is checked on what it resolves to');
  assert.deepEqual((await stack.admin('GET', '/tenants/acme/targets')).body.targets, [], 'nothing was stored');
  assert.equal(hits, 0);
});

test('a public target is accepted, and changing it to a private address is refused and keeps the old one', async () => {
  const ok = await stack.admin('POST', '/tenants/acme/targets', { kind: 'webhook', id: 'pub', url: 'https://93.184.215.14/hook' });
  assert.equal(ok.status, 201, ok.dump);
  const moved = await stack.admin('PUT', '/tenants/acme/targets/pub', { kind: 'webhook', url: 'http://127.0.0.1:9/hook' });
  assert.equal(moved.status, 400, moved.dump);
  assert.equal((await stack.admin('GET', '/tenants/acme/targets/pub')).body.url, 'https://93.184.215.14/hook');
  assert.equal((await stack.admin('DELETE', '/tenants/acme/targets/pub')).status, 204);
});

test('a private target already in the settings is refused when sent: the delivery fails for good and no connection is made', async () => {
  // saved before this check existed (or written straight into the database)
  await mergeSettings(stack.store, acme.id, {
    targets: [{ kind: 'webhook', id: 'old', url: `http://127.0.0.1:${port}/hook`, secret: stack.box.seal('whsec_aGVsbG8gd29ybGQ=') }],
  });
  const tested = await stack.admin('POST', '/tenants/acme/targets/old/test');
  assert.equal(tested.status, 200, tested.dump);
  assert.equal(tested.body.ok, false);
  assert.equal(tested.body.code, 'TARGET_ADDRESS_REFUSED', tested.dump);

  const created = await stack.scim(acme, 'POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'ssrf.probe@example.com',
    emails: [{ value: 'ssrf.probe@example.com', primary: true }],
  });
  assert.equal(created.status, 201, created.dump);
  const dead = await stack.until('the target delivery to fail for good', async () =>
    stack.store.db
      .selectFrom('outbox_jobs')
      .select(['state', 'last_error_code', 'last_error', 'attempts'])
      .where('queue', '=', 'target:old')
      .where('state', '=', 'dead')
      .executeTakeFirst(),
  );
  assert.equal(dead.last_error_code, 'TARGET_ADDRESS_REFUSED', JSON.stringify(dead));
  assert.match(dead.last_error!, /127\.0\.0\.1 is a private/);
  assert.equal(dead.attempts, 1, 'a refused address is not retried');
  assert.equal(hits, 0, 'the receiver on loopback never heard from the bridge');
});
