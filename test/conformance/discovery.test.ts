// Discovery (RFC 7644 §4) through the real HTTP app, each advertised feature exercised (patch, bulk, filter limits, sort,
// ETags, readOnly, caseExact, returned), plus POST /.search at the root and per resource type (RFC 7644 §3.4.3).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { userBody, type ScimHarness } from '../helpers/scim.js';
import { randomUUID } from 'node:crypto';
import {
  URN,
  ORIGIN,
  withFilter,
  patchOp,
  assertError,
  assertList,
  assertScimJson,
  createUser,
  createGroup,
  startSuite,
} from './support.js';

const CHARACTERISTICS = ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness'];

interface AttrDoc {
  name: string;
  type: string;
  mutability: string;
  returned: string;
  caseExact: boolean;
  required: boolean;
  multiValued: boolean;
  subAttributes?: AttrDoc[];
}

describe('Discovery: ServiceProviderConfig advertises what the server does', () => {
  let h: ScimHarness;
  let spc: any;
  before(async () => {
    h = await startSuite();
    const r = await h.req('GET', '/ServiceProviderConfig');
    assert.equal(r.status, 200, r.dump);
    spc = r.body;
  });
  after(async () => h.close());

  it('is served as application/scim+json with the ServiceProviderConfig schema and its location', async () => {
    const r = await h.req('GET', '/ServiceProviderConfig');
    assertScimJson(r);
    assert.deepEqual(spc.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'], r.dump);
    assert.equal(spc.meta.location, `${ORIGIN}${h.base}/ServiceProviderConfig`, r.dump);
    assert.equal(spc.meta.resourceType, 'ServiceProviderConfig', r.dump);
  });

  it('states exactly the supported features and limits', () => {
    assert.deepEqual(spc.patch, { supported: true });
    assert.deepEqual(spc.bulk, { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 });
    assert.deepEqual(spc.filter, { supported: true, maxResults: 1000 });
    assert.deepEqual(spc.sort, { supported: true });
    assert.deepEqual(spc.etag, { supported: true });
    assert.deepEqual(spc.changePassword, { supported: false });
    assert.equal(spc.authenticationSchemes.length, 1);
    assert.equal(spc.authenticationSchemes[0].type, 'oauthbearertoken');
    assert.equal(spc.authenticationSchemes[0].primary, true);
    // Optional links are left out rather than pointing at pages a self-hosted bridge does not serve.
    assert.equal(spc.documentationUri, undefined);
    assert.equal(spc.authenticationSchemes[0].documentationUri, undefined);
  });

  it('answers requests without the advertised bearer token with 401 and a Bearer challenge', async () => {
    const r = await h.reqAs('nope', 'GET', '/ServiceProviderConfig');
    assertError(r, 401);
    assert.match(String(r.headers['www-authenticate']), /^Bearer /, r.dump);
  });

  it('etag: every resource answer carries an ETag, and If-Match / If-None-Match are honoured', async () => {
    const u = await createUser(h, userBody('etag@discovery.test'));
    const put = await h.req('PUT', `/Users/${u.id}`, userBody('etag@discovery.test', { title: 'x' }), { 'if-match': 'W/"0"' });
    assertError(put, 412);
    const del = await h.req('DELETE', `/Users/${u.id}`, undefined, { 'if-match': 'W/"0"' });
    assertError(del, 412);
    const ok = await h.req('PUT', `/Users/${u.id}`, userBody('etag@discovery.test', { title: 'x' }), { 'if-match': u.meta.version });
    assert.equal(ok.status, 200, ok.dump);
    assert.equal(ok.headers.etag, ok.body.meta.version, ok.dump);
    const star = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'y' }), { 'if-match': '*' });
    assert.equal(star.status, 200, star.dump);
    const nm = await h.req('GET', `/Users/${u.id}`, undefined, { 'if-none-match': star.body.meta.version });
    assert.equal(nm.status, 304, nm.dump);
  });

  it('sort: sortBy and sortOrder order the results', async () => {
    for (const n of ['zed', 'amy', 'kim']) await createUser(h, userBody(`${n}@sort.test`));
    const f = withFilter('userName ew "@sort.test"');
    const asc = await h.req('GET', `/Users${f}&sortBy=userName`);
    assert.deepEqual(
      assertList(asc, 3).map((u) => u.userName),
      ['amy@sort.test', 'kim@sort.test', 'zed@sort.test'],
      asc.dump,
    );
    const desc = await h.req('GET', `/Users${f}&sortBy=name.givenName&sortOrder=descending`);
    assert.deepEqual(
      assertList(desc, 3).map((u) => u.userName),
      ['zed@sort.test', 'kim@sort.test', 'amy@sort.test'],
      desc.dump,
    );
  });

  it('filter: a page never holds more than maxResults, whatever count asks for', async () => {
    // More users than maxResults, written as copies of one stored row (the API would take a thousand round trips).
    const seed = await createUser(h, { schemas: [URN.user], userName: 'bulk.seed@max.test' });
    const row = await h.store.db.selectFrom('users').selectAll().where('id', '=', seed.id).executeTakeFirstOrThrow();
    const copies = Array.from({ length: spc.filter.maxResults + 4 }, (_, i) => {
      const userName = `bulk.${i}@max.test`;
      return {
        ...row,
        id: randomUUID(),
        user_name: userName,
        user_name_lc: userName,
        data: JSON.stringify({ ...JSON.parse(row.data), userName }),
      };
    });
    for (let i = 0; i < copies.length; i += 200)
      await h.store.db
        .insertInto('users')
        .values(copies.slice(i, i + 200))
        .execute();
    const r = await h.req('GET', `/Users${withFilter('userName ew "@max.test"', '&count=5000&attributes=userName')}`);
    const page = assertList(r, spc.filter.maxResults + 5);
    assert.equal(page.length, spc.filter.maxResults, `itemsPerPage ${r.body.itemsPerPage}`);
  });
});

