// What the Users and Groups services share: writes run in one transaction (retried after a PostgreSQL deadlock) with
// rows locked on PostgreSQL, the provisioning hook's verdict awaited after commit, and resources rendered in full.
import type { Transaction } from 'kysely';
import type { Store } from '../store/db.js';
import type { Database } from '../store/types.js';
import { UserRepository } from '../store/users.js';
import { GroupRepository } from '../store/groups.js';
import { externalIdHolder, lockName, type Json, type ResourceRecord } from '../store/resources.js';
import { SCHEMA } from '../scim/schemas.js';
import { renderUser, renderGroup, type StoredMeta } from '../scim/render.js';
import type { ProvisioningHook, Pending } from '../provisioning.js';
import { errors } from '../scim/errors.js';
import { checkIfMatch, type Preconditions, type RequestContext } from './context.js';

export const users = new UserRepository();
export const groups = new GroupRepository();
/** How often a write aborted by a PostgreSQL deadlock is tried in all before the error reaches the client. */
const MAX_TX_ATTEMPTS = 5;

export interface ServiceOptions {
  /** How many matches a filter evaluated in memory may hold before a list or search is refused as tooMany. */
  maxInMemoryMatches?: number;
}

/** A user's groups and Shopify extension, by user id. */
interface UserRelations {
  memberships: Map<string, { id: string; displayName: string }[]>;
  ext: Map<string, Json>;
}

export abstract class ResourceService {
  constructor(
    protected readonly store: Store,
    protected readonly hook: ProvisioningHook,
    protected readonly options: ServiceOptions = {},
  ) {}

  /**
   * Writes read the resource with its row locked on PostgreSQL, so parallel requests for one resource (Entra sends
   * membership changes for a group concurrently) apply one after another instead of overwriting each other.
   */
  protected get lockRows(): boolean {
    return this.store.dialect === 'postgres';
  }

