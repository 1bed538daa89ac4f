// "Send test event" for an outbound target: a signed `test` event to a webhook target, or a harmless probe of a SCIM
// target (its ServiceProviderConfig, then a one-user read with its token; nothing is written), sent now (not queued)
// so the admin sees at once whether the target answers, and what to change when it does not.
import { randomUUID } from 'node:crypto';
import type { Tenant } from '../store/tenants.js';
import { findTarget } from '../sync/targets/settings.js';
import { fetchOf, openCredential } from '../sync/targets/deliver.js';
import { AddressRefused } from '../security/ssrf.js';
import { standardWebhookHeaders } from '../sync/targets/standard-webhooks.js';
import { ScimClient } from '../sync/targets/scim-client.js';
import { TargetError, targetErrors } from '../sync/targets/errors.js';
import { audit } from '../store/resources.js';
import { redactPersonal } from '../security/redact.js';
import { adminErrors } from './errors.js';
import type { AdminDeps } from './context.js';

export interface TargetTestResult {
  ok: boolean;
  targetId: string;
  kind: 'scim' | 'webhook';
  /** the HTTP status the target answered, when it answered */
  status: number | null;
  durationMs: number;
  /** what was sent and what came back, and on a failure what to change */
  message: string;
  code: string | null;
}

/** What to change for a refused test, by the status the target answered (or none when it did not answer). */
function advice(kind: 'scim' | 'webhook', code: string, status: number | null): string {
  if (code === 'TARGET_SECRET_UNREADABLE') return 'Enter the credential again and save the target.';
  if (code === 'TARGET_NETWORK' || code === 'TARGET_TIMEOUT')
    return 'Check the address and that the bridge can reach it (firewall, DNS, TLS).';
  if (code === 'TARGET_BAD_RESPONSE')
    return kind === 'scim'
      ? 'The address answers, but not as a SCIM server: give the base URL of its SCIM API.'
      : 'The receiver answered something unexpected.';
  if (status === 401 || status === 403)
    return kind === 'scim'
      ? 'The target refused the token: issue a new one there and save it on this target.'
      : "The receiver refused the event: check that it verifies signatures with this target's secret.";
  if (status === 404 || status === 405)
    return kind === 'scim'
      ? 'There is no SCIM API at this address: the base URL is the part before /Users, e.g. https://crm.example.com/scim/v2.'
      : 'Nothing receives events at this URL: check the path.';
  if (status !== null && status >= 500) return 'The target failed on its side; try again later or look at its logs.';
  return kind === 'scim' ? 'Check the base URL and the token.' : 'Check the URL and what the receiver expects.';
}

/** Sends the test now; `fetch` is for tests. */
export async function testTarget(deps: AdminDeps, t: Tenant, id: string, opts: { fetch?: typeof fetch } = {}): Promise<TargetTestResult> {
  const target = findTarget(t.settings, id);
  if (!target) throw adminErrors.notFound(`tenant "${t.name}" has no target "${id}"`);
  const started = Date.now();
  const doFetch = opts.fetch ?? fetchOf({ ...(deps.addresses ? { addresses: deps.addresses } : {}) });
  let result: TargetTestResult;
  try {
    if (target.kind === 'webhook') {
      const eventId = `msg_test_${randomUUID()}`;
      const body = JSON.stringify({
        type: 'test',
        timestamp: new Date().toISOString(),
        data: { tenant: t.name, targetId: target.id, message: 'A test event sent from the shopify-scim admin.' },
      });
      const secret = openCredential(deps.box, target.secret, target.id);
      let res: Response;
      try {
        res = await doFetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'shopify-scim', ...standardWebhookHeaders(eventId, body, secret) },
          body,
          signal: AbortSignal.timeout(target.timeoutMs),
        });
      } catch (e) {
        const err = e as Error;
        if (err instanceof AddressRefused) throw targetErrors.addressRefused(target.url, err.message);
        if (err.name === 'TimeoutError' || err.name === 'AbortError') throw targetErrors.timeout(target.url, target.timeoutMs);
        throw targetErrors.network(target.url, (err.cause as Error | undefined)?.message ?? err.message);
      }
      const text = await res.text().catch(() => '');
      if (res.status < 200 || res.status >= 300) throw targetErrors.http('POST', target.url, res.status, text);
      result = {
        ok: true,
        targetId: id,
        kind: 'webhook',
        status: res.status,
        durationMs: Date.now() - started,
        message: `${target.url} accepted the signed test event (HTTP ${res.status})`,
        code: null,
      };
    } else {
      const client = new ScimClient({
        baseUrl: target.baseUrl,
        token: openCredential(deps.box, target.token, target.id),
        timeoutMs: target.timeoutMs,
        fetch: doFetch,
      });
      await client.send('GET', '/ServiceProviderConfig');
      // Many servers answer their ServiceProviderConfig without a token: a read of one user's id shows the token works.
      const r = await client.send('GET', '/Users?count=1&attributes=id');
      result = {
        ok: true,
        targetId: id,
        kind: 'scim',
        status: r.status,
        durationMs: Date.now() - started,
        message: `${target.baseUrl} answered its ServiceProviderConfig and a one-user read with the token (HTTP ${r.status}); nothing was written`,
        code: null,
      };
    }
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    const status = e.status ?? null;
    result = {
      ok: false,
      targetId: id,
      kind: target.kind,
      status,
      durationMs: Date.now() - started,
      message: `${redactPersonal(e.message)}. ${advice(target.kind, e.code, status)}`,
      code: e.code,
    };
  }
  await audit(deps.db, {
    tenantId: t.id,
    actor: deps.actor,
    action: 'target.test',
    resourceType: 'Target',
    resourceId: id,
    detail: { ok: result.ok, status: result.status, ...(result.code ? { code: result.code } : {}) },
  });
  return result;
}
