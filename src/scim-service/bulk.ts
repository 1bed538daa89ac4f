// SCIM Bulk (RFC 7644 §3.7): runs each operation through ScimService in order, resolving "bulkId:<id>" references
// to the ids of resources created earlier in the request, and stopping after failOnErrors errors.
import { errors, ScimError } from '../scim/errors.js';
import { SCHEMA } from '../scim/schemas.js';
import { etagOf, parseEtagList } from '../scim/render.js';
import type { ScimService } from './service.js';
import type { RequestContext } from './context.js';
import type { Limits } from '../scim/discovery.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../scim/depth.js';

interface BulkOp {
  method: string;
  path: string;
  bulkId?: string;
  version?: string;
  data?: unknown;
}

type OpResult = Record<string, unknown>;

const BULK_REF = /^bulkId:(.+)$/;
/** A path naming a resource created earlier in the same request: `/Groups/bulkId:ytrewq`. */
const PATH_REF = /^(\/(?:Users|Groups)\/)bulkId:([^/?]+)$/;

/** The bulkId a path refers to, if any. */
function pathRef(path: string): string | undefined {
  return PATH_REF.exec(path)?.[2];
}

/** Replaces a path's bulkId with the id of the resource it created; an unknown one is reported missing. */
function resolvePath(path: string, ids: Map<string, string>, missing: Set<string>): string {
  const m = PATH_REF.exec(path);
  if (!m) return path;
  const id = ids.get(m[2]!);
  if (id === undefined) missing.add(m[2]!);
  return id === undefined ? path : `${m[1]}${id}`;
}

/** Replaces every "bulkId:x" string in a value; returns the names it could not resolve. */
function resolveRefs(value: unknown, ids: Map<string, string>, missing: Set<string>): unknown {
  if (typeof value === 'string') {
    const m = BULK_REF.exec(value);
    if (!m) return value;
    const id = ids.get(m[1]!);
    if (id === undefined) missing.add(m[1]!);
    return id ?? value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, ids, missing));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, resolveRefs(v, ids, missing)]));
  return value;
}

function refsIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') {
    const m = BULK_REF.exec(value);
    if (m) out.add(m[1]!);
  } else if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => refsIn(v, out));
  return out;
}

function parseOps(body: unknown, limits: Limits): { ops: BulkOp[]; failOnErrors: number } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.invalidSyntax('a bulk request must be a JSON object');
  // The bulkId walks below recurse into each operation's data: a body nested deeper than any SCIM resource is refused
  // before them, so no depth overflows the stack.
  if (nestsDeeperThan(body, MAX_JSON_DEPTH))
    throw errors.invalidSyntax(`a bulk request may nest at most ${MAX_JSON_DEPTH} levels of objects and arrays`);
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.schemas) || !b.schemas.includes(SCHEMA.bulkRequest))
    throw errors.invalidSyntax(`a bulk request must list the schema ${SCHEMA.bulkRequest}`);
  if (!Array.isArray(b.Operations)) throw errors.invalidSyntax('a bulk request needs an "Operations" array');
  if (b.Operations.length > limits.bulkMaxOperations)
    throw errors.payloadTooLarge(`a bulk request may carry at most ${limits.bulkMaxOperations} operations (maxOperations)`);
  let failOnErrors = Number.POSITIVE_INFINITY;
  if (b.failOnErrors !== undefined) {
    if (typeof b.failOnErrors !== 'number' || !Number.isInteger(b.failOnErrors) || b.failOnErrors < 1)
      throw errors.invalidValue('failOnErrors must be a positive integer');
    failOnErrors = b.failOnErrors;
  }
  const ops = b.Operations.map((o, i) => {
    if (!o || typeof o !== 'object') throw errors.invalidSyntax(`operation ${i + 1} must be an object`);
    const op = o as Record<string, unknown>;
    if (typeof op.method !== 'string' || typeof op.path !== 'string')
      throw errors.invalidSyntax(`operation ${i + 1} needs a "method" and a "path"`);
    if (op.bulkId !== undefined && typeof op.bulkId !== 'string') throw errors.invalidSyntax(`operation ${i + 1}: bulkId must be a string`);
    if (op.method.toUpperCase() === 'POST' && !op.bulkId) throw errors.invalidSyntax(`operation ${i + 1}: a POST needs a bulkId`);
    return {
      method: op.method.toUpperCase(),
      path: op.path,
      bulkId: op.bulkId as string | undefined,
      version: op.version as string | undefined,
      data: op.data,
    };
  });
  return { ops, failOnErrors };
}

