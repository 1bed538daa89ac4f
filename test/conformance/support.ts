// Assertions and request helpers the per-client conformance suites share: what every SCIM answer must look like
// (media type, error body, list envelope, Created headers), so each suite can concentrate on its client's requests.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { startScim, type Res, type ScimHarness } from '../helpers/scim.js';
import { openTestStore, type TestStore } from '../helpers/db.js';

let store: Promise<TestStore> | undefined;
let suites = 0;
// Registered at import, on the file's root: the shared database is dropped once every suite of the file has run.
after(async () => {
  // A database that failed to open has already failed the suites that needed it; there is nothing to close.
  const s = await store?.catch(() => undefined);
  await s?.close();
});

/**
 * Starts the HTTP app for one suite: every suite of a file shares one migrated database but gets its own tenant and
 * token, so suites stay apart (tenants never see each other) without paying for a fresh database each.
 */
export async function startSuite(opts: { maxBodyBytes?: number } = {}): Promise<ScimHarness> {
  store ??= openTestStore();
  return startScim({ ...opts, store: await store, tenant: `suite-${++suites}` });
}

export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  shopify: 'urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  bulkRequest: 'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
  bulkResponse: 'urn:ietf:params:scim:api:messages:2.0:BulkResponse',
} as const;

/** The public origin the harness gives the app; Location headers and meta.location start with it. */
export const ORIGIN = 'https://scim.example.test';

/** `?filter=…` with the filter percent-encoded the way clients send it, plus any further raw query text. */
export function withFilter(filter: string, extra = ''): string {
  return `?filter=${encodeURIComponent(filter)}${extra}`;
}

/** A PatchOp body; the ops are sent exactly as given (case, paths, values). */
export function patchOp(...Operations: Record<string, unknown>[]): Record<string, unknown> {
  return { schemas: [URN.patchOp], Operations };
}

/** Every SCIM answer with a body is application/scim+json. */
export function assertScimJson(r: Res): void {
  assert.match(String(r.headers['content-type']), /^application\/scim\+json/, `content-type of ${r.dump}`);
}

/** An RFC 7644 §3.12 error: the Error schema, `status` as a string, and the scimType when one is expected. */
export function assertError(r: Res, status: number, scimType?: string): void {
  assert.equal(r.status, status, r.dump);
  assertScimJson(r);
  assert.deepEqual(r.body?.schemas, [URN.error], r.dump);
  assert.equal(r.body.status, String(status), r.dump);
  assert.equal(typeof r.body.detail, 'string', r.dump);
  if (scimType) assert.equal(r.body.scimType, scimType, r.dump);
}

/** A ListResponse with integer paging numbers; returns its resources. */
export function assertList(r: Res, totalResults?: number): any[] {
  assert.equal(r.status, 200, r.dump);
  assertScimJson(r);
  assert.deepEqual(r.body.schemas, [URN.listResponse], r.dump);
  for (const k of ['totalResults', 'startIndex', 'itemsPerPage']) assert.ok(Number.isInteger(r.body[k]), `${k} is an integer: ${r.dump}`);
  assert.ok(Array.isArray(r.body.Resources), `Resources is an array: ${r.dump}`);
  assert.equal(r.body.itemsPerPage, r.body.Resources.length, r.dump);
  if (totalResults !== undefined) assert.equal(r.body.totalResults, totalResults, r.dump);
  return r.body.Resources;
}

/** 201 Created with Location = meta.location under the tenant's base URL and ETag = meta.version. */
export function assertCreated(h: ScimHarness, r: Res, endpoint: 'Users' | 'Groups'): void {
  assert.equal(r.status, 201, r.dump);
  assertScimJson(r);
  assert.equal(typeof r.body.id, 'string', r.dump);
  assert.equal(r.headers.location, `${ORIGIN}${h.base}/${endpoint}/${r.body.id}`, r.dump);
  assert.equal(r.body.meta?.location, r.headers.location, r.dump);
  assert.equal(r.body.meta.resourceType, endpoint === 'Users' ? 'User' : 'Group', r.dump);
  assert.match(String(r.body.meta.version), /^W\/".+"$/, r.dump);
  assert.equal(r.headers.etag, r.body.meta.version, r.dump);
}

/** Creates a user and returns its representation, failing the test with the response when that does not work. */
export async function createUser(h: ScimHarness, body: Record<string, unknown>): Promise<any> {
  const r = await h.req('POST', '/Users', body);
  assert.equal(r.status, 201, r.dump);
  return r.body;
}

/** Creates a group and returns its representation. */
export async function createGroup(
  h: ScimHarness,
  displayName: string,
  members: string[] = [],
  extra: Record<string, unknown> = {},
): Promise<any> {
  const r = await h.req('POST', '/Groups', { schemas: [URN.group], displayName, members: members.map((value) => ({ value })), ...extra });
  assert.equal(r.status, 201, r.dump);
  return r.body;
}

/** The member ids of a group, sorted, as GET /Groups/{id} reports them. */
export async function memberIds(h: ScimHarness, groupId: string): Promise<string[]> {
  const r = await h.req('GET', `/Groups/${groupId}`);
  assert.equal(r.status, 200, r.dump);
  return ((r.body.members ?? []) as { value: string }[]).map((m) => m.value).sort();
}

/** The ids of the groups a user belongs to, sorted, as the computed User.groups reports them. */
export async function groupIdsOf(h: ScimHarness, userId: string): Promise<string[]> {
  const r = await h.req('GET', `/Users/${userId}`);
  assert.equal(r.status, 200, r.dump);
  return ((r.body.groups ?? []) as { value: string }[]).map((g) => g.value).sort();
}
