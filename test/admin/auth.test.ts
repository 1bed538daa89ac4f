// The admin API's door: one bearer token compared in constant time, 401 without it or with a wrong one, 503 when no
// token is configured, JSON errors everywhere; and demo mode configures (and keeps) a token of its own.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAdminStack } from './harness.js';
import { loadConfig } from '../../src/config.js';
import { startDemo } from '../../src/cli/demo.js';
import { testDatabase } from '../helpers/db.js';

const stack = await startAdminStack();
after(() => stack.close());

test('the admin API refuses a request without a token, with 401 in JSON and a Bearer challenge', async () => {
  const r = await stack.admin('GET', '/tenants', undefined, { token: null });
  assert.equal(r.status, 401, r.dump);
  assert.equal(r.body.error, 'UNAUTHORIZED', r.dump);
  assert.match(r.body.message, /Authorization: Bearer/, r.dump);
  assert.match(String(r.headers.get('www-authenticate')), /^Bearer /);
});

test('the admin API refuses a wrong token, a token of another scheme and a SCIM token alike', async () => {
  const t = await stack.tenant('auth-a', { connect: false });
  for (const headers of [
    { authorization: `Bearer ${stack.adminToken}x` },
    { authorization: `Basic ${stack.adminToken}` },
    { authorization: `Bearer ${t.token}` },
  ]) {
    const r = await stack.admin('GET', '/tenants', undefined, { token: null, headers });
    assert.equal(r.status, 401, `${headers.authorization.slice(0, 12)}…: ${r.dump}`);
    assert.equal(r.body.error, 'UNAUTHORIZED');
  }
  const ok = await stack.admin('GET', '/tenants');
  assert.equal(ok.status, 200, ok.dump);
  assert.ok(
    ok.body.tenants.some((x: { name: string }) => x.name === 'auth-a'),
    ok.dump,
  );
});

test('the admin token opens nothing under /scim, and a SCIM token nothing under /admin/api', async () => {
  const t = await stack.tenant('auth-b', { connect: false });
  const r = await fetch(`${stack.bridge.url}/scim/v2/${t.name}/Users`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
  assert.equal(r.status, 401);
  assert.match(await r.text(), /urn:ietf:params:scim:api:messages:2.0:Error/, 'the SCIM side answers in the SCIM error schema');
});

test('errors are JSON {error, message} with the status that fits: 404 for an unknown tenant, 400 for bad JSON', async () => {
  const missing = await stack.admin('GET', '/tenants/nope');
  assert.equal(missing.status, 404, missing.dump);
  assert.deepEqual(Object.keys(missing.body).sort(), ['error', 'message']);
  assert.equal(missing.body.error, 'TENANT_NOT_FOUND');
  const bad = await stack.admin('PUT', '/tenants/auth-a/policies', '{"deprovision": ');
  assert.equal(bad.status, 400, bad.dump);
  assert.equal(bad.body.error, 'INVALID_JSON', bad.dump);
});

test('with no ADMIN_TOKEN configured the admin API answers 503 saying how to turn it on', async () => {
  const off = await startAdminStack({ adminToken: null });
  try {
    const r = await off.admin('GET', '/tenants', undefined, { token: null, headers: { authorization: 'Bearer anything-at-all-here' } });
    assert.equal(r.status, 503, r.dump);
    assert.equal(r.body.error, 'ADMIN_API_DISABLED');
    assert.match(r.body.message, /ADMIN_TOKEN/);
  } finally {
    await off.close();
  }
});

test(
  'demo mode configures an admin token, saves it with the credentials and keeps it across restarts',
  { skip: testDatabase === 'postgres' && 'demo mode runs on SQLite' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-demo-'));
    try {
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent' });
      const first = await startDemo(config);
      let token: string;
      try {
        token = first.credentials.adminToken;
        assert.ok(token.length >= 16, 'a usable admin token');
        const saved = JSON.parse(readFileSync(join(dir, 'demo-credentials.json'), 'utf8'));
        assert.equal(saved.adminToken, token, 'saved in demo-credentials.json');
        const r = await fetch(`${first.credentials.adminApiUrl}/tenants/demo`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await r.json()) as { name: string; shop: { connected: boolean } };
        assert.equal(r.status, 200, JSON.stringify(body));
        assert.equal(body.shop.connected, true, 'the demo tenant is connected to the emulator');
      } finally {
        await first.close();
      }
      const second = await startDemo(config);
      try {
        assert.equal(second.credentials.adminToken, token, 'a restart keeps the token');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
