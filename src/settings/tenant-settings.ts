// A tenant's settings as one request or one job reads them: its policies, its mapping and its declared extension
// schemas (with the User type they make), each parsed on first use and kept with the settings object it came from.
import type { MappingDocument } from '../mapping/index.js';
import { tenantUserType, type TenantUserType } from '../scim/tenant-schemas.js';
import { readMapping, readPolicies, type Policies } from './policies.js';

export interface TenantSettings {
  /** the policies with defaults filled in; throws SettingsError (every time it is read) when they are invalid */
  readonly policies: Policies;
  /** the attribute mapping (a document or a preset); throws SettingsError when it is invalid */
  readonly mapping: MappingDocument;
  /** the declared extension schemas and the tenant's User type */
  readonly userType: TenantUserType;
}

const cache = new WeakMap<Record<string, unknown>, TenantSettings>();

/** A value computed once, or the error it threw, thrown again at each read. */
function once<T>(compute: () => T): () => T {
  let done: { value: T } | { error: unknown } | undefined;
  return () => {
    done ??= (() => {
      try {
        return { value: compute() };
      } catch (error) {
        return { error };
      }
    })();
    if ('error' in done) throw done.error;
    return done.value;
  };
}

/**
 * The parsed settings of a tenant as it was read from the database. The settings object is the cache key: a tenant
 * read again (the next request, the next job) is parsed again, so an admin's change is seen at once. Never call it on
 * a settings object that is about to be changed in place.
 * @example const { policies, mapping } = settingsOf(tenant.settings);
 */
export function settingsOf(settings: Record<string, unknown>): TenantSettings {
  let s = cache.get(settings);
  if (!s) {
    const policies = once(() => readPolicies(settings));
    const mapping = once(() => readMapping(settings));
    const userType = once(() => tenantUserType(settings));
    s = {
      get policies() {
        return policies();
      },
      get mapping() {
        return mapping();
      },
      get userType() {
        return userType();
      },
    };
    cache.set(settings, s);
  }
  return s;
}
