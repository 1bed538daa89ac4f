import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoff, createShopifyClient, normalizeShop, type ClientEvent, type ShopifyClientOptions } from './client.js';
import { ShopifyError } from './errors.js';

interface Seen {
  url: string;
  headers: Headers;
  body: { query: string; variables: Record<string, unknown>; operationName: string };
}
type Answer = Response | Error | 'hang';

/** A scripted Admin API: each call takes the next answer (the last one repeats). */
function scripted(...answers: ((seen: Seen) => Answer)[]) {
  const seen: Seen[] = [];
  let grants = 0;
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    if (String(url).endsWith('/admin/oauth/access_token')) return ok({ access_token: `grant${++grants}`, expires_in: 3600 });
    const s = { url: String(url), headers: new Headers(init?.headers), body: JSON.parse(String(init?.body ?? '{}')) };
    seen.push(s);
    const a = answers[Math.min(seen.length - 1, answers.length - 1)](s);
    if (a === 'hang') {
      // AbortSignal.timeout's timer does not hold the event loop open (a real socket would): hold it here.
      const hold = setTimeout(() => {}, 10_000);
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => (clearTimeout(hold), reject(init.signal!.reason)), { once: true }),
      );
    }
    if (a instanceof Error) throw a;
    return a;
  }) as typeof globalThis.fetch;
  return { fetch, seen, graphql: () => seen, grants: () => grants };
}
function ok(body: unknown) {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-shopify-api-version': '2026-10' },
  });
}
const cost = (currentlyAvailable = 990, requested = 1, actual = 1) => ({
  cost: {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: { maximumAvailable: 1000, currentlyAvailable, restoreRate: 50 },
  },
});
const data =
  (d: unknown, c = cost()) =>
  () =>
    ok({ data: d, extensions: c });
const status =
  (code: number, headers: Record<string, string> = {}, body = '{"errors":"x"}') =>
  () =>
    new Response(body, { status: code, headers });
const doc = { name: 'ShopName', text: 'query ShopName { shop { name } }' };

