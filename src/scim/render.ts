// Turns stored resource JSON into the representation a client sees: id, meta (with the ETag), computed attributes
// (User.groups, Group.members) and the schemas list. Pure: the caller supplies the base URL and memberships.
import { SCHEMA } from './schemas.js';

type Json = Record<string, unknown>;

export interface StoredMeta {
  id: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The weak ETag of a resource version, as sent in meta.version and the ETag header. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** Parses If-Match / If-None-Match values: `*`, or a list of (weak or strong) tags; returns versions, or 'any'. */
export function parseEtagList(header: string | undefined): 'any' | string[] | undefined {
  if (header === undefined) return undefined;
  const h = header.trim();
  if (h === '*') return 'any';
  return h
    .split(',')
    .map((t) => t.trim().replace(/^W\//i, ''))
    .filter(Boolean)
    .map((t) => t.replace(/^"|"$/g, ''));
}

/** True when the header's tags include the resource's version (weak comparison, RFC 7232 §2.3.2). */
export function etagMatches(header: 'any' | string[], version: number): boolean {
  return header === 'any' || header.includes(String(version));
}

function schemasFor(core: string, data: Json, extensions: string[]): string[] {
  const present = extensions.filter((u) => data[u] !== undefined && data[u] !== null);
  return [core, ...present];
}

/** The full User representation (before attribute projection). */
export function renderUser(
  rec: StoredMeta & { data: Json },
  groups: { id: string; displayName: string }[],
  location: string,
  extensionUris: string[] = [SCHEMA.enterprise, SCHEMA.shopify],
): Json {
  const { schemas: _ignored, ...data } = rec.data;
  const out: Json = {
    schemas: schemasFor(SCHEMA.user, data, extensionUris),
    id: rec.id,
    ...data,
  };
  if (groups.length)
    out.groups = groups.map((g) => ({
      value: g.id,
      $ref: location.replace(/\/Users\/[^/]+$/, `/Groups/${g.id}`),
      display: g.displayName,
      type: 'direct',
    }));
  out.meta = { resourceType: 'User', created: rec.createdAt, lastModified: rec.updatedAt, location, version: etagOf(rec.version) };
  return out;
}

/** The full Group representation; `members` is omitted (not emptied) when the caller did not load them. */
export function renderGroup(
  rec: StoredMeta & { data: Json },
  members: { value: string; type: 'User' | 'Group'; display?: string }[] | undefined,
  location: string,
): Json {
  const { schemas: _ignored, members: _m, ...data } = rec.data;
  const out: Json = { schemas: [SCHEMA.group], id: rec.id, ...data };
  if (members && members.length) {
    const base = location.replace(/\/Groups\/[^/]+$/, '');
    out.members = members.map((m) => ({
      value: m.value,
      $ref: `${base}/${m.type === 'User' ? 'Users' : 'Groups'}/${m.value}`,
      type: m.type,
      ...(m.display ? { display: m.display } : {}),
    }));
  }
  out.meta = { resourceType: 'Group', created: rec.createdAt, lastModified: rec.updatedAt, location, version: etagOf(rec.version) };
  return out;
}
