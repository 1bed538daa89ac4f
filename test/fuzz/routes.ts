// Every JSON route of the bridge (SCIM and admin API) fed generated bodies, query strings and path values through
// the real app (Fastify inject, the real database): never a 5xx, SCIM refusals in the SCIM error schema, and a
// refused request leaves the store as it was. Shared by test/fuzz/routes.test.ts (CI-sized) and bench/fuzz.ts.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/store/db.js';
import { filterText, hostileJson, VOCABULARY, sampleUser } from './units.js';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface RouteTarget {
  app: FastifyInstance;
  store: Store;
  tenant: { id: string; name: string };
  scimToken: string;
  adminToken: string;
  userId: string;
  groupId: string;
}

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `:t` the tenant, `:id` a user or group id (or anything generated) */
  path: string;
  scim: boolean;
  /** a body the route would take, which generated fields are merged into */
  template?: Record<string, unknown>;
}

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const user = { schemas: [USER], userName: 'fuzz@example.test', emails: [{ value: 'fuzz@example.test', primary: true }] };
const patch = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] };

export const ROUTES: Route[] = [
  { method: 'GET', path: '/scim/v2/:t/Users', scim: true },
  { method: 'POST', path: '/scim/v2/:t/Users', scim: true, template: user },
  { method: 'GET', path: '/scim/v2/:t/Users/:user', scim: true },
  { method: 'PUT', path: '/scim/v2/:t/Users/:user', scim: true, template: user },
  { method: 'PATCH', path: '/scim/v2/:t/Users/:user', scim: true, template: patch },
  { method: 'DELETE', path: '/scim/v2/:t/Users/:junk', scim: true },
  {
    method: 'POST',
    path: '/scim/v2/:t/Users/.search',
    scim: true,
    template: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] },
  },
  { method: 'GET', path: '/scim/v2/:t/Groups', scim: true },
  { method: 'POST', path: '/scim/v2/:t/Groups', scim: true, template: { schemas: [GROUP], displayName: 'Fuzz' } },
  { method: 'GET', path: '/scim/v2/:t/Groups/:group', scim: true },
  { method: 'PUT', path: '/scim/v2/:t/Groups/:group', scim: true, template: { schemas: [GROUP], displayName: 'Staff' } },
  { method: 'PATCH', path: '/scim/v2/:t/Groups/:group', scim: true, template: patch },
  {
    method: 'POST',
    path: '/scim/v2/:t/.search',
    scim: true,
    template: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] },
  },
  {
    method: 'POST',
    path: '/scim/v2/:t/Bulk',
    scim: true,
    template: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'b', data: user }],
    },
  },
  { method: 'GET', path: '/scim/v2/:t/Schemas/:junk', scim: true },
  { method: 'GET', path: '/scim/v2/:t/ResourceTypes/:junk', scim: true },
  { method: 'GET', path: '/admin/api/tenants/:t/users', scim: false },
  { method: 'GET', path: '/admin/api/tenants/:t/activity', scim: false },
  { method: 'GET', path: '/admin/api/tenants/:t/sync-failures', scim: false },
  { method: 'POST', path: '/admin/api/tenants', scim: false, template: { name: 'fuzzed', displayName: 'Fuzzed' } },
  { method: 'PUT', path: '/admin/api/tenants/:t/mapping', scim: false, template: { version: 1, rules: [] } },
  { method: 'POST', path: '/admin/api/tenants/:t/mapping/preview', scim: false, template: { user: sampleUser() } },
  { method: 'POST', path: '/admin/api/tenants/:t/mapping/preset', scim: false, template: { preset: 'okta' } },
  { method: 'PUT', path: '/admin/api/tenants/:t/policies', scim: false, template: { deactivate: 'tag' } },
  { method: 'PUT', path: '/admin/api/tenants/:t/privacy', scim: false, template: {} },
  { method: 'PUT', path: '/admin/api/tenants/:t/schemas', scim: false, template: { schemas: [] } },
  { method: 'PUT', path: '/admin/api/tenants/:t/tags', scim: false, template: { onCreate: ['scim'] } },
  { method: 'POST', path: '/admin/api/tenants/:t/tokens', scim: false, template: { label: 'fuzz' } },
  { method: 'POST', path: '/admin/api/tenants/:t/targets', scim: false, template: { kind: 'webhook', url: 'https://example.test/hook' } },
  { method: 'POST', path: '/admin/api/tenants/:t/sync-failures/retry', scim: false, template: {} },
  { method: 'POST', path: '/admin/api/tenants/:t/jobs/dead/retry', scim: false, template: {} },
  { method: 'POST', path: '/admin/api/tenants/:t/users/:user/sync', scim: false, template: {} },
];

