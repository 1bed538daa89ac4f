// Adds the outbound targets to any provisioning hook: every user write made through the SCIM API is also queued
// for the tenant's targets, in the same transaction, after the inner hook (the Shopify engine) has had its say.
import type { ProvisioningHook } from '../../provisioning.js';
import { enqueueTargetJobs, type FanoutOptions } from './fanout.js';

/**
 * Wraps `inner` so that user writes also fan out to the tenant's targets (never back to the writing client).
 * @example buildApp({ store, hook: withTargets(engineHook, { publicUrl }) })
 */
export function withTargets(inner: ProvisioningHook, opts: FanoutOptions = {}): ProvisioningHook {
  return {
    async userWritten(tx, change) {
      const pending = await inner.userWritten(tx, change);
      await enqueueTargetJobs(
        tx,
        {
          tenant: change.tenant,
          originClient: change.client?.id ?? null,
          source: change.client ? 'scim' : 'admin',
          op: change.op,
          before: change.before,
          after: change.after,
          changedPaths: change.changedPaths,
        },
        opts,
      );
      return pending;
    },
    groupWritten: (tx, change) => inner.groupWritten(tx, change),
    userExtensions: (tenantId, ids) => inner.userExtensions(tenantId, ids),
    ...(inner.userExtensionsByUserName ? { userExtensionsByUserName: inner.userExtensionsByUserName.bind(inner) } : {}),
  };
}
