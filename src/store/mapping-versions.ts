// The history of a tenant's mapping documents (table mapping_versions): each save is a new numbered version, so a
// merchant can see what changed when, and put an earlier document back by saving it again.
import type { Selectable } from 'kysely';
import type { MappingVersionsTable } from './types.js';
import type { Db } from './resources.js';
import type { MappingDocument } from '../mapping/index.js';

export interface MappingVersion {
  version: number;
  savedAt: string;
  savedBy: string;
  /** 'put', 'import', 'preset:<name>' or 'tags' */
  source: string;
  comment: string | null;
  document: MappingDocument;
}

export type MappingVersionInfo = Omit<MappingVersion, 'document'> & { preset: string | null; rules: number };

const toVersion = (r: Selectable<MappingVersionsTable>): MappingVersion => ({
  version: Number(r.version),
  savedAt: r.created_at,
  savedBy: r.actor,
  source: r.source,
  comment: r.comment,
  document: JSON.parse(r.document) as MappingDocument,
});

/** A version without its document, as lists show it. */
export function versionInfo(v: MappingVersion): MappingVersionInfo {
  const { document, ...rest } = v;
  return { ...rest, preset: document.preset ?? null, rules: document.rules.length };
}

export class MappingVersionRepository {
  async get(db: Db, tenantId: string, version: number): Promise<MappingVersion | undefined> {
    const r = await db
      .selectFrom('mapping_versions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('version', '=', version)
      .executeTakeFirst();
    return r && toVersion(r);
  }

  async latestNumber(db: Db, tenantId: string): Promise<number> {
    const r = await db
      .selectFrom('mapping_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r?.v ?? 0);
  }

  /** Newest first; `before` pages back through older versions. */
  async list(db: Db, tenantId: string, opts: { limit: number; before?: number }): Promise<MappingVersion[]> {
    let q = db.selectFrom('mapping_versions').selectAll().where('tenant_id', '=', tenantId);
    if (opts.before !== undefined) q = q.where('version', '<', opts.before);
    const rows = await q.orderBy('version', 'desc').limit(opts.limit).execute();
    return rows.map(toVersion);
  }

  async insert(db: Db, tenantId: string, v: Omit<MappingVersion, 'savedAt'> & { savedAt?: string }): Promise<MappingVersion> {
    const savedAt = v.savedAt ?? new Date().toISOString();
    await db
      .insertInto('mapping_versions')
      .values({
        tenant_id: tenantId,
        version: v.version,
        document: JSON.stringify(v.document),
        created_at: savedAt,
        actor: v.savedBy,
        source: v.source,
        comment: v.comment,
      })
      .execute();
    return { ...v, savedAt };
  }
}