  /**
   * Runs one write in a transaction. PostgreSQL aborts one of two writes that lock the same rows in opposite orders
   * (deleting a user while its group changes, say) with a deadlock or serialization error; as PostgreSQL advises,
   * that write is simply run again (everything it did was rolled back, hook jobs included).
   */
  protected async tx<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.db.transaction().execute(fn);
      } catch (e) {
        const code = (e as { code?: unknown })?.code;
        if (attempt >= MAX_TX_ATTEMPTS || (code !== '40P01' && code !== '40001')) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  /** The resource a write changes, its row locked (PostgreSQL) and the request's If-Match checked against it. */
  protected async current(
    tx: Transaction<Database>,
    kind: 'User' | 'Group',
    ctx: RequestContext,
    id: string,
    pre?: Preconditions,
  ): Promise<ResourceRecord> {
    const rec = await (kind === 'User' ? users : groups).get(tx, ctx.tenant.id, id, this.lockRows);
    if (!rec) throw errors.notFound(`${kind} ${id} not found`);
    checkIfMatch(pre, rec);
    return rec;
  }

  /**
   * Under the tenant's uniqueExternalId policy, a write may not give a resource an externalId that another resource of
   * the same client holds (409). RFC 7643 leaves externalId to the client, so by default it may repeat; an unchanged
   * externalId is never refused (it introduces no duplicate).
   */
  protected async checkExternalId(
    tx: Transaction<Database>,
    kind: 'User' | 'Group',
    ctx: RequestContext,
    data: Json,
    prev?: ResourceRecord,
  ): Promise<void> {
    const ext = data.externalId;
    if (!ctx.policies.uniqueExternalId || typeof ext !== 'string' || ext === '' || prev?.data.externalId === ext) return;
    const clientId = ctx.client?.id ?? null;
    if (this.lockRows) await lockName(tx, `externalId:${kind}:${ctx.tenant.id}:${clientId ?? ''}:${ext}`);
    if (await externalIdHolder(tx, kind === 'User' ? 'users' : 'groups', ctx.tenant.id, clientId, ext, prev?.id))
      throw errors.uniqueness(`another ${kind} from this client already has this externalId`);
  }

  /** Waits for what the hook made of a committed write; a refusal (e.g. Shopify's) becomes the request's error. */
  protected async settle(pending: Pending | undefined): Promise<void> {
    if (!pending) return;
    const err = await pending.settle();
    if (err) throw err;
  }

  /** Full representations of user records: computed groups and the server-maintained Shopify extension. */
  protected async renderUsers(ctx: RequestContext, records: ResourceRecord[]): Promise<Json[]> {
    const relations = await this.userRelations(
      ctx,
      records.map((r) => r.id),
    );
    return this.renderUsersWith(ctx, records, relations);
  }

  /** What a user's representation holds beyond its own row: its groups and its Shopify extension. */
  protected async userRelations(ctx: RequestContext, ids: string[]): Promise<UserRelations> {
    const [memberships, ext] = await Promise.all([
      users.groupsOf(this.store.db, ctx.tenant.id, ids),
      this.hook.userExtensions(ctx.tenant.id, ids),
    ]);
    return { memberships, ext };
  }

  protected renderUsersWith(ctx: RequestContext, records: ResourceRecord[], { memberships, ext }: UserRelations): Json[] {
    const extensionUris = ctx.userType.extensions.map((e) => e.schema.id);
    return records.map((r) => {
      const e = ext.get(r.id);
      const data = e ? { ...r.data, [SCHEMA.shopify]: e } : r.data;
      return renderUser({ ...(r as StoredMeta), data }, memberships.get(r.id) ?? [], `${ctx.baseUrl}/Users/${r.id}`, extensionUris);
    });
  }

  /**
   * User representations from the stored documents alone: no groups, no Shopify extension (each a read of its own),
   * which is enough to evaluate a filter that names neither.
   */
  protected storedUsers(ctx: RequestContext): { without: string[]; build(records: ResourceRecord[]): Json[] } {
    const extensionUris = ctx.userType.extensions.map((e) => e.schema.id);
    return {
      without: ['groups', SCHEMA.shopify.toLowerCase()],
      build: (records) =>
        records.map((r) => renderUser(r as StoredMeta & { data: Json }, [], `${ctx.baseUrl}/Users/${r.id}`, extensionUris)),
    };
  }

  /** Group representations without their members (read from rows of their own), for filters that do not name them. */
  protected storedGroups(ctx: RequestContext): { without: string[]; build(records: ResourceRecord[]): Json[] } {
    return { without: ['members'], build: (records) => records.map((r) => renderGroup(r, undefined, `${ctx.baseUrl}/Groups/${r.id}`)) };
  }

  /** Full representations of group records, members with their display names unless `withMembers` is false. */
  protected async renderGroups(ctx: RequestContext, records: ResourceRecord[], withMembers = true): Promise<Json[]> {
    const members = withMembers
      ? await groups.membersOf(
          this.store.db,
          ctx.tenant.id,
          records.map((r) => r.id),
        )
      : undefined;
    let names = new Map<string, string>();
    if (members) {
      const all = [...new Set([...members.values()].flat().map((m) => m.value))];
      names = await this.displayNames(ctx.tenant.id, all);
    }
    return records.map((r) =>
      renderGroup(
        r,
        members ? (members.get(r.id) ?? []).map((m) => ({ ...m, display: names.get(m.value) })) : undefined,
        `${ctx.baseUrl}/Groups/${r.id}`,
      ),
    );
  }

  private async displayNames(tenantId: string, ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const u of await users.getMany(this.store.db, tenantId, ids)) out.set(u.id, String(u.data.displayName ?? u.data.userName ?? ''));
    for (const g of await groups.getMany(this.store.db, tenantId, ids)) out.set(g.id, String(g.data.displayName ?? ''));
    return out;
  }
}
