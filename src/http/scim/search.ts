// POST /.search on a resource type and at the root (RFC 7644 §3.4.3): a SearchRequest body read like list parameters.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../scim/errors.js';
import { SCHEMA, userResourceType, groupResourceType } from '../../scim/schemas.js';
import { projectResource } from '../../scim/projection.js';
import { parseListParams, type ListParams } from '../../scim/list-params.js';
import type { Limits } from '../../scim/discovery.js';
import type { ScimService } from '../../scim-service/service.js';
import { searchAll } from '../../scim-service/search.js';
import { contextOf } from './auth.js';
import { listOf } from './resources.js';
import { send, tenantParamsSchema, type TenantParams } from './reply.js';

/** The SearchRequest of a request body, which must be a JSON object. */
function searchParams(req: FastifyRequest<{ Body: unknown }>, limits: Limits): ListParams {
  const body = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw errors.invalidSyntax('a search request must be a JSON object');
  return parseListParams({ ...body }, limits, true);
}

export async function searchRoutes(app: FastifyInstance, opts: { service: ScimService; limits: Limits }): Promise<void> {
  const { service, limits } = opts;
  type Search = { Params: TenantParams; Body: unknown };
  const schema = { schema: { params: tenantParamsSchema } };

  for (const builtIn of [userResourceType, groupResourceType]) {
    app.post<Search>(`${builtIn.endpoint}/.search`, schema, async (req, reply) => {
      const c = contextOf(req);
      return send(reply, 200, await listOf(service, builtIn === userResourceType ? c.userType : builtIn, c, searchParams(req, limits)));
    });
  }

  app.post<Search>('/.search', schema, async (req, reply) => {
    const p = searchParams(req, limits);
    const r = await searchAll(service, contextOf(req), p);
    const page = r.resources.map((x) => projectResource(x.resource, x.rt, p));
    return send(reply, 200, {
      schemas: [SCHEMA.listResponse],
      totalResults: r.totalResults,
      itemsPerPage: page.length,
      startIndex: p.startIndex,
      Resources: page,
    });
  });
}
