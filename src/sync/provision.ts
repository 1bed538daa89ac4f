// The user.sync job: makes the Shopify customer of one SCIM user match the user as stored now (state-based, so
// runs coalesce and a repeat is harmless): find or adopt or create it, write what differs, apply deactivation.
import type { Kysely } from 'kysely';
import type { Database } from '../store/types.js';
import { UserRepository } from '../store/users.js';
import { GroupRepository } from '../store/groups.js';
import { audit, type ResourceRecord } from '../store/resources.js';
import { TenantRepository, type Tenant } from '../store/tenants.js';
import {
  mapToShopify,
  diffTags,
  claimedTags,
  customerFingerprint,
  describeProblem,
  uniqueTags,
  type AppliedState,
  type DesiredCustomer,
  type GroupRef,
  type MappingDocument,
  type Problem,
} from '../mapping/index.js';
import {
  addTags,
  createCustomerLean,
  deleteCustomer,
  getCustomer,
  lookupCustomers,
  isShopifyError,
  removeTags,
  updateCustomer,
  updateEmailMarketingConsent,
  updateSmsMarketingConsent,
  cancelDataErasure,
  setMetafields,
  shopifyErrors,
  type CustomerInput,
  type CustomerLookup,
  type MetafieldInput,
  type ShopifyClient,
  type ShopifyCustomer,
} from '../shopify/index.js';
import { createInput, updatePlan } from './customer-writes.js';
import { applyAddressChange } from './default-address.js';
import { deleteMetafields, deprovisionMarker, type Deprovisioned } from './deprovision.js';
import { LinkRepository, type CustomerLink } from '../store/links.js';
import { deactivatedTag, userForMapping, type Policies } from '../settings/policies.js';
import { iso, type OutboxJob } from '../store/outbox.js';
import { failure, type ProvisionDeps } from './failures.js';
import { SyncError, TAKEN_CODES, type SyncErrorCode } from './errors.js';
import type { JobOutcome } from './job-contract.js';
import { settingsOf } from '../settings/tenant-settings.js';
import { USER_SYNC_JOB, USER_ERASE_JOB } from './job-kinds.js';
import type { PayloadOf } from './jobs.js';
import { enqueueJob } from './jobs.js';

export const USER_SYNC = USER_SYNC_JOB.kind;
export type UserSyncPayload = PayloadOf<typeof USER_SYNC_JOB>;

const users = new UserRepository();
const groups = new GroupRepository();
const links = new LinkRepository();

/** Everything one run needs, read once at its start. */
export interface SyncContext {
  tenant: Tenant;
  user: ResourceRecord;
  link?: CustomerLink;
  policies: Policies;
  mapping: MappingDocument;
  client: ShopifyClient;
  desired: DesiredCustomer;
  applied: AppliedState;
  active: boolean;
  deactivatedTag: string;
  metafieldKeys: string[];
}

async function groupRefs(db: Kysely<Database>, tenantId: string, userId: string, mapping: MappingDocument): Promise<GroupRef[]> {
  const list = (await users.groupsOf(db, tenantId, [userId])).get(userId) ?? [];
  if (mapping.tags.groupTagFrom !== 'externalId' || list.length === 0) return list;
  const recs = new Map(
    (
      await groups.getMany(
        db,
        tenantId,
        list.map((g) => g.id),
      )
    ).map((g) => [g.id, g]),
  );
  return list.map((g) => ({ ...g, externalId: (recs.get(g.id)?.data.externalId as string | undefined) ?? null }));
}

