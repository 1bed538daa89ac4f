// What an operator watches, on a real `shopify-scim serve` process: /healthz, /readyz with its breakdown per check
// (database, each shop's Admin API, degraded while Shopify fails), Prometheus /metrics (requests by route and status,
// jobs by state, Shopify cost, throttle waits, webhook signature failures), and JSON logs in which one request id
// leads from the SCIM request to the Shopify calls its job made.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase } from '../helpers/db.js';
import { oktaUser } from '../sync/harness.js';
import { emulator, envFor, openShared, privateDatabase, serve, tokenFor, type Cleanups } from './procs.js';
import { scrapeMetrics } from '../helpers/stack.js';

const cleanups: Cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** The value of one sample of the exposition text, e.g. metric('scim_x_total{a="b"}'); undefined when absent. */
function metric(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

test('health, readiness per check, metrics and a request id from the SCIM request to its Shopify calls', { timeout: 90_000 }, async () => {
  const emu = await emulator(cleanups);
  const db = await privateDatabase(testDatabase, cleanups);
  const bridge = await serve(
    envFor(emu, db.url, db.dir, { LOG_LEVEL: 'debug', READYZ_SHOPIFY_CACHE_MS: '0', SYNC_WAIT_MS: '5000' }),
    cleanups,
  );
  const store = await openShared(db.url, cleanups);
  const token = await tokenFor(store);

  const health = await fetch(`${bridge.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });

  const ready = await fetch(`${bridge.url}/readyz`);
  assert.equal(ready.status, 200);
  const r = (await ready.json()) as any;
  assert.equal(r.status, 'ready');
  assert.equal(r.checks.database.ok, true);
  assert.equal(r.checks.shopify.ok, true);
  assert.deepEqual(
    r.checks.shopify.shops.map((s: any) => [s.tenant, s.shop, s.ok]),
    [['default', emu.shop, true]],
  );

  // A SCIM write with the request id a proxy gave it: the answer, the request log, the job and its Shopify calls carry it.
  const requestId = `req-${Date.now()}`;
  const created = await fetch(`${bridge.url}/scim/v2/default/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', 'x-request-id': requestId },
    body: JSON.stringify(oktaUser('ops@example.com')),
  });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('x-request-id'), requestId);
  const user = (await created.json()) as any;
  assert.equal(user['urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User'].syncState, 'synced');
  const job = await store.db
    .selectFrom('outbox_jobs')
    .select(['request_id', 'state'])
    .where('kind', '=', 'user.sync')
    .executeTakeFirstOrThrow();
  assert.equal(job.request_id, requestId, 'the job carries the request id');
  // Without a given id, a fresh one is made and returned.
  const other = await fetch(`${bridge.url}/healthz`, { headers: { 'x-request-id': 'not a valid id!' } });
  assert.match(other.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);

  // Logs: JSON lines; the Shopify calls of that request's job name the request.
  await new Promise((res) => setTimeout(res, 200));
  const lines = bridge
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>);
  const calls = lines.filter((l) => l.msg === 'shopify call' && l.requestId === requestId);
  assert.ok(
    calls.length >= 1,
    `no Shopify call logged with the request id: ${JSON.stringify(lines.filter((l) => l.msg?.startsWith('shopify')).slice(0, 3))}`,
  );
  assert.ok(
    calls.some((c) => c.operation === 'customerCreate' || c.operation === 'CustomerCreate' || /create/i.test(c.operation)),
    JSON.stringify(calls.map((c) => c.operation)),
  );
  assert.ok(calls.every((c) => typeof c.jobId === 'number' && c.component === 'sync' && c.status === 200));
  assert.ok(
    lines.some((l) => l.reqId === requestId && l.msg === 'request completed'),
    'the request log line has the same id',
  );
  assert.ok(!bridge.stdout().includes('ops@example.com'), 'no e-mail address in the logs');

  // A webhook with a wrong signature is refused and counted.
  const hook = await fetch(`${bridge.url}/webhooks/shopify/default`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': 'bm90IGEgc2lnbmF0dXJl',
      'x-shopify-topic': 'customers/update',
      'x-shopify-webhook-id': 'a-b-c',
    },
    body: '{}',
  });
  assert.equal(hook.status, 401);

  // Shopify failing: still ready (writes are queued), but degraded, with the shop's failure named.
  emu.control.setFaults({ errorRate: 1, status: 503 });
  const degraded = await fetch(`${bridge.url}/readyz`);
  assert.equal(degraded.status, 200);
  const d = (await degraded.json()) as any;
  assert.equal(d.status, 'degraded');
  assert.equal(d.checks.database.ok, true);
  assert.equal(d.checks.shopify.ok, false);
  assert.equal(d.checks.shopify.shops[0].ok, false);
  assert.ok(d.checks.shopify.shops[0].code, JSON.stringify(d.checks.shopify.shops[0]));
  emu.control.clearFaults();

  const text = await (await scrapeMetrics(bridge.url)).text();
  assert.equal(metric(text, 'scim_http_requests_total{route="/scim/v2/:tenant/Users",method="POST",status="201"}'), 1);
  assert.equal(metric(text, 'scim_http_requests_total{route="/readyz",method="GET",status="200"}'), 2);
  assert.equal(metric(text, 'scim_webhook_verification_failures_total'), 1);
  assert.equal(metric(text, 'scim_sync_queue_depth{state="queued"}'), 0);
  assert.equal(metric(text, 'scim_sync_queue_depth{state="dead"}'), 0);
  assert.ok((metric(text, 'scim_shopify_cost_points_total') ?? 0) > 0, 'Shopify cost is counted');
  assert.ok((metric(text, `scim_shopify_cost_available_points{shop="${emu.shop}"}`) ?? 0) > 0, 'the bucket level is shown');
  assert.notEqual(metric(text, 'scim_shopify_throttle_waits_total'), undefined);
  assert.notEqual(metric(text, 'scim_shopify_throttled_total'), undefined);
  assert.equal(metric(text, 'scim_sync_jobs_total{kind="user.sync",outcome="done"}'), 1);

  bridge.child.kill('SIGTERM');
  assert.equal(await bridge.exited, 0);
});