async function runOne(service: ScimService, ctx: RequestContext, op: BulkOp): Promise<OpResult> {
  const m = /^\/(Users|Groups)(?:\/([^/?]+))?$/.exec(op.path);
  if (!m) throw errors.invalidPath(`bulk path "${op.path}" must be /Users, /Groups, /Users/{id} or /Groups/{id}`);
  const [, type, id] = m;
  const isUser = type === 'Users';
  const pre = { ifMatch: parseEtagList(op.version) };
  const location = (rid: string) => `${ctx.baseUrl}/${type}/${rid}`;
  switch (op.method) {
    case 'POST': {
      if (id) throw errors.invalidPath('a POST addresses the collection, without an id');
      const r = isUser ? (await service.users.create(ctx, op.data)).resource : await service.groups.create(ctx, op.data);
      const meta = r.meta as { location: string; version: string };
      return { location: meta.location, version: meta.version, status: '201', id: r.id };
    }
    case 'PUT':
    case 'PATCH':
    case 'DELETE': {
      if (!id) throw errors.invalidPath(`a ${op.method} addresses one resource: ${op.path}/{id}`);
      if (op.method === 'DELETE') {
        if (isUser) await service.users.delete(ctx, id, pre);
        else await service.groups.delete(ctx, id, pre);
        return { location: location(id), status: '204' };
      }
      if (op.method === 'PUT') {
        const r = isUser ? await service.users.replace(ctx, id, op.data, pre) : await service.groups.replace(ctx, id, op.data, pre);
        return { location: location(id), version: (r.meta as { version: string }).version, status: '200' };
      }
      if (isUser) {
        const { resource } = await service.users.patch(ctx, id, op.data, pre);
        return { location: location(id), version: (resource.meta as { version: string }).version, status: '200' };
      }
      await service.groups.patch(ctx, id, op.data, pre);
      if (ctx.policies.groupPatchResponse === 'noContent') return { location: location(id), status: '204' };
      const v = await service.groups.version(ctx, id);
      return { location: location(id), ...(v !== undefined ? { version: etagOf(v) } : {}), status: '200' };
    }
    default:
      throw errors.invalidSyntax(`bulk method "${op.method}" is not one of POST, PUT, PATCH, DELETE`);
  }
}

/** Runs a bulk request and returns the BulkResponse body. */
export async function runBulk(service: ScimService, ctx: RequestContext, body: unknown, limits: Limits): Promise<Record<string, unknown>> {
  const { ops, failOnErrors } = parseOps(body, limits);
  const ids = new Map<string, string>();
  const results: (OpResult | undefined)[] = new Array(ops.length);
  const createdBy = new Map(ops.filter((o) => o.bulkId && o.method === 'POST').map((o) => [o.bulkId!, o]));
  let errorsSeen = 0;
  let pending = ops.map((_, i) => i);
  // Operations whose references point at resources created later in the request wait for them (RFC 7644 §3.7.2);
  // what still cannot be resolved when no operation makes progress is reported as a 409 conflict.
  while (pending.length && errorsSeen < failOnErrors) {
    const next: number[] = [];
    let progressed = false;
    for (const i of pending) {
      if (errorsSeen >= failOnErrors) break;
      const op = ops[i]!;
      const refs = refsIn(op.data, new Set());
      const inPath = pathRef(op.path);
      if (inPath) refs.add(inPath);
      const waiting = [...refs].filter((r) => !ids.has(r) && createdBy.has(r) && !results[ops.indexOf(createdBy.get(r)!)]);
      if (waiting.length) {
        next.push(i);
        continue;
      }
      progressed = true;
      const missing = new Set<string>();
      const resolved: BulkOp = { ...op, path: resolvePath(op.path, ids, missing), data: resolveRefs(op.data, ids, missing) };
      const head = { method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}) };
      try {
        if (missing.size)
          throw errors.invalidValue(`bulkId reference(s) ${[...missing].map((x) => `"${x}"`).join(', ')} could not be resolved`);
        const r = await runOne(service, ctx, resolved);
        if (op.bulkId && typeof r.id === 'string') ids.set(op.bulkId, r.id);
        const { id: _id, ...rest } = r;
        results[i] = { ...head, ...rest };
      } catch (e) {
        const err = e instanceof ScimError ? e : errors.internal('the operation failed unexpectedly');
        errorsSeen++;
        results[i] = { ...head, status: String(err.status), response: err.toJSON() };
      }
    }
    if (!progressed) {
      for (const i of next) {
        const op = ops[i]!;
        errorsSeen++;
        results[i] = {
          method: op.method,
          ...(op.bulkId ? { bulkId: op.bulkId } : {}),
          status: '409',
          response: errors.conflict('its bulkId references form a cycle and cannot be resolved').toJSON(),
        };
      }
      break;
    }
    pending = next;
  }
  return {
    schemas: [SCHEMA.bulkResponse],
    Operations: results.filter((r): r is OpResult => r !== undefined).map((r) => JSON.parse(JSON.stringify(r)) as OpResult),
  };
}