function client(fetch: typeof globalThis.fetch, extra: Partial<ShopifyClientOptions> = {}) {
  const sleeps: number[] = [];
  const events: ClientEvent[] = [];
  const c = createShopifyClient({
    shop: 'demo',
    auth: { kind: 'token', accessToken: 'shpat_test' },
    baseUrl: 'http://127.0.0.1:9',
    fetch,
    sleep: async (ms) => void sleeps.push(ms),
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
    random: () => 0.5,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { c, sleeps, events };
}

test('a query is posted to the versioned graphql.json with the access token and its data comes back', async () => {
  const s = scripted(data({ shop: { name: 'Demo' } }));
  const { c } = client(s.fetch);
  const res = await c.request<{ shop: { name: string } }>(doc, { a: 1 });
  assert.deepEqual(res.data, { shop: { name: 'Demo' } });
  assert.equal(res.apiVersion, '2026-10');
  assert.equal(s.seen[0].url, 'http://127.0.0.1:9/admin/api/2026-10/graphql.json');
  assert.equal(s.seen[0].headers.get('x-shopify-access-token'), 'shpat_test');
  assert.deepEqual(s.seen[0].body, { query: doc.text, variables: { a: 1 }, operationName: 'ShopName' });
  assert.equal(c.shop, 'demo.myshopify.com');
});

test('5xx answers are retried with full-jitter exponential backoff, then succeed', async () => {
  const s = scripted(status(502), status(503), data({ shop: { name: 'Demo' } }));
  const { c, sleeps, events } = client(s.fetch);
  await c.request(doc);
  assert.equal(s.graphql().length, 3);
  assert.deepEqual(sleeps, [50, 100], 'random 0.5 of 100 then of 200');
  assert.deepEqual(
    events.filter((e) => e.type === 'retry').map((e) => (e as { code: string }).code),
    ['HTTP_5XX', 'HTTP_5XX'],
  );
});

test('the backoff is capped and stays within [0, cap)', () => {
  const r = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(
    backoff(8, r, () => 0.999),
    999,
  );
  assert.equal(
    backoff(1, r, () => 0),
    0,
  );
});

test('429 waits the Retry-After seconds', async () => {
  const s = scripted(status(429, { 'retry-after': '2' }), data({ shop: { name: 'Demo' } }));
  const { c, sleeps } = client(s.fetch);
  await c.request(doc);
  assert.deepEqual(sleeps, [2000]);
});

test('when attempts run out the last retryable error reaches the caller', async () => {
  const s = scripted(status(500));
  const { c } = client(s.fetch);
  await assert.rejects(c.request(doc), (e: ShopifyError) => e.code === 'HTTP_5XX' && e.retryable && e.status === 500);
  assert.equal(s.graphql().length, 4);
});

test('a call that does not answer in time is a retryable TIMEOUT and is retried', async () => {
  const s = scripted(() => 'hang', data({ shop: { name: 'Demo' } }));
  const { c, events } = client(s.fetch, { timeoutMs: 30 });
  const res = await c.request<{ shop: { name: string } }>(doc);
  assert.equal(res.data.shop.name, 'Demo');
  const retry = events.find((e) => e.type === 'retry');
  assert.equal(retry?.type === 'retry' ? retry.code : undefined, 'TIMEOUT');
});

test('network failures are retried', async () => {
  const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  const s = scripted(() => refused, data({ shop: { name: 'Demo' } }));
  const { c } = client(s.fetch);
  await c.request(doc);
  assert.equal(s.graphql().length, 2);
});

test('GraphQL validation errors are not retried', async () => {
  const s = scripted(() =>
    ok({ errors: [{ message: "Field 'nme' doesn't exist on type 'Shop'", extensions: { code: 'undefinedField' } }] }),
  );
  const { c } = client(s.fetch);
  await assert.rejects(c.request(doc), (e: ShopifyError) => e.code === 'GRAPHQL_INVALID' && e.kind === 'invalid' && /nme/.test(e.message));
  assert.equal(s.graphql().length, 1);
});

test('ACCESS_DENIED is a forbidden MISSING_SCOPE, not retried', async () => {
  const s = scripted(() =>
    ok({
      errors: [
        {
          message: 'Access denied for customers field. Required access: `read_customers` access scope.',
          extensions: { code: 'ACCESS_DENIED' },
        },
      ],
    }),
  );
  const { c } = client(s.fetch);
  await assert.rejects(
    c.request(doc),
    (e: ShopifyError) => e.code === 'MISSING_SCOPE' && e.kind === 'forbidden' && /read_customers/.test(e.message),
  );
  assert.equal(s.graphql().length, 1);
});

test('THROTTLED waits exactly as long as the bucket needs and never reaches the caller', async () => {
  const throttled = () =>
    ok({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
      extensions: {
        cost: {
          requestedQueryCost: 10,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 100, currentlyAvailable: 2, restoreRate: 50 },
        },
      },
    });
  const s = scripted(throttled, data({ shop: { name: 'Demo' } }, cost(0, 10, 10)));
  // real time: the throttle's own timer does the waiting
  const { c, events } = client(s.fetch, { sleep: undefined });
  const res = await c.request<{ shop: { name: string } }>(doc, {}, { cost: 10 });
  assert.equal(res.data.shop.name, 'Demo');
  assert.ok(events.some((e) => e.type === 'throttled'));
  // 2 points left, 10 (+1 headroom) needed at 50/s: 180 ms
  const wait = events.slice(events.findIndex((e) => e.type === 'throttled')).find((e) => e.type === 'wait');
  assert.ok(wait?.type === 'wait' && wait.waitMs >= 175 && wait.waitMs < 300, JSON.stringify(events));
});

test('THROTTLED answers have their own budget and fail the call once it is spent', async () => {
  const throttled = () =>
    ok({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
      extensions: {
        cost: {
          requestedQueryCost: 1,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 1000, restoreRate: 1000 },
        },
      },
    });
  const s = scripted(throttled);
  const { c } = client(s.fetch, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxThrottledAttempts: 3 } });
  await assert.rejects(c.request(doc), (e: ShopifyError) => e.code === 'THROTTLED' && e.retryable);
  assert.equal(s.graphql().length, 3);
});

