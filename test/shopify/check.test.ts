import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { checkShopify } from '../../src/shopify/check.js';
import { formatCheckReport, shopifyCommand } from '../../src/cli/shopify.js';
import { harness } from './helpers.js';

const { em } = await harness({ planName: 'Advanced', restoreRate: 200, bucketSize: 4000 });
const base = () => ({ shop: em.shop, baseUrl: em.url });

/** A fetch that lets a test rewrite the emulator's answers (to play a shop that grants less). */
function rewriting(edit: (operation: string, body: Record<string, any>) => Record<string, any>): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(url, init);
    if (!String(url).endsWith('graphql.json')) return res;
    const op = JSON.parse(String(init?.body)).operationName as string;
    return new Response(JSON.stringify(edit(op, await res.json())), { status: res.status, headers: res.headers });
  }) as typeof fetch;
}

test('a working static token reports shop, plan, scopes, API version and the bucket', async () => {
  const r = await checkShopify({ ...base(), accessToken: em.accessToken });
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.info?.myshopifyDomain, em.shop);
  assert.equal(r.info?.plan.displayName, 'Advanced');
  assert.deepEqual(r.info?.scopes, ['read_customers', 'write_customers']);
  assert.equal(r.info?.apiVersion, '2026-10');
  assert.deepEqual(r.info?.bucket && { max: r.info.bucket.maximumAvailable, rate: r.info.bucket.restoreRate }, { max: 4000, rate: 200 });
  assert.equal(r.customerDataAccess, true);
  const text = formatCheckReport(r);
  assert.match(text, /plan\s+Advanced/);
  assert.match(text, /cost bucket\s+4000 points, restores 200\/s/);
  assert.match(text, /^OK/m);
});

test('working client credentials report the grant as the auth used', async () => {
  const r = await checkShopify({ ...base(), clientId: em.clientId, clientSecret: em.clientSecret });
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.auth, 'clientCredentials');
});

const problem = (r: Awaited<ReturnType<typeof checkShopify>>) => {
  assert.equal(r.ok, false);
  assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
  return r.problems[0];
};

test('a refused token is one sentence about the token', async () => {
  const p = problem(await checkShopify({ ...base(), accessToken: 'shpat_wrong' }));
  assert.equal(p.code, 'UNAUTHORIZED');
  assert.match(p.message, /access token was refused \(401\)/);
});

test('refused client credentials name the variables to check', async () => {
  const p = problem(await checkShopify({ ...base(), clientId: em.clientId, clientSecret: 'nope' }));
  assert.equal(p.code, 'TOKEN_REQUEST_FAILED');
  assert.match(p.message, /SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET/);
});

test('an unknown host is a DNS problem naming the host', async () => {
  const p = problem(await checkShopify({ shop: 'no-such-shop.invalid', baseUrl: 'http://no-such-shop.invalid', accessToken: 'x' }));
  assert.equal(p.code, 'NETWORK');
  assert.match(p.message, /Cannot resolve no-such-shop\.invalid/);
});

test('a closed port is a connection problem', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const p = problem(await checkShopify({ shop: em.shop, baseUrl: `http://127.0.0.1:${port}`, accessToken: 'x' }));
  assert.match(p.message, /connection refused/);
});

test('an unknown API version is reported as such', async () => {
  const p = problem(await checkShopify({ ...base(), accessToken: em.accessToken, apiVersion: '2019-01' }));
  assert.equal(p.code, 'ENDPOINT_NOT_FOUND');
  assert.match(p.message, /API version 2019-01/);
});

test('Shopify answering with another version than asked is reported', async () => {
  const fetchOther = (async (url: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(url, init);
    const headers = new Headers(res.headers);
    if (headers.has('x-shopify-api-version')) headers.set('x-shopify-api-version', '2025-10');
    return new Response(await res.text(), { status: res.status, headers });
  }) as typeof fetch;
  const p = problem(await checkShopify({ ...base(), accessToken: em.accessToken, fetch: fetchOther }));
  assert.equal(p.code, 'API_VERSION');
  assert.match(p.message, /2025-10 instead of 2026-10/);
});

