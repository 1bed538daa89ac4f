// SCIM HTTP routes under /scim/v2/:tenant — Users, Groups, search, Bulk and discovery — translating HTTP to
// ScimService calls and back (status codes, Location, ETag, projection, application/scim+json).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors, ScimError } from '../../scim/errors.js';
import { SCHEMA, userResourceType, groupResourceType, type ResourceTypeDef } from '../../scim/schemas.js';
import { projectResource } from '../../scim/projection.js';
import { parseEtagList, etagOf } from '../../scim/render.js';
import type { ScimService } from './service.js';
import { userTypeFor, policiesFor, type RequestContext, type Preconditions } from './context.js';
import { parseListParams, type ListParams } from './params.js';
import { serviceProviderConfig, resourceTypeDoc, schemaDoc, listOf, resourceTypesFor, schemasFor, type Limits } from './discovery.js';
import { runBulk } from './bulk.js';
import { sortKey } from '../../store/query.js';
import type { TenantRepository } from '../../store/tenants.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

declare module 'fastify' {
  interface FastifyRequest {
    scim?: RequestContext;
  }
}

export interface ScimRouteOptions {
  service: ScimService;
  tenants: TenantRepository;
  limits: Limits;
  publicUrl?: string;
}

function send(reply: FastifyReply, status: number, body?: unknown): FastifyReply {
  reply.code(status).header('content-type', SCIM_CONTENT_TYPE);
  return body === undefined ? reply.send() : reply.send(JSON.stringify(body));
}

function versionOf(resource: Record<string, unknown>): string | undefined {
  return (resource.meta as { version?: string } | undefined)?.version;
}

function preconditions(req: FastifyRequest): Preconditions {
  const h = req.headers['if-match'];
  return { ifMatch: parseEtagList(Array.isArray(h) ? h.join(',') : h) };
}

