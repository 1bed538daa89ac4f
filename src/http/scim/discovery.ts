// The discovery endpoints (RFC 7644 §4), answered from the documents scim/discovery.ts builds for the tenant's types.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../scim/errors.js';
import {
  serviceProviderConfig,
  resourceTypeDoc,
  schemaDoc,
  listOf,
  resourceTypesFor,
  schemasFor,
  type Limits,
} from '../../scim/discovery.js';
import { contextOf } from './auth.js';
import { send, tenantParamsSchema, resourceParamsSchema, type TenantParams, type ResourceParams } from './reply.js';

export async function discoveryRoutes(app: FastifyInstance, opts: { limits: Limits }): Promise<void> {
  const all = { schema: { params: tenantParamsSchema } };
  const one = { schema: { params: resourceParamsSchema } };
  app.get<{ Params: TenantParams }>('/ServiceProviderConfig', all, async (req, reply) =>
    send(reply, 200, serviceProviderConfig(contextOf(req).baseUrl, opts.limits)),
  );
  app.get<{ Params: TenantParams }>('/ResourceTypes', all, async (req, reply) => {
    const c = contextOf(req);
    return send(reply, 200, listOf(resourceTypesFor(c.userType).map((rt) => resourceTypeDoc(rt, c.baseUrl))));
  });
  app.get<{ Params: ResourceParams }>('/ResourceTypes/:id', one, async (req, reply) => {
    const c = contextOf(req);
    const { id } = req.params;
    const rt = resourceTypesFor(c.userType).find((r) => r.id.toLowerCase() === id.toLowerCase());
    if (!rt) throw errors.notFound(`ResourceType ${id} not found`);
    return send(reply, 200, resourceTypeDoc(rt, c.baseUrl));
  });
  app.get<{ Params: TenantParams }>('/Schemas', all, async (req, reply) => {
    const c = contextOf(req);
    return send(reply, 200, listOf(schemasFor(c.userType).map((s) => schemaDoc(s, c.baseUrl))));
  });
  app.get<{ Params: ResourceParams }>('/Schemas/:id', one, async (req, reply) => {
    const c = contextOf(req);
    const { id } = req.params;
    const s = schemasFor(c.userType).find((x) => x.id.toLowerCase() === id.toLowerCase());
    if (!s) throw errors.notFound(`Schema ${id} not found`);
    return send(reply, 200, schemaDoc(s, c.baseUrl));
  });
}
