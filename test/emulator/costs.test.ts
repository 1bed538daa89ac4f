import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulator } from './helpers.js';

test('every response carries requested and actual cost and the bucket after it', async () => {
  const t = await emulator({ bucketSize: 1000, restoreRate: 50, now: () => 0 });
  try {
    t.em.control.createCustomer({ email: 'one@example.com' });
    t.em.control.createCustomer({ email: 'two@example.com' });
    const r = await t.gql('{ customers(first: 100) { nodes { id defaultAddress { city } } } }');
    assert.deepEqual(
      r.body.extensions?.cost,
      {
        requestedQueryCost: 2 + 100 * 2,
        actualQueryCost: 2 + 2 * 1,
        throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 1000 - 4, restoreRate: 50 },
      },
      JSON.stringify(r.body),
    );
    const m = await t.gql('mutation { customerCreate(input: { email: "three@example.com" }) { customer { id } userErrors { message } } }');
    assert.equal(m.body.extensions?.cost?.requestedQueryCost, 10);
    assert.equal(m.body.extensions?.cost?.actualQueryCost, 10);
    assert.equal(m.body.extensions?.cost?.throttleStatus.currentlyAvailable, 1000 - 4 - 10);
  } finally {
    await t.em.close();
  }
});

test('a request costing more than is left is THROTTLED until the bucket has refilled', async () => {
  let now = 0;
  const t = await emulator({ bucketSize: 300, restoreRate: 100, now: () => now });
  try {
    const q = '{ customers(first: 249) { nodes { id } } }'; // requested 251, actual 2 when empty
    const first = await t.gql(q);
    assert.equal(first.body.extensions?.cost?.throttleStatus.currentlyAvailable, 298);
    await t.gql(
      'mutation { a: customerCreate(input: { email: "a@example.com" }) { userErrors { message } } b: customerCreate(input: { email: "b@example.com" }) { userErrors { message } } c: customerCreate(input: { email: "c@example.com" }) { userErrors { message } } d: customerCreate(input: { email: "d@example.com" }) { userErrors { message } } e: customerCreate(input: { email: "e@example.com" }) { userErrors { message } } }',
    );
    // 298 - 50 = 248 < 251
    const throttled = await t.gql(q);
    assert.equal(throttled.status, 200);
    assert.deepEqual(throttled.body.errors, [
      { message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } },
    ]);
    assert.equal(throttled.body.data, undefined);
    assert.deepEqual(throttled.body.extensions?.cost, {
      requestedQueryCost: 251,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 300, currentlyAvailable: 248, restoreRate: 100 },
    });
    now += 30; // 3 points restored: exactly enough
    const ok = await t.gql(q);
    assert.equal(ok.body.errors, undefined, JSON.stringify(ok.body));
    assert.equal(t.em.control.counters().throttled, 1);
  } finally {
    await t.em.close();
  }
});

test('a single query requesting more than 1,000 points fails with MAX_COST_EXCEEDED and costs nothing', async () => {
  const t = await emulator({ now: () => 0 });
  try {
    const r = await t.gql('{ customers(first: 250) { nodes { id metafields(first: 2) { nodes { key } } } } }');
    assert.equal(r.body.errors?.[0]?.extensions?.code, 'MAX_COST_EXCEEDED', JSON.stringify(r.body));
    assert.match(r.body.errors[0].message, /^Query cost is 1252, which exceeds the single query max cost limit \(1000\)\./);
    assert.equal(r.body.extensions?.cost?.throttleStatus.currentlyAvailable, 2000);
  } finally {
    await t.em.close();
  }
});

test('connections require first or last and refuse more than 250', async () => {
  const t = await emulator();
  try {
    const none = await t.gql('{ customers { nodes { id } } }');
    assert.equal(none.body.errors?.[0]?.message, 'you must provide one of first or last', JSON.stringify(none.body));
    assert.equal(none.body.data, null);
    const big = await t.gql('{ customers(first: 251) { nodes { id } } }');
    assert.equal(big.body.errors?.[0]?.message, 'The first argument must be ≤ 250', JSON.stringify(big.body));
  } finally {
    await t.em.close();
  }
});

test('pages through customers with cursors both ways, by sort key and in reverse', async () => {
  const t = await emulator();
  try {
    for (const n of [5, 3, 1, 4, 2]) t.em.control.createCustomer({ email: `p${n}@example.com`, firstName: `N${n}` });
    const page = async (args: string) =>
      (
        await t.data(
          `{ customers(${args}) { edges { cursor node { firstName } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
        )
      ).customers;
    const p1 = await page('first: 2, sortKey: NAME');
    assert.deepEqual(
      p1.edges.map((e: any) => e.node.firstName),
      ['N1', 'N2'],
    );
    assert.deepEqual([p1.pageInfo.hasNextPage, p1.pageInfo.hasPreviousPage], [true, false]);
    const p2 = await page(`first: 2, sortKey: NAME, after: "${p1.pageInfo.endCursor}"`);
    assert.deepEqual(
      p2.edges.map((e: any) => e.node.firstName),
      ['N3', 'N4'],
    );
    assert.deepEqual([p2.pageInfo.hasNextPage, p2.pageInfo.hasPreviousPage], [true, true]);
    const back = await page(`last: 2, sortKey: NAME, before: "${p2.pageInfo.startCursor}"`);
    assert.deepEqual(
      back.edges.map((e: any) => e.node.firstName),
      ['N1', 'N2'],
    );
    const rev = await page('first: 3, sortKey: NAME, reverse: true');
    assert.deepEqual(
      rev.edges.map((e: any) => e.node.firstName),
      ['N5', 'N4', 'N3'],
    );
    const byId = await page('first: 5');
    assert.deepEqual(
      byId.edges.map((e: any) => e.node.firstName),
      ['N5', 'N3', 'N1', 'N4', 'N2'],
      'ID order is creation order',
    );
  } finally {
    await t.em.close();
  }
});

test('customers(query:) filters with Shopify search syntax and warns about unknown fields', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const t = await emulator({ now: () => now });
  try {
    const a = t.em.control.createCustomer({ email: 'alpha@example.com', tags: ['vip'] }).customer!;
    now += 60_000;
    t.em.control.createCustomer({ email: 'beta@example.com', phone: '+16135550100', tags: ['scim'] });
    now += 60_000;
    t.em.control.updateCustomer(a.id, { note: 'touched' });
    const q = async (query: string) => {
      const r = await t.gql('query($q: String) { customers(first: 10, query: $q, sortKey: UPDATED_AT) { nodes { email } } }', { q: query });
      return { emails: r.body.data?.customers.nodes.map((n: { email: string }) => n.email), search: r.body.extensions?.search };
    };
    assert.deepEqual((await q('updated_at:>2026-01-01T00:01:00Z')).emails, ['alpha@example.com']);
    assert.deepEqual((await q('updated_at:>=2026-01-01T00:01:00Z')).emails, ['beta@example.com', 'alpha@example.com']);
    assert.deepEqual((await q('tag:vip OR phone:+16135550100')).emails, ['beta@example.com', 'alpha@example.com']);
    assert.deepEqual((await q('email:beta@example.com AND NOT tag:vip')).emails, ['beta@example.com']);
    const unknown = await q('favourite_colour:blue');
    assert.equal(unknown.emails.length, 2);
    assert.deepEqual(unknown.search, [
      {
        path: ['customers'],
        query: 'favourite_colour:blue',
        warnings: [{ field: 'favourite_colour', message: 'Invalid search field for this query.' }],
      },
    ]);
  } finally {
    await t.em.close();
  }
});