describe('Discovery: ResourceTypes', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('lists User (with the enterprise and Shopify extensions, both optional) and Group', async () => {
    const r = await h.req('GET', '/ResourceTypes');
    const types = assertList(r, 2);
    const user = types.find((t) => t.id === 'User');
    const group = types.find((t) => t.id === 'Group');
    assert.deepEqual(
      { ...user, description: undefined },
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: undefined,
        schema: URN.user,
        schemaExtensions: [
          { schema: URN.enterprise, required: false },
          { schema: URN.shopify, required: false },
        ],
        meta: { resourceType: 'ResourceType', location: `${ORIGIN}${h.base}/ResourceTypes/User` },
      },
      r.dump,
    );
    assert.equal(group.endpoint, '/Groups', r.dump);
    assert.equal(group.schema, URN.group, r.dump);
    assert.deepEqual(group.schemaExtensions, [], r.dump);
  });

  it('serves each resource type by id, and 404 for an unknown one', async () => {
    const r = await h.req('GET', '/ResourceTypes/Group');
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.id, 'Group', r.dump);
    assertError(await h.req('GET', '/ResourceTypes/Device'), 404);
  });

  it('serves every advertised endpoint', async () => {
    for (const t of assertList(await h.req('GET', '/ResourceTypes'))) {
      const r = await h.req('GET', `${t.endpoint}?count=1`);
      assertList(r);
    }
  });
});

