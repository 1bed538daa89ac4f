// A tenant's provisioning policies as the merchant edits them: validated with the engine's own schema (so what is
// saved is exactly what the engine reads), shown with every default filled in.
import type { Tenant } from '../store/tenants.js';
import { policiesSchema, readPolicies, SettingsError, type Policies } from '../settings/policies.js';
import { adminErrors, issueLines } from './errors.js';
import { updateSettings, type AdminDeps } from './context.js';
import { audit } from '../store/resources.js';
import { requeueHeldUsers } from '../sync/refusals.js';

export interface PoliciesView {
  /** what the engine applies: the stored choices with defaults for the rest */
  policies: Policies;
  /** only what was chosen explicitly (the rest follows the defaults, including future ones) */
  stored: Record<string, unknown>;
  /** set when the stored policies cannot be read; the engine stops syncing until they are fixed */
  problem?: string;
}

function stored(settings: Record<string, unknown>): Record<string, unknown> {
  const p = settings.policies;
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

/** The effective policies and what was stored. */
export function getPolicies(tenant: Pick<Tenant, 'settings'>): PoliciesView {
  try {
    return { policies: readPolicies(tenant.settings), stored: stored(tenant.settings) };
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    return { policies: policiesSchema.parse({}), stored: stored(tenant.settings), problem: e.message };
  }
}

/** Checks policies as a PUT replaces them: every wrong or unknown key is named. */
export function checkPolicies(input: unknown): Record<string, unknown> {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw adminErrors.invalidPolicies('send the policies as a JSON object, e.g. {"deprovision":"tag","adoption":"email"}');
  const r = policiesSchema.safeParse(input);
  if (!r.success) {
    const lines = issueLines(r.error.issues, 'policies');
    throw adminErrors.invalidPolicies(`the policies have ${lines.length} problem${lines.length === 1 ? '' : 's'}: ${lines.join('; ')}`, {
      errors: lines,
    });
  }
  return input as Record<string, unknown>;
}

/** Replaces the tenant's policies (keys left out take their defaults). */
export async function putPolicies(deps: AdminDeps, tenant: Tenant, input: unknown): Promise<PoliciesView> {
  const value = checkPolicies(input);
  const settings = await updateSettings(deps, tenant.id, async (s, tx) => {
    s.policies = value;
    // Users Shopify could not take may be taken now: their syncs run again.
    await requeueHeldUsers(tx, tenant.id, 'policies');
    await audit(tx, {
      tenantId: tenant.id,
      actor: deps.actor,
      action: 'policies.replace',
      resourceType: 'Policies',
      resourceId: null,
      detail: { keys: Object.keys(value).sort() },
    });
    return s;
  });
  deps.wake?.();
  return getPolicies({ settings });
}
