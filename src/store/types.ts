// Row types of every table, as Kysely sees them. Timestamps are ISO-8601 strings (UTC, milliseconds) so that they
// compare correctly as text in SQLite and PostgreSQL alike; booleans are 0/1 integers for the same reason.
import type { ColumnType, Generated } from 'kysely';

export interface TenantsTable {
  id: string;
  /** URL-safe name used in the SCIM base URL: /scim/v2/<name> */
  name: string;
  display_name: string;
  created_at: string;
  /** JSON: per-tenant settings (policies, mapping, shop connection); secrets inside are encrypted. */
  settings: string;
}

export interface ClientsTable {
  id: string;
  tenant_id: string;
  label: string;
  /** sha256 of the token, hex; the token itself is shown once and never stored. */
  token_hash: string;
  /** first characters of the token, to recognise it in lists */
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** when the token stops being accepted (ISO time), or null for never */
  expires_at: string | null;
}

export interface UsersTable {
  tenant_id: string;
  id: string;
  user_name: string;
  /** lower-cased userName: uniqueness and case-insensitive filters */
  user_name_lc: string;
  external_id: string | null;
  /** the client that set externalId; externalId is unique per client */
  external_id_client: string | null;
  display_name_lc: string | null;
  given_name_lc: string | null;
  family_name_lc: string | null;
  active: number;
  created_at: string;
  updated_at: string;
  version: number;
  /** JSON of the resource without id, meta and groups (those are derived). */
  data: string;
  /** the client that created the resource */
  created_by: string | null;
}

export interface UserEmailsTable {
  tenant_id: string;
  user_id: string;
  value_lc: string;
  type_lc: string | null;
  primary: number;
}

export interface GroupsTable {
  tenant_id: string;
  id: string;
  display_name: string;
  display_name_lc: string;
  external_id: string | null;
  external_id_client: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  /** JSON of the resource without id, meta and members (members live in group_members). */
  data: string;
  created_by: string | null;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  member_id: string;
  member_type: 'User' | 'Group';
}

export interface AuditLogTable {
  id: Generated<number>;
  tenant_id: string;
  at: string;
  /** 'client:<id>' (a SCIM client), 'admin' (the admin API), 'cli' (the commands), 'shopify' or 'system' */
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  /** JSON: what changed (attribute paths, outcome), never personal values */
  detail: string;
}

export interface CustomerLinksTable {
  tenant_id: string;
  user_id: string;
  /** gid://shopify/Customer/<n>, null until created or adopted */
  customer_id: string | null;
  sync_state: 'pending' | 'synced' | 'failed';
  sync_error: string | null;
  sync_error_code: string | null;
  last_attempt_at: string | null;
  last_synced_at: string | null;
  /** users.version that the last successful sync applied */
  synced_version: number | null;
  /** fingerprint of the customer state last written, to recognise our own webhook echoes */
  fingerprint: string | null;
  /** JSON array of the tags the bridge set and may remove */
  managed_tags: string;
  /** Shopify's updatedAt of the newest state seen, so late webhooks never overwrite newer state */
  shopify_updated_at: string | null;
  /** policy applied on deactivation ('tag', 'deleted', 'erasure-requested'), null while active */
  deprovisioned: string | null;
  /** JSON {id, deactivated}: the customer deleted in Shopify this link held (a merge may move the user on) */
  deleted_customer: string | null;
  updated_at: string;
  /** JSON: the mapping's AppliedState of the last successful sync (group tags, targets set), see mapping/to-shopify */
  applied_state: string | null;
}

export interface OutboxJobsTable {
  id: Generated<number>;
  tenant_id: string;
  /** 'shopify' for customer writes; 'target:<id>' for outbound targets */
  queue: string;
  /** ordering key: jobs with the same key run one at a time, oldest first (e.g. 'user:<id>') */
  key: string;
  kind: string;
  payload: string;
  state: 'queued' | 'running' | 'done' | 'dead' | 'coalesced';
  attempts: number;
  run_after: string;
  lease_until: string | null;
  leased_by: string | null;
  last_error: string | null;
  last_error_code: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** the SCIM client whose change caused the job; outbound targets never echo a change back to it */
  origin_client: string | null;
  /** set on a 'coalesced' job: the id of the job whose run covered it */
  coalesced_into: number | null;
  /** the id of the HTTP request that queued the job (for the logs), null when none did */
  request_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface WebhookEventsTable {
  tenant_id: string;
  webhook_id: string;
  topic: string;
  received_at: string;
  triggered_at: string | null;
  payload: string;
  processed_at: string | null;
  outcome: string | null;
}

export interface ShopThrottleTable {
  shop: string;
  state: string;
  updated_at: string;
}

/** The remote id each user has on an outbound SCIM target (what its server answered on create). */
export interface TargetLinksTable {
  tenant_id: string;
  target_id: string;
  user_id: string;
  remote_id: string;
  updated_at: string;
}

/** Watermarks of the two-way sync per tenant, e.g. the updated_at up to which reconcile has compared. */
export interface SyncCursorsTable {
  tenant_id: string;
  name: string;
  value: string;
  updated_at: string;
}

export interface MappingVersionsTable {
  tenant_id: string;
  /** 1, 2, 3 … per tenant */
  version: number;
  /** JSON: the mapping document as saved (validated, defaults filled in) */
  document: string;
  created_at: string;
  /** 'admin' or 'cli' */
  actor: string;
  /** how it was saved: 'put', 'preset:<name>', 'tags', 'import' */
  source: string;
  comment: string | null;
}

export interface MappingReapplyRunsTable {
  id: string;
  tenant_id: string;
  /** the mapping version current when the run started */
  mapping_version: number;
  /** 'enqueuing' while jobs are being queued in batches, then 'enqueued'; 'failed' if queueing stopped */
  state: string;
  /** how many user.sync jobs were queued so far */
  total: number;
  /** the last user id queued, to continue in order */
  cursor: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface MappingReapplyJobsTable {
  run_id: string;
  job_id: number;
}

/** Someone who signs in to the admin UI. */
export interface AdminUsersTable {
  id: string;
  /** lower-case, unique */
  username: string;
  /** scrypt$N$r$p$salt$hash (base64url), see src/security/passwords.ts */
  password_hash: string;
  created_at: string;
  updated_at: string;
}

/** A browser session of the admin UI; the cookie holds the token, the table its SHA-256. */
export interface AdminSessionsTable {
  token_hash: string;
  /** null: the grant of a sign-in link used before any account existed, good only for creating the first one */
  user_id: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A one-time sign-in link (printed by the demo and by serve at first start); the URL holds the token. */
export interface AdminLoginLinksTable {
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Facts a running bridge records about itself (public URL, listen address), read by the commands. */
export interface DeploymentStateTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface Database {
  tenants: TenantsTable;
  clients: ClientsTable;
  users: UsersTable;
  user_emails: UserEmailsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  audit_log: AuditLogTable;
  customer_links: CustomerLinksTable;
  outbox_jobs: OutboxJobsTable;
  webhook_events: WebhookEventsTable;
  shop_throttle: ShopThrottleTable;
  target_links: TargetLinksTable;
  sync_cursors: SyncCursorsTable;
  mapping_versions: MappingVersionsTable;
  mapping_reapply_runs: MappingReapplyRunsTable;
  mapping_reapply_jobs: MappingReapplyJobsTable;
  admin_users: AdminUsersTable;
  admin_sessions: AdminSessionsTable;
  admin_login_links: AdminLoginLinksTable;
  deployment_state: DeploymentStateTable;
}
