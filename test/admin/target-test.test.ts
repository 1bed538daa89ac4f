// "Send test event" and the demo's one-click shop over real HTTP: a webhook target receives a signed test event (the
// signature checked with the secret shown when the target was made); a SCIM target gets a probe that writes nothing;
// a refusing or unreachable target is a clear explanation, never an error page; the demo connects a tenant to its
// emulator in one call, and a bridge without one says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAdminStack, type AdminStack, type TenantHandle } from './harness.js';
import { verifyStandardWebhook } from '../../src/sync/targets/standard-webhooks.js';

let s: AdminStack;
let t: TenantHandle;
let scimSide: TenantHandle;
let rx: { url: string; received: { headers: IncomingMessage['headers']; body: string }[]; status: number; server: Server };

before(async () => {
  s = await startAdminStack({ emulatorShop: true });
  t = await s.tenant('probe');
  scimSide = await s.tenant('probe-crm', { connect: false });
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(rx.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rx = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, status: 204, server };
});
after(async () => {
  await new Promise((r) => rx?.server.close(r));
  await s?.close();
});

test('a webhook target receives a signed test event that verifies with its secret, and the answer says it was accepted', async () => {
  const made = await s.admin('POST', `/tenants/${t.name}/targets`, { id: 'hooks', kind: 'webhook', url: rx.url });
  assert.equal(made.status, 201, made.dump);
  const secret: string = made.body.secret;
  const r = await s.admin('POST', `/tenants/${t.name}/targets/hooks/test`);
  assert.equal(r.status, 200, r.dump);
  assert.deepEqual([r.body.ok, r.body.kind, r.body.status, r.body.code], [true, 'webhook', 204, null], r.dump);
  assert.match(r.body.message, /accepted the signed test event/);
  assert.equal(rx.received.length, 1);
  const got = rx.received[0]!;
  assert.ok(verifyStandardWebhook(got.headers as Record<string, string>, got.body, secret), 'the signature verifies with the secret');
  assert.ok(
    !verifyStandardWebhook(got.headers as Record<string, string>, got.body, 'whsec_' + Buffer.from('another key').toString('base64')),
    'and with no other',
  );
  const event = JSON.parse(got.body);
  assert.deepEqual([event.type, event.data.tenant, event.data.targetId], ['test', 'probe', 'hooks']);
  const audit = await s.admin('GET', `/tenants/${t.name}/audit?action=target.test`);
  assert.deepEqual(audit.body.entries[0].detail, { ok: true, status: 204 });
});

