// SCIM Bulk (RFC 7644 §3.7) through the real HTTP app: bulkId references backwards and forwards, in data and in
// paths, failOnErrors, circular references, and the limits ServiceProviderConfig advertises (413 beyond them).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { userBody, type ScimHarness } from '../helpers/scim.js';
import { URN, ORIGIN, patchOp, assertError, assertScimJson, createUser, memberIds, groupIdsOf, startSuite } from './support.js';

function bulk(Operations: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemas: [URN.bulkRequest], Operations, ...extra };
}

const postUser = (bulkId: string, userName: string) => ({ method: 'POST', path: '/Users', bulkId, data: userBody(userName) });
const postGroup = (bulkId: string, displayName: string, members: string[]) => ({
  method: 'POST',
  path: '/Groups',
  bulkId,
  data: { schemas: [URN.group], displayName, members: members.map((value) => ({ type: 'User', value })) },
});

describe('Bulk: references between operations', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('creates a user and then a group that references it by bulkId, as RFC 7644 §3.7.2 shows', async () => {
    const r = await h.req(
      'POST',
      '/Bulk',
      bulk([postUser('qwerty', 'alice@bulk.test'), postGroup('ytrewq', 'Tour Guides', ['bulkId:qwerty'])]),
    );
    assert.equal(r.status, 200, r.dump);
    assertScimJson(r);
    assert.deepEqual(r.body.schemas, [URN.bulkResponse], r.dump);
    const [u, g] = r.body.Operations;
    assert.equal(u.method, 'POST', r.dump);
    assert.equal(u.bulkId, 'qwerty', r.dump);
    assert.equal(u.status, '201', r.dump);
    assert.match(u.location, new RegExp(`^${ORIGIN}${h.base}/Users/[^/]+$`), r.dump);
    assert.match(u.version, /^W\/"/, r.dump);
    assert.equal(g.status, '201', r.dump);
    const userId = u.location.split('/').pop();
    const groupId = g.location.split('/').pop();
    assert.deepEqual(await memberIds(h, groupId), [userId]);
    assert.deepEqual(await groupIdsOf(h, userId), [groupId]);
  });

  it('resolves a forward reference: the group comes first and waits for the user created after it', async () => {
    const r = await h.req('POST', '/Bulk', bulk([postGroup('g1', 'Forward', ['bulkId:u1']), postUser('u1', 'bob@bulk.test')]));
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(
      r.body.Operations.map((o: any) => [o.bulkId, o.status]),
      [
        ['g1', '201'],
        ['u1', '201'],
      ],
      'results keep request order',
    );
    const userId = r.body.Operations[1].location.split('/').pop();
    assert.deepEqual(await memberIds(h, r.body.Operations[0].location.split('/').pop()), [userId]);
  });

  it('resolves bulkId references in paths (PATCH and DELETE of a resource made earlier in the request)', async () => {
    const r = await h.req(
      'POST',
      '/Bulk',
      bulk([
        postUser('u2', 'carol@bulk.test'),
        postGroup('g2', 'Path Refs', []),
        { method: 'PATCH', path: '/Groups/bulkId:g2', data: patchOp({ op: 'add', path: 'members', value: [{ value: 'bulkId:u2' }] }) },
        { method: 'PATCH', path: '/Users/bulkId:u2', data: patchOp({ op: 'replace', path: 'displayName', value: 'Carol' }) },
        { method: 'PUT', path: '/Users/bulkId:u2', data: userBody('carol@bulk.test', { displayName: 'Carol P' }) },
      ]),
    );
    assert.equal(r.status, 200, r.dump);
    const [, g, patchGroup, patchUser, put] = r.body.Operations;
    assert.equal(patchGroup.status, '200', 'a group PATCH answers 200, as over HTTP');
    assert.match(patchGroup.version, /^W\/"/, r.dump);
    assert.equal(patchUser.status, '200', r.dump);
    assert.equal(put.status, '200', r.dump);
    assert.match(put.version, /^W\/"/, r.dump);
    const groupId = g.location.split('/').pop();
    assert.equal(patchGroup.location, `${ORIGIN}${h.base}/Groups/${groupId}`, r.dump);
    const userId = r.body.Operations[0].location.split('/').pop();
    assert.deepEqual(await memberIds(h, groupId), [userId]);
    assert.equal((await h.req('GET', `/Users/${userId}`)).body.displayName, 'Carol P');
  });

  it('resolves a forward reference in a path: a PATCH of a group the request creates further on', async () => {
    const r = await h.req(
      'POST',
      '/Bulk',
      bulk([
        { method: 'PATCH', path: '/Groups/bulkId:late', data: patchOp({ op: 'replace', path: 'displayName', value: 'Renamed Later' }) },
        postGroup('late', 'Created Second', []),
      ]),
    );
    assert.deepEqual(
      r.body.Operations.map((o: any) => o.status),
      ['200', '201'],
      r.dump,
    );
    const g = await h.req('GET', r.body.Operations[1].location.replace(ORIGIN, ''));
    assert.equal(g.body.displayName, 'Renamed Later', g.dump);
  });

  it('reports circular references as 409 for each operation in the cycle and creates neither', async () => {
    const before = (await h.req('GET', '/Groups?count=0')).body.totalResults;
    const r = await h.req(
      'POST',
      '/Bulk',
      bulk(
        [postGroup('ga', 'Cycle A', []), postGroup('gb', 'Cycle B', [])].map((op, i) => ({
          ...op,
          data: { ...op.data, members: [{ type: 'Group', value: i === 0 ? 'bulkId:gb' : 'bulkId:ga' }] },
        })),
      ),
    );
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(
      r.body.Operations.map((o: any) => [o.bulkId, o.status]),
      [
        ['ga', '409'],
        ['gb', '409'],
      ],
      r.dump,
    );
    for (const o of r.body.Operations) assert.deepEqual(o.response.schemas, [URN.error], r.dump);
    assert.equal((await h.req('GET', '/Groups?count=0')).body.totalResults, before);
  });

  it('reports a reference to a bulkId no operation defines as an error of that operation alone', async () => {
    const r = await h.req('POST', '/Bulk', bulk([postGroup('g3', 'Dangling', ['bulkId:nobody']), postUser('u3', 'dan@bulk.test')]));
    assert.equal(r.status, 200, r.dump);
    const [g, u] = r.body.Operations;
    assert.equal(g.status, '400', r.dump);
    assert.equal(g.response.scimType, 'invalidValue', r.dump);
    assert.equal(u.status, '201', r.dump);
  });

  it('fails the operations that depend on a failed create', async () => {
    await createUser(h, userBody('taken@bulk.test'));
    const r = await h.req('POST', '/Bulk', bulk([postUser('u4', 'taken@bulk.test'), postGroup('g4', 'Depends', ['bulkId:u4'])]));
    const [u, g] = r.body.Operations;
    assert.equal(u.status, '409', r.dump);
    assert.equal(u.response.scimType, 'uniqueness', r.dump);
    assert.notEqual(g.status, '201', r.dump);
  });
});

describe('Bulk: errors, failOnErrors and limits', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite({ maxBodyBytes: 64 * 1024 });
  });
  after(async () => h.close());

  it('runs every operation and reports each error in the Error schema when failOnErrors is absent', async () => {
    const r = await h.req(
      'POST',
      '/Bulk',
      bulk([
        postUser('a', 'one@bulk.test'),
        postUser('b', 'one@bulk.test'),
        { method: 'DELETE', path: '/Users/00000000-0000-0000-0000-000000000000' },
        postUser('c', 'two@bulk.test'),
      ]),
    );
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(
      r.body.Operations.map((o: any) => o.status),
      ['201', '409', '404', '201'],
      r.dump,
    );
    assert.deepEqual(
      r.body.Operations[1].response,
      { schemas: [URN.error], status: '409', scimType: 'uniqueness', detail: r.body.Operations[1].response.detail },
      r.dump,
    );
  });

  it('stops after failOnErrors errors and does not run the rest', async () => {
    const r = await h.req(
      'POST',
      '/Bulk',
      bulk([postUser('a', 'three@bulk.test'), postUser('b', 'three@bulk.test'), postUser('c', 'four@bulk.test')], { failOnErrors: 1 }),
    );
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(
      r.body.Operations.map((o: any) => o.status),
      ['201', '409'],
      r.dump,
    );
    const four = await h.req('GET', `/Users?filter=${encodeURIComponent('userName eq "four@bulk.test"')}`);
    assert.equal(four.body.totalResults, 0, 'the operation after the stop never ran');
  });

  it('refuses more operations than maxOperations with 413', async () => {
    const spc = await h.req('GET', '/ServiceProviderConfig');
    const max = spc.body.bulk.maxOperations;
    assert.ok(Number.isInteger(max) && max > 0, spc.dump);
    const ops = Array.from({ length: max + 1 }, () => ({ method: 'DELETE', path: '/Users/x' }));
    assertError(await h.req('POST', '/Bulk', bulk(ops)), 413);
    const atLimit = Array.from({ length: Math.min(max, 3) }, () => ({ method: 'DELETE', path: '/Users/x' }));
    assert.equal((await h.req('POST', '/Bulk', bulk(atLimit))).status, 200);
  });

  it('refuses a body larger than maxPayloadSize with 413 and advertises that size', async () => {
    const spc = await h.req('GET', '/ServiceProviderConfig');
    assert.equal(spc.body.bulk.maxPayloadSize, 64 * 1024, spc.dump);
    const ops = Array.from({ length: 300 }, (_, i) => postUser(`p${i}`, `payload.${i}.${'x'.repeat(200)}@bulk.test`));
    assertError(await h.req('POST', '/Bulk', bulk(ops)), 413);
  });

  it('refuses a request without the BulkRequest schema or without Operations', async () => {
    assertError(await h.req('POST', '/Bulk', { Operations: [] }), 400, 'invalidSyntax');
    assertError(await h.req('POST', '/Bulk', { schemas: [URN.bulkRequest] }), 400, 'invalidSyntax');
  });

  it('refuses a POST operation without a bulkId, and reports bad methods and paths per operation', async () => {
    assertError(
      await h.req('POST', '/Bulk', bulk([{ method: 'POST', path: '/Users', data: userBody('nobulkid@bulk.test') }])),
      400,
      'invalidSyntax',
    );
    const r = await h.req(
      'POST',
      '/Bulk',
      bulk([
        { method: 'GET', path: '/Users' },
        { method: 'DELETE', path: '/Schemas/x' },
      ]),
    );
    assert.equal(r.status, 200, r.dump);
    assert.deepEqual(
      r.body.Operations.map((o: any) => o.status),
      ['400', '400'],
      r.dump,
    );
  });

  it("honours an operation's version as If-Match", async () => {
    const u = await createUser(h, userBody('versioned@bulk.test'));
    const r = await h.req(
      'POST',
      '/Bulk',
      bulk([
        { method: 'PATCH', path: `/Users/${u.id}`, version: 'W/"999"', data: patchOp({ op: 'replace', path: 'title', value: 'stale' }) },
        {
          method: 'PATCH',
          path: `/Users/${u.id}`,
          version: u.meta.version,
          data: patchOp({ op: 'replace', path: 'title', value: 'fresh' }),
        },
      ]),
    );
    assert.deepEqual(
      r.body.Operations.map((o: any) => o.status),
      ['412', '200'],
      r.dump,
    );
    assert.equal((await h.req('GET', `/Users/${u.id}`)).body.title, 'fresh');
  });
});
