// A search across resource types (POST /.search, RFC 7644 §3.4.3): Users, then Groups, cut into one page. A sortBy
// only one type has (userName, say) sorts that type; the other's resources have no value for it and come after them
// ascending, before them descending, as missing values do within one type.
import { errors } from '../scim/errors.js';
import { groupResourceType, type ResourceTypeDef } from '../scim/schemas.js';
import { parseSortKey } from '../scim/sort.js';
import type { ListParams } from '../scim/list-params.js';
import type { Json } from '../store/resources.js';
import type { RequestContext } from './context.js';
import type { ScimService } from './service.js';

export interface SearchPage {
  totalResults: number;
  /** each resource with the type it is projected by */
  resources: { rt: ResourceTypeDef; resource: Json }[];
}

export async function searchAll(service: ScimService, c: RequestContext, p: ListParams): Promise<SearchPage> {
  const types = [
    { rt: c.userType, list: (q: ListParams) => service.users.list(c, q) },
    { rt: groupResourceType, list: (q: ListParams) => service.groups.list(c, q) },
  ].map((t) => ({ ...t, sorted: !p.sortBy || parseSortKey(t.rt, p.sortBy).ok }));
  if (p.sortBy && !types.some((t) => t.sorted)) throw errors.invalidValue(`sortBy "${p.sortBy}" is not an attribute of any resource type`);
  const ordered = types.filter((t) => t.sorted);
  const unsorted = types.filter((t) => !t.sorted);
  const sequence = p.sortOrder === 'descending' ? [...unsorted, ...ordered] : [...ordered, ...unsorted];
  // Each type in turn, then the next; the page is cut from that sequence by asking each type only for its part of
  // the window, so no request loads more than `count` resources whatever startIndex is.
  let skip = p.startIndex - 1;
  let room = p.count;
  let totalResults = 0;
  const resources: SearchPage['resources'] = [];
  for (const t of sequence) {
    const r = await t.list({ ...p, ...(t.sorted ? {} : { sortBy: undefined }), startIndex: skip + 1, count: room });
    resources.push(...r.resources.map((resource) => ({ rt: t.rt, resource })));
    totalResults += r.total;
    skip = Math.max(0, skip - r.total);
    room -= r.resources.length;
  }
  return { totalResults, resources };
}
