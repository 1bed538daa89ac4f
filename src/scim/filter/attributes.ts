// Resolves the attribute a filter names, as schemas.ts does, plus `schemas`, which every resource carries but no
// schema lists (RFC 7644 §3.4.2.2's example `schemas eq "urn:…:enterprise:2.0:User"` filters on it).
import { attr, resolveAttribute, type ResolvedAttribute, type ResourceTypeDef } from '../schemas.js';
import type { AttrPath } from './ast.js';

const schemasAttribute = attr('schemas', 'reference', {
  multiValued: true,
  description: 'The schemas of the resource.',
  mutability: 'readOnly',
});

/** The attribute a filter path names in a resource type, or undefined when it names none. */
export function resolveFilterPath(rt: ResourceTypeDef, p: AttrPath): ResolvedAttribute | undefined {
  const r = resolveAttribute(rt, p.uri, p.attr, p.sub);
  if (r) return r;
  if (p.attr.toLowerCase() === 'schemas' && !p.sub && (!p.uri || p.uri.toLowerCase() === rt.schema.id.toLowerCase())) {
    return { schemaId: rt.schema.id, core: true, def: schemasAttribute };
  }
  return undefined;
}
