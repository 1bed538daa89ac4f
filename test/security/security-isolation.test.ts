// Tenant isolation, proved for every route the bridge registers (read from the app itself, so a route added later is
// covered or makes this test fail): tenant A's SCIM token gets 404 on every SCIM route at B's address and on B's
// resources at A's own address, 401 on every admin route, and B is unchanged afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, type AdminStack, type TenantHandle } from '../admin/harness.js';
import { call, PATCH_OP } from '../helpers/http.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
let stack: AdminStack;
let a: TenantHandle;
let b: TenantHandle;
let bUser: string;
let bGroup: string;

before(async () => {
  // limits off: this test sends many requests from one address on purpose
  stack = await startAdminStack({ env: { LOCKOUT_FAILURES: '0', SCIM_RATE_LIMIT: '0', ADMIN_RATE_LIMIT: '0' } });
  a = await stack.tenant('alpha', { connect: false });
  b = await stack.tenant('bravo', { connect: false });
  const u = await stack.scim(b, 'POST', '/Users', {
    schemas: [USER],
    userName: 'bob@bravo.example',
    emails: [{ value: 'bob@bravo.example' }],
  });
  assert.equal(u.status, 201, u.dump);
  bUser = u.body.id;
  const g = await stack.scim(b, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Bravo staff', members: [{ value: bUser }] });
  assert.equal(g.status, 201, g.dump);
  bGroup = g.body.id;
});
after(() => stack?.close());

/** Everything of B that a request could change: its resources as B sees them, its settings, tokens and audit log. */
async function snapshotOfB(): Promise<string> {
  const users = await stack.scim(b, 'GET', '/Users');
  const groups = await stack.scim(b, 'GET', '/Groups');
  const summary = await stack.admin('GET', '/tenants/bravo');
  const tokens = await stack.admin('GET', '/tenants/bravo/tokens');
  const audit = await stack.store.db.selectFrom('audit_log').select(['id', 'action']).where('tenant_id', '=', b.id).execute();
  const strip = (x: unknown) => JSON.stringify(x, (k, v) => (k === 'lastUsedAt' ? undefined : v));
  return [users.body, groups.body, summary.body, tokens.body, audit].map(strip).join('\n');
}

/** A body that would change something, for each method and resource. */
function bodyFor(method: string, url: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (url.endsWith('.search')) return { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName pr' };
  if (url.endsWith('/Bulk'))
    return {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'DELETE', path: `/Users/${bUser}` }],
    };
  if (method === 'PATCH') return { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] };
  if (url.includes('/Groups')) return { schemas: [GROUP], displayName: 'taken over', members: [] };
  return { schemas: [USER], userName: 'mallory@alpha.example', active: false };
}

/** The route's pattern with B's resources (or A's address) filled in. */
function fill(url: string, tenant: string): string {
  return url
    .replace(':tenant', tenant)
    .replace(/\/Users\/:id$/, `/Users/${bUser}`)
    .replace(/\/Groups\/:id$/, `/Groups/${bGroup}`)
    .replace(/\/ResourceTypes\/:id$/, '/ResourceTypes/User')
    .replace(/\/Schemas\/:id$/, `/Schemas/${USER}`)
    .replace(':t', 'bravo')
    .replace(/:(id|v|runId)\b/g, '1');
}

// Routes that are not a tenant's: each with the reason it needs no tenant credential.
const NOT_TENANT_ROUTES: Record<string, string> = {
  'GET /healthz': 'process liveness, says nothing of a tenant',
  'GET /readyz': 'readiness, says nothing of a tenant',
  'GET /metrics': 'bridge-wide figures, no tenant resource (who may read them: docs/operations.md)',
  'GET /admin': 'the admin UI page; its data comes from the admin API',
  'POST /webhooks/shopify/:tenant': 'authenticated by the shop app secret HMAC (test/twoway/inbound, security-webhooks)',
  'GET /admin/api/session': 'sign-in state: anonymous by design',
  'POST /admin/api/session': 'sign-in: rate limited, the password is the credential',
  'DELETE /admin/api/session': 'sign-out of the caller’s own session',
  'POST /admin/api/setup': 'first account: needs the one-time grant (test/admin/sessions)',
  'GET /admin/auth/link': 'one-time sign-in link: the link is the credential',
  'GET /admin/api/openapi.json': 'the API description',
};

