import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenSource, retryAfterMs, transportError } from './auth.js';
import { ShopifyError } from './errors.js';

function tokenServer(answer: (n: number) => Response) {
  const calls: { url: string; body: string; contentType: string | null }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), body: String(init?.body), contentType: new Headers(init?.headers).get('content-type') });
    await new Promise((r) => setTimeout(r, 5));
    return answer(calls.length);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const auth = { kind: 'clientCredentials' as const, clientId: 'cid', clientSecret: 'csecret' };

test('the client credentials grant posts a form-encoded request to /admin/oauth/access_token', async () => {
  const s = tokenServer((n) => json({ access_token: `tok${n}`, scope: 'read_customers', expires_in: 86399 }));
  const src = createTokenSource(auth, { baseUrl: 'https://x.myshopify.com', fetch: s.fetch, now: Date.now, timeoutMs: 1000 });
  assert.equal(await src.get(), 'tok1');
  assert.equal(s.calls[0].url, 'https://x.myshopify.com/admin/oauth/access_token');
  assert.equal(s.calls[0].contentType, 'application/x-www-form-urlencoded');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(s.calls[0].body)), {
    grant_type: 'client_credentials',
    client_id: 'cid',
    client_secret: 'csecret',
  });
});

test('concurrent callers share one token request and later callers get the cached token', async () => {
  const s = tokenServer((n) => json({ access_token: `tok${n}`, expires_in: 3600 }));
  const src = createTokenSource(auth, { baseUrl: 'http://e', fetch: s.fetch, now: Date.now, timeoutMs: 1000 });
  const tokens = await Promise.all(Array.from({ length: 20 }, () => src.get()));
  assert.deepEqual(new Set(tokens), new Set(['tok1']));
  assert.equal(await src.get(), 'tok1');
  assert.equal(s.calls.length, 1);
});

test('the token is renewed once 90% of its lifetime has passed', async () => {
  let t = 0;
  const s = tokenServer((n) => json({ access_token: `tok${n}`, expires_in: 100 }));
  const src = createTokenSource(auth, { baseUrl: 'http://e', fetch: s.fetch, now: () => t, timeoutMs: 1000 });
  assert.equal(await src.get(), 'tok1');
  t = 89_999;
  assert.equal(await src.get(), 'tok1');
  t = 90_000;
  assert.equal(await src.get(), 'tok2');
});

test('invalidating the current token forces a new one, invalidating an old one does not', async () => {
  const s = tokenServer((n) => json({ access_token: `tok${n}`, expires_in: 3600 }));
  const src = createTokenSource(auth, { baseUrl: 'http://e', fetch: s.fetch, now: Date.now, timeoutMs: 1000 });
  assert.equal(await src.get(), 'tok1');
  assert.equal(src.invalidate('tok1'), true);
  assert.equal(await src.get(), 'tok2');
  src.invalidate('tok1');
  assert.equal(await src.get(), 'tok2');
  assert.equal(s.calls.length, 2);
});

test('refused client credentials are an auth error naming the grant', async () => {
  const s = tokenServer(() => json({ error: 'invalid_client', error_description: 'Client authentication failed' }, 400));
  const src = createTokenSource(auth, { baseUrl: 'http://e', fetch: s.fetch, now: Date.now, timeoutMs: 1000 });
  await assert.rejects(
    src.get(),
    (e: ShopifyError) => e.kind === 'auth' && e.code === 'TOKEN_REQUEST_FAILED' && /invalid_client/.test(e.message),
  );
});

test('a 5xx from the token endpoint is retryable', async () => {
  const s = tokenServer(() => new Response('oops', { status: 503 }));
  const src = createTokenSource(auth, { baseUrl: 'http://e', fetch: s.fetch, now: Date.now, timeoutMs: 1000 });
  await assert.rejects(src.get(), (e: ShopifyError) => e.retryable && e.code === 'HTTP_5XX');
});

test('a static token is used as is and cannot be refreshed', async () => {
  const src = createTokenSource({ kind: 'token', accessToken: 'shpat_abc' }, { baseUrl: 'http://e', fetch, now: Date.now, timeoutMs: 1 });
  assert.equal(await src.get(), 'shpat_abc');
  assert.equal(src.invalidate('shpat_abc'), false);
});

test('incomplete credentials fail when the source is built', () => {
  assert.throws(
    () =>
      createTokenSource(
        { kind: 'clientCredentials', clientId: 'a', clientSecret: '' },
        { baseUrl: '', fetch, now: Date.now, timeoutMs: 1 },
      ),
    /clientSecret/,
  );
  assert.throws(
    () => createTokenSource({ kind: 'token', accessToken: '' }, { baseUrl: '', fetch, now: Date.now, timeoutMs: 1 }),
    /accessToken/,
  );
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(retryAfterMs('2'), 2000);
  assert.equal(retryAfterMs('0.5'), 500);
  assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(retryAfterMs(null), undefined);
  assert.equal(retryAfterMs('soon'), undefined);
});

test('fetch failures become TIMEOUT or NETWORK with the system error code', () => {
  const timeout = transportError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 1500);
  assert.equal(timeout.code, 'TIMEOUT');
  assert.match(timeout.message, /1500 ms/);
  const refused = transportError(
    Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } }),
    1,
  );
  assert.equal(refused.code, 'NETWORK');
  assert.match(refused.message, /ECONNREFUSED/);
  assert.equal(refused.retryable, true);
});
