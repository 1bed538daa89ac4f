// The admin API's own defences, through real HTTP: the session cookie's flags (HttpOnly, SameSite=Strict, Path=/admin,
// Secure over https: directly, through a trusted proxy, or with an https PUBLIC_URL), CSRF tokens bound to their
// session, a per-address rate limit on every admin route, and the lock-out of an address guessing ADMIN_TOKEN.
// (test/admin/sessions.test.ts covers sign-in, the sign-in rate limit and CSRF on writes.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, type AdminStack } from '../admin/harness.js';
import { call } from '../helpers/http.js';

const PASSWORD = 'a long enough password';
let stack: AdminStack;
before(async () => {
  stack = await startAdminStack({ env: { ADMIN_RATE_LIMIT: '30', LOCKOUT_FAILURES: '3', LOCKOUT_SECONDS: '60' } });
  await stack.signIn('owner', PASSWORD);
});
after(() => stack?.close());

const signIn = (headers: Record<string, string> = {}, s = stack) =>
  call('POST', `${s.bridge.url}/admin/api/session`, { headers, body: { username: 'owner', password: PASSWORD } });

const cookieOf = (r: { headers: Headers }) => {
  const c = r.headers.get('set-cookie') ?? '';
  return { raw: c, value: /scim_admin_session=([^;]+)/.exec(c)?.[1] ?? '' };
};

test('the session cookie is HttpOnly, SameSite=Strict and scoped to /admin; Secure only over https', async () => {
  const plain = await signIn({ 'x-forwarded-for': '198.51.100.30' });
  assert.equal(plain.status, 200, plain.dump);
  const c = cookieOf(plain).raw;
  assert.match(c, /HttpOnly/i);
  assert.match(c, /SameSite=Strict/i);
  assert.match(c, /Path=\/admin/i);
  assert.doesNotMatch(c, /Secure/i, 'plain http: a Secure cookie would never come back');
  // behind a TLS-terminating proxy on loopback (a trusted one), the cookie is Secure
  const proxied = await signIn({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.31' });
  assert.match(cookieOf(proxied).raw, /;\s*Secure/i);
});

test('with an https PUBLIC_URL the cookie is Secure even when the proxy does not say https', async () => {
  const s = await startAdminStack({ env: { PUBLIC_URL: 'https://scim.example.com' } });
  try {
    await s.signIn('owner', PASSWORD);
    const r = await signIn({}, s);
    assert.equal(r.status, 200, r.dump);
    assert.match(cookieOf(r).raw, /;\s*Secure/i);
  } finally {
    await s.close();
  }
});

test("a session's CSRF token works with that session only", async () => {
  const one = await signIn({ 'x-forwarded-for': '198.51.100.32' });
  const two = await signIn({ 'x-forwarded-for': '198.51.100.33' });
  const write = (cookie: string, csrf: string) =>
    call('POST', `${stack.bridge.url}/admin/api/tenants`, {
      headers: { cookie: `scim_admin_session=${cookie}`, 'x-csrf-token': csrf },
      body: { name: 'csrf-cross' },
    });
  const crossed = await write(cookieOf(two).value, one.body.csrfToken);
  assert.equal(crossed.status, 403, crossed.dump);
  assert.equal(crossed.body.error, 'CSRF_FAILED');
  assert.equal((await stack.admin('GET', '/tenants/csrf-cross')).status, 404, 'the forged write changed nothing');
  assert.equal((await write(cookieOf(two).value, two.body.csrfToken)).status, 201);
});

test('every admin route is rate limited per client address: 429 with Retry-After, other addresses unaffected', async () => {
  const ip = '198.51.100.40';
  const get = (from: string) => stack.admin('GET', '/tenants', undefined, { headers: { 'x-forwarded-for': from } });
  const answers = [];
  for (let i = 0; i < 32; i++) answers.push(await get(ip));
  assert.equal(answers.filter((r) => r.status === 200).length, 30, answers.map((r) => r.status).join(','));
  const limited = answers.at(-1)!;
  assert.equal(limited.status, 429, limited.dump);
  assert.equal(limited.body.error, 'RATE_LIMITED');
  assert.match(limited.body.message, /more than 30 admin requests a minute/);
  assert.ok(Number(limited.headers.get('retry-after')) > 0, limited.dump);
  assert.equal((await get('198.51.100.41')).status, 200);
});

test('an address guessing ADMIN_TOKEN is locked out before the token is compared; others are not', async () => {
  const ip = '203.0.113.50';
  const as = (token: string, from = ip) => stack.admin('GET', '/tenants', undefined, { token, headers: { 'x-forwarded-for': from } });
  assert.equal((await as('wrong-admin-token-1')).status, 401);
  assert.equal((await as('wrong-admin-token-2')).status, 401);
  const locked = await as('wrong-admin-token-3');
  assert.equal(locked.status, 429, locked.dump);
  assert.match(locked.body.message, /too many invalid admin tokens/);
  assert.ok(Number(locked.headers.get('retry-after')) >= 59, locked.dump);
  assert.equal((await as(stack.adminToken!)).status, 429, 'even the right token waits for the lock to end');
  assert.equal((await as(stack.adminToken!, '203.0.113.51')).status, 200);
});