/** Runs user.sync for the job's user; a user that no longer exists is left to its user.delete job. */
export async function syncUserJob(d: ProvisionDeps, job: OutboxJob, { userId }: UserSyncPayload): Promise<JobOutcome> {
  const tenant = await new TenantRepository(d.db).byId(job.tenantId);
  if (!tenant) return { outcome: 'done' };
  const user = await users.get(d.db, tenant.id, userId);
  if (!user) return { outcome: 'done' };
  const at = iso(d.now());
  let policies: Policies | undefined;
  try {
    policies = settingsOf(tenant.settings).policies;
    const mapping = settingsOf(tenant.settings).mapping;
    // The deactivation tag follows the tenant's deprovisioning policy here, not the mapping's own rule.
    const forMapping: MappingDocument = { ...mapping, tags: { ...mapping.tags, deactivatedTag: '' } };
    const link = await links.get(d.db, tenant.id, userId);
    const refs = await groupRefs(d.db, tenant.id, userId, mapping);
    // Without applyUserNameChanges, what Shopify holds from userName keeps the userName it was written with.
    const scimUser = userForMapping(policies, { id: user.id, ...user.data }, link?.applied?.userName);
    const m = mapToShopify(scimUser, refs, forMapping, {
      previous: link?.applied ?? undefined,
      schemas: settingsOf(tenant.settings).userType.schemas,
    });
    // What Shopify would refuse is known before anything is sent (and without a shop connected). A deactivation still
    // reaches the customer the user already has: a person removed in the IdP is deprovisioned whatever their profile.
    if (!m.ok) {
      const refusal = mappingRefusal(m.problems);
      if (user.data.active !== false || !link?.customerId) return await failure(d, tenant.id, userId, refusal, at);
      return await deprovisionUnmapped(d, { tenant, userId, customerId: link.customerId, policies, mapping, refusal }, at);
    }
    const client = d.shops.clientFor(tenant);
    if (!client) {
      const error = { code: 'SHOP_NOT_CONNECTED', message: 'no Shopify shop is connected to this tenant' };
      await links.update(d.db, tenant.id, userId, { syncState: 'pending', error, lastAttemptAt: at }, at);
      return { outcome: 'retry', error, delayMs: 60_000, keepAttempt: true };
    }
    const marker = deprovisionMarker(mapping);
    const ctx: SyncContext = {
      tenant,
      user,
      link,
      policies,
      mapping,
      client,
      desired: m.customer,
      applied: m.applied,
      active: user.data.active !== false,
      deactivatedTag: deactivatedTag(policies, mapping),
      metafieldKeys: uniqueTags([...m.customer.metafields.map((x) => `${x.namespace}.${x.key}`), `${marker.namespace}.${marker.key}`]),
    };
    await d.shops.ensureCustomId(client, mapping.customIdMetafield);
    return await provision(d, ctx, job, at);
  } catch (e) {
    // A taken email is often an existing customer the tenant chose not to adopt: say so, it is the likely fix.
    if (policies?.adoption === 'off' && isShopifyError(e, 'EMAIL_TAKEN'))
      return failure(
        d,
        tenant.id,
        userId,
        new SyncError('EMAIL_TAKEN', `${e.message} (this tenant does not adopt existing customers)`),
        at,
      );
    return failure(d, tenant.id, userId, e, at);
  }
}

/** The codes of the mapping's refusals, named like Shopify's own refusals of the same values. */
const PROBLEM_CODES: Partial<Record<Problem['code'], SyncErrorCode>> = {
  missingIdentity: 'CUSTOMER_NEEDS_IDENTITY',
  invalidEmail: 'EMAIL_INVALID',
  invalidPhone: 'PHONE_INVALID',
};

/** What a user the mapping already knows Shopify would refuse is recorded with: the first problem's code, every problem named. */
function mappingRefusal(problems: readonly Problem[]): SyncError {
  const errs = problems.filter((p) => p.severity === 'error');
  return new SyncError(PROBLEM_CODES[errs[0]?.code ?? 'invalidRule'] ?? 'INVALID_VALUE', errs.map(describeProblem).join('; '));
}

/**
 * Deprovisions the customer of an inactive user whose profile the mapping refuses: nothing of the profile is written,
 * only the tenant's policy (deleted when it says delete and Shopify allows, else the deactivation tag and marker).
 * The user stays failed with the mapping's reason, its deprovisioning recorded; a reactivation that maps again undoes
 * it through the ordinary sync.
 */
async function deprovisionUnmapped(
  d: ProvisionDeps,
  u: { tenant: Tenant; userId: string; customerId: string; policies: Policies; mapping: MappingDocument; refusal: SyncError },
  at: string,
): Promise<JobOutcome> {
  const client = d.shops.clientFor(u.tenant);
  if (!client)
    return {
      outcome: 'retry',
      error: { code: 'SHOP_NOT_CONNECTED', message: 'no Shopify shop is connected to this tenant' },
      delayMs: 60_000,
      keepAttempt: true,
    };
  const customer = await getCustomer(client, u.customerId);
  const link = await links.get(d.db, u.tenant.id, u.userId);
  let deprovisioned: Deprovisioned = link?.deprovisioned ?? null;
  if (customer && u.policies.deprovision === 'delete' && customer.canDelete) {
    await deleteCustomer(client, customer.id);
    deprovisioned = 'deleted';
  } else if (customer && !deprovisioned) {
    const tag = deactivatedTag(u.policies, u.mapping);
    await links.update(d.db, u.tenant.id, u.userId, { managedTags: uniqueTags([...(link?.managedTags ?? []), tag]) }, at);
    await addTags(client, customer.id, [tag]);
    await setMetafields(client, [
      {
        ownerId: customer.id,
        ...deprovisionMarker(u.mapping),
        value: JSON.stringify({ at, reason: 'deactivated in the identity provider', policy: u.policies.deprovision }),
      },
    ]);
    deprovisioned = u.policies.deprovision === 'delete' ? 'tag (delete refused)' : 'tag';
  }
  await links.update(
    d.db,
    u.tenant.id,
    u.userId,
    { deprovisioned, ...(deprovisioned === 'deleted' || !customer ? { customerId: null } : {}) },
    at,
  );
  return failure(d, u.tenant.id, u.userId, u.refusal, at);
}

