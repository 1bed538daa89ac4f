// /metrics counts every request the bridge answers, not only its own: SCIM, admin API and webhook receiver requests,
// each under its route pattern, method and status, read back from a real scrape of the running bridge.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf } from './harness.js';
import { call } from '../helpers/http.js';
import { scrapeMetrics } from '../helpers/stack.js';

const stack = await startAdminStack();
after(() => stack.close());

/** The value of scim_http_requests_total for one route, method and status in a /metrics answer (0 when absent). */
function requests(text: string, route: string, method: string, status: number): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('scim_http_requests_total{') &&
        l.includes(`route="${route}"`) &&
        l.includes(`method="${method}"`) &&
        l.includes(`status="${status}"`),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

const scrape = async () => (await scrapeMetrics(stack.bridge.url)).text();

test('a SCIM request, an admin request and a webhook delivery each increment the request counter with their route and status', async () => {
  const t = await stack.tenant('metered');
  const before = await scrape();

  idOf(
    await stack.scim(t, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'counted@example.com',
      name: { givenName: 'Count', familyName: 'Ed' },
      emails: [{ value: 'counted@example.com', primary: true }],
    }),
  );
  const missing = await stack.scim(t, 'GET', '/Users/no-such-user');
  assert.equal(missing.status, 404, missing.dump);
  assert.equal((await stack.admin('GET', '/tenants')).status, 200);
  const unsigned = await call('POST', `${stack.bridge.url}/webhooks/shopify/${t.name}`, { body: { id: 1 } });
  assert.equal(unsigned.status, 401, unsigned.dump);

  const now = await scrape();
  const grew = (route: string, method: string, status: number) =>
    requests(now, route, method, status) - requests(before, route, method, status);
  assert.equal(grew('/scim/v2/:tenant/Users', 'POST', 201), 1, now);
  assert.equal(grew('/scim/v2/:tenant/Users/:id', 'GET', 404), 1, now);
  assert.equal(grew('/admin/api/tenants', 'GET', 200), 1, now);
  assert.equal(grew('/webhooks/shopify/:tenant', 'POST', 401), 1, now);
  assert.match(
    now,
    /scim_http_request_duration_seconds_count\{route="\/scim\/v2\/:tenant\/Users",method="POST"\} [1-9]/,
    'durations are observed too',
  );
});
