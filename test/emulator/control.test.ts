import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulator } from './helpers.js';

async function call(base: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${base}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

test('the control API creates customers as staff, tags them, places orders and lists them with tags and metafields', async () => {
  const t = await emulator();
  try {
    const created = await call(t.em.url, 'POST', '/customers', { email: 'staff@example.com', firstName: 'Staff', tags: ['a'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.customer.legacyResourceId;
    const invalid = await call(t.em.url, 'POST', '/customers', { email: 'staff@example.com' });
    assert.deepEqual(
      [invalid.status, invalid.body.userErrors],
      [422, [{ field: ['email'], message: 'Email has already been taken', code: 'TAKEN' }]],
    );
    const tagged = await call(t.em.url, 'POST', `/customers/${id}/tags`, { add: ['b'], remove: ['a'] });
    assert.deepEqual(tagged.body.customer.tags, ['b']);
    const order = await call(t.em.url, 'POST', `/customers/${id}/orders`, { totalPrice: '12.00' });
    assert.equal(order.status, 201);
    assert.equal(order.body.customer.canDelete, false);
    const refused = await call(t.em.url, 'DELETE', `/customers/${id}`);
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    await t.data('mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { userErrors { message } } }', {
      m: [{ ownerId: created.body.customer.id, namespace: 'scim', key: 'ext', type: 'single_line_text_field', value: 'E1' }],
    });
    const list = await call(t.em.url, 'GET', '/customers');
    assert.equal(list.body.customers.length, 1);
    assert.deepEqual(list.body.customers[0].metafields, [{ namespace: 'scim', key: 'ext', type: 'single_line_text_field', value: 'E1' }]);
    assert.equal((await call(t.em.url, 'GET', '/customers/999999')).status, 404);
    const signedIn = await call(t.em.url, 'POST', `/customers/${id}/sign-in`);
    assert.equal(signedIn.body.customer.state, 'ENABLED');
  } finally {
    await t.em.close();
  }
});

test('counters count requests, throttled requests and cost spent; reset empties the shop', async () => {
  const t = await emulator({ bucketSize: 20, restoreRate: 1, now: () => 0 });
  try {
    await t.gql('{ shop { name } }');
    await t.gql('mutation { customerCreate(input: { email: "c@example.com" }) { userErrors { message } } }');
    await t.gql('mutation { customerCreate(input: { email: "d@example.com" }) { userErrors { message } } }');
    const c = await call(t.em.url, 'GET', '/counters');
    assert.deepEqual(
      [c.body.counters.requests, c.body.counters.throttled, c.body.counters.costSpent, c.body.throttleStatus.currentlyAvailable],
      [3, 1, 11, 9],
      JSON.stringify(c.body),
    );
    assert.equal((await call(t.em.url, 'POST', '/reset')).status, 200);
    assert.deepEqual((await call(t.em.url, 'GET', '/customers')).body.customers, []);
    const after = await call(t.em.url, 'GET', '/counters');
    assert.deepEqual([after.body.counters.requests, after.body.throttleStatus.currentlyAvailable], [0, 20]);
  } finally {
    await t.em.close();
  }
});

test('injected 5xx errors and latency apply to GraphQL until cleared', async () => {
  const t = await emulator();
  try {
    const set = await call(t.em.url, 'PUT', '/faults', { errorRate: 1, status: 503 });
    assert.equal(set.body.faults.errorRate, 1);
    const failed = await t.gql('{ shop { name } }');
    assert.deepEqual([failed.status, failed.body], [503, { errors: 'Service Unavailable' }]);
    await call(t.em.url, 'PUT', '/faults', { errorRate: 0, latencyMs: 150 });
    const started = Date.now();
    assert.equal((await t.gql('{ shop { name } }')).status, 200);
    assert.ok(Date.now() - started >= 140, 'latency applied');
    const cleared = await call(t.em.url, 'DELETE', '/faults');
    assert.equal(cleared.body.faults.latencyMs, 0);
    const bad = await call(t.em.url, 'PUT', '/faults', { errorRate: 2 });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /errorRate must be a number between 0 and 1/);
    assert.equal((await call(t.em.url, 'PUT', '/faults', { bogus: 1 })).status, 400);
  } finally {
    await t.em.close();
  }
});

test('a timeout fault leaves the request unanswered until the client gives up', async () => {
  const t = await emulator();
  try {
    t.em.control.setFaults({ timeoutRate: 1 });
    await assert.rejects(
      fetch(t.em.graphqlUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': t.em.accessToken },
        body: '{"query":"{ shop { name } }"}',
        signal: AbortSignal.timeout(200),
      }),
      (e: Error) => e.name === 'TimeoutError',
    );
    assert.equal(t.em.control.counters().faultTimeouts, 1);
  } finally {
    await t.em.close();
  }
});

test('throttle pressure drains the bucket and slows its refill', async () => {
  let now = 0;
  const t = await emulator({ bucketSize: 1000, restoreRate: 100, now: () => now });
  try {
    t.em.control.setFaults({ throttlePressure: 0.9 });
    assert.equal(t.em.control.throttleStatus().currentlyAvailable, 100);
    now += 1000;
    assert.equal(t.em.control.throttleStatus().currentlyAvailable, 110, 'refills at a tenth of the rate');
    const r = await t.gql('{ customers(first: 200) { nodes { id } } }');
    assert.equal(r.body.errors?.[0]?.extensions?.code, 'THROTTLED', JSON.stringify(r.body));
    assert.equal(r.body.extensions?.cost?.throttleStatus.restoreRate, 100, 'the advertised rate does not change');
  } finally {
    await t.em.close();
  }
});

test('the control API asks for the access token when the emulator listens beyond loopback', async () => {
  const t = await emulator({ host: '0.0.0.0' });
  try {
    const url = t.em.url.replace('0.0.0.0', '127.0.0.1');
    assert.equal((await fetch(`${url}/_emulator/customers`)).status, 401);
    const ok = await fetch(`${url}/_emulator/customers`, { headers: { 'X-Shopify-Access-Token': t.em.accessToken } });
    assert.equal(ok.status, 200);
  } finally {
    await t.em.close();
  }
});