/**
 * Whether an earlier run may have created the user's customer without linking it (its answer lost, or the run died
 * after Shopify took the create): this job ran before, or an earlier job of the user got as far as Shopify.
 */
function mayHaveCreated(ctx: SyncContext, job: OutboxJob): boolean {
  return job.attempts > 1 || !!ctx.link?.lastAttemptAt || (ctx.link?.managedTags.length ?? 0) > 0;
}

/**
 * Finds the user's customer: the linked one, else (only when an earlier run may have created it, or `always`) the
 * one carrying its custom id. A first create needs no look-up: it carries the custom id, which Shopify keeps unique,
 * so a customer made by a lost attempt makes it fail, and createOrRecover finds that one then. The same request also
 * asks for the customers with the user's email and phone when the adoption policy may link them.
 */
async function locate(
  ctx: SyncContext,
  job: OutboxJob,
  always: boolean,
): Promise<{ customer: ShopifyCustomer | null; lookup?: CustomerLookup }> {
  const opts = { metafieldKeys: ctx.metafieldKeys };
  if (ctx.link?.customerId) {
    const c = await getCustomer(ctx.client, ctx.link.customerId, opts);
    if (c) return { customer: c };
  }
  if (!always && !mayHaveCreated(ctx, job)) return { customer: null };
  const lookup = await lookupFor(ctx);
  return { customer: lookup.byCustomId, lookup };
}

/** The one request that finds the customer with the user's custom id, and those its adoption policy may link. */
function lookupFor(ctx: SyncContext): Promise<CustomerLookup> {
  const { adoption } = ctx.policies;
  const { namespace, key } = ctx.mapping.customIdMetafield;
  return lookupCustomers(
    ctx.client,
    {
      customId: { namespace, key, value: ctx.user.id },
      email: adoption !== 'off' ? ctx.desired.email : null,
      phone: adoption === 'emailOrPhone' ? ctx.desired.phone : null,
    },
    { metafieldKeys: ctx.metafieldKeys },
  );
}

/** Of a look-up's answer, the existing customer with the user's email (or phone) that the adoption policy lets us link, else null. */
async function adoptable(d: ProvisionDeps, ctx: SyncContext, lookup: CustomerLookup): Promise<ShopifyCustomer | null> {
  const { adoption } = ctx.policies;
  if (adoption === 'off') return null;
  const found = lookup.byEmail ?? (adoption === 'emailOrPhone' ? lookup.byPhone : null);
  if (!found) return null;
  const owner = await links.byCustomer(d.db, ctx.tenant.id, found.id);
  if (owner && owner.userId !== ctx.user.id) {
    // Another SCIM user already owns that customer: adopting it would merge two people.
    throw found.email && ctx.desired.email && found.email.toLowerCase() === ctx.desired.email.toLowerCase()
      ? shopifyErrors.emailTaken(['email'])
      : shopifyErrors.phoneTaken(['phone']);
  }
  return found;
}

/**
 * Creates the user's customer. A create carries the user's custom id, so a uniqueness refusal may be our own earlier
 * attempt that landed unanswered (a timed-out call retried): the customer holding that custom id is ours and is
 * returned, `recovered`. Else the refusal may name a customer the adoption policy links (one with the user's email or
 * phone), `adopted`; only when there is neither is it a conflict. Whoever holds the values is asked in one request.
 */
async function createOrRecover(
  d: ProvisionDeps,
  ctx: SyncContext,
  input: CustomerInput,
): Promise<{ customer: ShopifyCustomer; recovered: boolean; adopted: boolean }> {
  try {
    return { customer: await createCustomerLean(ctx.client, input), recovered: false, adopted: false };
  } catch (e) {
    if (!isShopifyError(e, ...TAKEN_CODES)) throw e;
    const lookup = await lookupFor(ctx);
    if (lookup.byCustomId) return { customer: lookup.byCustomId, recovered: true, adopted: false };
    const other = await adoptable(d, ctx, lookup);
    if (!other) throw e;
    return { customer: other, recovered: true, adopted: true };
  }
}

