// The admin API described as OpenAPI 3.1, served at /admin/api/openapi.json (no sign-in needed: it holds no data).
// One table of operations below; a test checks that every admin route is in it, so the description cannot drift.
import type { FastifyInstance } from 'fastify';

type Op = {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  tag: string;
  summary: string;
  /** query parameters: name -> description */
  query?: Record<string, string>;
  /** a JSON body is expected (its fields described in words) */
  body?: string;
  /** the success status, default 200 */
  ok?: number;
  /** what the success answer is, default JSON */
  produces?: string;
  /** anyone may call it */
  public?: boolean;
};

const T = '/tenants/{t}';

export const OPERATIONS: Op[] = [
  // sign-in
  {
    method: 'get',
    path: '/session',
    tag: 'Sign-in',
    summary: 'Who is signed in, whether the first account is to be made, and the CSRF token of the session',
    public: true,
  },
  {
    method: 'post',
    path: '/session',
    tag: 'Sign-in',
    summary: 'Sign in with username and password (sets the session cookie; rate limited: 429 with Retry-After)',
    body: '{username, password}',
    public: true,
  },
  { method: 'delete', path: '/session', tag: 'Sign-in', summary: 'Sign out', ok: 204, public: true },
  {
    method: 'post',
    path: '/setup',
    tag: 'Sign-in',
    summary: 'Create the first admin account (with the grant of a one-time sign-in link, or the admin token)',
    body: '{username, password}',
    ok: 201,
    public: true,
  },
  {
    method: 'post',
    path: '/account/password',
    tag: 'Sign-in',
    summary: "Change the signed-in account's password (its other sessions end)",
    body: '{currentPassword, newPassword}',
    ok: 204,
  },
  { method: 'get', path: '/openapi.json', tag: 'Sign-in', summary: 'This description', public: true },
  // tenants and tokens
  { method: 'get', path: '/tenants', tag: 'Tenants', summary: 'List tenants' },
  { method: 'post', path: '/tenants', tag: 'Tenants', summary: 'Create a tenant', body: '{name, displayName}', ok: 201 },
  { method: 'get', path: T, tag: 'Tenants', summary: 'Everything about a tenant (secrets shown as "set")' },
  { method: 'get', path: `${T}/tokens`, tag: 'SCIM clients', summary: "List the tenant's SCIM tokens (first characters only)" },
  {
    method: 'post',
    path: `${T}/tokens`,
    tag: 'SCIM clients',
    summary: 'Issue a SCIM token (shown once), with curl and fetch examples; optionally expiring',
    body: '{label, expiresAt?, expiresInSeconds?}',
    ok: 201,
  },
  {
    method: 'post',
    path: `${T}/tokens/{id}/rotate`,
    tag: 'SCIM clients',
    summary: 'Rotate a SCIM token: a new one (shown once); the old one works for the overlap, then stops',
    body: '{overlapSeconds?, expiresAt?, expiresInSeconds?}',
    ok: 201,
  },
  { method: 'delete', path: `${T}/tokens/{id}`, tag: 'SCIM clients', summary: 'Revoke a SCIM token', ok: 204 },
  {
    method: 'get',
    path: `${T}/audit`,
    tag: 'Activity',
    summary: 'The audit log, newest first',
    query: { limit: '1-500', before: 'an entry id', action: 'an action prefix' },
  },
  // shop
  { method: 'get', path: `${T}/shop`, tag: 'Shop', summary: 'The shop connection (secrets shown as "set")' },
  {
    method: 'put',
    path: `${T}/shop`,
    tag: 'Shop',
    summary: 'Connect a shop with an access token or client credentials',
    body: '{shop, accessToken | clientId+clientSecret, webhookSecret?, apiVersion?, apiBaseUrl?}',
  },
  { method: 'delete', path: `${T}/shop`, tag: 'Shop', summary: 'Disconnect the shop', ok: 204 },
  {
    method: 'post',
    path: `${T}/shop/check`,
    tag: 'Shop',
    summary: 'Test the connection: shop, plan, scopes, API version, customer data access, one sentence per problem',
  },
  {
    method: 'post',
    path: `${T}/shop/emulator`,
    tag: 'Shop',
    summary: 'Demo mode: connect the tenant to the built-in Shopify emulator (404 elsewhere)',
  },
  // mapping
  { method: 'get', path: '/presets', tag: 'Mapping', summary: 'The mapping presets' },
  { method: 'get', path: `${T}/mapping`, tag: 'Mapping', summary: 'The current mapping document and version (ETag)' },
  {
    method: 'put',
    path: `${T}/mapping`,
    tag: 'Mapping',
    summary: 'Save a new mapping version (If-Match: "<version>" guards against a concurrent save)',
    body: 'the mapping document, or {document, comment}',
  },
  {
    method: 'get',
    path: `${T}/mapping/versions`,
    tag: 'Mapping',
    summary: 'Saved versions, newest first',
    query: { limit: 'how many', before: 'a version' },
  },
  { method: 'get', path: `${T}/mapping/versions/{v}`, tag: 'Mapping', summary: 'One saved version with its document' },
  { method: 'post', path: `${T}/mapping/preset`, tag: 'Mapping', summary: 'Save a preset as the next version', body: '{name, comment?}' },
  {
    method: 'post',
    path: `${T}/mapping/preview`,
    tag: 'Mapping',
    summary: 'What the mapping (or a draft) makes of a sample user, a stored user or a Shopify customer',
    body: '{user | userId | customer, mapping?}',
  },
  { method: 'post', path: `${T}/mapping/reapply`, tag: 'Mapping', summary: 'Re-apply the mapping to every linked customer', ok: 202 },
  { method: 'get', path: `${T}/mapping/reapply`, tag: 'Mapping', summary: 'Re-apply runs' },
  { method: 'get', path: `${T}/mapping/reapply/{runId}`, tag: 'Mapping', summary: "A re-apply run's progress" },
  { method: 'get', path: `${T}/tags`, tag: 'Mapping', summary: 'Tag settings' },
  {
    method: 'put',
    path: `${T}/tags`,
    tag: 'Mapping',
    summary: 'Replace the tag settings (a new mapping version)',
    body: '{static, templates, groupPrefix, groupRename, deactivatedTag, managedPrefix?}',
  },
  { method: 'get', path: `${T}/schemas`, tag: 'Mapping', summary: 'Custom SCIM extension schemas' },
  { method: 'put', path: `${T}/schemas`, tag: 'Mapping', summary: 'Replace the custom SCIM extension schemas', body: '{schemas: […]}' },
  // settings
  { method: 'get', path: `${T}/policies`, tag: 'Settings', summary: 'Provisioning policies in force, and those chosen' },
  {
    method: 'put',
    path: `${T}/policies`,
    tag: 'Settings',
    summary: 'Replace the provisioning policies',
    body: '{deprovision, delete, adoption, …}',
  },
  { method: 'get', path: `${T}/privacy`, tag: 'Settings', summary: 'Whether the activity log masks personal data' },
  {
    method: 'put',
    path: `${T}/privacy`,
    tag: 'Settings',
    summary: 'Choose whether the activity log masks personal data',
    body: '{maskPersonalData}',
  },
  { method: 'get', path: `${T}/targets`, tag: 'Outbound targets', summary: 'Outbound targets' },
  {
    method: 'post',
    path: `${T}/targets`,
    tag: 'Outbound targets',
    summary: 'Add an outbound target (a generated webhook secret is shown once)',
    body: '{kind: scim|webhook, …}',
    ok: 201,
  },
  { method: 'get', path: `${T}/targets/{id}`, tag: 'Outbound targets', summary: 'One target' },
  {
    method: 'put',
    path: `${T}/targets/{id}`,
    tag: 'Outbound targets',
    summary: 'Replace a target (a credential left out is kept)',
    body: 'the target',
  },
  { method: 'delete', path: `${T}/targets/{id}`, tag: 'Outbound targets', summary: 'Remove a target', ok: 204 },
  {
    method: 'post',
    path: `${T}/targets/{id}/test`,
    tag: 'Outbound targets',
    summary: 'Send a test event now: a signed test event to a webhook, a ServiceProviderConfig read from a SCIM target',
  },
  // users
  {
    method: 'get',
    path: `${T}/users`,
    tag: 'Users',
    summary: 'Search users by userName, e-mail or name; filter by sync state; paged',
    query: {
      q: 'text to look for',
      syncState: 'pending, synced or failed',
      errorCode: 'a sync error code',
      limit: '1-200',
      cursor: 'the next of the previous page',
    },
  },
  {
    method: 'get',
    path: `${T}/users/{id}`,
    tag: 'Users',
    summary: 'A user: its SCIM resource, the linked Shopify customer as Shopify has it now, its history and jobs',
  },
  {
    method: 'post',
    path: `${T}/users/{id}/sync`,
    tag: 'Users',
    summary: 'Sync the user to Shopify now (queues a user.sync job and wakes the worker)',
    ok: 202,
  },
  {
    method: 'get',
    path: `${T}/sync-failures`,
    tag: 'Users',
    summary: 'Users Shopify could not take, with the reason, the mapping rule or attribute to fix, and the count per error code',
    query: { q: 'text to look for', errorCode: 'a sync error code', limit: '1-200', cursor: 'the next of the previous page' },
  },
  {
    method: 'post',
    path: `${T}/sync-failures/retry`,
    tag: 'Users',
    summary: 'Sync every user Shopify could not take again (after a fix in the identity provider or in Shopify)',
    ok: 202,
  },
  // watching
  {
    method: 'get',
    path: `${T}/dashboard`,
    tag: 'Activity',
    summary: 'Users, groups, sync states, jobs, API budget over time, webhook health, last reconcile',
  },
  {
    method: 'get',
    path: `${T}/activity`,
    tag: 'Activity',
    summary: 'Every operation end to end (SCIM request, job, Shopify result), newest first',
    query: {
      limit: '1-500',
      before: 'an entry id (the next of the previous page)',
      user: 'part of a userName or e-mail',
      client: 'a SCIM client id',
      kind: 'scim, shopify, admin or system',
      outcome: 'ok, pending, retrying or failed',
      action: 'an action prefix',
    },
  },
  {
    method: 'get',
    path: `${T}/events`,
    tag: 'Activity',
    summary:
      'Live activity as server-sent events: `ready`, then `activity` {latest} each time the log grows (read the log through /activity)',
    produces: 'text/event-stream',
  },
  {
    method: 'get',
    path: `${T}/activity.csv`,
    tag: 'Activity',
    summary: 'The activity log as CSV (same filters, up to 10,000 rows)',
    produces: 'text/csv',
    query: {
      user: 'as for activity',
      client: 'as for activity',
      kind: 'as for activity',
      outcome: 'as for activity',
      action: 'as for activity',
      limit: '1-10000 rows',
    },
  },
  {
    method: 'get',
    path: `${T}/jobs`,
    tag: 'Jobs',
    summary: 'Jobs queued and running (or dead)',
    query: { state: 'queued, running or dead', queue: 'shopify or target:<id>', limit: '1-500', before: 'a job id' },
  },
  {
    method: 'get',
    path: `${T}/jobs/dead`,
    tag: 'Jobs',
    summary: 'Dead-lettered jobs with their reasons',
    query: { limit: '1-500', before: 'a job id', queue: 'a queue' },
  },
  { method: 'post', path: `${T}/jobs/dead/retry`, tag: 'Jobs', summary: 'Retry every dead-lettered job' },
  { method: 'post', path: `${T}/jobs/dead/{id}/retry`, tag: 'Jobs', summary: 'Retry one dead-lettered job' },
  { method: 'delete', path: `${T}/jobs/dead/{id}`, tag: 'Jobs', summary: 'Discard one dead-lettered job' },
];

