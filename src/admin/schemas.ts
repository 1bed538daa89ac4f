// The SCIM extension schemas a tenant declares (settings.schemas), so its IdP can send attributes the core schema
// lacks: validated, shown in that tenant's /Schemas and /ResourceTypes, and usable in its mapping and filters.
import type { Tenant } from '../store/tenants.js';
import type { SchemaDef } from '../scim/schemas.js';
import { readTenantSchemas, validateExtensionSchemas } from '../scim/tenant-schemas.js';
import { validateMapping } from '../mapping/index.js';
import { readMapping } from '../settings/policies.js';
import { adminErrors } from './errors.js';
import { updateSettings, type AdminDeps } from './context.js';
import { audit } from '../store/resources.js';
import { requeueHeldUsers } from '../sync/refusals.js';

/** The declared schemas, every characteristic filled in. */
export function getSchemas(tenant: Pick<Tenant, 'settings'>): SchemaDef[] {
  return readTenantSchemas(tenant.settings);
}

/**
 * Replaces the declared schemas (`[…]` or `{"schemas": […]}`). Refused when the tenant's mapping reads an attribute
 * the new list no longer has; data stored under a removed schema stays in the database.
 */
export async function putSchemas(deps: AdminDeps, tenant: Tenant, body: unknown): Promise<SchemaDef[]> {
  const list =
    body && typeof body === 'object' && !Array.isArray(body) && 'schemas' in body ? (body as { schemas: unknown }).schemas : body;
  const v = validateExtensionSchemas(list);
  if (!v.ok) {
    const n = v.errors.length;
    throw adminErrors.invalidSchemas(`the schemas have ${n} problem${n === 1 ? '' : 's'}: ${v.errors.map((e) => e.message).join('; ')}`, {
      errors: v.errors,
    });
  }
  await updateSettings(deps, tenant.id, async (s, tx) => {
    if (s.mapping !== undefined && s.mapping !== null) {
      let doc: unknown;
      try {
        doc = readMapping(s);
      } catch {
        doc = undefined; // an unreadable stored mapping depends on nothing
      }
      const m = doc === undefined ? undefined : validateMapping(doc, { schemas: v.value });
      if (m && !m.ok) {
        throw adminErrors.schemaInUse(
          `the mapping reads attributes these schemas no longer declare: ${m.errors.map((e) => e.message).join('; ')}; change the mapping first`,
          {
            errors: m.errors,
          },
        );
      }
    }
    s.schemas = v.value;
    // Users Shopify could not take may be taken now: their syncs run again.
    await requeueHeldUsers(tx, tenant.id, 'schemas');
    await audit(tx, {
      tenantId: tenant.id,
      actor: deps.actor,
      action: 'schemas.replace',
      resourceType: 'Schemas',
      resourceId: null,
      detail: { schemas: v.value.map((x) => x.id) },
    });
  });
  deps.wake?.();
  return v.value;
}