async function provision(d: ProvisionDeps, ctx: SyncContext, job: OutboxJob, at: string): Promise<JobOutcome> {
  const { client, user, tenant } = ctx;
  // An inactive user is not created before its customer is known to be missing: its policy may remove that customer.
  const found = await locate(ctx, job, !ctx.active);
  let customer = found.customer;
  let action: 'created' | 'adopted' | 'updated' = 'updated';
  const policy = ctx.policies.deprovision;

  // An inactive user whose policy removes the customer: nothing to create, or delete what is there when allowed.
  if (!ctx.active && (policy === 'delete' || policy === 'erase') && !customer) {
    return record(d, ctx, at, {
      customer: null,
      action: 'unchanged',
      deprovisioned: policy === 'delete' ? 'deleted' : (ctx.link?.deprovisioned ?? null),
      tags: [],
      changed: [],
    });
  }
  if (!ctx.active && policy === 'delete' && customer?.canDelete) {
    await deleteCustomer(client, customer.id);
    return record(d, ctx, at, { customer: null, action: 'deleted', deprovisioned: 'deleted', tags: [], changed: [] });
  }

  const tagged = !ctx.active; // 'tag', 'erase' (until the erasure), and 'delete' refused by Shopify
  const note = !ctx.active && policy === 'delete' ? 'Shopify refuses to delete a customer with orders: tagged instead' : undefined;
  const wantTags = uniqueTags([...ctx.desired.tags, ...(tagged ? [ctx.deactivatedTag] : [])]);
  const marker = deprovisionMarker(ctx.mapping);
  const markerInput = (current: ShopifyCustomer | null): MetafieldInput[] => {
    if (!tagged) return [];
    const have = current?.metafields.find((x) => x.namespace === marker.namespace && x.key === marker.key);
    return [{ ...marker, value: have?.value ?? JSON.stringify({ at, reason: 'deactivated in the identity provider', policy }) }];
  };

  const changed: string[] = [];
  if (!customer && found.lookup) {
    customer = await adoptable(d, ctx, found.lookup);
    if (customer) action = 'adopted';
  }
  let fresh = false;
  // The tags a write is about to set are recorded as the bridge's first: should the run die after Shopify took them
  // and before the link says so, the next run still knows them as its own (and not as tags the customer had).
  const claimAhead = (tags: string[]) =>
    links.update(d.db, tenant.id, user.id, { managedTags: uniqueTags([...(ctx.link?.managedTags ?? []), ...tags]) }, at);
  if (!customer) {
    if (wantTags.length) await claimAhead(wantTags);
    const made = await createOrRecover(d, ctx, createInput(ctx.desired, wantTags, markerInput(null)));
    customer = made.customer;
    action = made.adopted ? 'adopted' : 'created';
    fresh = !made.recovered;
    // Linked at once: should this run die now, the next one finds the customer by link (or by its custom id).
    await links.update(d.db, tenant.id, user.id, { customerId: customer.id }, at);
  }
  // The address the mapping writes to, once this run is done (recorded, so later runs touch that address only).
  let addressId: string | null | undefined = fresh ? customer.defaultAddress?.id : undefined;
  // The tags this customer carries because the bridge set them (all of them on a customer it just created).
  let claimed = wantTags;
  // A recovered create is brought up to date like any found customer: the attempt that landed may be an older one.
  if (!fresh) {
    const recorded = ctx.link?.customerId === customer.id ? ctx.link.applied?.addressId : undefined;
    const plan = updatePlan(ctx.desired, customer, markerInput(customer), {
      applyEmailChanges: ctx.policies.applyEmailChanges || action !== 'updated',
      ...(recorded ? { addressId: recorded } : {}),
    });
    if (ctx.active && customer.metafields.some((x) => x.namespace === marker.namespace && x.key === marker.key))
      plan.removeMetafields.push(marker);
    // The address first: when Shopify refuses it, nothing else of this change has been written.
    addressId = plan.address ? await applyAddressChange(client, customer.id, plan.address) : plan.addressId;
    if (plan.input) {
      const updated = await updateCustomer(client, customer.id, plan.input, { metafieldKeys: ctx.metafieldKeys });
      customer = { ...updated, tags: customer.tags };
    }
    if (plan.removeMetafields.length) await deleteMetafields(client, customer.id, plan.removeMetafields);
    if (plan.emailConsent) await updateEmailMarketingConsent(client, customer.id, { ...plan.emailConsent });
    if (plan.smsConsent) await updateSmsMarketingConsent(client, customer.id, { ...plan.smsConsent });
    // Only tags the bridge set may go; the deactivation tag is always the bridge's own.
    const previous = [...(ctx.link?.managedTags ?? []), ...(ctx.active ? [ctx.deactivatedTag] : [])];
    const diff = diffTags(
      customer.tags,
      previous,
      wantTags,
      ctx.mapping.tags.managedPrefix ? { managedPrefix: ctx.mapping.tags.managedPrefix } : {},
    );
    if (diff.remove.length) await removeTags(client, customer.id, diff.remove);
    if (diff.add.length) {
      await claimAhead(diff.add);
      await addTags(client, customer.id, diff.add);
    }
    changed.push(...plan.changed, ...(diff.add.length || diff.remove.length ? ['tags'] : []));
    // A wanted tag the customer already had, and the bridge never set (nor was about to set in an earlier run), stays
    // the merchant's.
    claimed = claimedTags(customer.tags, ctx.link?.managedTags ?? [], wantTags);
  }

  const deprovisioned = await applyLifecycle(d, ctx, customer, at);
  if (!ctx.active && ctx.policies.withdrawMarketingConsent && !ctx.link?.deprovisioned && customer.email) {
    await updateEmailMarketingConsent(client, customer.id, { marketingState: 'UNSUBSCRIBED' });
    changed.push('emailMarketingConsent');
  }
  return record(d, ctx, at, { customer, action, deprovisioned, tags: wantTags, managed: claimed, changed, note, addressId });
}

