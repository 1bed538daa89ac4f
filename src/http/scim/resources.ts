// The Users and Groups endpoints (RFC 7644 §3.2-3.6): list, read (with If-None-Match), create, replace, patch and
// delete, each a thin translation between HTTP and the SCIM service.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../scim/errors.js';
import { SCHEMA, userResourceType, groupResourceType, type ResourceTypeDef } from '../../scim/schemas.js';
import { projectResource } from '../../scim/projection.js';
import { parseEtagList, etagOf } from '../../scim/render.js';
import { parseListParams, type ListParams } from '../../scim/list-params.js';
import type { Limits } from '../../scim/discovery.js';
import type { ScimService } from '../../scim-service/service.js';
import type { RequestContext } from '../../scim-service/context.js';
import { contextOf } from './auth.js';
import {
  send,
  versionOf,
  locationOf,
  preconditions,
  querySchema,
  tenantParamsSchema,
  resourceParamsSchema,
  type TenantParams,
  type ResourceParams,
  type ScimQuery,
} from './reply.js';

export interface ResourceRouteOptions {
  service: ScimService;
  limits: Limits;
}

/** Whether a projection leaves out a group's members, so they need not be read at all. */
export function membersExcluded(p: { attributes: string[]; excludedAttributes: string[] }): boolean {
  return (
    p.excludedAttributes.some((a) => a.toLowerCase() === 'members' || a.toLowerCase() === `${SCHEMA.group.toLowerCase()}:members`) ||
    (p.attributes.length > 0 && !p.attributes.some((a) => /(^|:)members(\.|$)/i.test(a)))
  );
}

/** One type's list answer: the ListResponse with each resource projected. */
export async function listOf(
  service: ScimService,
  rt: ResourceTypeDef,
  c: RequestContext,
  p: ListParams,
): Promise<Record<string, unknown>> {
  const r = rt.id === 'User' ? await service.users.list(c, p) : await service.groups.list(c, p, !membersExcluded(p));
  return {
    schemas: [SCHEMA.listResponse],
    totalResults: r.total,
    itemsPerPage: r.resources.length,
    startIndex: p.startIndex,
    Resources: r.resources.map((x) => projectResource(x, rt, p)),
  };
}

export async function resourceRoutes(app: FastifyInstance, opts: ResourceRouteOptions): Promise<void> {
  const { service, limits } = opts;
  const single = (q: ScimQuery) => parseListParams({ attributes: q.attributes, excludedAttributes: q.excludedAttributes }, limits);
  type One = { Params: ResourceParams; Querystring: ScimQuery };
  type Many = { Params: TenantParams; Querystring: ScimQuery };
  const one = { schema: { params: resourceParamsSchema, querystring: querySchema } };
  const many = { schema: { params: tenantParamsSchema, querystring: querySchema } };

  // A tenant's User type carries the extension schemas it declares, so projection and filters know their attributes.
  for (const builtIn of [userResourceType, groupResourceType]) {
    const isUser = builtIn === userResourceType;
    const base = builtIn.endpoint;
    const typeOf = (req: FastifyRequest): ResourceTypeDef => (isUser ? contextOf(req).userType : builtIn);

    app.get<Many>(base, many, async (req, reply) =>
      send(reply, 200, await listOf(service, typeOf(req), contextOf(req), parseListParams(req.query, limits))),
    );

    app.get<One>(`${base}/:id`, one, async (req, reply) => {
      const c = contextOf(req);
      const p = single(req.query);
      const resource = isUser ? await service.users.get(c, req.params.id) : await service.groups.get(c, req.params.id, !membersExcluded(p));
      const etag = versionOf(resource);
      const h = req.headers['if-none-match'];
      const inm = parseEtagList(Array.isArray(h) ? h.join(',') : h);
      if (etag) reply.header('etag', etag);
      if (inm && etag && (inm === 'any' || inm.includes(etag.replace(/^W\//, '').replace(/"/g, '')))) return reply.code(304).send();
      return send(reply, 200, projectResource(resource, typeOf(req), p));
    });

    app.post<Many & { Body: unknown }>(base, many, async (req, reply) => {
      const c = contextOf(req);
      const p = single(req.query);
      const resource = isUser ? (await service.users.create(c, req.body)).resource : await service.groups.create(c, req.body);
      reply.header('location', locationOf(resource)).header('etag', versionOf(resource));
      return send(reply, 201, projectResource(resource, typeOf(req), p));
    });

    app.put<One & { Body: unknown }>(`${base}/:id`, one, async (req, reply) => {
      const c = contextOf(req);
      const p = single(req.query);
      const { id } = req.params;
      const resource = isUser
        ? await service.users.replace(c, id, req.body, preconditions(req))
        : await service.groups.replace(c, id, req.body, preconditions(req));
      reply.header('etag', versionOf(resource));
      return send(reply, 200, projectResource(resource, typeOf(req), p));
    });

    app.patch<One & { Body: unknown }>(`${base}/:id`, one, async (req, reply) => {
      const c = contextOf(req);
      const p = single(req.query);
      const { id } = req.params;
      if (isUser) {
        const { resource } = await service.users.patch(c, id, req.body, preconditions(req));
        reply.header('etag', versionOf(resource));
        return send(reply, 200, projectResource(resource, typeOf(req), p));
      }
      await service.groups.patch(c, id, req.body, preconditions(req));
      const asked = req.query.attributes !== undefined || req.query.excludedAttributes !== undefined;
      // 200 with the group, as for a User (RFC 7644 §3.5.2), projected as asked (excludedAttributes=members keeps large
      // groups cheap); 204 when the tenant chose it for clients that send no projection, or when the projection
      // leaves nothing beyond the id.
      const noContent = async () => {
        const v = await service.groups.version(c, id);
        if (v !== undefined) reply.header('etag', etagOf(v));
        return reply.code(204).send();
      };
      if (!asked && c.policies.groupPatchResponse === 'noContent') return noContent();
      const resource = await service.groups.get(c, id, !membersExcluded(p));
      const projected = projectResource(resource, builtIn, p);
      if (Object.keys(projected).every((k) => k === 'schemas' || k === 'id')) return noContent();
      reply.header('etag', versionOf(resource));
      return send(reply, 200, projected);
    });

    app.delete<One>(`${base}/:id`, one, async (req, reply) => {
      const c = contextOf(req);
      if (isUser) await service.users.delete(c, req.params.id, preconditions(req));
      else await service.groups.delete(c, req.params.id, preconditions(req));
      return reply.code(204).send();
    });

    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      app.route({
        method,
        url: base,
        handler: async () => {
          throw errors.methodNotAllowed(`${method} is not supported on ${base}; address one resource as ${base}/{id}`);
        },
      });
    }
  }
}
