// Customer tags the bridge manages: cleaning them to what Shopify stores, deriving group tags, and the diff that
// adds what is wanted and removes only tags the bridge itself put there, never a merchant's or another app's.
import type { TagSettings } from './document.js';

/** Shopify keeps at most 255 characters per tag. */
export const MAX_TAG_LENGTH = 255;

export type CleanTag = { ok: true; tag: string; note?: string } | { ok: false; reason: string };

/**
 * Cleans a tag the way Shopify would store it: commas separate tags in Shopify, so they become spaces; white space
 * is collapsed; longer tags are cut to 255 characters (and say so).
 */
export function cleanTag(raw: string): CleanTag {
  const tag = raw.replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
  if (tag === '') return { ok: false, reason: 'is empty' };
  const chars = Array.from(tag);
  if (chars.length > MAX_TAG_LENGTH)
    return { ok: true, tag: chars.slice(0, MAX_TAG_LENGTH).join('').trimEnd(), note: `was cut to ${MAX_TAG_LENGTH} characters` };
  return { ok: true, tag, ...(raw.includes(',') ? { note: 'had commas, which Shopify reads as tag separators; they became spaces' } : {}) };
}

/** Shopify compares tags without regard to case: "VIP" and "vip" are one tag. */
export const tagKey = (tag: string): string => tag.toLowerCase();

/** Removes duplicates (case-insensitively), keeping the first spelling and the order. */
export function uniqueTags(tags: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of tags) {
    const k = tagKey(t);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(t);
  }
  return out;
}

export interface GroupRef {
  id: string;
  displayName: string;
  externalId?: string | null;
}

/**
 * The entry of `groupTags` that names a group: its id (exactly) first, then its displayName (without regard to case,
 * as SCIM compares displayName). Undefined when the map names the group neither way.
 */
export function explicitGroupTag(
  group: GroupRef,
  explicit: Readonly<Record<string, string | null>> | undefined,
): { key: string; tag: string | null } | undefined {
  if (!explicit) return undefined;
  if (Object.hasOwn(explicit, group.id)) return { key: group.id, tag: explicit[group.id] ?? null };
  const name = (group.displayName ?? '').toLowerCase();
  for (const [key, tag] of Object.entries(explicit)) if (key.toLowerCase() === name) return { key, tag };
  return undefined;
}

/**
 * The tag each group gives its members. A group `groupTags` names (by id or displayName) gives exactly the tag written
 * there, or none for null. Any other group gives prefix + displayName (or externalId, falling back to displayName
 * when a group has none), and with groupRename 'keep' also the tags it gave before (by id), so a group renamed at
 * the IdP leaves its old tag on its members.
 */
export function groupTags(
  groups: readonly GroupRef[],
  settings: Pick<TagSettings, 'groupPrefix' | 'groupTagFrom' | 'groupRename'> & { groupTags?: TagSettings['groupTags'] },
  previous?: Record<string, string[]>,
): { byGroup: Record<string, string[]>; notes: string[] } {
  const byGroup: Record<string, string[]> = {};
  const notes: string[] = [];
  for (const g of groups) {
    const explicit = explicitGroupTag(g, settings.groupTags);
    if (explicit) {
      // Chosen by hand: exactly this tag (a mapping edit replaces the old one, whatever groupRename says).
      const clean = explicit.tag === null ? undefined : cleanTag(explicit.tag);
      if (clean && !clean.ok) notes.push(`group ${g.id} gives no tag: its tags.groupTags entry ${clean.reason}`);
      byGroup[g.id] = clean?.ok ? [clean.tag] : [];
      continue;
    }
    const name = settings.groupTagFrom === 'externalId' && g.externalId ? g.externalId : g.displayName;
    if (settings.groupTagFrom === 'externalId' && !g.externalId)
      notes.push(`group ${g.id} has no externalId; its tag uses the displayName`);
    const clean = cleanTag(`${settings.groupPrefix}${name ?? ''}`);
    const tags: string[] = [];
    if (clean.ok) tags.push(clean.tag);
    else notes.push(`group ${g.id} gives no tag: its name ${clean.reason}`);
    if (settings.groupRename === 'keep') tags.push(...(previous?.[g.id] ?? []));
    byGroup[g.id] = uniqueTags(tags);
  }
  return { byGroup, notes };
}

/** The tags the bridge manages on a desired customer: what to remember as previouslyManaged after a write. */
export function managedTags(desired: { tags: readonly string[] }): string[] {
  const out: string[] = [];
  for (const t of desired.tags) {
    const c = cleanTag(t);
    if (c.ok) out.push(c.tag);
  }
  return uniqueTags(out);
}

export interface TagDiff {
  add: string[];
  remove: string[];
}

/**
 * What to add to and remove from a customer's tags so that every desired managed tag is present and every tag the
 * bridge managed before, and no longer wants, is gone. A tag is removed only if it was previously managed (or starts
 * with the tenant's managedPrefix); any other tag on the customer is left exactly as it is. Comparisons ignore case,
 * as Shopify's do; removals use the spelling the customer has.
 * @example diffTags(['vip', 'group:Sales'], ['group:Sales'], ['group:Support']) // { add: ['group:Support'], remove: ['group:Sales'] }
 */
export function diffTags(
  currentShopifyTags: readonly string[],
  previouslyManaged: readonly string[],
  desiredManaged: readonly string[],
  opts: { managedPrefix?: string } = {},
): TagDiff {
  const current = new Set(currentShopifyTags.map(tagKey));
  const desired = new Set(desiredManaged.map(tagKey));
  const managed = new Set(previouslyManaged.map(tagKey));
  const prefix = opts.managedPrefix ? tagKey(opts.managedPrefix) : undefined;
  const add = uniqueTags(desiredManaged.filter((t) => !current.has(tagKey(t))));
  const remove = uniqueTags(
    currentShopifyTags.filter((t) => {
      const k = tagKey(t);
      return !desired.has(k) && (managed.has(k) || (prefix !== undefined && k.startsWith(prefix)));
    }),
  );
  return { add, remove };
}

/**
 * The desired tags the bridge may call its own once a diff is applied: those the customer did not have before, and
 * those it had because the bridge set them (previously managed). A desired tag the customer already carried for
 * another reason (a merchant's `vip` on an adopted customer) stays theirs, so dropping it later never removes it.
 * @example claimedTags(['vip'], [], ['vip', 'group:Sales']) // ['group:Sales']
 */
export function claimedTags(
  currentShopifyTags: readonly string[],
  previouslyManaged: readonly string[],
  desiredManaged: readonly string[],
): string[] {
  const had = new Set(currentShopifyTags.map(tagKey));
  const managed = new Set(previouslyManaged.map(tagKey));
  return desiredManaged.filter((t) => !had.has(tagKey(t)) || managed.has(tagKey(t)));
}

/** The tags a customer ends with after a diff is applied (used by the preview and by tests of the diff). */
export function applyTagDiff(current: readonly string[], diff: TagDiff): string[] {
  const gone = new Set(diff.remove.map(tagKey));
  return uniqueTags([...current.filter((t) => !gone.has(tagKey(t))), ...diff.add]);
}
