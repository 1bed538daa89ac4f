// A tenant's mapping as the merchant edits it: the current document and its version, saving a validated document as
// a new version (with the metafield definitions it needs created on the shop), presets, and the tag settings.
import type { Tenant } from '../store/tenants.js';
import {
  getPreset,
  metafieldDefinitions,
  PRESET_NAMES,
  validateMapping,
  type MappingDocument,
  type MappingIssue,
  type TagSettings,
} from '../mapping/index.js';
import { readTenantSchemas } from '../scim/tenant-schemas.js';
import { readMapping, readPolicies, deactivatedTag, SettingsError } from '../settings/policies.js';
import { AdminError, adminErrors } from './errors.js';
import { shopsOf, updateSettings, type AdminDeps } from './context.js';
import { MappingVersionRepository, type MappingVersion } from '../store/mapping-versions.js';
import { ensureDefinitions, type DefinitionOutcome } from './definitions.js';
import { audit } from '../store/resources.js';
import { requeueHeldUsers } from '../sync/refusals.js';

const versions = new MappingVersionRepository();

export interface CurrentMapping {
  /** 0 until a mapping is saved (the default preset applies, or a document set outside the admin API) */
  version: number;
  savedAt: string | null;
  savedBy: string | null;
  source: string;
  document: MappingDocument;
}

export interface SaveResult {
  version: number;
  document: MappingDocument;
  warnings: MappingIssue[];
  /** what happened to each metafield definition on the shop; absent when no shop is connected */
  definitions?: DefinitionOutcome[];
}

export interface SaveOptions {
  /** 'put', 'import', 'preset:<name>', 'tags' */
  source: string;
  comment?: string;
  /** refuse the save (409) unless the current version is this one: two editors never silently overwrite each other */
  expectedVersion?: number;
}

/** The tenant's saved mapping version number (settings.mappingVersion), 0 when none was saved through here. */
export function mappingVersionOf(settings: Record<string, unknown>): number {
  const v = settings.mappingVersion;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 0;
}

/** The mapping the engine applies now, with its version and where it came from. */
export async function currentMapping(deps: Pick<AdminDeps, 'db'>, tenant: Tenant): Promise<CurrentMapping> {
  let document: MappingDocument;
  try {
    document = readMapping(tenant.settings);
  } catch (e) {
    if (e instanceof SettingsError) throw adminErrors.invalidMapping(`the stored mapping cannot be read: ${e.message}; save a valid one`);
    throw e;
  }
  const version = mappingVersionOf(tenant.settings);
  if (version > 0) {
    const v = await versions.get(deps.db, tenant.id, version);
    if (v) return { version, savedAt: v.savedAt, savedBy: v.savedBy, source: v.source, document };
  }
  const source = tenant.settings.mapping === undefined || tenant.settings.mapping === null ? 'default' : 'settings';
  return { version: 0, savedAt: null, savedBy: null, source, document };
}

/** Validates a document against the tenant's declared extension schemas; 400 naming every problem when invalid. */
export function checkMapping(tenant: Pick<Tenant, 'settings'>, input: unknown): { document: MappingDocument; warnings: MappingIssue[] } {
  const v = validateMapping(input, { schemas: readTenantSchemas(tenant.settings) });
  if (!v.ok) {
    const n = v.errors.length;
    throw adminErrors.invalidMapping(`the mapping has ${n} problem${n === 1 ? '' : 's'}: ${v.errors.map((e) => e.message).join('; ')}`, {
      errors: v.errors,
      warnings: v.warnings,
    });
  }
  return { document: v.value, warnings: v.warnings };
}

/**
 * Saves a mapping document as the tenant's next version (nothing is saved when it is invalid), then creates the
 * metafield definitions it needs on the shop when one is connected; a definition that fails is reported, not fatal.
 */