/** Extracts the bearer token; any other scheme or a missing header is an authentication failure. */
function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export async function scimRoutes(app: FastifyInstance, opts: ScimRouteOptions): Promise<void> {
  const { service, tenants, limits } = opts;

  app.addHook('preHandler', async (req) => {
    const token = bearer(req);
    if (!token) throw errors.unauthorized('an "Authorization: Bearer <token>" header is required');
    const auth = await tenants.authenticate(token);
    const tenantName = String((req.params as { tenant?: string }).tenant ?? '').toLowerCase();
    // The same answer for a wrong token and for a token of another tenant: nothing tells tenants apart.
    if (!auth || auth.tenant.name !== tenantName) throw errors.unauthorized('the bearer token is not valid for this SCIM endpoint');
    await tenants.touch(auth.client);
    const origin = opts.publicUrl ?? `${req.protocol}://${req.host}`;
    req.scim = {
      tenant: auth.tenant,
      client: auth.client,
      userType: userTypeFor(auth.tenant),
      baseUrl: `${origin}/scim/v2/${auth.tenant.name}`,
      actor: `client:${auth.client.id}`,
      policies: policiesFor(auth.tenant),
    };
  });

  const ctx = (req: FastifyRequest) => req.scim as RequestContext;

  const listResponse = (total: number, p: ListParams, resources: Record<string, unknown>[], rt: ResourceTypeDef) => ({
    schemas: [SCHEMA.listResponse],
    totalResults: total,
    itemsPerPage: resources.length,
    startIndex: p.startIndex,
    Resources: resources.map((r) => projectResource(r, rt, p)),
  });

  const membersExcluded = (p: { attributes: string[]; excludedAttributes: string[] }) =>
    p.excludedAttributes.some((a) => a.toLowerCase() === 'members' || a.toLowerCase() === `${SCHEMA.group.toLowerCase()}:members`) ||
    (p.attributes.length > 0 && !p.attributes.some((a) => /(^|:)members(\.|$)/i.test(a)));

  async function list(rt: ResourceTypeDef, c: RequestContext, p: ListParams) {
    if (rt.id === 'User') {
      const r = await service.users.list(c, p);
      return listResponse(r.total, p, r.resources, rt);
    }
    const r = await service.groups.list(c, p, !membersExcluded(p));
    return listResponse(r.total, p, r.resources, rt);
  }

  const single = (req: FastifyRequest) => {
    const q = req.query as Record<string, unknown>;
    return parseListParams({ attributes: q.attributes, excludedAttributes: q.excludedAttributes }, limits);
  };

  // ---- Users and Groups ------------------------------------------------------------------------------------------
  // A tenant's User type carries the extension schemas it declares, so projection and filters know their attributes.
  for (const builtIn of [userResourceType, groupResourceType]) {
    const isUser = builtIn === userResourceType;
    const base = builtIn.endpoint;
    const typeOf = (req: FastifyRequest): ResourceTypeDef => (isUser ? ctx(req).userType : builtIn);

    app.get(base, async (req, reply) => send(reply, 200, await list(typeOf(req), ctx(req), parseListParams(req.query as Record<string, unknown>, limits))));

    app.post(`${base}/.search`, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) throw errors.invalidSyntax('a search request must be a JSON object');
      return send(reply, 200, await list(typeOf(req), ctx(req), parseListParams(body, limits, true)));
    });

    app.get(`${base}/:id`, async (req, reply) => {
      const { id } = req.params as { id: string };
      const p = single(req);
      const resource = isUser ? await service.users.get(ctx(req), id) : await service.groups.get(ctx(req), id, !membersExcluded(p));
      const etag = versionOf(resource);
      const inm = parseEtagList(req.headers['if-none-match'] as string | undefined);
      if (etag) reply.header('etag', etag);
      if (inm && etag && (inm === 'any' || inm.includes(etag.replace(/^W\//, '').replace(/"/g, '')))) return reply.code(304).send();
      return send(reply, 200, projectResource(resource, typeOf(req), p));
    });

    app.post(base, async (req, reply) => {
      const p = single(req);
      const resource = isUser ? (await service.users.create(ctx(req), req.body)).resource : await service.groups.create(ctx(req), req.body);
      const meta = resource.meta as { location: string; version: string };
      reply.header('location', meta.location).header('etag', meta.version);
      return send(reply, 201, projectResource(resource, typeOf(req), p));
    });

    app.put(`${base}/:id`, async (req, reply) => {
      const { id } = req.params as { id: string };
      const p = single(req);
      const resource = isUser
        ? await service.users.replace(ctx(req), id, req.body, preconditions(req))
        : await service.groups.replace(ctx(req), id, req.body, preconditions(req));
      reply.header('etag', versionOf(resource));
      return send(reply, 200, projectResource(resource, typeOf(req), p));
    });

    app.patch(`${base}/:id`, async (req, reply) => {
      const { id } = req.params as { id: string };
      const p = single(req);
      if (isUser) {
        const { resource } = await service.users.patch(ctx(req), id, req.body, preconditions(req));
        reply.header('etag', versionOf(resource));
        return send(reply, 200, projectResource(resource, typeOf(req), p));
      }
      await service.groups.patch(ctx(req), id, req.body, preconditions(req));
      const q = req.query as Record<string, unknown>;
      const asked = q.attributes !== undefined || q.excludedAttributes !== undefined;
      // 200 with the group, as for a User (RFC 7644 §3.5.2), projected as asked (excludedAttributes=members keeps large
      // groups cheap); 204 when the tenant chose it for clients that send no projection, or when the projection
      // leaves nothing beyond the id.
      const noContent = async () => {
        const v = await service.groups.version(ctx(req), id);
        if (v !== undefined) reply.header('etag', etagOf(v));
        return reply.code(204).send();
      };
      if (!asked && ctx(req).policies.groupPatchResponse === 'noContent') return noContent();
      const resource = await service.groups.get(ctx(req), id, !membersExcluded(p));
      const projected = projectResource(resource, builtIn, p);
      if (Object.keys(projected).every((k) => k === 'schemas' || k === 'id')) return noContent();
      reply.header('etag', versionOf(resource));
      return send(reply, 200, projected);
    });

    app.delete(`${base}/:id`, async (req, reply) => {
      const { id } = req.params as { id: string };
      if (isUser) await service.users.delete(ctx(req), id, preconditions(req));
      else await service.groups.delete(ctx(req), id, preconditions(req));
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

  // ---- search across resource types (RFC 7644 §3.4.3) ---------------------------------------------------------
  app.post('/.search', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw errors.invalidSyntax('a search request must be a JSON object');
    const p = parseListParams(body, limits, true);
    const c = ctx(req);
    // A sortBy only one type has (userName, say) sorts that type; the other's resources have no value for it and
    // come after them ascending, before them descending, as missing values do within one type.
    const types = [
      { rt: c.userType, list: (q: ListParams) => service.users.list(c, q) },
      { rt: groupResourceType, list: (q: ListParams) => service.groups.list(c, q) },
    ].map((t) => ({ ...t, sorted: !p.sortBy || hasSortAttr(t.rt, p.sortBy) }));
    if (p.sortBy && !types.some((t) => t.sorted)) throw errors.invalidValue(`sortBy "${p.sortBy}" is not an attribute of any resource type`);
    const ordered = types.filter((t) => t.sorted);
    const unsorted = types.filter((t) => !t.sorted);
    const sequence = p.sortOrder === 'descending' ? [...unsorted, ...ordered] : [...ordered, ...unsorted];
    // Each type in turn, then the next; the page is cut from that sequence by asking each type only for its part of
    // the window, so no request loads more than `count` resources whatever startIndex is.
    let skip = p.startIndex - 1;
    let room = p.count;
    let totalResults = 0;
    const page: Record<string, unknown>[] = [];
    for (const t of sequence) {
      const r = await t.list({ ...p, ...(t.sorted ? {} : { sortBy: undefined }), startIndex: skip + 1, count: room });
      page.push(...r.resources.map((x) => projectResource(x, t.rt, p)));
      totalResults += r.total;
      skip = Math.max(0, skip - r.total);
      room -= r.resources.length;
    }
    return send(reply, 200, { schemas: [SCHEMA.listResponse], totalResults, itemsPerPage: page.length, startIndex: p.startIndex, Resources: page });
  });

  // ---- Bulk ----------------------------------------------------------------------------------------------------
  app.post('/Bulk', async (req, reply) => send(reply, 200, await runBulk(service, ctx(req), req.body, limits)));

  // ---- discovery -----------------------------------------------------------------------------------------------
  app.get('/ServiceProviderConfig', async (req, reply) => send(reply, 200, serviceProviderConfig(ctx(req).baseUrl, limits)));
  app.get('/ResourceTypes', async (req, reply) =>
    send(reply, 200, listOf(resourceTypesFor(ctx(req).userType).map((rt) => resourceTypeDoc(rt, ctx(req).baseUrl)))),
  );
  app.get('/ResourceTypes/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const rt = resourceTypesFor(ctx(req).userType).find((r) => r.id.toLowerCase() === id.toLowerCase());
    if (!rt) throw errors.notFound(`ResourceType ${id} not found`);
    return send(reply, 200, resourceTypeDoc(rt, ctx(req).baseUrl));
  });
  app.get('/Schemas', async (req, reply) => send(reply, 200, listOf(schemasFor(ctx(req).userType).map((s) => schemaDoc(s, ctx(req).baseUrl)))));
  app.get('/Schemas/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const s = schemasFor(ctx(req).userType).find((x) => x.id.toLowerCase() === id.toLowerCase());
    if (!s) throw errors.notFound(`Schema ${id} not found`);
    return send(reply, 200, schemaDoc(s, ctx(req).baseUrl));
  });
}

/** Whether `sortBy` names a sortable attribute of the resource type. */
function hasSortAttr(rt: ResourceTypeDef, sortBy: string): boolean {
  try {
    sortKey(rt, sortBy);
    return true;
  } catch (e) {
    if (e instanceof ScimError && e.status === 400) return false;
    throw e;
  }
}