test('a receiver that refuses or cannot be reached is explained with what to change', async () => {
  rx.status = 401;
  try {
    const r = await s.admin('POST', `/tenants/${t.name}/targets/hooks/test`);
    assert.equal(r.status, 200, 'the test ran; its result is the answer');
    assert.deepEqual([r.body.ok, r.body.status, r.body.code], [false, 401, 'TARGET_HTTP'], r.dump);
    assert.match(r.body.message, /answered HTTP 401.*verifies signatures with this target's secret/);
  } finally {
    rx.status = 204;
  }
  const closed = await s.admin('POST', `/tenants/${t.name}/targets`, {
    id: 'nowhere',
    kind: 'webhook',
    url: 'http://127.0.0.1:9/hooks',
    timeoutMs: 2000,
  });
  assert.equal(closed.status, 201, closed.dump);
  const r = await s.admin('POST', `/tenants/${t.name}/targets/nowhere/test`);
  assert.deepEqual([r.body.ok, r.body.status, r.body.code], [false, null, 'TARGET_NETWORK'], r.dump);
  assert.match(r.body.message, /cannot reach .*Check the address/);
  const unknown = await s.admin('POST', `/tenants/${t.name}/targets/missing/test`);
  assert.deepEqual([unknown.status, unknown.body.error], [404, 'NOT_FOUND']);
  const foreign = await s.admin('POST', `/tenants/${scimSide.name}/targets/hooks/test`);
  assert.equal(foreign.status, 404, "another tenant's target is not reachable through this one");
});

test('a SCIM target gets a probe that reads its ServiceProviderConfig and one user with the token, and writes nothing', async () => {
  const base = `${s.bridge.url}/scim/v2/${scimSide.name}`;
  const made = await s.admin('POST', `/tenants/${t.name}/targets`, { id: 'crm', kind: 'scim', baseUrl: base, token: scimSide.token });
  assert.equal(made.status, 201, made.dump);
  const usersBefore = (await s.scim(scimSide, 'GET', '/Users')).body.totalResults;
  const r = await s.admin('POST', `/tenants/${t.name}/targets/crm/test`);
  assert.deepEqual([r.body.ok, r.body.kind, r.body.status], [true, 'scim', 200], r.dump);
  assert.match(r.body.message, /ServiceProviderConfig and a one-user read with the token .*nothing was written/);
  assert.equal((await s.scim(scimSide, 'GET', '/Users')).body.totalResults, usersBefore);

  const wrong = await s.admin('PUT', `/tenants/${t.name}/targets/crm`, {
    id: 'crm',
    kind: 'scim',
    baseUrl: base,
    token: 'scim_not_a_real_token',
  });
  assert.equal(wrong.status, 200, wrong.dump);
  const refused = await s.admin('POST', `/tenants/${t.name}/targets/crm/test`);
  assert.deepEqual([refused.body.ok, refused.body.status], [false, 401], refused.dump);
  assert.match(refused.body.message, /refused the token: issue a new one there/);
  assert.ok(!refused.text.includes('scim_not_a_real_token'), 'the token is never echoed');

  const lost = await s.admin('PUT', `/tenants/${t.name}/targets/crm`, {
    id: 'crm',
    kind: 'scim',
    baseUrl: `${s.bridge.url}/not-scim`,
    token: scimSide.token,
  });
  assert.equal(lost.status, 200, lost.dump);
  const nowhere = await s.admin('POST', `/tenants/${t.name}/targets/crm/test`);
  assert.deepEqual([nowhere.body.ok, nowhere.body.status], [false, 404], nowhere.dump);
  assert.match(nowhere.body.message, /no SCIM API at this address: the base URL is the part before \/Users/);
});

test("the demo's emulator connects a tenant in one call; a bridge without one answers 404 and connects nothing", async () => {
  const fresh = await s.tenant('probe-demo', { connect: false });
  assert.equal((await s.admin('GET', `/tenants/${fresh.name}/shop`)).body.connected, false);
  const r = await s.admin('POST', `/tenants/${fresh.name}/shop/emulator`);
  assert.equal(r.status, 200, r.dump);
  const shop = await s.admin('GET', `/tenants/${fresh.name}/shop`);
  assert.deepEqual([shop.body.connected, shop.body.shop, shop.body.clientSecret], [true, s.emu.shop, 'set'], shop.dump);
  const audit = await s.admin('GET', `/tenants/${fresh.name}/audit?action=shop.connect`);
  assert.equal(audit.body.entries.length, 1);
  const session = await s.admin('GET', '/session');
  assert.equal(session.body.features.emulator, true, 'the UI is told to offer it');
  const unknown = await s.admin('POST', '/tenants/no-such/shop/emulator');
  assert.equal(unknown.status, 404);

  const plain = await startAdminStack();
  try {
    const p = await plain.tenant('plain', { connect: false });
    const refused = await plain.admin('POST', `/tenants/${p.name}/shop/emulator`);
    assert.deepEqual([refused.status, refused.body.error], [404, 'NOT_FOUND'], refused.dump);
    assert.match(refused.body.message, /no built-in Shopify emulator/);
    assert.equal((await plain.admin('GET', `/tenants/${p.name}/shop`)).body.connected, false);
    assert.equal((await plain.admin('GET', '/session')).body.features.emulator, false);
  } finally {
    await plain.close();
  }
});
