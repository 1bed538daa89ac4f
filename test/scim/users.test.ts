import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startScim, userBody, type ScimHarness } from '../helpers/scim.js';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('SCIM Users over HTTP', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startScim();
  });
  after(async () => h.close());

  it('creates a user with 201, Location, ETag and meta', async () => {
    const r = await h.req('POST', '/Users', userBody('ada.lovelace@acme.test', { externalId: 'ext-ada' }));
    assert.equal(r.status, 201, r.dump);
    assert.match(String(r.headers['content-type']), /^application\/scim\+json/);
    assert.equal(r.headers.location, `https://scim.example.test/scim/v2/acme/Users/${r.body.id}`);
    assert.equal(r.body.meta.location, r.headers.location);
    assert.equal(r.body.meta.resourceType, 'User');
    assert.equal(r.headers.etag, r.body.meta.version);
    assert.match(r.body.meta.version, /^W\/"\d+"$/);
    assert.equal(r.body.userName, 'ada.lovelace@acme.test');
    assert.equal(r.body.externalId, 'ext-ada');
    assert.ok(r.body.schemas.includes('urn:ietf:params:scim:schemas:core:2.0:User'));
    assert.equal(r.body.password, undefined);
  });

  it('never stores or returns a password', async () => {
    const r = await h.req('POST', '/Users', userBody('pw.user@acme.test', { password: 'S3cret!' }));
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body.password, undefined);
    const row = await h.store.db.selectFrom('users').select('data').where('id', '=', r.body.id).executeTakeFirstOrThrow();
    assert.ok(!row.data.includes('S3cret'), 'password must not be stored');
  });

  it('refuses a duplicate userName case-insensitively with 409 uniqueness', async () => {
    const r = await h.req('POST', '/Users', userBody('ADA.LOVELACE@acme.test'));
    assert.equal(r.status, 409, r.dump);
    assert.deepEqual(r.body.schemas, [ERROR]);
    assert.equal(r.body.status, '409');
    assert.equal(r.body.scimType, 'uniqueness');
  });

  it('gets a user by id and answers 404 in the error schema for an unknown id', async () => {
    const c = await h.req('POST', '/Users', userBody('grace.hopper@acme.test'));
    const g = await h.req('GET', `/Users/${c.body.id}`);
    assert.equal(g.status, 200, g.dump);
    assert.equal(g.body.id, c.body.id);
    const nf = await h.req('GET', '/Users/00000000-0000-0000-0000-000000000000');
    assert.equal(nf.status, 404, nf.dump);
    assert.deepEqual(nf.body.schemas, [ERROR]);
    assert.equal(nf.body.status, '404');
  });

  it('answers 304 to If-None-Match with the current version', async () => {
    const c = await h.req('POST', '/Users', userBody('etag.user@acme.test'));
    const r = await h.req('GET', `/Users/${c.body.id}`, undefined, { 'if-none-match': c.body.meta.version });
    assert.equal(r.status, 304, r.dump);
    const r2 = await h.req('GET', `/Users/${c.body.id}`, undefined, { 'if-none-match': 'W/"999"' });
    assert.equal(r2.status, 200, r2.dump);
  });

  it('filters by userName case-insensitively and returns an empty list (not 404) when nothing matches', async () => {
    const r = await h.req('GET', `/Users?filter=${encodeURIComponent('userName eq "GRACE.HOPPER@ACME.TEST"')}`);
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.totalResults, 1);
    assert.equal(r.body.Resources[0].userName, 'grace.hopper@acme.test');
    assert.equal(typeof r.body.startIndex, 'number');
    assert.equal(typeof r.body.itemsPerPage, 'number');
    const none = await h.req('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@acme.test"')}`);
    assert.equal(none.status, 200, none.dump);
    assert.deepEqual({ t: none.body.totalResults, r: none.body.Resources }, { t: 0, r: [] });
  });

  it('a userName eq look-up (found by its index) answers as the general filter path does, paging and .search included', async () => {
    const g = await h.req('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Look-up testers',
      members: [
        { value: (await h.req('GET', `/Users?filter=${encodeURIComponent('userName eq "grace.hopper@acme.test"')}`)).body.Resources[0].id },
      ],
    });
    assert.equal(g.status, 201, g.dump);
    const q = (f: string, rest = '') => `/Users?filter=${encodeURIComponent(f)}${rest}`;
    // `and userName pr` keeps the same match but takes the general path (a compiled SQL filter, then count and page).
    const general = (v: string) => `userName eq "${v}" and userName pr`;
    for (const [v, rest] of [
      ['Grace.Hopper@acme.test', ''],
      ['grace.hopper@acme.test', '&startIndex=2'],
      ['grace.hopper@acme.test', '&count=0'],
      ['grace.hopper@acme.test', '&startIndex=1&count=1&attributes=groups,userName'],
      ['nobody@acme.test', ''],
    ] as const) {
      const fast = await h.req('GET', q(`userName eq "${v}"`, rest));
      const slow = await h.req('GET', q(general(v), rest));
      assert.equal(fast.status, 200, fast.dump);
      assert.deepEqual(fast.body, slow.body, `${v}${rest}`);
      const qualified = await h.req('GET', q(`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "${v}"`, rest));
      assert.deepEqual(qualified.body, slow.body, `the schema-qualified name, ${v}${rest}`);
    }
    const found = await h.req('GET', q('userName eq "grace.hopper@acme.test"'));
    assert.deepEqual(
      found.body.Resources[0].groups.map((x: { display: string }) => x.display),
      ['Look-up testers'],
    );
    const search = await h.req('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName eq "GRACE.HOPPER@acme.test"',
      startIndex: 1,
      count: 10,
    });
    assert.equal(search.status, 200, search.dump);
    assert.deepEqual(search.body, found.body);
    // A value neither engine can hold as text cannot name a stored user: no match, and no database error.
    const nul = await h.req('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName eq "a\\u0000b"',
    });
    assert.equal(nul.status, 200, nul.dump);
    assert.equal(nul.body.totalResults, 0);
  });

  it('filters on attributes evaluated in memory (title) and on emails with a value path', async () => {
    await h.req(
      'POST',
      '/Users',
      userBody('ceo@acme.test', {
        title: 'Chief Executive',
        emails: [
          { value: 'ceo@acme.test', type: 'work' },
          { value: 'boss@home.test', type: 'home' },
        ],
      }),
    );
    const t = await h.req('GET', `/Users?filter=${encodeURIComponent('title sw "chief"')}`);
    assert.equal(t.body.totalResults, 1, t.dump);
    const e = await h.req('GET', `/Users?filter=${encodeURIComponent('emails[type eq "home" and value co "@home."]')}`);
    assert.equal(e.body.totalResults, 1, e.dump);
    assert.equal(e.body.Resources[0].userName, 'ceo@acme.test');
    const both = await h.req('GET', `/Users?filter=${encodeURIComponent('title pr and emails.value ew "@acme.test"')}`);
    assert.equal(both.body.totalResults, 1, both.dump);
  });

  it('rejects a malformed filter with 400 invalidFilter', async () => {
    for (const f of ['userName eq', 'userName xx "a"', '((userName eq "a")', 'emails[type eq "work"', '"a" eq userName']) {
      const r = await h.req('GET', `/Users?filter=${encodeURIComponent(f)}`);
      assert.equal(r.status, 400, `${f}: ${r.dump}`);
      assert.equal(r.body.scimType, 'invalidFilter', r.dump);
    }
  });

  it('treats an injection attempt in a filter as a plain value', async () => {
    const r = await h.req('GET', `/Users?filter=${encodeURIComponent(`userName eq "x' or '1'='1"`)}`);
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.totalResults, 0);
    const count = await h.store.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    assert.ok(Number(count.n) > 0, 'the table is intact');
  });

  it('rejects sortBy naming no attribute, including an injection attempt', async () => {
    const r = await h.req('GET', `/Users?sortBy=${encodeURIComponent('userName; drop table users')}`);
    assert.equal(r.status, 400, r.dump);
    assert.equal(r.body.scimType, 'invalidValue');
  });

  it('pages with startIndex and count in a stable order with integer totals', async () => {
    for (let i = 0; i < 7; i++) await h.req('POST', '/Users', userBody(`page.user${i}@paging.test`));
    const filter = encodeURIComponent('userName ew "@paging.test"');
    const seen: string[] = [];
    for (let start = 1; start <= 7; start += 3) {
      const r = await h.req('GET', `/Users?filter=${filter}&startIndex=${start}&count=3&sortBy=userName`);
      assert.equal(r.status, 200, r.dump);
      assert.equal(r.body.totalResults, 7);
      assert.equal(r.body.startIndex, start);
      seen.push(...r.body.Resources.map((u: any) => u.userName));
    }
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(new Set(seen).size, 7);
    const desc = await h.req('GET', `/Users?filter=${filter}&sortBy=userName&sortOrder=descending&count=1`);
    assert.equal(desc.body.Resources[0].userName, 'page.user6@paging.test', desc.dump);
    const zero = await h.req('GET', `/Users?filter=${filter}&count=0`);
    assert.equal(zero.body.totalResults, 7);
    assert.deepEqual(zero.body.Resources, []);
  });

  it('projects attributes and excludedAttributes, always keeping id and schemas', async () => {
    const r = await h.req(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "grace.hopper@acme.test"')}&attributes=userName,name.givenName`,
    );
    const u = r.body.Resources[0];
    assert.equal(u.userName, 'grace.hopper@acme.test', r.dump);
    assert.equal(u.name.givenName, 'grace');
    assert.equal(u.name.familyName, undefined);
    assert.equal(u.emails, undefined);
    assert.ok(u.id && u.schemas);
    const x = await h.req(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "grace.hopper@acme.test"')}&excludedAttributes=emails,name`,
    );
    assert.equal(x.body.Resources[0].emails, undefined, x.dump);
    assert.equal(x.body.Resources[0].userName, 'grace.hopper@acme.test');
  });

  it('replaces with PUT, ignoring readOnly attributes, and honours If-Match', async () => {
    const c = await h.req('POST', '/Users', userBody('put.user@acme.test'));
    const body = { ...c.body, displayName: 'Put User', id: 'ignored', meta: { version: 'x' } };
    const stale = await h.req('PUT', `/Users/${c.body.id}`, body, { 'if-match': 'W/"999"' });
    assert.equal(stale.status, 412, stale.dump);
    const r = await h.req('PUT', `/Users/${c.body.id}`, body, { 'if-match': c.body.meta.version });
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.id, c.body.id);
    assert.equal(r.body.displayName, 'Put User');
    assert.notEqual(r.body.meta.version, c.body.meta.version);
    const after = await h.req('GET', `/Users/${c.body.id}`);
    assert.equal(after.body.displayName, 'Put User');
  });

  it('patches active with Entra-style "False" and keeps inactive users visible to filters', async () => {
    const c = await h.req('POST', '/Users', userBody('entra.soft@acme.test'));
    const r = await h.req('PATCH', `/Users/${c.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    assert.equal(r.status, 200, r.dump);
    assert.equal(r.body.active, false);
    const f = await h.req('GET', `/Users?filter=${encodeURIComponent('userName eq "entra.soft@acme.test" and active eq false')}`);
    assert.equal(f.body.totalResults, 1, f.dump);
  });

  it("answers a POST of an inactive user's userName 409, and restores that user instead when the tenant opts in (reactivateOnPost)", async () => {
    const c = await h.req('POST', '/Users', userBody('okta.back@acme.test', { externalId: 'okta-1' }));
    await h.req('PATCH', `/Users/${c.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    const refused = await h.req('POST', '/Users', userBody('okta.back@acme.test', { externalId: 'okta-1', active: true }));
    assert.equal(refused.status, 409, refused.dump);
    assert.equal(refused.body.scimType, 'uniqueness', refused.dump);
    await h.setPolicies({ reactivateOnPost: true });
    try {
      const again = await h.req('POST', '/Users', userBody('okta.back@acme.test', { externalId: 'okta-1', active: true }));
      assert.equal(again.status, 201, again.dump);
      assert.equal(again.body.id, c.body.id);
      assert.equal(again.body.active, true);
    } finally {
      await h.setPolicies({});
    }
  });

  it('a PATCH that fails part-way changes nothing', async () => {
    const c = await h.req('POST', '/Users', userBody('atomic.user@acme.test'));
    const r = await h.req('PATCH', `/Users/${c.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Changed' },
        { op: 'replace', path: 'id', value: 'nope' },
      ],
    });
    assert.equal(r.status, 400, r.dump);
    const g = await h.req('GET', `/Users/${c.body.id}`);
    assert.equal(g.body.displayName, undefined, g.dump);
    assert.equal(g.body.meta.version, c.body.meta.version);
  });

  it('deletes with 204, then answers 404', async () => {
    const c = await h.req('POST', '/Users', userBody('gone.user@acme.test'));
    const d = await h.req('DELETE', `/Users/${c.body.id}`);
    assert.equal(d.status, 204, d.dump);
    assert.equal((await h.req('GET', `/Users/${c.body.id}`)).status, 404);
    assert.equal((await h.req('DELETE', `/Users/${c.body.id}`)).status, 404);
  });

  it('records every change in the audit log without personal values', async () => {
    const rows = await h.store.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', h.tenantId).execute();
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['user.create', 'user.replace', 'user.patch', 'user.delete', 'user.restore'])
      assert.ok(actions.has(a), `audit has ${a}`);
    assert.ok(!rows.some((r) => r.detail.includes('@acme.test')), 'no e-mail addresses in the audit log');
  });
});

describe('SCIM request hygiene', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startScim({ maxBodyBytes: 4096 });
  });
  after(async () => h.close());

  it('answers 401 in the error schema without a token, with a wrong token, and with WWW-Authenticate', async () => {
    for (const tok of [undefined, 'scim_wrong']) {
      const r = await h.reqAs(tok, 'GET', '/Users');
      assert.equal(r.status, 401, r.dump);
      assert.deepEqual(r.body.schemas, [ERROR]);
      assert.equal(r.body.status, '401');
      assert.match(String(r.headers['www-authenticate']), /^Bearer/);
    }
  });

  it('accepts application/json and application/scim+json and answers scim+json', async () => {
    const a = await h.req('POST', '/Users', userBody('json.user@acme.test'), { 'content-type': 'application/json' });
    assert.equal(a.status, 201, a.dump);
    const b = await h.req('POST', '/Users', userBody('scim.user@acme.test'), { 'content-type': 'application/scim+json; charset=utf-8' });
    assert.equal(b.status, 201, b.dump);
    assert.match(String(b.headers['content-type']), /application\/scim\+json/);
  });

  it('rejects malformed JSON with invalidSyntax and stores nothing', async () => {
    const before = await h.req('GET', '/Users?count=0');
    const r = await h.req('POST', '/Users', '{"userName": "broken@acme.test",');
    assert.equal(r.status, 400, r.dump);
    assert.equal(r.body.scimType, 'invalidSyntax');
    const afterList = await h.req('GET', '/Users?count=0');
    assert.equal(afterList.body.totalResults, before.body.totalResults);
  });

  it('rejects wrong types with invalidValue and a missing userName', async () => {
    const a = await h.req('POST', '/Users', userBody('types@acme.test', { active: 'maybe' }));
    assert.equal(a.status, 400, a.dump);
    assert.equal(a.body.scimType, 'invalidValue');
    const b = await h.req('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], name: { givenName: 'x' } });
    assert.equal(b.status, 400, b.dump);
  });

  it('ignores unknown attributes instead of failing', async () => {
    const r = await h.req('POST', '/Users', userBody('unknown.attr@acme.test', { favouriteColour: 'blue' }));
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body.favouriteColour, undefined);
  });

  it('refuses an oversized body with 413 in the error schema', async () => {
    const r = await h.req('POST', '/Users', userBody('big@acme.test', { title: 'x'.repeat(8000) }));
    assert.equal(r.status, 413, r.dump);
    assert.deepEqual(r.body.schemas, [ERROR]);
  });

  it('refuses an over-deep filter with invalidFilter', async () => {
    const deep = '('.repeat(200) + 'userName eq "a"' + ')'.repeat(200);
    const r = await h.req('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: deep });
    assert.equal(r.status, 400, r.dump);
    assert.equal(r.body.scimType, 'invalidFilter');
  });

  it('answers unknown routes under /scim with 404 in the error schema', async () => {
    const r = await h.req('GET', '/Nope');
    assert.equal(r.status, 404, r.dump);
    assert.deepEqual(r.body.schemas, [ERROR]);
  });

  it('a token never sees another tenant', async () => {
    const other = await startScim({ store: h.store, tenant: 'other' });
    try {
      const mine = await h.req('POST', '/Users', userBody('secret.person@acme.test'));
      assert.equal(mine.status, 201);
      const cross = await h.reqAs(other.token, 'GET', `${h.base}/Users/${mine.body.id}`);
      assert.equal(cross.status, 404, cross.dump);
      assert.doesNotMatch(cross.text, /secret\.person/, "nothing of the other tenant's user");
      const own = await other.req('GET', `/Users/${mine.body.id}`);
      assert.equal(own.status, 404, own.dump);
      const list = await other.req('GET', '/Users');
      assert.equal(list.body.totalResults, 0, list.dump);
      const dup = await other.req('POST', '/Users', userBody('secret.person@acme.test'));
      assert.equal(dup.status, 201, 'userName uniqueness is per tenant');
    } finally {
      await other.app.close();
    }
  });
});

describe('SCIM Users over HTTP: the in-memory match limit', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startScim({ maxInMemoryMatches: 5 });
    for (let i = 1; i <= 7; i++) {
      const r = await h.req('POST', '/Users', userBody(`eng.${i}@acme.test`, { title: 'Engineer' }));
      assert.equal(r.status, 201, r.dump);
    }
    const m = await h.req('POST', '/Users', userBody('boss.one@acme.test', { title: 'Manager' }));
    assert.equal(m.status, 201, m.dump);
  });
  after(async () => h.close());

  it('refuses a filter evaluated in memory that matches more than the limit with 400 tooMany', async () => {
    const r = await h.req('GET', `/Users?filter=${encodeURIComponent('title eq "Engineer"')}&count=2`);
    assert.equal(r.status, 400, r.dump);
    assert.deepEqual(r.body.schemas, [ERROR]);
    assert.equal(r.body.status, '400');
    assert.equal(r.body.scimType, 'tooMany');
    assert.match(r.body.detail, /more than 5 resources/);
    const s = await h.req('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'title sw "eng"',
    });
    assert.equal(s.status, 400, s.dump);
    assert.equal(s.body.scimType, 'tooMany');
  });

  it('still answers an in-memory filter under the limit and an indexed filter over the same users', async () => {
    const few = await h.req('GET', `/Users?filter=${encodeURIComponent('title eq "Manager"')}`);
    assert.equal(few.status, 200, few.dump);
    assert.equal(few.body.totalResults, 1, few.dump);
    const indexed = await h.req('GET', `/Users?filter=${encodeURIComponent('userName sw "eng."')}&count=2&sortBy=userName`);
    assert.equal(indexed.status, 200, indexed.dump);
    assert.equal(indexed.body.totalResults, 7, indexed.dump);
    assert.deepEqual(
      indexed.body.Resources.map((u: any) => u.userName),
      ['eng.1@acme.test', 'eng.2@acme.test'],
    );
    const all = await h.req('GET', '/Users?count=1');
    assert.equal(all.status, 200, all.dump);
    assert.equal(all.body.totalResults, 8, all.dump);
  });
});

describe('SCIM Users over HTTP: filters on attributes only the stored document holds', () => {
  const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  let h: ScimHarness;
  const ids: Record<string, string> = {};
  const list = async (filter: string, extra = '') => {
    const r = await h.req('GET', `/Users?filter=${encodeURIComponent(filter)}${extra}`);
    assert.equal(r.status, 200, r.dump);
    return r.body as { totalResults: number; Resources: any[] };
  };
  before(async () => {
    h = await startScim();
    const people: [string, Record<string, unknown>][] = [
      ['ada.eng@acme.test', { title: 'Engineer', [ENT]: { department: 'R&D' } }],
      ['bob.eng@acme.test', { title: 'engineer', [ENT]: { department: 'Sales' } }],
      // the Kelvin sign lower-cases to an ASCII k, the dotted capital I to i and a combining dot
      ['kim.keeper@acme.test', { title: '\u212Aeeper' }],
      ['ida.city@acme.test', { title: 'İzmir office' }],
      ['cy.none@acme.test', {}],
    ];
    for (const [userName, extra] of people) {
      const r = await h.req('POST', '/Users', userBody(userName, extra));
      assert.equal(r.status, 201, r.dump);
      ids[userName] = r.body.id;
    }
    const g = await h.req('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Platform',
      members: [{ value: ids['ada.eng@acme.test'] }],
    });
    assert.equal(g.status, 201, g.dump);
  });
  after(async () => h.close());

  it('matches as the evaluator does, case-insensitively, Unicode case folding included', async () => {
    const eng = await list('title eq "ENGINEER"', '&sortBy=userName');
    assert.deepEqual(
      eng.Resources.map((u) => u.userName),
      ['ada.eng@acme.test', 'bob.eng@acme.test'],
    );
    assert.equal(eng.totalResults, 2);
    assert.deepEqual(
      (await list('title eq "keeper"')).Resources.map((u) => u.userName),
      ['kim.keeper@acme.test'],
    );
    assert.deepEqual(
      (await list('title sw "i"')).Resources.map((u) => u.userName),
      ['ida.city@acme.test'],
    );
    assert.equal((await list('title co "zmir"')).totalResults, 1);
    assert.equal((await list('title pr')).totalResults, 4);
    assert.equal((await list('not (title pr)')).totalResults, 1);
    assert.equal((await list(`${ENT}:department eq "sales"`)).Resources[0].userName, 'bob.eng@acme.test');
  });

  it('reads the groups when the filter names them, and answers every match with its groups', async () => {
    const inGroup = await list('title eq "engineer" and groups.display eq "Platform"');
    assert.deepEqual(
      inGroup.Resources.map((u) => u.userName),
      ['ada.eng@acme.test'],
    );
    const all = await list('title eq "engineer"', '&sortBy=userName');
    assert.equal(all.Resources[0].groups?.[0]?.display, 'Platform', 'the page is rendered in full');
    assert.equal(all.Resources[1].groups, undefined);
  });
});