/** Everything a refused request must leave as it was. */
export async function storeSnapshot(store: Store): Promise<string> {
  const db = store.db;
  const [tenants, clients, users, emails, groups, members, jobs, mappings] = await Promise.all([
    db.selectFrom('tenants').select(['id', 'name', 'settings']).orderBy('id').execute(),
    db.selectFrom('clients').select(['id', 'label']).orderBy('id').execute(),
    db.selectFrom('users').select(['id', 'version', 'data']).orderBy('id').execute(),
    db.selectFrom('user_emails').select(['user_id', 'value_lc']).orderBy('user_id').orderBy('value_lc').execute(),
    db.selectFrom('groups').select(['id', 'version', 'data']).orderBy('id').execute(),
    db.selectFrom('group_members').select(['group_id', 'member_id']).orderBy('group_id').orderBy('member_id').execute(),
    db.selectFrom('outbox_jobs').select(['id']).orderBy('id').execute(),
    db.selectFrom('mapping_versions').select(['tenant_id', 'version']).orderBy('tenant_id').orderBy('version').execute(),
  ]);
  return JSON.stringify({ tenants, clients, users, emails, groups, members, jobs, mappings });
}

const pathValue = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', '..', '%', "' or 1=1 --", 'bulkId:x', ' ') },
);

/** A body: any JSON (hostile keys included), any bytes as text, or the route's template with generated fields. */
const bodyFor = (route: Route): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    hostileJson.map((v) => JSON.stringify(v)),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc
      .dictionary(
        fc.oneof(fc.constantFrom(...VOCABULARY, ...Object.keys(route.template ?? {})), fc.string({ maxLength: 5 })),
        hostileJson,
        {
          maxKeys: 4,
        },
      )
      .map((extra) => JSON.stringify({ ...route.template, ...extra })),
  );

const queryFor = fc
  .dictionary(
    fc.constantFrom(
      'filter',
      'sortBy',
      'sortOrder',
      'startIndex',
      'count',
      'attributes',
      'excludedAttributes',
      'limit',
      'cursor',
      'q',
      '__proto__',
    ),
    fc.oneof(filterText, fc.integer().map(String), fc.constantFrom(...VOCABULARY)),
    { maxKeys: 3 },
  )
  .map((q) => {
    const pairs = Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    return pairs.length ? `?${pairs.join('&')}` : '';
  });

const sample = fc.record({
  body: fc.constant(undefined) as fc.Arbitrary<string | undefined>,
  query: queryFor,
  id: pathValue,
  tenant: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
  contentType: fc.constantFrom('application/scim+json', 'application/json', 'application/json; charset=utf-8', 'text/plain', ''),
});

/** One property per route: generated requests against it, each checked as the module's header says. `statuses`
 *  counts the answers by status, to show what the runs reached. */
export function routeProperties(
  target: RouteTarget,
  statuses: Map<number, number> = new Map(),
): { name: string; property: fc.IAsyncProperty<unknown[]> }[] {
  let last: string | undefined;
  return ROUTES.map((route) => ({
    name: `${route.method} ${route.path}`,
    property: fc.asyncProperty(sample, bodyFor(route), async (s, body) => {
      last ??= await storeSnapshot(target.store);
      const t = s.tenant ?? target.tenant.name;
      const id = (fallback: string) => encodeURIComponent(s.id ?? fallback);
      const url =
        route.path
          .replace(':t', encodeURIComponent(t) || 'x')
          .replace(':user', id(target.userId))
          .replace(':group', id(target.groupId))
          .replace(':junk', id('nosuch')) + (route.method === 'GET' ? s.query : '');
      const headers: Record<string, string> = {
        authorization: `Bearer ${route.scim ? target.scimToken : target.adminToken}`,
      };
      if (body !== undefined && s.contentType) headers['content-type'] = s.contentType;
      const r = await target.app.inject({
        method: route.method,
        url,
        headers,
        ...(body !== undefined && route.method !== 'GET' ? { payload: body } : {}),
      });
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      const what = `${route.method} ${url} ${body?.slice(0, 300) ?? ''} -> ${r.statusCode} ${r.body.slice(0, 300)}`;
      assert.ok(r.statusCode < 500, `no 5xx: ${what}`);
      if (route.scim && r.statusCode >= 400) {
        assert.match(String(r.headers['content-type']), /^application\/scim\+json/, what);
        const b = JSON.parse(r.body) as { schemas?: unknown; status?: unknown; detail?: unknown };
        assert.deepEqual(b.schemas, [ERROR], what);
        assert.equal(b.status, String(r.statusCode), what);
        assert.equal(typeof b.detail, 'string', what);
      }
      const now = await storeSnapshot(target.store);
      if (r.statusCode >= 400) assert.equal(now, last, `a refused request changes nothing: ${what}`);
      last = now;
    }),
  }));
}