describe('Discovery: Schemas describe attributes as the server treats them', () => {
  let h: ScimHarness;
  let schemas: Map<string, { attributes: AttrDoc[] }>;
  let user: any;
  before(async () => {
    h = await startSuite();
    const r = await h.req('GET', '/Schemas');
    schemas = new Map(assertList(r, 4).map((s) => [s.id, s]));
    user = await createUser(h, userBody('schema.user@discovery.test', { externalId: 'Ext-Case', password: 'Secret-1' }));
  });
  after(async () => h.close());

  const attr = (schema: string, name: string) => schemas.get(schema)!.attributes.find((a) => a.name === name)!;

  it('serves the User, EnterpriseUser, Shopify and Group schemas, each by id too', async () => {
    assert.deepEqual([...schemas.keys()].sort(), [URN.enterprise, URN.group, URN.user, URN.shopify].sort());
    for (const id of schemas.keys()) {
      const r = await h.req('GET', `/Schemas/${id}`);
      assert.equal(r.status, 200, r.dump);
      assert.equal(r.body.id, id, r.dump);
      assert.equal(r.body.meta.location, `${ORIGIN}${h.base}/Schemas/${id}`, r.dump);
    }
    assertError(await h.req('GET', '/Schemas/urn:example:nope'), 404);
  });

  it('gives every attribute and sub-attribute all RFC 7643 §7 characteristics', () => {
    const check = (a: AttrDoc, where: string) => {
      for (const c of CHARACTERISTICS) assert.ok(c in a, `${where}.${a.name} lacks ${c}`);
      if (a.type === 'complex')
        assert.ok(Array.isArray(a.subAttributes) && a.subAttributes.length > 0, `${where}.${a.name} has subAttributes`);
      for (const s of a.subAttributes ?? []) check(s, `${where}.${a.name}`);
    };
    for (const [id, s] of schemas) for (const a of s.attributes) check(a, id);
  });

  it('describes the Shopify extension as maintained by the server: every attribute readOnly', () => {
    const ext = schemas.get(URN.shopify)!;
    assert.deepEqual(ext.attributes.map((a) => a.name).sort(), [
      'customerId',
      'lastAttemptAt',
      'lastSyncedAt',
      'syncError',
      'syncErrorCode',
      'syncState',
      'tags',
    ]);
    for (const a of ext.attributes) assert.equal(a.mutability, 'readOnly', a.name);
  });

  it('refuses a PATCH of every readOnly attribute the User schemas list, with mutability', async () => {
    const targets: string[] = [];
    for (const [id, s] of schemas) {
      if (id === URN.group) continue;
      for (const a of s.attributes) if (a.mutability === 'readOnly') targets.push(id === URN.user ? a.name : `${id}:${a.name}`);
    }
    assert.ok(targets.includes('id') && targets.includes('groups') && targets.includes(`${URN.shopify}:customerId`), targets.join());
    for (const path of targets) {
      const r = await h.req('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path, value: path.endsWith('tags') ? ['x'] : 'x' }));
      assertError(r, 400, 'mutability');
    }
    assertError(
      await h.req(
        'PATCH',
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: URN.shopify, value: { customerId: 'gid://shopify/Customer/1' } }),
      ),
      400,
      'mutability',
    );
  });

  it('ignores readOnly attributes in a POST body, the Shopify extension included', async () => {
    const r = await h.req(
      'POST',
      '/Users',
      userBody('ro.post@discovery.test', { [URN.shopify]: { customerId: 'gid://shopify/Customer/9', syncState: 'synced' } }),
    );
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body[URN.shopify], undefined, r.dump);
    assert.ok(!r.body.schemas.includes(URN.shopify), r.dump);
  });

  it('never returns the password, which the schema marks writeOnly and returned never', async () => {
    const pw = attr(URN.user, 'password');
    assert.equal(pw.mutability, 'writeOnly');
    assert.equal(pw.returned, 'never');
    const r = await h.req('GET', `/Users/${user.id}?attributes=password,userName`);
    assert.equal(r.body.password, undefined, r.dump);
    const p = await h.req('PATCH', `/Users/${user.id}`, patchOp({ op: 'replace', path: 'password', value: 'New-Secret-2' }));
    assert.equal(p.status, 200, p.dump);
    assert.ok(!p.text.includes('New-Secret-2'), p.dump);
  });

  it('always returns id, which the schema marks returned always, even when other attributes are asked for', async () => {
    assert.equal(attr(URN.user, 'id').returned, 'always');
    const r = await h.req('GET', `/Users/${user.id}?attributes=displayName`);
    assert.equal(r.body.id, user.id, r.dump);
    const x = await h.req('GET', `/Users/${user.id}?excludedAttributes=id`);
    assert.equal(x.body.id, user.id, x.dump);
  });

  it('compares userName case-insensitively and externalId case-exactly, as caseExact says', async () => {
    assert.equal(attr(URN.user, 'userName').caseExact, false);
    assert.equal(attr(URN.user, 'externalId').caseExact, true);
    assertList(await h.req('GET', `/Users${withFilter('userName eq "SCHEMA.USER@DISCOVERY.TEST"')}`), 1);
    assertList(await h.req('GET', `/Users${withFilter('externalId eq "Ext-Case"')}`), 1);
    assertList(await h.req('GET', `/Users${withFilter('externalId eq "ext-case"')}`), 0);
  });

  it('requires what the schemas mark required: userName, and a Group displayName', async () => {
    assert.equal(attr(URN.user, 'userName').required, true);
    assert.equal(attr(URN.group, 'displayName').required, true);
    assertError(await h.req('POST', '/Users', { schemas: [URN.user], displayName: 'No Name' }), 400);
    assertError(await h.req('PATCH', `/Users/${user.id}`, patchOp({ op: 'remove', path: 'userName' })), 400, 'mutability');
    const g = await createGroup(h, 'Required Name');
    assertError(await h.req('PATCH', `/Groups/${g.id}`, patchOp({ op: 'remove', path: 'displayName' })), 400, 'mutability');
  });

  it('describes Group.members with value, $ref, display (readOnly) and type', () => {
    const members = attr(URN.group, 'members');
    assert.equal(members.multiValued, true);
    assert.deepEqual(
      members.subAttributes!.map((s) => s.name),
      ['value', '$ref', 'display', 'type'],
    );
    assert.equal(members.subAttributes!.find((s) => s.name === 'display')!.mutability, 'readOnly');
    const groups = attr(URN.user, 'groups');
    assert.equal(groups.mutability, 'readOnly');
  });
});

