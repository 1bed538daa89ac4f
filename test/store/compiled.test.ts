// Queries compiled once and run with new values answer exactly what the same query built afresh answers, on either
// engine, inside and outside transactions; a query that does not take its arguments as values is refused.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { compiledOnce } from '../../src/store/compiled.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { UserRepository } from '../../src/store/users.js';
import { GroupRepository } from '../../src/store/groups.js';
import { LinkRepository } from '../../src/store/links.js';
import { openTestStore } from '../helpers/db.js';

const store = await openTestStore();
after(() => store.close());
const tenants = new TenantRepository(store.db);
const users = new UserRepository();
const a = await tenants.create('compiled-a');
const b = await tenants.create('compiled-b');
const ada = await users.insert(store.db, a.id, { userName: 'ada@example.com', active: true }, null);
const bob = await users.insert(store.db, a.id, { userName: 'bob@example.com', active: false }, null);
const eve = await users.insert(store.db, b.id, { userName: 'eve@example.com', active: true }, null);

let builds = 0;
// A constant (active = 1) beside the two arguments: it stays bound as the query holds it.
const activeUser = compiledOnce(2, (db, tenantId: string, userName: string) => {
  builds++;
  return db
    .selectFrom('users')
    .select(['id', 'user_name'])
    .where('tenant_id', '=', tenantId)
    .where('active', '=', 1)
    .where('user_name_lc', '=', userName);
});

test('each run binds its own arguments, keeps the constants the query holds, and compiles once per database', async () => {
  const runs: [string, string, string[]][] = [
    [a.id, 'ada@example.com', [ada.id]],
    [a.id, 'bob@example.com', []], // inactive: the constant still applies
    [b.id, 'eve@example.com', [eve.id]],
    [a.id, 'eve@example.com', []], // another tenant's user
    [b.id, 'ada@example.com', []],
  ];
  for (const [tenantId, userName, ids] of runs) {
    const rows = await activeUser(store.db, tenantId, userName);
    assert.deepEqual(
      rows.map((r) => r.id),
      ids,
      `${userName} in ${tenantId === a.id ? 'a' : 'b'}`,
    );
    const fresh = await store.db
      .selectFrom('users')
      .select(['id', 'user_name'])
      .where('tenant_id', '=', tenantId)
      .where('active', '=', 1)
      .where('user_name_lc', '=', userName)
      .execute();
    assert.deepEqual(rows, fresh, 'the same rows as the query built afresh');
  }
  assert.equal(builds, 1, 'built and compiled once');
});

test('inside a transaction it runs on the transaction, seeing its uncommitted rows, with the same compiled query', async () => {
  const before = builds;
  await store.db
    .transaction()
    .execute(async (tx) => {
      const carol = await users.insert(tx, a.id, { userName: 'carol@example.com', active: true }, null);
      assert.deepEqual(
        (await activeUser(tx, a.id, 'carol@example.com')).map((r) => r.id),
        [carol.id],
      );
      throw new Error('roll back');
    })
    .catch((e: Error) => assert.equal(e.message, 'roll back'));
  assert.deepEqual(await activeUser(store.db, a.id, 'carol@example.com'), [], 'rolled back');
  assert.equal(builds, before, 'no second compile for the transaction');
});

test('a second database compiles its own query', async () => {
  const other = await openTestStore();
  try {
    const t = await new TenantRepository(other.db).create('compiled-other');
    const u = await users.insert(other.db, t.id, { userName: 'ada@example.com', active: true }, null);
    const before = builds;
    assert.deepEqual(
      (await activeUser(other.db, t.id, 'ada@example.com')).map((r) => r.id),
      [u.id],
    );
    assert.equal(builds, before + 1);
  } finally {
    await other.close();
  }
});

test('a query that does not take each argument as a value is refused when it is first run', async () => {
  const shaped = compiledOnce(2, (db, tenantId: string, column: string) =>
    db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .orderBy(column === 'x' ? 'user_name_lc' : 'id'),
  );
  await assert.rejects(shaped(store.db, a.id, 'x'), /uses 1 of its 2 arguments as values/);
});

test('the repositories read one user, its groups and its link through compiled queries as they read many', async () => {
  const groups = new GroupRepository();
  const links = new LinkRepository();
  for (const name of ['Staff', 'Admins']) {
    const g = await groups.insert(store.db, a.id, { displayName: name }, null);
    await groups.setMembers(store.db, a.id, g.id, [
      { value: ada.id, type: 'User' },
      { value: bob.id, type: 'User' },
    ]);
  }
  await links.markPending(store.db, a.id, [ada.id, bob.id], new Date().toISOString());
  await links.update(store.db, a.id, ada.id, { customerId: 'gid://shopify/Customer/1', syncState: 'synced' }, new Date().toISOString());

  assert.deepEqual(
    await users.get(store.db, a.id, ada.id),
    (await users.getMany(store.db, a.id, [ada.id, bob.id])).find((u) => u.id === ada.id),
  );
  assert.equal(await users.get(store.db, b.id, ada.id), undefined, "another tenant's id is not found");
  const one = await users.groupsOf(store.db, a.id, [ada.id]);
  assert.deepEqual(
    one.get(ada.id)?.map((g) => g.displayName),
    ['Admins', 'Staff'],
    'in display-name order',
  );
  assert.deepEqual(one.get(ada.id), (await users.groupsOf(store.db, a.id, [ada.id, bob.id])).get(ada.id));
  assert.equal((await users.groupsOf(store.db, b.id, [ada.id])).size, 0);
  const link = (await links.getMany(store.db, a.id, [ada.id])).get(ada.id);
  assert.equal(link?.customerId, 'gid://shopify/Customer/1');
  assert.deepEqual(link, (await links.getMany(store.db, a.id, [ada.id, bob.id])).get(ada.id));
  assert.equal((await links.getMany(store.db, b.id, [ada.id])).size, 0);
  // The same, found by the userName instead of the id.
  assert.deepEqual(await users.groupsOfUserName(store.db, a.id, 'ada@example.com'), one);
  assert.deepEqual(await links.byUserName(store.db, a.id, 'ada@example.com'), new Map([[ada.id, link]]));
  assert.equal((await users.groupsOfUserName(store.db, b.id, 'ada@example.com')).size, 0, "another tenant's userName");
  assert.equal((await links.byUserName(store.db, b.id, 'ada@example.com')).size, 0);
  assert.equal((await links.byUserName(store.db, a.id, 'nobody@example.com')).size, 0);
});