/** Schedules or reverses what the erase policy does beyond tagging. */
async function applyLifecycle(d: ProvisionDeps, ctx: SyncContext, customer: ShopifyCustomer, at: string): Promise<Deprovisioned> {
  const was = ctx.link?.deprovisioned ?? null;
  if (ctx.active) {
    if (was === 'erasure-requested') await cancelDataErasure(ctx.client, customer.id);
    return null;
  }
  const policy = ctx.policies.deprovision;
  if (policy === 'erase') {
    if (was === 'erasure-scheduled' || was === 'erasure-requested') return was;
    await enqueueJob(d.db, USER_ERASE_JOB, {
      tenantId: ctx.tenant.id,
      key: `erase:${ctx.user.id}`,
      payload: { userId: ctx.user.id, customerId: customer.id },
      runAfter: new Date(Date.parse(at) + ctx.policies.eraseGraceMs),
      now: Date.parse(at),
    });
    return 'erasure-scheduled';
  }
  return policy === 'delete' ? 'tag (delete refused)' : 'tag';
}

interface Outcome {
  customer: ShopifyCustomer | null;
  action: 'created' | 'adopted' | 'updated' | 'unchanged' | 'deleted';
  deprovisioned: Deprovisioned;
  tags: string[];
  /** the tags the bridge set and may remove later (default: `tags`) */
  managed?: string[];
  changed: string[];
  note?: string;
  /** the Shopify address the default address is written to, when there is one */
  addressId?: string | null;
}

/** Records a successful run on the link and in the audit log. */
async function record(d: ProvisionDeps, ctx: SyncContext, at: string, o: Outcome): Promise<JobOutcome> {
  const action = o.action === 'updated' && o.changed.length === 0 ? 'unchanged' : o.action;
  const fingerprint = o.customer ? customerFingerprint({ ...ctx.desired, tags: o.tags }) : null;
  await d.db.transaction().execute(async (tx) => {
    await links.update(
      tx,
      ctx.tenant.id,
      ctx.user.id,
      {
        customerId: o.customer?.id ?? null,
        syncState: 'synced',
        error: o.note ? { code: 'DEPROVISION_FALLBACK', message: o.note } : null,
        lastAttemptAt: at,
        lastSyncedAt: at,
        syncedVersion: ctx.user.version,
        fingerprint,
        managedTags: o.customer ? (o.managed ?? o.tags) : [],
        shopifyUpdatedAt: o.customer?.updatedAt ?? null,
        deprovisioned: o.deprovisioned,
        applied: o.customer
          ? { ...ctx.applied, tags: o.tags, fingerprint: fingerprint ?? undefined, ...(o.addressId ? { addressId: o.addressId } : {}) }
          : null,
      },
      at,
    );
    if (action !== 'unchanged' || o.note)
      await audit(tx, {
        tenantId: ctx.tenant.id,
        actor: 'system',
        action: `shopify.customer.${action}`,
        resourceType: 'User',
        resourceId: ctx.user.id,
        detail: {
          customerId: o.customer?.id ?? null,
          changed: o.changed,
          version: ctx.user.version,
          ...(o.deprovisioned ? { deprovisioned: o.deprovisioned } : {}),
          ...(o.note ? { note: o.note } : {}),
        },
      });
  });
  return { outcome: 'done' };
}
