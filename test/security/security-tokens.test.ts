// SCIM bearer tokens through the real admin and SCIM APIs: 256 random bits, only a hash at rest, expiry (401 in the
// SCIM error schema), rotation with an overlap window, the per-token rate limit (429 + Retry-After) and the lock-out
// of an address that sends invalid tokens (429 before any look-up).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, type AdminStack, type TenantHandle } from '../admin/harness.js';
import { call, type Res } from '../helpers/http.js';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
let stack: AdminStack;
let acme: TenantHandle;

before(async () => {
  stack = await startAdminStack({ env: { SCIM_RATE_LIMIT: '8', LOCKOUT_FAILURES: '4', LOCKOUT_SECONDS: '30' } });
  acme = await stack.tenant('acme', { connect: false });
});
after(() => stack?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A SCIM read with a given token, from a given client address (the test talks to the bridge over loopback, a trusted proxy). */
const scimAs = (token: string, ip = '198.51.100.1', tenant = 'acme'): Promise<Res> =>
  call('GET', `${stack.bridge.url}/scim/v2/${tenant}/Users?count=1`, {
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': ip },
  });

function assertScimError(r: Res, status: number, detail?: RegExp): void {
  assert.equal(r.status, status, r.dump);
  assert.match(r.headers.get('content-type') ?? '', /application\/scim\+json/, r.dump);
  assert.deepEqual(r.body.schemas, [ERROR_SCHEMA], r.dump);
  assert.equal(r.body.status, String(status), r.dump);
  if (detail) assert.match(r.body.detail, detail, r.dump);
}

test('tokens carry 256 random bits, and the database holds only their SHA-256 hash and first characters', async () => {
  const a = await stack.admin('POST', '/tenants/acme/tokens', { label: 'entropy-a' });
  const b = await stack.admin('POST', '/tenants/acme/tokens', { label: 'entropy-b' });
  for (const r of [a, b]) {
    assert.equal(r.status, 201, r.dump);
    // scim_ + 43 base64url characters = 32 bytes from crypto.randomBytes
    assert.match(r.body.token, /^scim_[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(r.body.token.slice(5), 'base64url').length, 32);
  }
  assert.notEqual(a.body.token, b.body.token);
  const rows = await stack.store.db.selectFrom('clients').selectAll().where('label', 'like', 'entropy-%').execute();
  assert.equal(rows.length, 2);
  for (const row of rows) {
    const token = row.label === 'entropy-a' ? a.body.token : b.body.token;
    assert.match(row.token_hash, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(row).includes(token), 'no column holds the token');
    assert.ok(token.startsWith(row.token_prefix) && row.token_prefix.length === 11, 'only a short prefix is kept');
  }
  const list = await stack.admin('GET', '/tenants/acme/tokens');
  assert.ok(!list.text.includes(a.body.token) && !list.text.includes(b.body.token), 'lists never show a token');
});

test('a token with an expiry works until then and is refused after with 401 in the SCIM error schema', async () => {
  const tok = await stack.admin('POST', '/tenants/acme/tokens', { label: 'short-lived', expiresInSeconds: 1 });
  assert.equal(tok.status, 201, tok.dump);
  assert.ok(Date.parse(tok.body.expiresAt) > Date.now());
  assert.equal((await scimAs(tok.body.token, '198.51.100.10')).status, 200);
  await sleep(Date.parse(tok.body.expiresAt) - Date.now() + 50);
  assertScimError(await scimAs(tok.body.token, '198.51.100.10'), 401, /expired/);
  const listed = (await stack.admin('GET', '/tenants/acme/tokens')).body.tokens.find((c: { id: string }) => c.id === tok.body.id);
  assert.equal(listed.expiresAt, tok.body.expiresAt);
  const summary = await stack.admin('GET', '/tenants/acme');
  assert.ok(summary.body.tokens.revoked >= 1, 'an expired token no longer counts as active');

  const far = new Date(Date.now() + 30 * 86400_000).toISOString();
  const dated = await stack.admin('POST', '/tenants/acme/tokens', { label: 'dated', expiresAt: far });
  assert.equal(dated.status, 201, dated.dump);
  assert.equal(dated.body.expiresAt, far);
});

test('bad expiries are refused with 400 and create no token', async () => {
  const before = (await stack.admin('GET', '/tenants/acme/tokens')).body.tokens.length;
  for (const body of [
    { label: 'x', expiresAt: '2001-01-01T00:00:00Z' },
    { label: 'x', expiresAt: 'tomorrow' },
    { label: 'x', expiresAt: 5 },
    { label: 'x', expiresInSeconds: 0 },
    { label: 'x', expiresInSeconds: 1.5 },
    { label: 'x', expiresInSeconds: '60' },
    { label: 'x', expiresAt: new Date(Date.now() + 86400_000).toISOString(), expiresInSeconds: 60 },
    { label: 'x', expiresAt: '2999-01-01T00:00:00Z' },
  ]) {
    const r = await stack.admin('POST', '/tenants/acme/tokens', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.dump}`);
    assert.equal(r.body.error, 'BAD_REQUEST');
  }
  assert.equal((await stack.admin('GET', '/tenants/acme/tokens')).body.tokens.length, before);
});

test('rotation issues a new token; the old one works during the overlap and is refused after it', async () => {
  const old = await stack.admin('POST', '/tenants/acme/tokens', { label: 'okta' });
  const rotated = await stack.admin('POST', `/tenants/acme/tokens/${old.body.id}/rotate`, { overlapSeconds: 1 });
  assert.equal(rotated.status, 201, rotated.dump);
  assert.equal(rotated.body.label, 'okta');
  assert.notEqual(rotated.body.token, old.body.token);
  assert.equal(rotated.body.previous.id, old.body.id);
  assert.ok(rotated.body.examples.curl.includes(rotated.body.token), 'the examples use the new token');
  const ends = Date.parse(rotated.body.previous.expiresAt);
  assert.ok(ends > Date.now() && ends <= Date.now() + 1100, rotated.dump);
  assert.equal((await scimAs(old.body.token, '198.51.100.11')).status, 200, 'the old token works during the overlap');
  assert.equal((await scimAs(rotated.body.token, '198.51.100.11')).status, 200);
  await sleep(ends - Date.now() + 50);
  assertScimError(await scimAs(old.body.token, '198.51.100.11'), 401);
  assert.equal((await scimAs(rotated.body.token, '198.51.100.11')).status, 200, 'the new token goes on working');
  const again = await stack.admin('POST', `/tenants/acme/tokens/${old.body.id}/rotate`, {});
  assert.equal(again.status, 404, 'a token past its overlap cannot be rotated again');

  // overlap 0: the old token is revoked at once; the default overlap is one day
  const now = await stack.admin('POST', `/tenants/acme/tokens/${rotated.body.id}/rotate`, { overlapSeconds: 0 });
  assert.equal(now.status, 201, now.dump);
  assert.ok(now.body.previous.revokedAt);
  assertScimError(await scimAs(rotated.body.token, '198.51.100.11'), 401);
  const day = await stack.admin('POST', `/tenants/acme/tokens/${now.body.id}/rotate`);
  assert.equal(day.status, 201, day.dump);
  assert.ok(Math.abs(Date.parse(day.body.previous.expiresAt) - (Date.now() + 86400_000)) < 60_000);
  assert.equal((await scimAs(now.body.token, '198.51.100.11')).status, 200);

  for (const body of [{ overlapSeconds: -1 }, { overlapSeconds: 'soon' }, { expiresInSeconds: -3 }]) {
    const r = await stack.admin('POST', `/tenants/acme/tokens/${day.body.id}/rotate`, body);
    assert.equal(r.status, 400, r.dump);
  }
  assert.equal((await stack.admin('POST', `/tenants/acme/tokens/nope/rotate`, {})).status, 404);
  const audit = await stack.admin('GET', '/tenants/acme/audit?action=token.rotate');
  assert.equal(audit.body.entries.length, 3, audit.dump);
  assert.ok(!audit.text.includes(day.body.token), 'the audit log never holds a token');
});

test('each token has its own rate limit: beyond it, 429 in the SCIM error schema with Retry-After', async () => {
  const other = await stack.admin('POST', '/tenants/acme/tokens', { label: 'other-client' });
  const answers = await Promise.all(Array.from({ length: 14 }, () => scimAs(acme.token, '198.51.100.20')));
  const limited = answers.filter((r) => r.status === 429);
  assert.equal(answers.filter((r) => r.status === 200).length, 8, answers.map((r) => r.status).join(','));
  assert.equal(limited.length, 6);
  assertScimError(limited[0]!, 429, /more than 8 requests/);
  const retry = Number(limited[0]!.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 1, `Retry-After ${retry}`);
  assert.equal((await scimAs(other.body.token, '198.51.100.20')).status, 200, 'another token of the same address is not limited');
  await sleep(retry * 1000 + 50);
  assert.equal((await scimAs(acme.token, '198.51.100.20')).status, 200, 'the limit lifts after Retry-After');
});

test('an address sending invalid tokens is locked out (429, Retry-After) before any look-up; others are not', async () => {
  const ip = '203.0.113.7';
  for (let i = 1; i <= 3; i++) assertScimError(await scimAs(`scim_${'x'.repeat(42)}${i}`, ip), 401, /not valid/);
  const locked = await scimAs('scim_guess4', ip);
  assertScimError(locked, 429, /too many invalid bearer tokens/);
  assert.ok(Number(locked.headers.get('retry-after')) >= 29, locked.dump);
  // locked out: even a valid token, or no token, gets the same 429 until the lock ends
  assertScimError(await scimAs(acme.token, ip), 429);
  const none = await call('GET', `${stack.bridge.url}/scim/v2/acme/Users`, { headers: { 'x-forwarded-for': ip } });
  assertScimError(none, 429);
  assert.equal((await scimAs(acme.token, '203.0.113.8')).status, 200, 'another address is not affected');
  // expired tokens were real ones, not guesses: they never lock an address out
  const brief = await stack.admin('POST', '/tenants/acme/tokens', { label: 'brief', expiresInSeconds: 1 });
  await sleep(1100);
  for (let i = 0; i < 6; i++) assertScimError(await scimAs(brief.body.token, '203.0.113.9'), 401, /expired/);
  assert.equal((await scimAs(acme.token, '203.0.113.9')).status, 200);
});

test('a client on the internet cannot choose its address with X-Forwarded-For: only proxies on private networks are believed', async () => {
  const { buildApp } = await import('../../src/http/app.js');
  const app = await buildApp({ store: stack.store });
  app.get('/whoami', async (req) => ({ ip: req.ip }));
  await app.ready();
  const ask = (remoteAddress: string) =>
    app.inject({ method: 'GET', url: '/whoami', remoteAddress, headers: { 'x-forwarded-for': '192.0.2.99' } }).then((r) => r.json().ip);
  assert.equal(await ask('127.0.0.1'), '192.0.2.99', 'a proxy on loopback is believed');
  assert.equal(await ask('10.1.2.3'), '192.0.2.99', 'a proxy on a private network is believed');
  assert.equal(await ask('198.51.100.5'), '198.51.100.5', 'a public peer is not');
  await app.close();
});