test('every registered route is a SCIM route, an admin route or named here with why it takes no tenant credential', async () => {
  const routes = stack.bridge.app.routeList().filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
  assert.ok(routes.length > 80, `the route list is read from the app (${routes.length})`);
  // The built admin UI's files (present once `npm run build` has run): static, the same for everyone, no tenant data.
  const uiFile = (r: { method: string; url: string }) =>
    r.method === 'GET' && (r.url === '/admin/*' || /^\/admin\/(assets\/)?[\w.-]+\.(js|css|svg|png|ico|html|woff2?|map)$/.test(r.url));
  const unknown = routes.filter(
    (r) =>
      !r.url.startsWith('/scim/v2/:tenant/') &&
      !r.url.startsWith('/admin/api/') &&
      !(`${r.method} ${r.url}` in NOT_TENANT_ROUTES) &&
      !uiFile(r),
  );
  assert.deepEqual(unknown, [], 'a new route outside /scim/v2/:tenant and /admin/api must be placed here');
  for (const key of Object.keys(NOT_TENANT_ROUTES))
    assert.ok(
      routes.some((r) => `${r.method} ${r.url}` === key),
      `${key} is still a route`,
    );
});

test("tenant A's token gets 404 on every SCIM route and method at B's address, and 404 on B's resources at its own; B is unchanged", async () => {
  const before = await snapshotOfB();
  const scimRoutes = stack.bridge.app
    .routeList()
    .filter((r) => r.url.startsWith('/scim/v2/:tenant/') && r.method !== 'HEAD' && r.method !== 'OPTIONS');
  assert.ok(scimRoutes.length >= 25, String(scimRoutes.length));
  let checked = 0;
  for (const r of scimRoutes) {
    const body = bodyFor(r.method, r.url);
    const headers = { authorization: `Bearer ${a.token}` };
    // at B's address: the token names A, so nothing of B exists for it
    const atB = await call(r.method, `${stack.bridge.url}${fill(r.url, 'bravo')}`, { headers, body, contentType: 'application/scim+json' });
    assert.equal(atB.status, 404, `${r.method} ${r.url} at B: ${atB.dump}`);
    assert.equal(atB.body?.schemas?.[0], 'urn:ietf:params:scim:api:messages:2.0:Error', atB.dump);
    // without a token, or with a garbage one: 401
    for (const auth of [undefined, 'Bearer scim_not-a-real-token']) {
      const anon = await call(r.method, `${stack.bridge.url}${fill(r.url, 'bravo')}`, {
        headers: auth ? { authorization: auth } : {},
        body,
        contentType: 'application/scim+json',
      });
      assert.equal(anon.status, 401, `${r.method} ${r.url} with ${auth ?? 'no token'}: ${anon.dump}`);
    }
    // at A's own address, naming B's user or group: not found, never B's
    if (/\/(Users|Groups)\/:id$/.test(r.url)) {
      const own = await call(r.method, `${stack.bridge.url}${fill(r.url, 'alpha')}`, {
        headers,
        body,
        contentType: 'application/scim+json',
      });
      assert.equal(own.status, 404, `${r.method} ${r.url} at A with B's id: ${own.dump}`);
    }
    checked++;
  }
  // lists, searches and Bulk at A's address never show or touch B's resources
  for (const path of ['/Users', '/Groups', `/Users?filter=userName eq "bob@bravo.example"`]) {
    const r = await stack.scim(a, 'GET', path);
    assert.equal(r.status, 200, r.dump);
    assert.ok(!r.text.includes(bUser) && !r.text.includes(bGroup) && !r.text.includes('bravo.example'), r.dump);
  }
  const bulk = await stack.scim(a, 'POST', '/Bulk', bodyFor('POST', '/Bulk'));
  assert.equal(bulk.body.Operations?.[0]?.status, '404', bulk.dump);
  assert.equal(checked, scimRoutes.length);
  assert.equal(await snapshotOfB(), before, 'nothing of B changed');
});

test("tenant A's SCIM token, or no credential, gets 401 on every admin route and method; B is unchanged", async () => {
  const before = await snapshotOfB();
  const adminRoutes = stack.bridge.app
    .routeList()
    .filter((r) => r.url.startsWith('/admin/api/') && r.method !== 'HEAD' && !(`${r.method} ${r.url}` in NOT_TENANT_ROUTES));
  assert.ok(adminRoutes.length > 40, String(adminRoutes.length));
  for (const r of adminRoutes) {
    for (const headers of [{ authorization: `Bearer ${a.token}` }, {} as Record<string, string>]) {
      const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : { name: 'x', label: 'x' };
      const res = await call(r.method, `${stack.bridge.url}${fill(r.url, 'bravo')}`, { headers, body });
      assert.equal(res.status, 401, `${r.method} ${r.url} with ${headers.authorization ? "A's SCIM token" : 'nothing'}: ${res.dump}`);
    }
  }
  assert.equal(await snapshotOfB(), before, 'nothing of B changed');
});
