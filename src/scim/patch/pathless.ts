// Reads the value of a path-less add/replace (or one addressed to an extension's URN) into what to apply, in the
// client's order: plain attribute entries, and filtered keys such as Entra's `emails[type eq "work"].value`.
import type { ResourceTypeDef } from '../schemas.js';
import { ok, type Result } from '../errors.js';
import { readEntries, resolveKey, type BodyEntry } from '../resource/keys.js';

/** One part of a path-less value: an attribute entry, or a filtered key to apply as the same op with that path. */
export type ValuePart = { kind: 'entry'; entry: BodyEntry } | { kind: 'path'; path: string; value: unknown };

/**
 * Splits a path-less value into parts. A key holding a value filter becomes a path (prefixed with `schemaId` when
 * the value belongs to an extension), unless the attribute it filters is unknown: unknown names are dropped, as
 * everywhere in a path-less value.
 */
export function readValueParts(value: Record<string, unknown>, rt: ResourceTypeDef, schemaId?: string): Result<ValuePart[]> {
  const parts: ValuePart[] = [];
  for (const [key, v] of Object.entries(value)) {
    const bracket = key.indexOf('[');
    if (bracket > 0) {
      const path = schemaId ? `${schemaId}:${key}` : key;
      if (resolveKey(rt, path.slice(0, path.length - key.length + bracket)).kind !== 'attribute') continue;
      parts.push({ kind: 'path', path, value: v });
      continue;
    }
    const entries = readEntries(schemaId ? { [schemaId]: { [key]: v } } : { [key]: v }, rt);
    if (!entries.ok) return entries;
    for (const entry of entries.value) parts.push({ kind: 'entry', entry });
  }
  return ok(parts);
}
