import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql, type Expression, type SqlBool } from 'kysely';
import { openTestStore, testDatabase, type TestStore } from './helpers/db.js';
import { compileFilter } from '../src/scim/filter/sql.js';
import { parseFilter } from '../src/scim/filter/parser.js';
import { printFilter } from '../src/scim/filter/print.js';
import { matchesFilter } from '../src/scim/filter/evaluate.js';
import { compareLeaf, filterArb, presentLeaf } from './helpers/filter-arbitraries.js';
import { groupResourceType, userResourceType, type ResourceTypeDef } from '../src/scim/schemas.js';
import type { AttrPath, CompValue, CompareOp, Filter } from '../src/scim/filter/ast.js';
import { ScimError } from '../src/scim/errors.js';

type Json = Record<string, unknown>;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const TENANT = 'tenant-a';
const OTHER = 'tenant-b';

// ---- data: random users and groups, stored the way the user/group repositories store them ----

const seeded = <T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] => fc.sample(arb, { numRuns: n, seed });
const randomCase = (s: string, bits: number) => [...s].map((c, i) => ((bits >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');

const NAMES = [
  'bjensen',
  'Zoë',
  'émile',
  'ÉMILE',
  'ßtraße',
  '😀smile',
  "o'neil",
  'per%cent',
  'under_score',
  'back\\slash',
  'zed',
  'Alpha',
  'İstanbul',
  '\uff21wide',
];
const DOMAINS = ['example.com', 'Example.ORG', 'x.io'];
const EXTERNAL = ['ext-1', 'EXT-1', 'Ext_2', 'abc%', '00123', 'Zz', '\u{1F600}x', 'ﬀ'];
const TYPES = ['work', 'Work', 'home', 'other', undefined, ''];

const dateArb = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2026, 0, 1) }).map((t) => new Date(t).toISOString());

const userArb = fc.record({
  idCase: fc.nat(),
  name: fc.constantFrom(...NAMES),
  domain: fc.constantFrom(...DOMAINS),
  nameCase: fc.nat(),
  externalId: fc.option(fc.constantFrom(...EXTERNAL, ''), { nil: undefined }),
  displayName: fc.option(fc.constantFrom(...NAMES, ''), { nil: undefined }),
  given: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  family: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  emails: fc.array(
    fc.record({
      local: fc.constantFrom(...NAMES),
      domain: fc.constantFrom(...DOMAINS),
      type: fc.constantFrom(...TYPES),
      primary: fc.boolean(),
      c: fc.nat(),
    }),
    { maxLength: 3 },
  ),
  active: fc.boolean(),
  // kept only in the stored document: the SQL narrows on it, never decides; the Kelvin sign and the dotted capital I
  // lower-case into ASCII in JavaScript, which the narrowing must not lose
  title: fc.option(fc.constantFrom('Boss', 'boss', 'Intern', '\u212aelvin', 'Kelvin', 'İstanbul', 'per%cent', 'Zoë', ''), {
    nil: undefined,
  }),
  department: fc.option(fc.constantFrom('Sales', 'SALES', 'R&D', 'under_score', '\u212a'), { nil: undefined }),
  middle: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  created: dateArb,
  updated: dateArb,
});

interface Fixture {
  users: Json[];
  groups: Json[];
}