export async function saveMapping(deps: AdminDeps, tenant: Tenant, input: unknown, opts: SaveOptions): Promise<SaveResult> {
  const { document, warnings } = checkMapping(tenant, input);
  const saved = await updateSettings(deps, tenant.id, async (settings, tx) => {
    const current = mappingVersionOf(settings);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== current) {
      throw adminErrors.versionConflict(
        `the mapping is at version ${current}, not ${opts.expectedVersion}: someone saved it meanwhile; reload and apply your change again`,
      );
    }
    const version = Math.max(current, await versions.latestNumber(tx, tenant.id)) + 1;
    await versions.insert(tx, tenant.id, { version, document, savedBy: deps.actor, source: opts.source, comment: opts.comment ?? null });
    // the comment is the merchant's free text: it stays with the version, not in the log
    await audit(tx, {
      tenantId: tenant.id,
      actor: deps.actor,
      action: 'mapping.save',
      resourceType: 'Mapping',
      resourceId: String(version),
      detail: { version, source: opts.source, rules: document.rules.length },
    });
    settings.mapping = document;
    settings.mappingVersion = version;
    // Users Shopify could not take may be taken now: their syncs run again.
    await requeueHeldUsers(tx, tenant.id, 'mapping');
    return { version, settings };
  });
  deps.wake?.();
  const result: SaveResult = { version: saved.version, document, warnings };
  const shops = shopsOf(deps);
  const client = shops?.clientFor({ settings: saved.settings });
  if (client) result.definitions = await ensureDefinitions(client, metafieldDefinitions(document));
  return result;
}

/** Saves a preset as the next version: the one-step choice of an IdP. */
export async function selectPreset(
  deps: AdminDeps,
  tenant: Tenant,
  name: unknown,
  opts: Omit<SaveOptions, 'source'> = {},
): Promise<SaveResult> {
  const preset = typeof name === 'string' ? getPreset(name) : undefined;
  if (!preset)
    throw adminErrors.unknownPreset(`no preset named ${JSON.stringify(name)}; choose one of ${PRESET_NAMES.join(', ')}`, {
      presets: [...PRESET_NAMES],
    });
  return saveMapping(deps, tenant, preset, { ...opts, source: `preset:${preset.preset ?? String(name)}` });
}

/** Saved versions, newest first (documents left out); `before` pages back. */
export async function listVersions(
  deps: Pick<AdminDeps, 'db'>,
  tenant: Tenant,
  opts: { limit?: number; before?: number } = {},
): Promise<MappingVersion[]> {
  return versions.list(deps.db, tenant.id, {
    limit: Math.min(Math.max(opts.limit ?? 50, 1), 200),
    ...(opts.before ? { before: opts.before } : {}),
  });
}

/** One saved version with its document, or 404. */
export async function getVersion(deps: Pick<AdminDeps, 'db'>, tenant: Tenant, version: number): Promise<MappingVersion> {
  const v = Number.isInteger(version) && version > 0 ? await versions.get(deps.db, tenant.id, version) : undefined;
  if (!v) throw adminErrors.notFound(`tenant "${tenant.name}" has no mapping version ${version}`);
  return v;
}

export interface TagView {
  tags: TagSettings;
  /** the tag deactivated customers really get: the deprovisioning policy's deactivatedTag wins over the mapping's */
  effectiveDeactivatedTag: string;
  mappingVersion: number;
}

/** The mapping's tag settings and the deactivation tag in force. */
export async function getTags(deps: Pick<AdminDeps, 'db'>, tenant: Tenant): Promise<TagView> {
  const cur = await currentMapping(deps, tenant);
  let effective = cur.document.tags.deactivatedTag || 'scim-deactivated';
  try {
    effective = deactivatedTag(readPolicies(tenant.settings), cur.document);
  } catch {
    // invalid stored policies: the mapping's tag is what a repaired policy would fall back to
  }
  return { tags: cur.document.tags, effectiveDeactivatedTag: effective, mappingVersion: cur.version };
}

/** Replaces the mapping's tag settings, saved as a new mapping version (the tags are part of the document). */
export async function putTags(deps: AdminDeps, tenant: Tenant, tags: unknown, opts: Omit<SaveOptions, 'source'> = {}): Promise<SaveResult> {
  if (!tags || typeof tags !== 'object' || Array.isArray(tags))
    throw adminErrors.invalidTags('send the tag settings as a JSON object, e.g. {"static":["staff"],"groupPrefix":"group:"}');
  const cur = await currentMapping(deps, tenant);
  try {
    return await saveMapping(deps, tenant, { ...cur.document, tags }, { ...opts, source: 'tags' });
  } catch (e) {
    if (e instanceof AdminError && e.code === 'INVALID_MAPPING')
      throw adminErrors.invalidTags(e.message.replace('the mapping has', 'the tag settings have'), e.details);
    throw e;
  }
}
