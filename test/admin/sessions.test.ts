// The admin UI's door over real HTTP: first-run set-up only with a sign-in link's grant, password sign-in with an
// HttpOnly SameSite=Strict cookie, CSRF tokens required on session writes, rate-limited attempts (429 with
// Retry-After), sessions stored hashed, and the OpenAPI description listing every admin route.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack } from './harness.js';
import { AdminAccounts } from '../../src/store/admin-accounts.js';
import { issueLoginLink } from '../../src/admin/accounts.js';
import { OPERATIONS } from '../../src/http/admin/openapi.js';

const stack = await startAdminStack();
after(() => stack.close());
const base = `${stack.bridge.url}/admin/api`;
const PASSWORD = 'a long enough password';

const cookieOf = (r: Response) => /scim_admin_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
const call = (method: string, path: string, opts: { cookie?: string; csrf?: string; body?: unknown } = {}) =>
  fetch(base + path, {
    method,
    headers: {
      ...(opts.cookie ? { cookie: `scim_admin_session=${opts.cookie}` } : {}),
      ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    redirect: 'manual',
  });

test('the first account can be made only with the grant of a one-time link, which works once', async () => {
  const refused = await call('POST', '/setup', { body: { username: 'owner', password: PASSWORD } });
  assert.equal(refused.status, 401, await refused.text());
  const link = await issueLoginLink(new AdminAccounts(stack.store.db, stack.store.dialect), stack.bridge.url);
  const opened = await fetch(link.url, { redirect: 'manual' });
  assert.equal(opened.status, 303);
  assert.equal(opened.headers.get('location'), '/admin/setup');
  const grant = cookieOf(opened)!;
  assert.match(opened.headers.get('set-cookie')!, /HttpOnly/i);
  assert.match(opened.headers.get('set-cookie')!, /SameSite=Strict/i);
  assert.equal(
    (await fetch(link.url, { redirect: 'manual' })).headers.get('location'),
    '/admin/?signin=link-expired',
    'a second use is refused',
  );
  const noCsrf = await call('POST', '/setup', { cookie: grant, body: { username: 'owner', password: PASSWORD } });
  assert.equal(noCsrf.status, 403, 'a session write without its CSRF token is refused');
  const session = (await (await call('GET', '/session', { cookie: grant })).json()) as { setupAllowed: boolean; csrfToken: string };
  assert.equal(session.setupAllowed, true);
  const short = await call('POST', '/setup', { cookie: grant, csrf: session.csrfToken, body: { username: 'owner', password: 'short' } });
  assert.equal(short.status, 400);
  assert.equal(((await short.json()) as { error: string }).error, 'BAD_REQUEST');
  const made = await call('POST', '/setup', { cookie: grant, csrf: session.csrfToken, body: { username: 'owner', password: PASSWORD } });
  assert.equal(made.status, 201, await made.clone().text());
  const again = await call('POST', '/setup', { body: { username: 'other', password: PASSWORD }, cookie: grant, csrf: session.csrfToken });
  assert.equal(again.status, 409, 'set-up happens once');
  const rows = await stack.store.db.selectFrom('admin_sessions').select('token_hash').execute();
  assert.ok(
    rows.length > 0 && rows.every((r) => r.token_hash !== grant && /^[0-9a-f]{64}$/.test(r.token_hash)),
    'sessions are stored as hashes',
  );
  const user = await stack.store.db.selectFrom('admin_users').selectAll().executeTakeFirstOrThrow();
  assert.match(user.password_hash, /^scrypt\$/);
  assert.ok(!user.password_hash.includes(PASSWORD));
});

test('a signed-in session reads the admin API and writes only with its CSRF token; the bearer token still works', async () => {
  const login = await call('POST', '/session', { body: { username: 'OWNER', password: PASSWORD } });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = cookieOf(login)!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  assert.equal((await call('GET', '/tenants', { cookie })).status, 200);
  const forged = await call('POST', '/tenants', { cookie, csrf: 'x'.repeat(43), body: { name: 'csrf-a' } });
  assert.equal(forged.status, 403);
  assert.equal(((await forged.json()) as { error: string }).error, 'CSRF_FAILED');
  assert.equal((await stack.admin('GET', '/tenants/csrf-a')).status, 404, 'the forged write changed nothing');
  assert.equal((await call('POST', '/tenants', { cookie, csrf: csrfToken, body: { name: 'csrf-a' } })).status, 201);
  assert.equal((await stack.admin('GET', '/tenants/csrf-a')).status, 200, 'ADMIN_TOKEN bearer auth is unchanged');
  assert.equal(
    (await call('DELETE', '/session', { cookie, csrf: csrfToken })).status,
    204,
    'signing out is a write: it carries the token too',
  );
  assert.equal((await call('GET', '/tenants', { cookie })).status, 401, 'a signed-out session opens nothing');
});

test('wrong passwords are refused alike for unknown names, and attempts are rate limited with Retry-After', async () => {
  const limited = await startAdminStack({});
  try {
    const b = `${limited.bridge.url}/admin/api/session`;
    const attempt = (username: string) =>
      fetch(b, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'not the password' }),
      });
    const unknown = await attempt('nobody');
    assert.equal(unknown.status, 401);
    assert.equal(((await unknown.json()) as { error: string }).error, 'INVALID_CREDENTIALS');
    let last: Response | undefined;
    for (let i = 0; i < 12 && last?.status !== 429; i++) last = await attempt('owner');
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) > 0, 'Retry-After says when to try again');
    assert.equal(((await last!.json()) as { error: string }).error, 'RATE_LIMITED');
  } finally {
    await limited.close();
  }
});

test('the OpenAPI description is served without sign-in and describes every operation of the table, the new ones included', async () => {
  const r = await fetch(`${base}/openapi.json`);
  assert.equal(r.status, 200);
  const doc = (await r.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(doc.paths['/tenants/{t}/users/{id}/sync']?.post && doc.paths['/tenants/{t}/activity.csv']?.get);
  for (const op of OPERATIONS) assert.ok(doc.paths[op.path]?.[op.method], `${op.method} ${op.path} is described`);
});
