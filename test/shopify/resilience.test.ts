import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { ShopifyError, createShopifyClient, shopInfo } from '../../src/shopify/index.js';
import { harness } from './helpers.js';

// One clock for the emulator and the clients, so token lifetimes can be crossed without waiting.
let t = Date.parse('2026-05-01T00:00:00Z');
const h = await harness({ now: () => t, tokenTtlSeconds: 100 }, { now: () => t });
const { em } = h;
const grantClient = (extra = {}) =>
  h.newClient({ auth: { kind: 'clientCredentials', clientId: em.clientId, clientSecret: em.clientSecret }, ...extra });
const tokens = (events: { type: string }[]) => events.filter((e) => e.type === 'token').length;

test('the client credentials grant gets a token and one token serves concurrent callers', async () => {
  const { client, events } = grantClient();
  const infos = await Promise.all(Array.from({ length: 10 }, () => shopInfo(client)));
  assert.ok(infos.every((i) => i.myshopifyDomain === em.shop));
  assert.equal(tokens(events), 1);
});

test('a grant token is renewed before it expires, so no call meets a 401', async () => {
  const { client, events } = grantClient();
  await shopInfo(client);
  const unauthorized = em.control.counters().unauthorized;
  t += 91_000; // past 90% of the 100 s lifetime
  await shopInfo(client);
  assert.equal(tokens(events), 2);
  assert.equal(em.control.counters().unauthorized, unauthorized, 'the old token was never sent after renewal time');
  t += 200_000; // past the second token's expiry as well
  await shopInfo(client);
  assert.equal(tokens(events), 3);
});

test('a grant token refused with 401 before its time is renewed once and the call succeeds', async () => {
  const { client, events } = grantClient();
  await shopInfo(client);
  const unauthorized = em.control.counters().unauthorized;
  em.control.expireTokens();
  const info = await shopInfo(client);
  assert.equal(info.myshopifyDomain, em.shop);
  assert.equal(em.control.counters().unauthorized, unauthorized + 1, 'one 401, then the new token');
  assert.equal(tokens(events), 2);
});

test('a wrong client secret is an auth error from the token endpoint', async () => {
  const { client } = h.newClient({ auth: { kind: 'clientCredentials', clientId: em.clientId, clientSecret: 'wrong' } });
  await assert.rejects(shopInfo(client), (e: ShopifyError) => e.kind === 'auth' && e.code === 'TOKEN_REQUEST_FAILED' && e.status === 401);
});

test('a wrong static token is an auth error UNAUTHORIZED, not retried', async () => {
  const { client } = h.newClient({ auth: { kind: 'token', accessToken: 'shpat_wrong' } });
  const before = em.control.counters().unauthorized;
  await assert.rejects(shopInfo(client), (e: ShopifyError) => e.kind === 'auth' && e.code === 'UNAUTHORIZED' && !e.retryable);
  assert.equal(em.control.counters().unauthorized - before, 1);
});

test('5xx answers are retried until Shopify recovers', async () => {
  let retries = 0;
  const { client } = h.newClient({
    onEvent: (e) => {
      if (e.type === 'retry' && ++retries === 2) em.control.clearFaults();
    },
  });
  em.control.setFaults({ errorRate: 1, status: 503 });
  const before = em.control.counters().faultErrors;
  try {
    assert.equal((await shopInfo(client)).myshopifyDomain, em.shop);
    assert.equal(em.control.counters().faultErrors - before, 2);
  } finally {
    em.control.clearFaults();
  }
});