function buildUsers(n: number, seed: number): Json[] {
  return seeded(userArb, n, seed).map((u, i) => {
    const data: Json = {
      userName: randomCase(`${u.name}${i}@${u.domain}`, u.nameCase),
      active: u.active,
    };
    if (u.externalId !== undefined) data.externalId = u.externalId;
    if (u.displayName !== undefined) data.displayName = u.displayName;
    if (u.given !== undefined || u.family !== undefined || u.middle !== undefined)
      data.name = {
        ...(u.given !== undefined ? { givenName: u.given } : {}),
        ...(u.family !== undefined ? { familyName: u.family } : {}),
        ...(u.middle !== undefined ? { middleName: u.middle } : {}),
      };
    if (u.department !== undefined) data[ENTERPRISE] = { department: u.department };
    if (u.emails.length) {
      data.emails = u.emails.map((e) => ({
        value: randomCase(`${e.local}@${e.domain}`, e.c),
        ...(e.type !== undefined ? { type: e.type } : {}),
        ...(e.primary ? { primary: true } : {}),
      }));
    }
    if (u.title) data.title = u.title;
    return {
      id: randomCase(`usr-${i}-abc`, u.idCase),
      ...data,
      meta: { resourceType: 'User', created: u.created, lastModified: u.updated },
    };
  });
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const lc = (v: unknown): string | null => str(v)?.toLowerCase() ?? null;

async function insertFixture(store: TestStore, tenant: string, fx: Fixture): Promise<void> {
  const db = store.db;
  for (const u of fx.users) {
    const { id, meta, ...data } = u as Json & { id: string; meta: { created: string; lastModified: string } };
    const name = (data.name ?? {}) as Json;
    await db
      .insertInto('users')
      .values({
        tenant_id: tenant,
        id,
        user_name: String(data.userName),
        user_name_lc: String(data.userName).toLowerCase(),
        external_id: str(data.externalId),
        external_id_client: null,
        display_name_lc: lc(data.displayName),
        given_name_lc: lc(name.givenName),
        family_name_lc: lc(name.familyName),
        active: data.active === false ? 0 : 1,
        created_at: meta.created,
        updated_at: meta.lastModified,
        version: 1,
        data: JSON.stringify(data),
        created_by: null,
      })
      .execute();
    const emails = ((data.emails ?? []) as Json[])
      .filter((e) => typeof e.value === 'string' && e.value !== '')
      .map((e) => ({
        tenant_id: tenant,
        user_id: id,
        value_lc: String(e.value).toLowerCase(),
        type_lc: lc(e.type),
        primary: e.primary === true ? 1 : 0,
      }));
    if (emails.length) await db.insertInto('user_emails').values(emails).execute();
  }
  for (const g of fx.groups) {
    const { id, meta, members, ...data } = g as Json & {
      id: string;
      meta: { created: string; lastModified: string };
      members: { value: string }[];
    };
    await db
      .insertInto('groups')
      .values({
        tenant_id: tenant,
        id,
        display_name: String(data.displayName),
        display_name_lc: String(data.displayName).toLowerCase(),
        external_id: str(data.externalId),
        external_id_client: null,
        created_at: meta.created,
        updated_at: meta.lastModified,
        version: 1,
        data: JSON.stringify(data),
        created_by: null,
      })
      .execute();
    if (members.length) {
      await db
        .insertInto('group_members')
        .values(members.map((m) => ({ tenant_id: tenant, group_id: id, member_id: m.value, member_type: 'User' as const })))
        .execute();
    }
  }
}

function buildGroups(users: Json[], n: number, seed: number): Json[] {
  const ids = users.map((u) => u.id as string);
  const arb = fc.record({
    name: fc.constantFrom(...NAMES),
    externalId: fc.option(fc.constantFrom(...EXTERNAL), { nil: undefined }),
    members: fc.uniqueArray(fc.constantFrom(...ids), { maxLength: 6 }),
    created: dateArb,
    updated: dateArb,
  });
  return seeded(arb, n, seed).map((g, i) => ({
    id: `grp-${i}`,
    displayName: `${g.name} ${i}`,
    ...(g.externalId !== undefined ? { externalId: g.externalId } : {}),
    members: g.members.map((value) => ({ value })),
    meta: { resourceType: 'Group', created: g.created, lastModified: g.updated },
  }));
}

// ---- filters over the indexed attributes (and a few that are not, to exercise partial compilation) ----

function valuesFrom(fx: Json[], pick: (r: Json) => unknown[]): string[] {
  const out = new Set<string>();
  for (const r of fx) for (const v of pick(r)) if (typeof v === 'string' && v) out.add(v);
  return [...out];
}

/** Strings likely to match: real values in other cases, their prefixes, suffixes and middles, and LIKE wildcards. */
function stringValues(pool: string[]): fc.Arbitrary<string> {
  const base = fc.constantFrom(...pool);
  return fc.oneof(
    base,
    fc.tuple(base, fc.nat()).map(([s, c]) => randomCase(s, c)),
    fc.tuple(base, fc.nat(), fc.nat()).map(([s, a, b]) => {
      const cp = [...s];
      const i = a % (cp.length + 1);
      return cp.slice(i, i + 1 + (b % 4)).join('');
    }),
    fc.constantFrom('%', '_', '\\', '', 'zz', 'a_c', '%@%', '\u{1F600}', '\uffff', 'e\u0301'),
    fc.string({ maxLength: 4 }),
  );
}

const dateValues = fc.oneof(
  dateArb,
  dateArb.map((d) => d.replace('.000Z', 'Z')),
  dateArb.map((d) => d.slice(0, 10)),
  dateArb.map((d) => d.replace('Z', '+02:00')),
  fc.constantFrom('2023-06-01T12:00:00-05:00', '2020-01-01T00:00:00'),
);

const path = (attr: string, sub?: string, uri?: string): AttrPath => ({ ...(uri ? { uri } : {}), attr, ...(sub ? { sub } : {}) });
const STRING_OPS: CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
/** Comparisons with every operator, `pr`, and `eq null` / `ne null` (the only comparisons with null that mean something). */
const strLeaf = (p: AttrPath, values: fc.Arbitrary<CompValue>) =>
  fc.oneof(
    { weight: 6, arbitrary: compareLeaf(fc.constant(p), values, STRING_OPS) },
    { weight: 1, arbitrary: presentLeaf(fc.constant(p)) },
    { weight: 1, arbitrary: compareLeaf(fc.constant(p), fc.constant(null), ['eq', 'ne']) },
  );

function userFilters(users: Json[]): fc.Arbitrary<Filter> {
  const emails = (r: Json) => ((r.emails ?? []) as Json[]).map((e) => e.value);
  const s = (pick: (r: Json) => unknown[]) => stringValues(valuesFrom(users, pick));
  const titles = s((r) => [r.title]);
  const names = s((r) => [
    (r.name as Json | undefined)?.middleName,
    r.userName,
    r.displayName,
    (r.name as Json | undefined)?.givenName,
    (r.name as Json | undefined)?.familyName,
  ]);
  const dates = fc.oneof(
    compareLeaf(fc.constantFrom(path('meta', 'created'), path('meta', 'lastModified')), dateValues, ['eq', 'ne', 'gt', 'ge', 'lt', 'le']),
    presentLeaf(fc.constant(path('meta', 'created'))),
  );
  const leaf = fc.oneof(
    strLeaf(path('userName'), names),
    strLeaf(path('USERNAME', undefined, 'urn:ietf:params:scim:schemas:core:2.0:User'), names),
    strLeaf(
      path('externalId'),
      s((r) => [r.externalId]),
    ),
    strLeaf(
      path('id'),
      s((r) => [r.id]),
    ),
    strLeaf(path('displayName'), names),
    strLeaf(path('name', 'givenName'), names),
    strLeaf(path('name', 'familyName'), names),
    strLeaf(path('emails', 'value'), s(emails)),
    strLeaf(path('emails'), s(emails)),
    strLeaf(path('emails', 'type'), fc.constantFrom('work', 'WORK', 'home', 'other', 'wo', 'x')),
    compareLeaf(fc.constant(path('active')), fc.constantFrom(true, false, 'true', 'False', 'yes'), ['eq', 'ne']),
    presentLeaf(fc.constant(path('active'))),
    dates,
    strLeaf(path('title'), fc.oneof(fc.constantFrom('boss', 'Intern', 'b', 'kelvin', 'k', 'i', 'is', 'istanbul', 'İ', '%'), titles)),
    strLeaf(
      path('department', undefined, ENTERPRISE),
      fc.oneof(
        fc.constantFrom('sales', 'k', '_', 'r&'),
        s((r) => [(r[ENTERPRISE] as Json | undefined)?.department]),
      ),
    ),
    strLeaf(path('name', 'middleName'), names),
    strLeaf(path('nickName'), fc.constantFrom('x')),
    strLeaf(path('shoeSize'), fc.constantFrom('42')),
  );
  const elementLeaf = fc.oneof(
    strLeaf(path('value'), s(emails)),
    strLeaf(path('type'), fc.constantFrom('work', 'home', 'WORK', 'o')),
    compareLeaf(fc.constant(path('primary')), fc.boolean(), ['eq', 'ne']),
    strLeaf(path('display'), fc.constantFrom('x')),
    strLeaf(path('colour'), fc.constantFrom('red')),
  );
  return filterArb(leaf, {
    leaf: elementLeaf,
    wrap: (inner) =>
      fc.record({ kind: fc.constant('valuePath' as const), path: fc.constant(path('emails')), filter: inner }, { noNullPrototype: true }),
  });
}

function groupFilters(groups: Json[]): fc.Arbitrary<Filter> {
  const members = (r: Json) => (r.members as Json[]).map((m) => m.value);
  const s = (pick: (r: Json) => unknown[]) => stringValues(valuesFrom(groups, pick));
  const leaf = fc.oneof(
    strLeaf(
      path('displayName'),
      s((r) => [r.displayName]),
    ),
    strLeaf(
      path('externalId'),
      s((r) => [r.externalId]),
    ),
    strLeaf(
      path('id'),
      s((r) => [r.id]),
    ),
    strLeaf(path('members', 'value'), s(members)),
    strLeaf(path('members'), s(members)),
    compareLeaf(fc.constantFrom(path('meta', 'created'), path('meta', 'lastModified')), dateValues, ['eq', 'gt', 'le']),
    strLeaf(path('members', 'display'), fc.constantFrom('x')),
  );
  return filterArb(leaf, {
    leaf: fc.oneof(strLeaf(path('value'), s(members)), strLeaf(path('type'), fc.constantFrom('User'))),
    wrap: (inner) =>
      fc.record({ kind: fc.constant('valuePath' as const), path: fc.constant(path('members')), filter: inner }, { noNullPrototype: true }),
  });
}

// ---- running filters both ways ----

let store: TestStore;
let fx: Fixture;

/** Gives PostgreSQL's text columns a linguistic collation, as most servers have, so ordering must ask for "C" itself. */
async function useLinguisticCollation(s: TestStore): Promise<void> {
  const icu = await sql<{ n: number }>`select count(*) as n from pg_collation where collname = 'en-US-x-icu'`.execute(s.db);
  assert.ok(Number(icu.rows[0]?.n) > 0, 'PostgreSQL has no ICU collation en-US-x-icu');
  const columns: [string, string[]][] = [
    ['users', ['id', 'user_name_lc', 'external_id', 'display_name_lc', 'given_name_lc', 'family_name_lc', 'created_at', 'updated_at']],
    ['user_emails', ['value_lc', 'type_lc']],
    ['groups', ['id', 'display_name_lc', 'external_id', 'created_at', 'updated_at']],
    ['group_members', ['member_id']],
  ];
  for (const [table, cols] of columns) {
    for (const c of cols)
      await sql`alter table ${sql.table(table)} alter column ${sql.id(c)} type text collate "en-US-x-icu"`.execute(s.db);
  }
}

before(async () => {
  store = await openTestStore();
  if (store.dialect === 'postgres') await useLinguisticCollation(store);
  const now = new Date().toISOString();
  for (const t of [TENANT, OTHER]) {
    await store.db.insertInto('tenants').values({ id: t, name: t, display_name: t, created_at: now, settings: '{}' }).execute();
  }
  const users = buildUsers(200, 7);
  fx = { users, groups: buildGroups(users, 40, 8) };
  await insertFixture(store, TENANT, fx);
  // Another tenant holding users with the same ids but other emails: nothing of it may leak into tenant A's answers.
  const others = buildUsers(60, 9).map((u, i) => ({
    ...u,
    id: fx.users[i]!.id,
    userName: `other${i}@elsewhere.net`,
    emails: [{ value: `leak${i}@elsewhere.net`, type: 'work' }],
  }));
  await insertFixture(store, OTHER, {
    users: others,
    groups: buildGroups(others, 10, 10).map((g) => ({ ...g, id: fx.groups[0]!.id === g.id ? g.id : g.id })),
  });
});

after(async () => {
  await store?.close();
});

async function sqlIds(rt: ResourceTypeDef, where: Expression<SqlBool> | undefined): Promise<Set<string>> {
  const table = rt.id === 'User' ? 'users' : 'groups';
  let q = store.db.selectFrom(table).select('id').where('tenant_id', '=', TENANT);
  if (where) q = q.where(where);
  return new Set((await q.execute()).map((r) => r.id));
}

function memoryIds(rt: ResourceTypeDef, f: Filter): Set<string> {
  const all = rt.id === 'User' ? fx.users : fx.groups;
  return new Set(all.filter((r) => matchesFilter(f, r, rt)).map((r) => r.id as string));
}

const sorted = (s: Set<string>) => [...s].sort();

async function agree(rt: ResourceTypeDef, f: Filter): Promise<boolean> {
  const { where, exact } = compileFilter(f, rt, store.dialect);
  const got = await sqlIds(rt, where);
  const want = memoryIds(rt, f);
  const text = printFilter(f);
  if (exact) assert.deepEqual(sorted(got), sorted(want), `exact SQL differs from memory for: ${text}`);
  else {
    const missing = [...want].filter((id) => !got.has(id));
    assert.deepEqual(missing, [], `SQL candidates miss matches for: ${text}`);
  }
  return exact;
}

async function agreeOnText(rt: ResourceTypeDef, text: string): Promise<{ exact: boolean; count: number }> {
  const f = parseFilter(text);
  assert.ok(f.ok, text);
  const exact = await agree(rt, f.value);
  return { exact, count: memoryIds(rt, f.value).size };
}

test(`SQL answers equal the in-memory evaluator on random user filters (${testDatabase})`, async () => {
  let exactRuns = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(userFilters(fx.users), async (f) => {
      runs++;
      if (await agree(userResourceType, f)) exactRuns++;
    }),
    { numRuns: 600, seed: 20240601 },
  );
  assert.ok(exactRuns > runs / 3, `only ${exactRuns} of ${runs} filters compiled exactly`);
});