test('missing customer scopes are flagged', async () => {
  const only = rewriting((op, body) => {
    if (op === 'ShopInfo') body.data.currentAppInstallation.accessScopes = [{ handle: 'read_products' }];
    return body;
  });
  const p = problem(await checkShopify({ ...base(), accessToken: em.accessToken, fetch: only }));
  assert.equal(p.code, 'MISSING_SCOPE');
  assert.match(p.message, /read_customers and write_customers/);
});

test('write_customers alone counts as read_customers too', async () => {
  const writeOnly = rewriting((op, body) => {
    if (op === 'ShopInfo') body.data.currentAppInstallation.accessScopes = [{ handle: 'write_customers' }];
    return body;
  });
  assert.equal((await checkShopify({ ...base(), accessToken: em.accessToken, fetch: writeOnly })).ok, true);
});

test('no access to protected customer data is flagged', async () => {
  const denied = rewriting((op, body) =>
    op === 'CustomerAccessProbe'
      ? { errors: [{ message: 'This app is not approved to access the Customer object.', extensions: { code: 'ACCESS_DENIED' } }] }
      : body,
  );
  const r = await checkShopify({ ...base(), accessToken: em.accessToken, fetch: denied });
  const p = problem(r);
  assert.equal(p.code, 'CUSTOMER_DATA');
  assert.match(p.message, /protected customer data/);
  assert.equal(r.customerDataAccess, false);
});

test('missing shop and credentials are each explained', async () => {
  const r = await checkShopify({});
  assert.deepEqual(
    r.problems.map((p) => p.code),
    ['NO_SHOP', 'NO_CREDENTIALS'],
  );
  const half = await checkShopify({ shop: 'x', clientId: 'id' });
  assert.match(half.problems[0].message, /both SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET/);
});

async function runCli(args: string[], env: Record<string, string | undefined>) {
  const saved = { ...process.env };
  const lines: string[] = [];
  const log = console.log;
  const err = console.error;
  const exitCode = process.exitCode;
  console.log = (s: string) => void lines.push(s);
  console.error = (s: string) => void lines.push(s);
  for (const k of Object.keys(process.env)) if (k.startsWith('SHOPIFY_')) delete process.env[k];
  Object.assign(process.env, env);
  process.exitCode = undefined;
  try {
    await shopifyCommand()
      .exitOverride()
      .parseAsync(['check', ...args], { from: 'user' });
    return { out: lines.join('\n'), exitCode: process.exitCode };
  } finally {
    console.log = log;
    console.error = err;
    process.exitCode = exitCode;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test('`shopify check --json` reads the SHOPIFY_* environment and prints one JSON object', async () => {
  const { out, exitCode } = await runCli(['--json'], {
    SHOPIFY_SHOP: em.shop,
    SHOPIFY_ACCESS_TOKEN: em.accessToken,
    SHOPIFY_API_BASE_URL: em.url,
  });
  const r = JSON.parse(out);
  assert.equal(r.ok, true, out);
  assert.equal(r.info.myshopifyDomain, em.shop);
  assert.notEqual(exitCode, 1);
});

test('`shopify check` flags override the environment and a failure sets exit code 1', async () => {
  const { out, exitCode } = await runCli(['--token', 'shpat_wrong', '--shop', em.shop, '--api-base-url', em.url], {
    SHOPIFY_ACCESS_TOKEN: em.accessToken,
  });
  assert.match(out, /✗ The access token was refused/);
  assert.match(out, /FAILED/);
  assert.equal(exitCode, 1);
});

test('`shopify check --client-id/--client-secret` uses the grant even when a token is in the environment', async () => {
  const { out } = await runCli(['--json', '--client-id', em.clientId, '--client-secret', em.clientSecret], {
    SHOPIFY_SHOP: em.shop,
    SHOPIFY_API_BASE_URL: em.url,
    SHOPIFY_ACCESS_TOKEN: 'shpat_stale',
  });
  const r = JSON.parse(out);
  assert.equal(r.auth, 'clientCredentials');
  assert.equal(r.ok, true, out);
});
