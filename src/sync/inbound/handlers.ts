// The worker's handlers for the inbound queue: one stored webhook delivery at a time (by topic), and the custom-id
// metafield write for customers linked from Shopify's side. Registered on the engine's Worker by registerInbound.
import { TenantRepository } from '../../store/tenants.js';
import { setMetafields } from '../../shopify/metafields.js';
import { ShopifyError } from '../../shopify/errors.js';
import { LinkRepository } from '../../store/links.js';
import type { Worker } from '../worker.js';
import type { JobOutcome } from '../job-contract.js';
import { applyCustomerState, type ApplyOutcome } from './apply.js';
import type { InboundDeps } from './context.js';
import { loadWebhook, markProcessed } from './events.js';
import { type CustomIdJob } from './jobs.js';
import { consentView, customerGid, customerView, payloadUpdatedAt, tagList } from './payload.js';
import { applyCustomerDeletion, applyTagChange } from './removal.js';
import { settingsOf } from '../../settings/tenant-settings.js';
import { registerJob } from '../jobs.js';
import { CUSTOM_ID_JOB_KIND, INBOUND_JOB_KIND } from '../job-kinds.js';
import { fromThrown } from '../job-contract.js';
import { applyCustomerMerge } from './merge.js';

const links = new LinkRepository();

/** The consent topics (REST spelling) and the consent each one reports. */
const CONSENT_TOPICS = new Map<string, 'emailMarketingConsent' | 'smsMarketingConsent'>([
  ['customers/email_marketing_consent_update', 'emailMarketingConsent'],
  ['customers/marketing_consent_update', 'smsMarketingConsent'],
]);

/**
 * How many times a delivery waits for the engine to write a pending SCIM change before it is dropped as superseded
 * (reconcile still compares later). Waiting lets a staff edit made just after the engine's write be applied.
 */
export const MAX_DEFERRALS = 8;

/**
 * Applies one stored delivery and records its outcome on the event; returns that outcome. With `defer`, a state
 * superseded by a pending SCIM change is not recorded: the caller runs it again once the engine had its turn.
 */
export async function processWebhook(
  deps: InboundDeps,
  tenantId: string,
  webhookId: string,
  opts: { defer?: boolean } = {},
): Promise<ApplyOutcome | 'ignored' | 'done-before' | 'deferred'> {
  const ev = await loadWebhook(deps.db, tenantId, webhookId);
  if (!ev) return 'ignored';
  if (ev.processedAt) return 'done-before';
  const tenant = await new TenantRepository(deps.db).byId(tenantId);
  if (!tenant) return 'ignored';
  const gid = customerGid(ev.body);
  const cause = { topic: ev.topic, webhookId };
  let outcome: ApplyOutcome | 'ignored';
  if (ev.topic === 'customers/merge') outcome = await applyCustomerMerge(deps, tenant, ev.body, cause);
  else if (!gid) outcome = 'ignored';
  else if (ev.topic === 'customers/delete') outcome = await applyCustomerDeletion(deps, tenant, gid, cause);
  else if (ev.topic === 'customer_tags/removed') outcome = await applyTagChange(deps, tenant, gid, tagList(ev.body));
  else if (ev.topic === 'customer_tags/added') outcome = 'unchanged';
  else if (['customers/create', 'customers/update', 'customers/enable', 'customers/disable'].includes(ev.topic)) {
    outcome = await applyCustomerState(deps, tenant, {
      customerId: gid,
      updatedAt: payloadUpdatedAt(ev.body),
      view: customerView(ev.body),
      created: ev.topic === 'customers/create',
      cause,
    });
  } else if (CONSENT_TOPICS.has(ev.topic)) {
    const kind = CONSENT_TOPICS.get(ev.topic)!;
    // Only a rule that reads this consent back makes its delivery matter (and worth the read that orders it).
    const readBack = settingsOf(tenant.settings).mapping.rules.some((r) => r.direction !== 'toShopify' && r.target.kind === kind);
    outcome = readBack
      ? await applyCustomerState(deps, tenant, { customerId: gid, view: consentView(ev.body), unordered: true, cause })
      : 'skipped: no rule maps this consent back';
  } else outcome = 'ignored';
  if (outcome === 'superseded' && opts.defer) return 'deferred';
  await markProcessed(deps.db, tenantId, webhookId, outcome, (deps.now ?? Date.now)());
  return outcome;
}

/** Writes the custom-id metafield of a customer linked from Shopify's side, if the link still holds. */
export async function writeCustomId(deps: InboundDeps, tenantId: string, job: CustomIdJob): Promise<'written' | 'skipped'> {
  const tenant = await new TenantRepository(deps.db).byId(tenantId);
  const link = tenant && (await links.get(deps.db, tenantId, job.userId));
  if (!tenant || link?.customerId !== job.customerId) return 'skipped';
  const client = deps.clientFor(tenant);
  if (!client) throw new ShopifyError('retryable', 'SHOP_NOT_CONNECTED', 'the tenant has no Shopify connection');
  const { namespace, key } = settingsOf(tenant.settings).mapping.customIdMetafield;
  await deps.ensureCustomId?.(client, { namespace, key });
  await setMetafields(client, [{ ownerId: job.customerId, namespace, key, type: 'id', value: job.userId }]);
  return 'written';
}

const outcomeOf = fromThrown;

/** Registers the inbound handlers on a worker. */
export function registerInbound(worker: Worker, deps: InboundDeps): void {
  registerJob(worker, INBOUND_JOB_KIND, async ({ job, payload }): Promise<JobOutcome> => {
    try {
      const outcome = await processWebhook(deps, job.tenantId, payload.webhookId, { defer: job.attempts <= MAX_DEFERRALS });
      if (outcome === 'deferred') {
        return {
          outcome: 'retry',
          delayMs: 250 * job.attempts,
          error: { code: 'SCIM_CHANGE_PENDING', message: 'waiting for the engine to write a newer SCIM change first' },
        };
      }
      return { outcome: 'done' };
    } catch (e) {
      return outcomeOf(e);
    }
  });
  registerJob(worker, CUSTOM_ID_JOB_KIND, async ({ job, payload }): Promise<JobOutcome> => {
    try {
      await writeCustomId(deps, job.tenantId, payload);
      return { outcome: 'done' };
    } catch (e) {
      // The customer was deleted meanwhile: nothing to link.
      if (e instanceof ShopifyError && e.kind === 'notFound') return { outcome: 'done' };
      return outcomeOf(e);
    }
  });
}
