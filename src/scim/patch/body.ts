// Reads a PatchOp request body (RFC 7644 §3.5.2) into a list of operations, tolerating the spellings real clients use:
// capitalised ops (Entra "Replace"), lower-case ones (OneLogin), any case of member names, an empty path for none.
//
// `schemas` may be omitted: the Operations array is unambiguous and some custom clients leave it out. When present
// it must name urn:ietf:params:scim:api:messages:2.0:PatchOp, so a resource sent to PATCH by mistake is refused.
import { SCHEMA } from '../schemas.js';
import { errors, fail, ok, type Result } from '../errors.js';
import { isObject, type Json } from '../resource/values.js';

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: PatchOpName;
  /** undefined when the client sent no path (or an empty one) */
  path?: string;
  /** undefined when the client sent no value; null when it sent JSON null */
  value: unknown;
}

/** Reads a member of an object whatever its case: `Operations`, `operations`, `Op`, `PATH`. */
function member(obj: Json, name: string): unknown {
  if (name in obj) return obj[name];
  const l = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === l);
  return key === undefined ? undefined : obj[key];
}

/** Validates a PATCH body and returns its operations in order; an empty Operations array is valid and changes nothing. */
export function readPatchBody(body: unknown): Result<PatchOperation[]> {
  if (!isObject(body)) return fail(errors.invalidSyntax('The PATCH body must be a JSON object with an Operations array.'));
  const schemas = member(body, 'schemas');
  if (schemas !== undefined && schemas !== null) {
    const list = Array.isArray(schemas) ? schemas : [schemas];
    if (!list.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA.patchOp.toLowerCase())) {
      return fail(errors.invalidSyntax(`A PATCH body's schemas must include '${SCHEMA.patchOp}'.`));
    }
  }
  const ops = member(body, 'Operations');
  if (!Array.isArray(ops)) return fail(errors.invalidSyntax('The PATCH body must have an Operations array.'));
  const out: PatchOperation[] = [];
  for (let i = 0; i < ops.length; i++) {
    const raw = ops[i];
    const where = `Operations[${i}]`;
    if (!isObject(raw)) return fail(errors.invalidSyntax(`${where} must be an object with "op", "path" and "value".`));
    const op = member(raw, 'op');
    const name = typeof op === 'string' ? op.trim().toLowerCase() : '';
    if (name !== 'add' && name !== 'replace' && name !== 'remove') {
      return fail(errors.invalidSyntax(`${where}: "op" must be "add", "replace" or "remove"; got ${JSON.stringify(op ?? null)}.`));
    }
    const path = member(raw, 'path');
    if (path !== undefined && path !== null && typeof path !== 'string') {
      return fail(errors.invalidPath(`${where}: "path" must be a string.`));
    }
    const value = member(raw, 'value');
    if (name !== 'remove' && value === undefined) {
      return fail(errors.invalidSyntax(`${where}: an "${name}" operation needs a "value".`));
    }
    const trimmed = typeof path === 'string' ? path.trim() : '';
    out.push({ op: name, ...(trimmed ? { path: trimmed } : {}), value });
  }
  return ok(out);
}
