// A generic RFC 7643/7644 client, as validators and IdP "test connection" runs behave: it learns the attributes from
// /Schemas (as a model-building client does), creates users with only a userName or with random valid attributes,
// PATCHes every mutable attribute of User and Group with add, replace and remove, and asks for attributes and
// excludedAttributes on GET, list and search. Each step checks the HTTP answer and the stored resource.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ScimHarness } from '../helpers/scim.js';
import { URN, patchOp, assertError, assertList, assertCreated, createUser, startSuite } from './support.js';

interface Attr {
  name: string;
  type: string;
  multiValued: boolean;
  required: boolean;
  mutability: string;
  returned: string;
  canonicalValues?: string[];
  subAttributes?: Attr[];
}

/** The stored JSON of a resource, as the database holds it. */
async function stored(h: ScimHarness, table: 'users' | 'groups', id: string): Promise<any> {
  const row = await h.store.db
    .selectFrom(table)
    .select('data')
    .where('tenant_id', '=', h.tenantId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return JSON.parse(row.data);
}

let seq = 0;
/** A valid value for an attribute, made from its definition alone. */
function valueFor(a: Attr, memberId: string): unknown {
  const one = (): unknown => {
    switch (a.type) {
      case 'string':
        return a.canonicalValues?.length ? a.canonicalValues[0] : `v${++seq}-${a.name}`;
      case 'boolean':
        return true;
      case 'integer':
        return 7;
      case 'decimal':
        return 1.5;
      case 'dateTime':
        return '2026-01-02T03:04:05Z';
      case 'reference':
        return `https://example.test/${a.name}/${++seq}`;
      case 'binary':
        return 'aGVsbG8=';
      case 'complex': {
        const out: Record<string, unknown> = {};
        for (const sub of a.subAttributes ?? []) {
          if (sub.mutability === 'readOnly' || sub.name === '$ref') continue;
          // a member's value names a resource of the tenant; a `primary` flag is only meaningful on one element
          out[sub.name] =
            a.name === 'members' && sub.name === 'value'
              ? memberId
              : a.name === 'members' && sub.name === 'type'
                ? 'User'
                : valueFor(sub, memberId);
        }
        return out;
      }
      default:
        throw new Error(`no value for type ${a.type}`);
    }
  };
  return a.multiValued ? [one()] : one();
}

/** Reads an attribute at a path of a resource (`name`, or `urn:…:User:name`). */
function at(resource: any, path: string): unknown {
  const m = /^(urn:.+):([^:]+)$/.exec(path);
  return m ? resource?.[m[1]!]?.[m[2]!] : resource?.[path];
}

/** True when `actual` holds everything `expected` says (the server may add e.g. `$ref` or `display`). */
function holds(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.every((e) => actual.some((x) => holds(x, e)));
  if (expected && typeof expected === 'object')
    return !!actual && typeof actual === 'object' && Object.entries(expected).every(([k, v]) => holds((actual as any)[k], v));
  if (typeof expected === 'string' && typeof actual === 'string' && /^\d{4}-\d\d-\d\dT/.test(expected))
    return Date.parse(actual) === Date.parse(expected);
  return actual === expected;
}

async function schemasOf(h: ScimHarness): Promise<Map<string, Attr[]>> {
  const r = await h.req('GET', '/Schemas');
  return new Map(assertList(r).map((s: any) => [s.id as string, s.attributes as Attr[]]));
}

/** The PATCH paths of every attribute a client may write, for a resource type's core schema and its extensions. */
function writable(schemas: Map<string, Attr[]>, core: string, extensions: string[]): { path: string; def: Attr }[] {
  const out: { path: string; def: Attr }[] = [];
  for (const id of [core, ...extensions]) {
    for (const def of schemas.get(id) ?? []) {
      if (def.mutability !== 'readWrite') continue;
      out.push({ path: id === core ? def.name : `${id}:${def.name}`, def });
    }
  }
  return out;
}

describe('A generic RFC client: Users', () => {
  let h: ScimHarness;
  let schemas: Map<string, Attr[]>;
  before(async () => {
    h = await startSuite();
    schemas = await schemasOf(h);
  });
  after(async () => h.close());

  it('creates a user with only a userName: 201 with Location, meta and active, stored as sent', async () => {
    const r = await h.req('POST', '/Users', { schemas: [URN.user], userName: 'bjensen' });
    assertCreated(h, r, 'Users');
    assert.equal(r.body.userName, 'bjensen', r.dump);
    assert.equal(r.body.active, true, r.dump);
    assert.deepEqual(await stored(h, 'users', r.body.id), { schemas: [URN.user], userName: 'bjensen', active: true });
    const got = await h.req('GET', `/Users/${r.body.id}`);
    assert.equal(got.status, 200, got.dump);
    assert.equal(got.body.id, r.body.id, got.dump);
  });

  it('creates users with random valid attributes and answers and stores each as sent', async () => {
    const name = fc.record(
      { givenName: fc.string({ minLength: 1, maxLength: 20 }), familyName: fc.string({ minLength: 1, maxLength: 20 }) },
      { requiredKeys: [] },
    );
    const user = fc.record(
      {
        name,
        displayName: fc.string({ minLength: 1, maxLength: 40 }),
        nickName: fc.string({ minLength: 1, maxLength: 20 }),
        title: fc.string({ minLength: 1, maxLength: 40 }),
        emails: fc.array(fc.record({ value: fc.emailAddress(), type: fc.constantFrom('work', 'home', 'other') }), {
          minLength: 1,
          maxLength: 3,
        }),
        active: fc.boolean(),
        externalId: fc.uuid(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(user, async (u) => {
        const body = { schemas: [URN.user], userName: `random.${++seq}@rfc.test`, ...u };
        const r = await h.req('POST', '/Users', body);
        assert.equal(r.status, 201, r.dump);
        const keep = Object.fromEntries(
          Object.entries(body).filter(([k, v]) => k !== 'schemas' && !(k === 'name' && Object.keys(v as object).length === 0)),
        );
        assert.ok(holds(r.body, keep), `the answer holds what was sent: ${JSON.stringify(keep)} ${r.dump}`);
        assert.ok(holds(await stored(h, 'users', r.body.id), keep), 'the store holds what was sent');
      }),
      { numRuns: 25, seed: 7643 },
    );
  });

  it('adds, replaces and removes every mutable attribute of User the schemas list, each stored as answered', async () => {
    const targets = writable(schemas, URN.user, [URN.enterprise]);
    assert.ok(targets.length >= 20, `a User has many writable attributes: ${targets.map((t) => t.path)}`);
    for (const { path, def } of targets) {
      if (path === 'password') continue; // writeOnly in effect: accepted, never stored or returned (below)
      const u = await createUser(h, { schemas: [URN.user], userName: `patch.${++seq}@rfc.test` });
      const value = path === 'userName' ? `renamed.${++seq}@rfc.test` : valueFor(def, u.id);
      const added = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'add', path, value }));
      assert.equal(added.status, 200, `add ${path}: ${added.dump}`);
      assert.ok(holds(at(added.body, path), value), `add ${path} answered: ${added.dump}`);
      assert.ok(holds(at(await stored(h, 'users', u.id), path), value), `add ${path} stored`);

      const next = path === 'userName' ? `again.${++seq}@rfc.test` : valueFor(def, u.id);
      const replaced = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path, value: next }));
      assert.equal(replaced.status, 200, `replace ${path}: ${replaced.dump}`);
      assert.ok(holds(at(replaced.body, path), next), `replace ${path} answered: ${replaced.dump}`);
      if (def.multiValued) assert.equal((at(replaced.body, path) as unknown[]).length, 1, `replace ${path} replaces the list`);

      const removed = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'remove', path }));
      if (def.required) {
        assertError(removed, 400);
        assert.ok(holds(at(await stored(h, 'users', u.id), path), next), `a refused remove of ${path} changes nothing`);
      } else {
        assert.equal(removed.status, 200, `remove ${path}: ${removed.dump}`);
        const kept = at(removed.body, path);
        // `active` is always a boolean: removing it leaves the user as it was (not deactivated by accident)
        if (path === 'active') assert.equal(kept, true, removed.dump);
        else assert.equal(kept, undefined, `remove ${path}: ${removed.dump}`);
        if (path !== 'active') assert.equal(at(await stored(h, 'users', u.id), path), undefined, `remove ${path} stored`);
      }
    }
  });

  it('accepts a password and never stores or returns it', async () => {
    const u = await createUser(h, { schemas: [URN.user], userName: 'secret.keeper@rfc.test', password: 'Hunter2!' });
    assert.equal(u.password, undefined);
    const p = await h.req('PATCH', `/Users/${u.id}`, patchOp({ op: 'replace', path: 'password', value: 'Another1!' }));
    assert.equal(p.status, 200, p.dump);
    assert.equal(p.body.password, undefined, p.dump);
    assert.equal((await stored(h, 'users', u.id)).password, undefined);
  });

  it('answers attributes and excludedAttributes on GET, list and search, attribute by attribute', async () => {
    const u = await createUser(h, {
      schemas: [URN.user, URN.enterprise],
      userName: 'projected@rfc.test',
      displayName: 'Projected',
      title: 'Tester',
      emails: [{ value: 'projected@rfc.test', type: 'work' }],
      [URN.enterprise]: { department: 'QA' },
    });
    const filter = `filter=${encodeURIComponent('userName eq "projected@rfc.test"')}`;
    for (const attr of ['userName', 'displayName', 'title', 'emails', `${URN.enterprise}:department`]) {
      const only = await h.req('GET', `/Users/${u.id}?attributes=${encodeURIComponent(attr)}`);
      assert.equal(only.status, 200, only.dump);
      assert.ok(at(only.body, attr) !== undefined, `attributes=${attr} returns it: ${only.dump}`);
      assert.equal(only.body.id, u.id, 'id is always returned');
      for (const other of ['userName', 'displayName', 'title', 'emails'].filter((o) => o !== attr))
        assert.equal(only.body[other], undefined, `attributes=${attr} leaves ${other} out`);

      const without = await h.req('GET', `/Users/${u.id}?excludedAttributes=${encodeURIComponent(attr)}`);
      assert.equal(without.status, 200, without.dump);
      assert.equal(at(without.body, attr), undefined, `excludedAttributes=${attr} leaves it out: ${without.dump}`);
      assert.equal(without.body.id, u.id);

      const list = assertList(await h.req('GET', `/Users?${filter}&attributes=${encodeURIComponent(attr)}`), 1);
      assert.ok(at(list[0], attr) !== undefined && list[0].id === u.id, `list attributes=${attr}`);
      const search = await h.req('POST', '/Users/.search', {
        schemas: [URN.searchRequest],
        filter: 'userName eq "projected@rfc.test"',
        excludedAttributes: [attr],
      });
      const found = assertList(search, 1);
      assert.equal(at(found[0], attr), undefined, `search excludedAttributes=${attr}: ${search.dump}`);
    }
  });
});