const error = { $ref: '#/components/schemas/Error' };

/** The OpenAPI document for a server at `origin`. */
export function openApiDocument(origin = ''): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description: m[1] === 't' ? 'the tenant name' : undefined,
    }));
    const query = Object.entries(op.query ?? {}).map(([name, description]) => ({
      name,
      in: 'query',
      required: false,
      schema: { type: 'string' },
      description,
    }));
    const ok = op.ok ?? 200;
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      tags: [op.tag],
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(op.public ? { security: [] } : {}),
      parameters: [...params, ...query],
      ...(op.body
        ? { requestBody: { required: true, description: op.body, content: { 'application/json': { schema: { type: 'object' } } } } }
        : {}),
      responses: {
        [ok]:
          ok === 204
            ? { description: 'done' }
            : {
                description: 'success',
                content: { [op.produces ?? 'application/json']: { schema: op.produces ? { type: 'string' } : { type: 'object' } } },
              },
        '4XX': { description: 'the request was refused; `message` says why', content: { 'application/json': { schema: error } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'shopify-scim admin API',
      version: '1',
      description:
        "Configures the bridge per tenant and watches it work. Authenticate with `Authorization: Bearer <ADMIN_TOKEN>`, or from a browser with the session cookie set by POST /session; a session's writes carry its CSRF token in the `X-CSRF-Token` header. Errors are `{error, message, details?}`.",
    },
    servers: [{ url: `${origin}/admin/api` }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'the ADMIN_TOKEN of the deployment' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'scim_admin_session',
          description: 'the admin UI session; writes also need X-CSRF-Token',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: { error: { type: 'string', examples: ['TENANT_NOT_FOUND'] }, message: { type: 'string' }, details: {} },
        },
      },
    },
    paths,
  };
}

/** Registers GET /admin/api/openapi.json. */
export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin/api/openapi.json', { config: { adminPublic: true } }, async (req) => openApiDocument(`${req.protocol}://${req.host}`));
}