test(`SQL answers equal the in-memory evaluator on random group filters (${testDatabase})`, async () => {
  await fc.assert(
    fc.asyncProperty(groupFilters(fx.groups), async (f) => {
      await agree(groupResourceType, f);
    }),
    { numRuns: 300, seed: 20240602 },
  );
});

test('the random data gives filters something to match', async () => {
  for (const text of [
    'emails[type eq "work"]',
    'userName co "é"',
    'externalId eq "ext-1"',
    'emails.value ew "@example.org"',
    'active eq false',
  ]) {
    const { count, exact } = await agreeOnText(userResourceType, text);
    assert.ok(count > 0 && count < fx.users.length, `${text} matched ${count} of ${fx.users.length}`);
    assert.equal(exact, true, text);
  }
});

test('common IdP lookups compile exactly', async () => {
  for (const text of [
    'userName eq "BJENSEN0@example.com"',
    'externalId eq "ext-1"',
    'externalId eq 00123',
    'emails[type eq "work" and value eq "zed3@x.io"]',
    'active eq true and meta.lastModified gt "2023-01-01T00:00:00Z"',
    'not (externalId pr)',
  ]) {
    assert.equal((await agreeOnText(userResourceType, text)).exact, true, text);
  }
  assert.equal((await agreeOnText(groupResourceType, 'members[value eq "USR-1-ABC"]')).exact, true);
  assert.equal((await agreeOnText(groupResourceType, 'displayName eq "ZED 3"')).exact, true);
});