test('a refused grant token is renewed once on 401 and the call repeated', async () => {
  let n = 0;
  const s = scripted((seen) =>
    ++n === 1 ? status(401)() : (assert.equal(seen.headers.get('x-shopify-access-token'), 'grant2'), data({ shop: { name: 'Demo' } })()),
  );
  const { c } = client(s.fetch, { auth: { kind: 'clientCredentials', clientId: 'id', clientSecret: 'secret' } });
  await c.request(doc);
  assert.equal(s.graphql().length, 2);
  assert.equal(s.grants(), 2);
});

test('a second 401 after renewing the token is an auth error', async () => {
  const s = scripted(status(401));
  const { c } = client(s.fetch, { auth: { kind: 'clientCredentials', clientId: 'id', clientSecret: 'secret' } });
  await assert.rejects(c.request(doc), (e: ShopifyError) => e.kind === 'auth' && e.code === 'UNAUTHORIZED');
  assert.equal(s.graphql().length, 2);
});

test('a static token refused with 401 is an auth error at once', async () => {
  const s = scripted(status(401));
  const { c } = client(s.fetch);
  await assert.rejects(c.request(doc), (e: ShopifyError) => e.code === 'UNAUTHORIZED');
  assert.equal(s.graphql().length, 1);
});

test('404 means no Admin API at that address (wrong shop, base URL or version)', async () => {
  const s = scripted(status(404, {}, 'Not Found'));
  const { c } = client(s.fetch);
  await assert.rejects(c.request(doc), (e: ShopifyError) => e.code === 'ENDPOINT_NOT_FOUND' && e.kind === 'notFound');
});

test('400 is an invalid document whatever the shape of its errors', async () => {
  for (const body of [
    '{"errors":[{"message":"Parse error on \\"}\\""}]}',
    '{"errors":{"query":"Required parameter missing or invalid"}}',
  ]) {
    const { c } = client(scripted(status(400, {}, body)).fetch);
    await assert.rejects(
      c.request(doc),
      (e: ShopifyError) => e.code === 'GRAPHQL_INVALID' && !e.retryable && /Parse error|Required parameter/.test(e.message),
    );
  }
});

test('402 and 423 say the shop is unavailable', async () => {
  for (const code of [402, 423]) {
    const { c } = client(scripted(status(code)).fetch);
    await assert.rejects(c.request(doc), (e: ShopifyError) => e.code === 'SHOP_UNAVAILABLE' && e.status === code);
  }
});

test('cost events report what Shopify charged and the bucket it left', async () => {
  const s = scripted(data({ shop: { name: 'Demo' } }, cost(980, 12, 3)));
  const { c, events } = client(s.fetch);
  await c.request(doc);
  const e = events.find((x) => x.type === 'cost');
  assert.deepEqual(e, {
    type: 'cost',
    operation: 'ShopName',
    requested: 12,
    actual: 3,
    status: { maximumAvailable: 1000, currentlyAvailable: 980, restoreRate: 50 },
  });
  assert.equal((await c.throttleSnapshot())?.maximum, 1000);
});

test('a throwing event hook does not break the call', async () => {
  const s = scripted(data({ shop: { name: 'Demo' } }));
  const { c } = client(s.fetch, {
    onEvent: () => {
      throw new Error('metrics down');
    },
  });
  assert.equal((await c.request<{ shop: { name: string } }>(doc)).data.shop.name, 'Demo');
});

test('shop names are normalised to the myshopify domain', () => {
  assert.equal(normalizeShop('Demo'), 'demo.myshopify.com');
  assert.equal(normalizeShop('https://demo.myshopify.com/'), 'demo.myshopify.com');
  assert.throws(() => normalizeShop(' '), /empty/);
});
