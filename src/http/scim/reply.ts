// What every SCIM route answers with: application/scim+json bodies, the request's preconditions (If-Match), the
// resource's version as its ETag, and the route schemas that type params and query strings without casts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseEtagList } from '../../scim/render.js';
import type { Preconditions } from '../../scim-service/context.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Sends a SCIM answer (no body for 204/304). */
export function send(reply: FastifyReply, status: number, body?: unknown): FastifyReply {
  reply.code(status).header('content-type', SCIM_CONTENT_TYPE);
  return body === undefined ? reply.send() : reply.send(JSON.stringify(body));
}

function metaOf(resource: Record<string, unknown>, key: 'version' | 'location'): string | undefined {
  const meta = resource.meta;
  const v = meta && typeof meta === 'object' ? Object.getOwnPropertyDescriptor(meta, key)?.value : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A rendered resource's meta.version, its ETag. */
export const versionOf = (resource: Record<string, unknown>): string | undefined => metaOf(resource, 'version');

/** A rendered resource's meta.location. */
export const locationOf = (resource: Record<string, unknown>): string | undefined => metaOf(resource, 'location');

export function preconditions(req: FastifyRequest): Preconditions {
  const h = req.headers['if-match'];
  return { ifMatch: parseEtagList(Array.isArray(h) ? h.join(',') : h) };
}

/** The route generics and schemas SCIM routes share: a tenant in the path, and the query parameters they read. */
export interface TenantParams {
  tenant: string;
}
export interface ResourceParams extends TenantParams {
  id: string;
}
/** Query parameters as Fastify parses them: a repeated one arrives as a list, which list-params refuses by name. */
export type ScimQuery = Record<string, string | string[] | undefined>;

const queryValue = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
export const querySchema = {
  type: 'object',
  properties: Object.fromEntries(
    ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count', 'attributes', 'excludedAttributes'].map((k) => [k, queryValue]),
  ),
} as const;
export const tenantParamsSchema = { type: 'object', properties: { tenant: { type: 'string' } }, required: ['tenant'] } as const;
export const resourceParamsSchema = {
  type: 'object',
  properties: { tenant: { type: 'string' }, id: { type: 'string', minLength: 1 } },
  required: ['tenant', 'id'],
} as const;