test('a user without externalId matches externalId ne "x", as in memory', async () => {
  const without = fx.users.filter((u) => !u.externalId).length;
  assert.ok(without > 0);
  const { exact } = await agreeOnText(userResourceType, 'externalId ne "ext-1"');
  assert.equal(exact, true);
  const f = parseFilter('externalId ne "ext-1"');
  assert.ok(f.ok);
  const got = await sqlIds(userResourceType, compileFilter(f.value, userResourceType, store.dialect).where);
  for (const u of fx.users.filter((x) => !x.externalId)) assert.ok(got.has(u.id as string), `user ${u.id} without externalId is missing`);
});

test('LIKE wildcards in values are matched literally', async () => {
  const percent = await agreeOnText(userResourceType, 'userName co "%"');
  const all = fx.users.filter((u) => String(u.userName).includes('%')).length;
  assert.equal(percent.count, all);
  await agreeOnText(userResourceType, 'userName sw "under_"');
  await agreeOnText(userResourceType, 'userName co "k\\\\s"');
  await agreeOnText(userResourceType, 'externalId co "c%"');
  await agreeOnText(userResourceType, 'externalId ew "_2"');
});

test('injection attempts in filter values are inert', async () => {
  for (const text of [
    `userName eq "x' or '1'='1"`,
    `userName eq "\\"; drop table users; --"`,
    `externalId co "' or 1=1 --"`,
    `emails[value eq "a'); delete from user_emails; --"]`,
    `meta.created gt "2020-01-01T00:00:00Z" or userName eq "' union select id from tenants --"`,
  ]) {
    const f = parseFilter(text);
    assert.ok(f.ok, text);
    const { where } = compileFilter(f.value, userResourceType, store.dialect);
    await sqlIds(userResourceType, where);
  }
  const count = await store.db
    .selectFrom('users')
    .select(sql<number>`count(*)`.as('n'))
    .where('tenant_id', '=', TENANT)
    .executeTakeFirstOrThrow();
  assert.equal(Number(count.n), fx.users.length);
  const emails = await store.db
    .selectFrom('user_emails')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  assert.ok(Number(emails.n) > 0);
});