test('a 429 with Retry-After is waited out as Shopify says and then succeeds, without counting as THROTTLED', async () => {
  const faults = (method: string, body?: unknown) =>
    fetch(`${em.url}/_emulator/faults`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const bad = await faults('PATCH', { status: 429, retryAfterSeconds: -1 });
  assert.equal(bad.status, 400, await bad.text());
  const set = await faults('PUT', { errorRate: 1, status: 429, retryAfterSeconds: 0.4 });
  assert.equal(set.status, 200, await set.text());
  const sleeps: number[] = [];
  let retries = 0;
  const { client, events } = h.newClient({
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((r) => setTimeout(r, ms));
    },
    onEvent: (e) => {
      if (e.type === 'retry' && ++retries === 2) em.control.clearFaults();
    },
  });
  const before = em.control.counters();
  try {
    const raw = await fetch(`${em.url}/admin/api/2026-10/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': em.accessToken },
      body: JSON.stringify({ query: '{ shop { name } }' }),
    });
    assert.equal(raw.status, 429);
    assert.equal(raw.headers.get('retry-after'), '0.4');
    assert.match(((await raw.json()) as { errors: string }).errors, /Exceeded 2 calls per second/);

    const started = Date.now();
    assert.equal((await shopInfo(client)).myshopifyDomain, em.shop);
    const elapsed = Date.now() - started;
    const retried = events.filter((e) => e.type === 'retry') as Extract<(typeof events)[number], { type: 'retry' }>[];
    assert.deepEqual(
      retried.map((e) => [e.code, e.delayMs]),
      [
        ['RATE_LIMITED', 400],
        ['RATE_LIMITED', 400],
      ],
    );
    assert.deepEqual(
      sleeps.filter((ms) => ms > 0),
      [400, 400],
      'each wait is what Retry-After said',
    );
    assert.ok(elapsed >= 800, `waited ${elapsed} ms`);
    assert.equal(events.filter((e) => e.type === 'throttled').length, 0, 'a 429 is not a THROTTLED GraphQL error');
    const after = em.control.counters();
    assert.equal(after.faultErrors - before.faultErrors, 3, "the raw call and two of the client's");
    assert.equal(after.throttled, before.throttled);
  } finally {
    em.control.clearFaults();
  }
});

test('a 5xx that outlasts the attempts is a retryable HTTP_5XX for the caller to queue', async () => {
  const { client } = h.newClient({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
  em.control.setFaults({ errorRate: 1, status: 502 });
  const before = em.control.counters().faultErrors;
  try {
    await assert.rejects(shopInfo(client), (e: ShopifyError) => e.kind === 'retryable' && e.code === 'HTTP_5XX' && e.status === 502);
    assert.equal(em.control.counters().faultErrors - before, 3);
  } finally {
    em.control.clearFaults();
  }
});

test('a call that hangs times out and is retried', async () => {
  let retried = false;
  const { client, events } = h.newClient({
    timeoutMs: 150,
    onEvent: (e) => {
      if (e.type === 'retry' && !retried) {
        retried = true;
        em.control.clearFaults();
      }
    },
  });
  em.control.setFaults({ timeoutRate: 1 });
  try {
    assert.equal((await shopInfo(client)).myshopifyDomain, em.shop);
    const retry = events.find((e) => e.type === 'retry');
    assert.equal(retry?.type === 'retry' ? retry.code : undefined, 'TIMEOUT');
  } finally {
    em.control.clearFaults();
  }
});

test('a call that keeps hanging ends as a retryable TIMEOUT', async () => {
  const { client } = h.newClient({ timeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
  em.control.setFaults({ timeoutRate: 1 });
  try {
    await assert.rejects(shopInfo(client), (e: ShopifyError) => e.kind === 'retryable' && e.code === 'TIMEOUT');
  } finally {
    em.control.clearFaults();
  }
});

test('slow answers within the timeout simply succeed', async () => {
  const { client } = h.newClient({ timeoutMs: 1000 });
  em.control.setFaults({ latencyMs: 120 });
  try {
    assert.equal((await shopInfo(client)).myshopifyDomain, em.shop);
  } finally {
    em.control.clearFaults();
  }
});

test('an address nobody listens on is a retryable NETWORK error naming the cause', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const client = createShopifyClient({
    shop: 'nobody.myshopify.com',
    baseUrl: `http://127.0.0.1:${port}`,
    auth: { kind: 'token', accessToken: 'x' },
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });
  await assert.rejects(shopInfo(client), (e: ShopifyError) => e.code === 'NETWORK' && e.retryable && /ECONNREFUSED/.test(e.message));
});

test('an API version the server does not have is ENDPOINT_NOT_FOUND', async () => {
  const { client } = h.newClient({ apiVersion: '2019-01' });
  await assert.rejects(shopInfo(client), (e: ShopifyError) => e.code === 'ENDPOINT_NOT_FOUND' && e.status === 404);
});