describe('Search with POST /.search', () => {
  let h: ScimHarness;
  let ann: any;
  let g: any;
  before(async () => {
    h = await startSuite();
    ann = await createUser(h, userBody('ann@search.test', { title: 'Buyer' }));
    await createUser(h, userBody('bob@search.test'));
    g = await createGroup(h, 'Buyers', [ann.id]);
  });
  after(async () => h.close());

  const search = (body: Record<string, unknown>) => ({ schemas: [URN.searchRequest], ...body });

  it('searches Users with a SearchRequest: filter, attributes, startIndex and count', async () => {
    const r = await h.req(
      'POST',
      '/Users/.search',
      search({ filter: 'userName ew "@search.test"', attributes: ['userName'], sortBy: 'userName', startIndex: 2, count: 1 }),
    );
    const page = assertList(r, 2);
    assert.equal(r.body.startIndex, 2, r.dump);
    assert.deepEqual(page, [{ schemas: [URN.user], id: page[0].id, userName: 'bob@search.test' }], r.dump);
  });

  it('searches Groups with excludedAttributes=members', async () => {
    const r = await h.req('POST', '/Groups/.search', search({ filter: 'displayName eq "buyers"', excludedAttributes: ['members'] }));
    const [x] = assertList(r, 1);
    assert.equal(x.id, g.id, r.dump);
    assert.equal(x.members, undefined, r.dump);
  });

  it('searches all resource types at the root, each result telling its resourceType', async () => {
    const r = await h.req('POST', '/.search', search({}));
    const all = assertList(r, 3);
    assert.deepEqual(all.map((x) => x.meta.resourceType).sort(), ['Group', 'User', 'User'], r.dump);
    const f = await h.req('POST', '/.search', search({ filter: 'meta.resourceType eq "Group" or displayName eq "Buyers"' }));
    assert.deepEqual(
      assertList(f).map((x) => x.id),
      [g.id],
      f.dump,
    );
  });

  it('pages a root search across both types', async () => {
    const a = assertList(await h.req('POST', '/.search', search({ startIndex: 1, count: 2 })), 3);
    const b = assertList(await h.req('POST', '/.search', search({ startIndex: 3, count: 2 })), 3);
    assert.equal(a.length, 2);
    assert.equal(b.length, 1);
    assert.equal(new Set([...a, ...b].map((x) => x.id)).size, 3);
    const c = await h.req('POST', '/.search', search({ startIndex: 2, count: 1 }));
    assert.deepEqual(
      assertList(c, 3).map((x) => x.id),
      [a[1].id],
      c.dump,
    );
    const far = await h.req('POST', '/.search', search({ startIndex: 1_000_000, count: 1000 }));
    assert.deepEqual(assertList(far, 3), [], far.dump);
  });

  it('sorts a root search by a user attribute without failing on the groups', async () => {
    const r = await h.req('POST', '/.search', search({ sortBy: 'userName', filter: 'userName pr' }));
    assert.deepEqual(
      assertList(r, 2).map((x) => x.userName),
      ['ann@search.test', 'bob@search.test'],
      r.dump,
    );
    // Groups have no userName: they stay in the answer, after the users ascending and before them descending.
    const asc = await h.req('POST', '/.search', search({ sortBy: 'userName' }));
    assert.deepEqual(
      assertList(asc, 3).map((x) => x.userName ?? x.displayName),
      ['ann@search.test', 'bob@search.test', 'Buyers'],
      asc.dump,
    );
    const desc = await h.req('POST', '/.search', search({ sortBy: 'userName', sortOrder: 'descending' }));
    assert.deepEqual(
      assertList(desc, 3).map((x) => x.userName ?? x.displayName),
      ['Buyers', 'bob@search.test', 'ann@search.test'],
      desc.dump,
    );
    const paged = await h.req('POST', '/.search', search({ sortBy: 'userName', sortOrder: 'descending', startIndex: 2, count: 1 }));
    assert.deepEqual(
      assertList(paged, 3).map((x) => x.userName),
      ['bob@search.test'],
      paged.dump,
    );
    assertError(await h.req('POST', '/.search', search({ sortBy: 'favouriteColour' })), 400, 'invalidValue');
  });

  it('refuses a body whose schemas do not name the SearchRequest message, and a bad filter', async () => {
    assertError(await h.req('POST', '/Users/.search', { schemas: [URN.user], filter: 'userName pr' }), 400, 'invalidSyntax');
    assertError(await h.req('POST', '/.search', search({ filter: 'userName eq' })), 400, 'invalidFilter');
  });
});
