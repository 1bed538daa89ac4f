// Admin routes for a tenant's mapping: the current document and its version (export), saving a new version (import),
// the history, presets, the preview in both directions, and re-applying the mapping to every linked customer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireTenant } from '../../admin/context.js';
import { adminErrors } from '../../admin/errors.js';
import { currentMapping, getVersion, listVersions, saveMapping, selectPreset } from '../../admin/mapping.js';
import { versionInfo } from '../../store/mapping-versions.js';
import { previewCustomer, previewUser } from '../../admin/preview.js';
import { listReapplyRuns, reapplyProgress, startReapply } from '../../admin/reapply.js';
import { PRESET_NAMES, presets } from '../../mapping/index.js';
import type { AdminRouteContext } from './index.js';

type TenantParams = { t: string };

/** The version an `If-Match: "3"` header expects, if any. */
function expectedVersion(req: FastifyRequest): number | undefined {
  const h = req.headers['if-match'];
  if (h === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(Array.isArray(h) ? h[0]! : h);
  if (!m) throw adminErrors.badRequest('If-Match must name a mapping version, e.g. If-Match: "3"');
  return Number(m[1]);
}

/** A PUT body is the document itself, or `{document, comment}` as GET returns it. */
function unwrapDocument(body: unknown): { document: unknown; comment?: string } {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'document' in body && !('rules' in body)) {
    const b = body as { document: unknown; comment?: unknown };
    return { document: b.document, ...(typeof b.comment === 'string' ? { comment: b.comment } : {}) };
  }
  return { document: body };
}

/** Registers the mapping routes. */
export async function mappingRoutes(app: FastifyInstance, { deps, depsOf }: AdminRouteContext): Promise<void> {
  app.get('/admin/api/presets', async () => ({
    presets: PRESET_NAMES.map((name) => ({ name, description: presets[name].description ?? '' })),
  }));

  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/mapping', async (req, reply) => {
    const cur = await currentMapping(deps, await requireTenant(deps, req.params.t));
    reply.header('etag', `"${cur.version}"`);
    return cur;
  });

  app.put<{ Params: TenantParams }>('/admin/api/tenants/:t/mapping', async (req, reply) => {
    const t = await requireTenant(deps, req.params.t);
    const { document, comment } = unwrapDocument(req.body);
    const saved = await saveMapping(depsOf(req), t, document, {
      source: 'put',
      ...(comment ? { comment } : {}),
      expectedVersion: expectedVersion(req),
    });
    reply.header('etag', `"${saved.version}"`);
    return saved;
  });

  app.get<{ Params: TenantParams; Querystring: { limit?: string; before?: string } }>(
    '/admin/api/tenants/:t/mapping/versions',
    async (req) => {
      const t = await requireTenant(deps, req.params.t);
      const limit = req.query.limit === undefined ? undefined : Number(req.query.limit);
      const before = req.query.before === undefined ? undefined : Number(req.query.before);
      if ((limit !== undefined && !Number.isInteger(limit)) || (before !== undefined && !Number.isInteger(before)))
        throw adminErrors.badRequest('limit and before must be whole numbers');
      return { versions: (await listVersions(deps, t, { limit, before })).map(versionInfo) };
    },
  );

  app.get<{ Params: TenantParams & { v: string } }>('/admin/api/tenants/:t/mapping/versions/:v', async (req) =>
    getVersion(deps, await requireTenant(deps, req.params.t), Number(req.params.v)),
  );

  app.post<{ Params: TenantParams }>('/admin/api/tenants/:t/mapping/preset', async (req) => {
    const t = await requireTenant(deps, req.params.t);
    const body = (req.body ?? {}) as { name?: unknown; comment?: unknown };
    return selectPreset(depsOf(req), t, body.name, {
      ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
      expectedVersion: expectedVersion(req),
    });
  });

  app.post<{ Params: TenantParams }>('/admin/api/tenants/:t/mapping/preview', async (req) => {
    const t = await requireTenant(deps, req.params.t);
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && 'customer' in body) return previewCustomer(deps, t, body);
    return previewUser(deps, t, body);
  });

  app.post<{ Params: TenantParams }>('/admin/api/tenants/:t/mapping/reapply', async (req, reply) => {
    const t = await requireTenant(deps, req.params.t);
    const run = await startReapply(depsOf(req), t);
    const location = `/admin/api/tenants/${t.name}/mapping/reapply/${run.runId}`;
    return reply
      .code(202)
      .header('location', location)
      .send({ ...run, progress: location });
  });

  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/mapping/reapply', async (req) => ({
    runs: await listReapplyRuns(deps, await requireTenant(deps, req.params.t)),
  }));

  app.get<{ Params: TenantParams & { runId: string } }>('/admin/api/tenants/:t/mapping/reapply/:runId', async (req) =>
    reapplyProgress(deps, await requireTenant(deps, req.params.t), req.params.runId),
  );
}
