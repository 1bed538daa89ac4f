// A tenant's sync settings as the engine reads them: its provisioning policies (deprovisioning, deletion, adoption,
// email and userName changes, how long a request waits) with defaults, and its attribute mapping (a document or a preset name).
import { z } from 'zod';
import { mappingDocumentSchema, getPreset, type MappingDocument } from '../mapping/index.js';

export const DEPROVISION_POLICIES = ['tag', 'delete', 'erase'] as const;
export type DeprovisionPolicy = (typeof DEPROVISION_POLICIES)[number];

export const policiesSchema = z.strictObject({
  /** what `active=false` does to the customer */
  deprovision: z.enum(DEPROVISION_POLICIES).default('tag'),
  /** what a SCIM DELETE does: the same as deactivation, or its own policy */
  delete: z.enum(['deprovision', ...DEPROVISION_POLICIES]).default('deprovision'),
  /**
   * what a permanent Shopify refusal (no name/email/phone, an invalid or taken value) does to the SCIM write: `hold`
   * keeps the resource as SCIM says and shows the refusal as its sync state (retried when the user, mapping or policies
   * change); `reject` answers the SCIM error within the sync wait and keeps nothing of the write
   */
  onShopifyRefusal: z.enum(['hold', 'reject']).default('hold'),
  /** a POST whose userName (or externalId from the same client) names an inactive user restores it instead of 409 */
  reactivateOnPost: z.boolean().default(false),
  /** refuse (409) a User or Group whose externalId another resource of the same client already has */
  uniqueExternalId: z.boolean().default(false),
  /** what a Group PATCH answers: `resource` (200 with the group) or `noContent` (204 with its ETag) */
  groupPatchResponse: z.enum(['resource', 'noContent']).default('resource'),
  /** on create, link an existing customer with the same email (or phone) instead of failing with 409 */
  adoption: z.enum(['email', 'emailOrPhone', 'off']).default('email'),
  /** apply email changes from the IdP to the customer (Shopify's uniqueness still holds) */
  applyEmailChanges: z.boolean().default(true),
  /**
   * apply userName changes from the IdP to what the customer holds from userName (every value the mapping computes
   * from it); when false those values keep the userName they were last written with (see heldUserName)
   */
  applyUserNameChanges: z.boolean().default(true),
  /** how long a SCIM request waits for its Shopify write (ms); default: SYNC_WAIT_MS */
  syncWaitMs: z.number().int().min(0).max(30_000).optional(),
  /** the tag a deactivated customer gets; default: the mapping's deactivatedTag */
  deactivatedTag: z.string().min(1).max(255).optional(),
  /** withdraw email marketing consent on deactivation (not restored on reactivation: the old consent is unknown) */
  withdrawMarketingConsent: z.boolean().default(false),
  /** the erase policy's grace period before the erasure request (ms) */
  eraseGraceMs: z
    .number()
    .int()
    .min(0)
    .default(30 * 24 * 3600_000),
  // Changes that start in Shopify, read by inbound/settings.ts: listed here too so a tenant that sets them is not
  // refused by this strict schema (which would stop every sync of that tenant).
  /** customers created in Shopify (storefront sign-up, staff) become SCIM users */
  importShopifyCreated: z.boolean().default(false),
  /** what customers/delete does to the linked SCIM user */
  shopifyDelete: z.enum(['deactivate', 'delete', 'ignore']).default('deactivate'),
});

export type Policies = z.output<typeof policiesSchema>;

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** The tenant's policies (settings.policies) with defaults filled in; throws SettingsError naming each bad value. */
export function readPolicies(settings: Record<string, unknown>): Policies {
  const r = policiesSchema.safeParse(settings.policies ?? {});
  if (r.success) return r.data;
  throw new SettingsError(`invalid policies: ${r.error.issues.map((i) => `${i.path.join('.') || 'policies'} ${i.message}`).join('; ')}`);
}

/** The policy a SCIM DELETE applies. */
export function deletePolicy(p: Policies): DeprovisionPolicy {
  return p.delete === 'deprovision' ? p.deprovision : p.delete;
}

/**
 * The tenant's mapping: settings.mapping as a document, or as a preset name (`"okta"` or `{ "preset": "okta" }`);
 * the default preset when absent.
 */
export function readMapping(settings: Record<string, unknown>): MappingDocument {
  const m = settings.mapping;
  if (m === undefined || m === null) return getPreset('default')!;
  const name =
    typeof m === 'string' ? m : typeof m === 'object' && !('rules' in m) && 'preset' in m ? (m as { preset: unknown }).preset : undefined;
  if (name !== undefined) {
    const p = typeof name === 'string' ? getPreset(name) : undefined;
    if (!p) throw new SettingsError(`invalid mapping: no preset named ${JSON.stringify(name)}`);
    return p;
  }
  const r = mappingDocumentSchema.safeParse(m);
  if (r.success) return r.data;
  throw new SettingsError(`invalid mapping: ${r.error.issues.map((i) => `${i.path.join('.') || 'mapping'} ${i.message}`).join('; ')}`);
}

/** The tag deactivated customers carry: the policy's, else the mapping's, else `scim-deactivated`. */
export function deactivatedTag(p: Policies, mapping: MappingDocument): string {
  return p.deactivatedTag ?? (mapping.tags.deactivatedTag || 'scim-deactivated');
}

/**
 * The userName the mapping reads for a sync: the user's own, unless the tenant does not apply userName changes and
 * the customer was last written from another userName (recorded in the link's applied state); then that one, so
 * every value computed from userName (a field, an email fallback, a tag, a metafield, a rule's condition) stays as
 * Shopify holds it while the rest of the user is applied.
 */
export function heldUserName(
  p: Pick<Policies, 'applyUserNameChanges'>,
  user: Record<string, unknown>,
  appliedUserName: string | undefined,
): string | undefined {
  if (p.applyUserNameChanges || appliedUserName === undefined) return undefined;
  return appliedUserName === userNameOf(user) ? undefined : appliedUserName;
}

const userNameKey = (user: Record<string, unknown>) => Object.keys(user).find((k) => k.toLowerCase() === 'username');
const userNameOf = (user: Record<string, unknown>) => {
  const k = userNameKey(user);
  return k === undefined ? undefined : user[k];
};

/** The user as the mapping reads it for a sync: with the held userName (heldUserName) in place of its own. */
export function userForMapping(
  p: Pick<Policies, 'applyUserNameChanges'>,
  user: Record<string, unknown>,
  appliedUserName: string | undefined,
): Record<string, unknown> {
  const held = heldUserName(p, user, appliedUserName);
  if (held === undefined) return user;
  const out = { ...user };
  const k = userNameKey(out);
  if (k !== undefined) delete out[k];
  out.userName = held;
  return out;
}

/**
 * A stored user as Shopify was last written from it, for comparisons with what Shopify holds (echo, drift): its
 * userName replaced by the held one (userForMapping) under the tenant's policy; as it is when the policies are invalid.
 */
export function asWritten<U extends { data: Record<string, unknown> }>(
  settings: Record<string, unknown>,
  user: U,
  appliedUserName: string | undefined,
): U {
  let p: Policies;
  try {
    p = readPolicies(settings);
  } catch (e) {
    if (e instanceof SettingsError) return user;
    throw e;
  }
  const data = userForMapping(p, user.data, appliedUserName);
  return data === user.data ? user : { ...user, data };
}