describe('A generic RFC client: Groups', () => {
  let h: ScimHarness;
  let schemas: Map<string, Attr[]>;
  let member: any;
  before(async () => {
    h = await startSuite();
    schemas = await schemasOf(h);
    member = await createUser(h, { schemas: [URN.user], userName: 'member@rfc.test' });
  });
  after(async () => h.close());

  it('adds, replaces and removes every mutable attribute of Group the schemas list, each stored as answered', async () => {
    const targets = writable(schemas, URN.group, []);
    assert.deepEqual(targets.map((t) => t.path).sort(), ['displayName', 'externalId', 'members']);
    for (const { path, def } of targets) {
      const g = await h.req('POST', '/Groups', { schemas: [URN.group], displayName: `RFC ${++seq}` });
      assertCreated(h, g, 'Groups');
      const value = valueFor(def, member.id);
      const added = await h.req('PATCH', `/Groups/${g.body.id}`, patchOp({ op: 'add', path, value }));
      assert.equal(added.status, 200, `add ${path}: ${added.dump}`);
      assert.ok(holds(added.body[path], value), `add ${path}: ${added.dump}`);
      const next = valueFor(def, member.id);
      const replaced = await h.req('PATCH', `/Groups/${g.body.id}`, patchOp({ op: 'replace', path, value: next }));
      assert.equal(replaced.status, 200, `replace ${path}: ${replaced.dump}`);
      assert.ok(holds(replaced.body[path], next), `replace ${path}: ${replaced.dump}`);
      if (path !== 'members') assert.ok(holds((await stored(h, 'groups', g.body.id))[path], next), `replace ${path} stored`);
      const removed = await h.req('PATCH', `/Groups/${g.body.id}`, patchOp({ op: 'remove', path }));
      if (def.required) assertError(removed, 400);
      else {
        assert.equal(removed.status, 200, `remove ${path}: ${removed.dump}`);
        assert.equal(removed.body[path], undefined, `remove ${path}: ${removed.dump}`);
      }
    }
  });

  it('answers attributes and excludedAttributes on GET, list and search of groups', async () => {
    const g = await h.req('POST', '/Groups', {
      schemas: [URN.group],
      displayName: 'Projection',
      externalId: 'proj-1',
      members: [{ value: member.id }],
    });
    assert.equal(g.status, 201, g.dump);
    const lean = await h.req('GET', `/Groups/${g.body.id}?excludedAttributes=members`);
    assert.equal(lean.body.members, undefined, lean.dump);
    assert.equal(lean.body.displayName, 'Projection', lean.dump);
    const only = await h.req('GET', `/Groups/${g.body.id}?attributes=externalId`);
    assert.deepEqual(Object.keys(only.body).sort(), ['externalId', 'id', 'schemas'], only.dump);
    const list = assertList(
      await h.req('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Projection"')}&attributes=members`),
      1,
    );
    assert.equal(list[0].members[0].value, member.id);
    assert.equal(list[0].displayName, undefined);
    const search = assertList(
      await h.req('POST', '/Groups/.search', {
        schemas: [URN.searchRequest],
        filter: 'externalId eq "proj-1"',
        excludedAttributes: ['members', 'meta'],
      }),
      1,
    );
    assert.equal(search[0].members, undefined);
    assert.equal(search[0].meta, undefined);
  });
});

describe('A generic RFC client: endpoints as clients spell them', () => {
  let h: ScimHarness;
  let u: any;
  before(async () => {
    h = await startSuite();
    u = await createUser(h, { schemas: [URN.user], userName: 'Slash.User@rfc.test' });
  });
  after(async () => h.close());

  it('reads /Users/ and /Groups/ with a trailing slash as the collections, filters included', async () => {
    const r = await h.req('GET', `/Users/?filter=${encodeURIComponent('userName eq "slash.user@rfc.test"')}`);
    assert.equal(assertList(r, 1)[0].id, u.id, r.dump);
    assertList(await h.req('GET', '/Groups/'), 0);
    const created = await h.req('POST', '/Groups/', { schemas: [URN.group], displayName: 'Slashed' });
    assert.equal(created.status, 201, created.dump);
    assert.equal((await h.req('GET', `/Users/${u.id}/`)).body.id, u.id);
  });

  it('matches endpoint names case-insensitively and keeps ids as sent', async () => {
    assert.equal(assertList(await h.req('GET', `/users?filter=${encodeURIComponent('userName eq "slash.user@rfc.test"')}`), 1)[0].id, u.id);
    assert.equal((await h.req('GET', `/USERS/${u.id}`)).body.id, u.id);
    assertList(await h.req('GET', '/groups'), 1);
    for (const path of ['/serviceproviderconfig', '/SERVICEPROVIDERCONFIG', '/schemas', '/resourcetypes', '/ResourceTypes/user']) {
      const r = await h.req('GET', path);
      assert.equal(r.status, 200, r.dump);
    }
    assertError(await h.req('GET', `/Users/${u.id.toUpperCase()}`), 404);
  });
});

describe('A generic RFC client: every schema attribute is a valid RFC 7643 §7 definition', () => {
  let h: ScimHarness;
  const TENANT_SCHEMA = 'urn:example:params:scim:schemas:extension:badge:2.0:User';
  before(async () => {
    h = await startSuite();
    // A tenant's own extension, with a reference its author gave no referenceTypes.
    await h.store.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('tenants').select('settings').where('id', '=', h.tenantId).executeTakeFirstOrThrow();
      const settings = JSON.parse(row.settings);
      settings.schemas = [
        {
          id: TENANT_SCHEMA,
          name: 'Badge',
          description: 'Badges',
          attributes: [
            { name: 'portrait', type: 'reference' },
            { name: 'level', type: 'string', canonicalValues: ['gold', 'silver'] },
            {
              name: 'door',
              type: 'complex',
              multiValued: true,
              subAttributes: [
                { name: 'code', type: 'integer' },
                { name: 'opensAt', type: 'dateTime' },
              ],
            },
          ],
        },
      ];
      await tx
        .updateTable('tenants')
        .set({ settings: JSON.stringify(settings) })
        .where('id', '=', h.tenantId)
        .execute();
    });
  });
  after(async () => h.close());

  const TYPES = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'];
  function check(a: any, where: string, isSub: boolean): void {
    assert.equal(typeof a.name, 'string', `${where}: name`);
    assert.match(a.name, /^[A-Za-z$][\w$-]*$/, `${where}: a valid ATTRNAME`);
    assert.ok(TYPES.includes(a.type), `${where}: type ${a.type}`);
    for (const k of ['multiValued', 'required', 'caseExact']) assert.equal(typeof a[k], 'boolean', `${where}: ${k}`);
    assert.equal(typeof a.description, 'string', `${where}: description`);
    assert.ok(['readOnly', 'readWrite', 'immutable', 'writeOnly'].includes(a.mutability), `${where}: mutability ${a.mutability}`);
    assert.ok(['always', 'never', 'default', 'request'].includes(a.returned), `${where}: returned ${a.returned}`);
    assert.ok(['none', 'server', 'global'].includes(a.uniqueness), `${where}: uniqueness ${a.uniqueness}`);
    if (a.canonicalValues !== undefined) {
      assert.ok(Array.isArray(a.canonicalValues) && a.canonicalValues.length > 0, `${where}: canonicalValues is a non-empty list`);
      for (const v of a.canonicalValues) assert.equal(typeof v, 'string', `${where}: canonical value`);
    }
    if (a.type === 'reference') {
      assert.ok(Array.isArray(a.referenceTypes) && a.referenceTypes.length > 0, `${where}: a reference declares referenceTypes`);
      for (const t of a.referenceTypes) assert.equal(typeof t, 'string', `${where}: referenceType`);
    } else assert.equal(a.referenceTypes, undefined, `${where}: only references have referenceTypes`);
    if (a.type === 'complex') {
      assert.ok(!isSub, `${where}: a sub-attribute is never complex`);
      assert.ok(Array.isArray(a.subAttributes) && a.subAttributes.length > 0, `${where}: a complex attribute has sub-attributes`);
      const names = new Set<string>();
      for (const sub of a.subAttributes) {
        check(sub, `${where}.${sub.name}`, true);
        assert.ok(!names.has(sub.name.toLowerCase()), `${where}: sub-attribute ${sub.name} once`);
        names.add(sub.name.toLowerCase());
      }
    } else assert.equal(a.subAttributes, undefined, `${where}: only complex attributes have sub-attributes`);
  }

  it('describes core, extension and tenant schemas with every required characteristic and valid values', async () => {
    const r = await h.req('GET', '/Schemas');
    const list = assertList(r);
    assert.deepEqual(list.map((s: any) => s.id).sort(), [URN.enterprise, URN.group, URN.user, URN.shopify, TENANT_SCHEMA].sort(), r.dump);
    let count = 0;
    for (const s of list) {
      assert.deepEqual(s.schemas, ['urn:ietf:params:scim:schemas:core:2.0:Schema'], s.id);
      assert.equal(typeof s.name, 'string', s.id);
      assert.ok(Array.isArray(s.attributes) && s.attributes.length > 0, s.id);
      assert.equal(s.meta?.resourceType, 'Schema', s.id);
      const names = new Set<string>();
      for (const a of s.attributes) {
        check(a, `${s.id}:${a.name}`, false);
        assert.ok(!names.has(a.name.toLowerCase()), `${s.id}: ${a.name} once`);
        names.add(a.name.toLowerCase());
        count++;
      }
      const one = await h.req('GET', `/Schemas/${encodeURIComponent(s.id)}`);
      assert.deepEqual(one.body, s, `/Schemas/${s.id} is the same document`);
    }
    assert.ok(count > 40, `${count} attributes checked`);
  });
});
