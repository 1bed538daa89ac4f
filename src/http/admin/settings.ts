// Admin routes for a tenant's other settings: policies, tags, outbound targets, the shop connection and the SCIM
// extension schemas it declares. Each validates with the module that owns the setting.
import type { FastifyInstance } from 'fastify';
import { requireTenant } from '../../admin/context.js';
import { getPolicies, putPolicies } from '../../admin/policies.js';
import { getTags, putTags } from '../../admin/mapping.js';
import { createTarget, deleteTarget, getTarget, listTargets, replaceTarget } from '../../admin/targets.js';
import { checkShop, connectShop, disconnectShop, shopView } from '../../admin/shop.js';
import { getSchemas, putSchemas } from '../../admin/schemas.js';
import type { AdminRouteContext } from './index.js';

type TenantParams = { t: string };
type TargetParams = TenantParams & { id: string };

/** Registers the policies, tags, targets, shop and schemas routes. */
export async function settingsRoutes(app: FastifyInstance, { deps, depsOf }: AdminRouteContext): Promise<void> {
  const tenant = (t: string) => requireTenant(deps, t);

  // ---- policies
  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/policies', async (req) => getPolicies(await tenant(req.params.t)));
  app.put<{ Params: TenantParams }>('/admin/api/tenants/:t/policies', async (req) =>
    putPolicies(depsOf(req), await tenant(req.params.t), req.body),
  );

  // ---- tags (the mapping's tag settings; a change is a new mapping version)
  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/tags', async (req) => getTags(deps, await tenant(req.params.t)));
  app.put<{ Params: TenantParams }>('/admin/api/tenants/:t/tags', async (req) => {
    const saved = await putTags(depsOf(req), await tenant(req.params.t), req.body);
    return {
      tags: saved.document.tags,
      mappingVersion: saved.version,
      warnings: saved.warnings,
      ...(saved.definitions ? { definitions: saved.definitions } : {}),
    };
  });

  // ---- outbound targets
  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/targets', async (req) => listTargets(await tenant(req.params.t)));
  app.post<{ Params: TenantParams }>('/admin/api/tenants/:t/targets', async (req, reply) => {
    const { target, secret } = await createTarget(depsOf(req), await tenant(req.params.t), req.body);
    return reply.code(201).send({ ...target, ...(secret ? { secret, secretShownOnce: true } : {}) });
  });
  app.get<{ Params: TargetParams }>('/admin/api/tenants/:t/targets/:id', async (req) =>
    getTarget(await tenant(req.params.t), req.params.id),
  );
  app.put<{ Params: TargetParams }>('/admin/api/tenants/:t/targets/:id', async (req) =>
    replaceTarget(depsOf(req), await tenant(req.params.t), req.params.id, req.body),
  );
  app.delete<{ Params: TargetParams }>('/admin/api/tenants/:t/targets/:id', async (req, reply) => {
    await deleteTarget(depsOf(req), await tenant(req.params.t), req.params.id);
    return reply.code(204).send();
  });

  // ---- shop connection
  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/shop', async (req) => shopView((await tenant(req.params.t)).settings));
  app.put<{ Params: TenantParams }>('/admin/api/tenants/:t/shop', async (req) =>
    connectShop(depsOf(req), await tenant(req.params.t), req.body),
  );
  app.delete<{ Params: TenantParams }>('/admin/api/tenants/:t/shop', async (req, reply) => {
    await disconnectShop(depsOf(req), await tenant(req.params.t));
    return reply.code(204).send();
  });
  app.post<{ Params: TenantParams }>('/admin/api/tenants/:t/shop/check', async (req) => checkShop(depsOf(req), await tenant(req.params.t)));

  // ---- SCIM extension schemas
  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/schemas', async (req) => ({ schemas: getSchemas(await tenant(req.params.t)) }));
  app.put<{ Params: TenantParams }>('/admin/api/tenants/:t/schemas', async (req) => ({
    schemas: await putSchemas(depsOf(req), await tenant(req.params.t), req.body),
  }));
}
