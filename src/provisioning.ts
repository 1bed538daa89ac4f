// The seam between the SCIM layer and the sync engine: the SCIM service calls these hooks inside its write
// transaction (to enqueue Shopify work atomically with the change) and after commit (to wait for the outcome).
import type { Transaction } from 'kysely';
import type { Database } from './store/types.js';
import type { Member } from './store/groups.js';
import type { ResourceRecord, Json } from './store/resources.js';
import type { Tenant, Client } from './store/tenants.js';
import type { ScimError } from './scim/errors.js';

export type WriteOp = 'create' | 'replace' | 'patch' | 'delete' | 'restore';

/** One write of a resource: who made it, and the record before (absent on create) and after (absent on delete). */
interface ResourceChange {
  tenant: Tenant;
  client: Client | null;
  op: WriteOp;
  before?: ResourceRecord;
  after?: ResourceRecord;
}

export interface UserChange extends ResourceChange {
  changedPaths: string[];
}

export interface GroupChange extends ResourceChange {
  added: Member[];
  removed: Member[];
  /** all members after the change (before it, for a delete) */
  members: Member[];
}

/** What the hook hands back from a write, to be settled after commit. */
export interface Pending {
  /** Waits (bounded) for the Shopify outcome; an error means the change was refused and has been undone. */
  settle(): Promise<ScimError | undefined>;
}

export interface ProvisioningHook {
  userWritten(tx: Transaction<Database>, change: UserChange): Promise<Pending | undefined>;
  groupWritten(tx: Transaction<Database>, change: GroupChange): Promise<Pending | undefined>;
  /** Attributes the server maintains on users (the Shopify extension), keyed by user id. */
  userExtensions(tenantId: string, userIds: string[]): Promise<Map<string, Json>>;
  /**
   * The same for the user holding a userName (lower-cased), keyed by its id, read without knowing the id: a look-up
   * by userName reads the user and what it carries at once, one round trip on PostgreSQL instead of two.
   */
  userExtensionsByUserName?(tenantId: string, userNameLc: string): Promise<Map<string, Json>>;
}

/** A hook that does nothing: the SCIM server on its own, for tests of the protocol layer. */
export const noProvisioning: ProvisioningHook = {
  async userWritten() {
    return undefined;
  },
  async groupWritten() {
    return undefined;
  },
  async userExtensions() {
    return new Map();
  },
};
