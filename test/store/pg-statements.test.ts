// PostgreSQL statements that repeat run as named prepared statements: prepared once per connection, never for DDL or
// scripts, bounded in number, and a plan made stale by a change of the tables is replaced instead of failing requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { openStore } from '../../src/store/db.js';
import { StatementNames } from '../../src/store/pg-statements.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { postgresUrl, testDatabase } from '../helpers/db.js';

const pgOnly = { skip: testDatabase !== 'postgres' ? 'PostgreSQL only' : false };

test('a statement is named from its third execution on; DDL, transaction control and scripts never are', () => {
  const names = new StatementNames({ max: 4, after: 3 });
  const q = 'select * from users where id = $1';
  assert.equal(names.nameFor(q), undefined);
  assert.equal(names.nameFor(q), undefined);
  const name = names.nameFor(q);
  assert.ok(name, 'named at the third execution');
  assert.equal(names.nameFor(q), name, 'and keeps its name');
  for (const s of ['create table x (a int)', 'begin', 'commit', 'select 1; select 2', 'alter table users add column y int'])
    for (let i = 0; i < 5; i++) assert.equal(names.nameFor(s), undefined, s);
});

test('at most max statements are named; the rest run unnamed', () => {
  const names = new StatementNames({ max: 3, after: 1 });
  const given = Array.from({ length: 10 }, (_, i) => names.nameFor(`select ${i} from users`));
  assert.equal(given.filter(Boolean).length, 3);
  assert.equal(names.size, 3);
  assert.equal(new Set(given.filter(Boolean)).size, 3, 'distinct names');
});

async function dropSchema(pgSchema: string): Promise<void> {
  const c = new pg.Client({ connectionString: postgresUrl });
  await c.connect();
  await c.query(`drop schema if exists ${pgSchema} cascade`);
  await c.end();
}

async function scratchStore(preparedStatements?: number) {
  const pgSchema = `t_named_${randomBytes(5).toString('hex')}`;
  const store = await openStore({ url: postgresUrl, pgSchema, poolSize: 1, migrate: false, preparedStatements });
  await sql`create table items (id int primary key, label text)`.execute(store.db);
  await sql`insert into items values (1, 'one'), (2, 'two')`.execute(store.db);
  return {
    store,
    async close() {
      await store.close();
      await dropSchema(pgSchema);
    },
  };
}

const prepared = async (db: Awaited<ReturnType<typeof scratchStore>>['store']['db']) =>
  (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db)).rows.map((r) => r.statement);

test('on PostgreSQL a repeated query is prepared once on its connection and answers as before', pgOnly, async () => {
  const s = await scratchStore();
  try {
    for (let i = 0; i < 5; i++) {
      const row = await s.store.db
        .selectFrom('items' as never)
        .select(['label' as never])
        .where('id' as never, '=', 2 as never)
        .executeTakeFirst();
      assert.deepEqual(row, { label: 'two' });
    }
    const statements = await prepared(s.store.db);
    assert.equal(statements.filter((t) => /from "items"/.test(t)).length, 1, statements.join('\n'));
  } finally {
    await s.close();
  }
});

test('on PostgreSQL preparedStatements: 0 prepares nothing', pgOnly, async () => {
  const s = await scratchStore(0);
  try {
    for (let i = 0; i < 5; i++)
      await s.store.db
        .selectFrom('items' as never)
        .selectAll()
        .where('id' as never, '=', 1 as never)
        .execute();
    assert.deepEqual(await prepared(s.store.db), []);
  } finally {
    await s.close();
  }
});

test('on PostgreSQL a plan made stale by a change of the table is replaced, not failed', pgOnly, async () => {
  const s = await scratchStore();
  type Db = typeof s.store.db;
  const byId = (db: Db = s.store.db) =>
    db
      .selectFrom('items' as never)
      .selectAll()
      .where('id' as never, '=', 1 as never)
      .executeTakeFirst();
  try {
    for (let i = 0; i < 4; i++) assert.deepEqual(await byId(), { id: 1, label: 'one' });
    await sql`alter table items add column note text`.execute(s.store.db);
    // `select *` now has another result type: the server refuses the old plan, the query is run again at once.
    assert.deepEqual(await byId(), { id: 1, label: 'one', note: null });
    assert.deepEqual(await byId(), { id: 1, label: 'one', note: null }, 'and under its new name afterwards');
    await sql`alter table items add column extra int`.execute(s.store.db);
    // Inside a transaction the server has aborted it by then: the transaction fails, the next one succeeds.
    await assert.rejects(s.store.db.transaction().execute((tx) => byId(tx)));
    assert.deepEqual(await s.store.db.transaction().execute((tx) => byId(tx)), { id: 1, label: 'one', note: null, extra: null });
  } finally {
    await s.close();
  }
});

test('on PostgreSQL the bridge itself runs on named statements: a token look-up is prepared once', pgOnly, async () => {
  const pgSchema = `t_named_${randomBytes(5).toString('hex')}`;
  const store = await openStore({ url: postgresUrl, pgSchema, poolSize: 1 });
  try {
    const tenants = new TenantRepository(store.db);
    const t = await tenants.create('named', 'Named');
    const { token } = await tenants.createToken(t.id, 'okta');
    // unknown tokens are never kept, so each of these is a query
    for (let i = 0; i < 6; i++) assert.equal(await tenants.authenticate(`${token}${i}`), undefined);
    assert.ok(await tenants.authenticate(token));
    const statements = await prepared(store.db);
    assert.equal(statements.filter((t) => /"clients"\."token_hash" = \$1/.test(t)).length, 1, statements.join('\n'));
  } finally {
    await store.close();
    await dropSchema(pgSchema);
  }
});