test('values are bound as parameters, never written into the SQL text', () => {
  const f = parseFilter(`userName eq "O'Brien" and emails.value co "evil%"`);
  assert.ok(f.ok);
  const { where } = compileFilter(f.value, userResourceType, store.dialect);
  const compiled = store.db.selectFrom('users').select('id').where(where!).compile();
  assert.ok(!compiled.sql.includes("O'Brien") && !compiled.sql.includes("o'brien") && !compiled.sql.includes('evil'), compiled.sql);
  assert.ok(compiled.parameters.includes("o'brien"), JSON.stringify(compiled.parameters));
});

test('compiles a non-indexed part beside an indexed one as a superset, and gives up on or', () => {
  const c = (text: string) => {
    const f = parseFilter(text);
    assert.ok(f.ok, text);
    return compileFilter(f.value, userResourceType, store.dialect);
  };
  // nothing in SQL can narrow an order comparison on the document, a non-ASCII value, or a negation of a superset
  assert.deepEqual({ ...c('title gt "boss"') }, { exact: false });
  assert.deepEqual({ ...c('title eq "Zoë"') }, { exact: false });
  const and = c('userName eq "x" and title gt "boss"');
  assert.ok(and.where && !and.exact);
  assert.deepEqual(c('userName eq "x" or title gt "boss"'), { exact: false });
  assert.deepEqual(c('not (title eq "boss")'), { exact: false });
  assert.deepEqual(c('not (userName eq "x" and title eq "boss")'), { exact: false });
  assert.deepEqual(c('schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"'), { exact: false });
  assert.deepEqual(c('groups.value eq "g1"'), { exact: false }, 'groups are computed, not in the document');
  assert.deepEqual(c('urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User:syncState eq "failed"'), { exact: false });
  // attributes kept only in the document narrow the candidates (the evaluator still decides)
  for (const text of [
    'title eq "boss"',
    'title pr',
    'nickName sw "bo"',
    'name.middleName co "x"',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"',
    'userName eq "x" or title eq "boss"',
  ]) {
    const r = c(text);
    assert.ok(r.where && !r.exact, text);
  }
  assert.deepEqual(c('shoeSize eq "42"').exact, true, 'an unknown attribute matches nothing, which SQL can say exactly');
  const exact = c('userName eq "x" or emails[type eq "work"]');
  assert.ok(exact.where && exact.exact);
});

test('an invalid date or a meaningless comparison is an invalidFilter error', () => {
  for (const text of ['meta.created gt "yesterday"', 'active gt true', 'name eq "x"']) {
    const f = parseFilter(text);
    assert.ok(f.ok);
    assert.throws(
      () => compileFilter(f.value, userResourceType, store.dialect),
      (e: unknown) => e instanceof ScimError && e.scimType === 'invalidFilter',
      text,
    );
  }
});

test('dates compare as instants whatever offset the filter uses', async () => {
  const u = fx.users[5]!;
  const created = (u.meta as Json).created as string;
  const shifted = new Date(Date.parse(created) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
  const { count, exact } = await agreeOnText(userResourceType, `meta.created eq "${shifted}"`);
  assert.equal(exact, true);
  assert.ok(count >= 1, `${shifted} should find user ${u.id} created at ${created}`);
});
