// "Send test event" for an outbound target: a signed `test` event to a webhook target, or a read of a SCIM target's
// ServiceProviderConfig with its token, sent now (not queued) so the admin sees at once whether the target answers.
import { randomUUID } from 'node:crypto';
import type { Tenant } from '../store/tenants.js';
import { findTarget } from '../sync/targets/settings.js';
import { openCredential } from '../sync/targets/deliver.js';
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
  /** one sentence: what was sent and what came back */
  message: string;
  code: string | null;
}

/** Sends the test now; `fetch` is for tests. */
export async function testTarget(deps: AdminDeps, t: Tenant, id: string, opts: { fetch?: typeof fetch } = {}): Promise<TargetTestResult> {
  const target = findTarget(t.settings, id);
  if (!target) throw adminErrors.notFound(`tenant "${t.name}" has no target "${id}"`);
  const started = Date.now();
  const doFetch = opts.fetch ?? globalThis.fetch;
  let result: TargetTestResult;
  try {
    if (target.kind === 'webhook') {
      const eventId = `msg_test_${randomUUID()}`;
      const body = JSON.stringify({ type: 'test', timestamp: new Date().toISOString(), data: { tenant: t.name, targetId: target.id, message: 'A test event sent from the shopify-scim admin.' } });
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
        if (err.name === 'TimeoutError' || err.name === 'AbortError') throw targetErrors.timeout(target.url, target.timeoutMs);
        throw targetErrors.network(target.url, (err.cause as Error | undefined)?.message ?? err.message);
      }
      const text = await res.text().catch(() => '');
      if (res.status < 200 || res.status >= 300) throw Object.assign(targetErrors.http('POST', target.url, res.status, text), { status: res.status });
      result = { ok: true, targetId: id, kind: 'webhook', status: res.status, durationMs: Date.now() - started, message: `${target.url} accepted the signed test event (HTTP ${res.status})`, code: null };
    } else {
      const client = new ScimClient({ baseUrl: target.baseUrl, token: openCredential(deps.box, target.token, target.id), timeoutMs: target.timeoutMs, fetch: doFetch });
      const r = await client.send('GET', '/ServiceProviderConfig');
      result = { ok: true, targetId: id, kind: 'scim', status: r.status, durationMs: Date.now() - started, message: `${target.baseUrl} answered the token with its ServiceProviderConfig (HTTP ${r.status})`, code: null };
    }
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    const status = typeof (e as { status?: unknown }).status === 'number' ? (e as unknown as { status: number }).status : (/\b([1-5]\d\d)\b/.exec(e.message)?.[1] ? Number(/\b([1-5]\d\d)\b/.exec(e.message)![1]) : null);
    result = { ok: false, targetId: id, kind: target.kind, status, durationMs: Date.now() - started, message: redactPersonal(e.message), code: e.code };
  }
  await audit(deps.db, { tenantId: t.id, actor: deps.actor, action: 'target.test', resourceType: 'Target', resourceId: id, detail: { ok: result.ok, status: result.status, ...(result.code ? { code: result.code } : {}) } });
  return result;
}
