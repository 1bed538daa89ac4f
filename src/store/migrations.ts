// Versioned schema migrations, written once with Kysely's schema builder for SQLite and PostgreSQL.
// Never edit a released migration: add a new one. They run at start and with `shopify-scim migrate`.
import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './db.js';

// Migrations run against the schema as it was at their time, not today's Database type (Kysely's advice).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

function autoId(dialect: Dialect) {
  return dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
}

export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_core': {
      async up(db: Db) {
        await db.schema
          .createTable('tenants')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
          .execute();

        await db.schema
          .createTable('clients')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('token_prefix', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema.createIndex('clients_tenant').on('clients').columns(['tenant_id', 'label']).execute();

        await db.schema
          .createTable('users')
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('user_name', 'text', (c) => c.notNull())
          .addColumn('user_name_lc', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text')
          .addColumn('external_id_client', 'text')
          .addColumn('display_name_lc', 'text')
          .addColumn('given_name_lc', 'text')
          .addColumn('family_name_lc', 'text')
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text')
          .addPrimaryKeyConstraint('users_pk', ['tenant_id', 'id'])
          .execute();
        await db.schema.createIndex('users_user_name').unique().on('users').columns(['tenant_id', 'user_name_lc']).execute();
        await db.schema
          .createIndex('users_external_id')
          .unique()
          .on('users')
          .columns(['tenant_id', 'external_id_client', 'external_id'])
          .where(sql.ref('external_id'), 'is not', null)
          .execute();
        await db.schema.createIndex('users_external_id_any').on('users').columns(['tenant_id', 'external_id']).execute();
        await db.schema.createIndex('users_display_name').on('users').columns(['tenant_id', 'display_name_lc']).execute();
        await db.schema.createIndex('users_created').on('users').columns(['tenant_id', 'created_at']).execute();
        await db.schema.createIndex('users_updated').on('users').columns(['tenant_id', 'updated_at']).execute();

        await db.schema
          .createTable('user_emails')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('value_lc', 'text', (c) => c.notNull())
          .addColumn('type_lc', 'text')
          .addColumn('primary', 'integer', (c) => c.notNull().defaultTo(0))
          .addForeignKeyConstraint('user_emails_user', ['tenant_id', 'user_id'], 'users', ['tenant_id', 'id'], (c) => c.onDelete('cascade'))
          .execute();
        await db.schema.createIndex('user_emails_value').on('user_emails').columns(['tenant_id', 'value_lc']).execute();
        await db.schema.createIndex('user_emails_user').on('user_emails').columns(['tenant_id', 'user_id']).execute();

        await db.schema
          .createTable('groups')
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('display_name_lc', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text')
          .addColumn('external_id_client', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text')
          .addPrimaryKeyConstraint('groups_pk', ['tenant_id', 'id'])
          .execute();
        await db.schema.createIndex('groups_display_name').on('groups').columns(['tenant_id', 'display_name_lc']).execute();
        await db.schema
          .createIndex('groups_external_id')
          .unique()
          .on('groups')
          .columns(['tenant_id', 'external_id_client', 'external_id'])
          .where(sql.ref('external_id'), 'is not', null)
          .execute();

        await db.schema
          .createTable('group_members')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('group_id', 'text', (c) => c.notNull())
          .addColumn('member_id', 'text', (c) => c.notNull())
          .addColumn('member_type', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('group_members_pk', ['tenant_id', 'group_id', 'member_id'])
          .addForeignKeyConstraint('group_members_group', ['tenant_id', 'group_id'], 'groups', ['tenant_id', 'id'], (c) =>
            c.onDelete('cascade'),
          )
          .execute();
        await db.schema.createIndex('group_members_member').on('group_members').columns(['tenant_id', 'member_id']).execute();

        await db.schema
          .createTable('audit_log')
          .addColumn('id', autoId(dialect), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('resource_type', 'text', (c) => c.notNull())
          .addColumn('resource_id', 'text')
          .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
          .execute();
        await db.schema.createIndex('audit_log_tenant').on('audit_log').columns(['tenant_id', 'id']).execute();
      },
    },
    '0002_sync': {
      async up(db: Db) {
        // One row per SCIM user that has (or should have) a Shopify customer: the link and its sync state.
        await db.schema
          .createTable('customer_links')
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('customer_id', 'text')
          .addColumn('sync_state', 'text', (c) => c.notNull().defaultTo('pending'))
          .addColumn('sync_error', 'text')
          .addColumn('sync_error_code', 'text')
          .addColumn('last_attempt_at', 'text')
          .addColumn('last_synced_at', 'text')
          .addColumn('synced_version', 'integer')
          .addColumn('fingerprint', 'text')
          .addColumn('managed_tags', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('shopify_updated_at', 'text')
          .addColumn('deprovisioned', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('customer_links_pk', ['tenant_id', 'user_id'])
          .execute();
        await db.schema
          .createIndex('customer_links_customer')
          .unique()
          .on('customer_links')
          .columns(['tenant_id', 'customer_id'])
          .where(sql.ref('customer_id'), 'is not', null)
          .execute();
        await db.schema.createIndex('customer_links_state').on('customer_links').columns(['tenant_id', 'sync_state']).execute();

        // The transactional outbox: jobs written in the same transaction as the SCIM change, run in order per key.
        await db.schema
          .createTable('outbox_jobs')
          .addColumn('id', autoId(dialect), (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('queue', 'text', (c) => c.notNull().defaultTo('shopify'))
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued'))
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('run_after', 'text', (c) => c.notNull())
          .addColumn('lease_until', 'text')
          .addColumn('leased_by', 'text')
          .addColumn('last_error', 'text')
          .addColumn('last_error_code', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .addColumn('origin_client', 'text')
          .execute();
        await db.schema.createIndex('outbox_ready').on('outbox_jobs').columns(['state', 'run_after']).execute();
        await db.schema.createIndex('outbox_key').on('outbox_jobs').columns(['tenant_id', 'key', 'state', 'id']).execute();

        // Shopify webhook deliveries, kept for de-duplication by webhook id and processed from here.
        await db.schema
          .createTable('webhook_events')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('webhook_id', 'text', (c) => c.notNull())
          .addColumn('topic', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .addColumn('triggered_at', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('processed_at', 'text')
          .addColumn('outcome', 'text')
          .addPrimaryKeyConstraint('webhook_events_pk', ['tenant_id', 'webhook_id'])
          .execute();

        // Shared state of the Shopify cost bucket per shop, so several instances plan from one view of the budget.
        await db.schema
          .createTable('shop_throttle')
          .addColumn('shop', 'text', (c) => c.primaryKey())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0003_sync_engine': {
      async up(db: Db) {
        // A job merged into an earlier run of the same key and kind points at that run, so waiters can follow it.
        await db.schema.alterTable('outbox_jobs').addColumn('coalesced_into', 'integer').execute();
        // What the mapping last applied beyond tags (group tags by group, targets it set), for the next run's diff.
        await db.schema.alterTable('customer_links').addColumn('applied_state', 'text').execute();
      },
    },
    '0004_twoway': {
      async up(db: Db) {
        // The remote id each user has on an outbound SCIM target (what its server answered on create).
        await db.schema
          .createTable('target_links')
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
          .addColumn('target_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('remote_id', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('target_links_pk', ['tenant_id', 'target_id', 'user_id'])
          .execute();
        // Watermarks of the two-way sync per tenant (e.g. the updated_at up to which reconcile has compared).
        await db.schema
          .createTable('sync_cursors')
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('sync_cursors_pk', ['tenant_id', 'name'])
          .execute();
      },
    },
    '0005_mapping_versions': {
      async up(db: Db) {
        // Every saved mapping document of a tenant, so a merchant can see what changed and go back to an earlier one.
        await db.schema
          .createTable('mapping_versions')
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('document', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('comment', 'text')
          .addPrimaryKeyConstraint('mapping_versions_pk', ['tenant_id', 'version'])
          .execute();
        // A re-apply of the mapping to every linked customer: its jobs are listed so progress can be counted.
        await db.schema
          .createTable('mapping_reapply_runs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
          .addColumn('mapping_version', 'integer', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('cursor', 'text')
          .addColumn('error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('mapping_reapply_runs_tenant')
          .on('mapping_reapply_runs')
          .columns(['tenant_id', 'created_at'])
          .execute();
        await db.schema
          .createTable('mapping_reapply_jobs')
          .addColumn('run_id', 'text', (c) => c.notNull().references('mapping_reapply_runs.id').onDelete('cascade'))
          .addColumn('job_id', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('mapping_reapply_jobs_pk', ['run_id', 'job_id'])
          .execute();
      },
    },
    '0006_admin_accounts': {
      async up(db: Db) {
        // The people who sign in to the admin UI: a name and a scrypt hash of the password, never the password.
        await db.schema
          .createTable('admin_users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        // Browser sessions and one-time sign-in links, both kept as SHA-256 hashes of what the browser holds.
        // A session without a user is the grant a sign-in link gives before any account exists: it may only create one.
        await db.schema
          .createTable('admin_sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.references('admin_users.id').onDelete('cascade'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('admin_sessions_user').on('admin_sessions').columns(['user_id']).execute();
        await db.schema
          .createTable('admin_login_links')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
      },
    },
    '0007_external_id_not_unique': {
      async up(db: Db) {
        // RFC 7643 leaves externalId to the client: it may repeat (Entra maps mailNickname to it). Uniqueness per
        // client is the opt-in uniqueExternalId policy, checked by the SCIM service, so the indexes only serve lookups.
        for (const table of ['users', 'groups'] as const) {
          await db.schema.dropIndex(`${table}_external_id`).execute();
          await db.schema
            .createIndex(`${table}_external_id`)
            .on(table)
            .columns(['tenant_id', 'external_id_client', 'external_id'])
            .execute();
        }
      },
    },
    '0008_deployment_state': {
      async up(db: Db) {
        // What a running bridge says about itself for the commands run beside it (its public URL, the address it
        // listens on), so they print the addresses clients really use instead of a guess.
        await db.schema
          .createTable('deployment_state')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0009_merged_customers': {
      async up(db: Db) {
        // The customer a link lost to a deletion in Shopify ({id, deactivated}), so a customers/merge arriving after
        // the customers/delete can still find the user and move it to the surviving customer.
        await db.schema.alterTable('customer_links').addColumn('deleted_customer', 'text').execute();
      },
    },
    '0010_job_request_id': {
      async up(db: Db) {
        // The HTTP request that queued a job, so the logs of its Shopify calls name the SCIM request they serve.
        await db.schema.alterTable('outbox_jobs').addColumn('request_id', 'text').execute();
      },
    },
    '0011_page_order': {
      async up(db: Db) {
        // Lists without sortBy page in (created_at, id) order: an index on exactly that order (with the "C" collation
        // the PostgreSQL query sorts text by) lets a page read its rows in order instead of sorting the tenant's table.
        const c = dialect === 'postgres' ? sql` collate "C"` : sql``;
        for (const table of ['users', 'groups']) {
          await sql`create index ${sql.id(`${table}_page_order`)} on ${sql.table(table)} (tenant_id, created_at${c}, id${c})`.execute(db);
        }
      },
    },
    '0012_open_jobs': {
      async up(db: Db) {
        // Finished jobs stay in outbox_jobs (one or more per write) and only a handful are open at any time: partial
        // indexes of the open ones let the claim's scan in id order and the open-job checks skip the history.
        await sql`create index outbox_open on outbox_jobs (id) where state in ('queued', 'running')`.execute(db);
        await sql`create index outbox_open_kind on outbox_jobs (tenant_id, kind) where state in ('queued', 'running')`.execute(db);
      },
    },
    '0013_member_groups': {
      async up(db: Db) {
        // A user's groups (the computed `groups` of every User read) are looked up by member: with the group id in
        // the index the look-up never reads the table, and SQLite stops preferring the primary key's index, which
        // made it read every membership of the tenant.
        await db.schema
          .createIndex('group_members_member_groups')
          .on('group_members')
          .columns(['tenant_id', 'member_id', 'group_id'])
          .execute();
        await db.schema.dropIndex('group_members_member').execute();
      },
    },
    '0014_token_expiry': {
      async up(db: Db) {
        // When a SCIM token stops working on its own: set at creation (--expires-in) or by a rotation, which gives
        // the old token an overlap window so the identity provider can switch without a gap.
        await db.schema.alterTable('clients').addColumn('expires_at', 'text').execute();
      },
    },
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly list: Record<string, Migration>) {}
  async getMigrations() {
    return this.list;
  }
}

/** Brings the database to the newest schema; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Db, dialect: Dialect): Promise<string[]> {
  // On PostgreSQL the bookkeeping tables live in the current schema: Kysely otherwise finds another schema's tables
  // (another tenant-per-schema setup, a parallel test) and skips creating its own.
  const migrationTableSchema =
    dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({
    db,
    provider: new StaticProvider(migrations(dialect)),
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    // Kysely looks for its bookkeeping table across every schema of the database; a schema dropped meanwhile by
    // someone else (another tenant-per-schema deployment, a test) fails that look-up harmlessly: look again.
    const code = (error as { code?: string }).code;
    if (attempt < 5 && (code === '3F000' || code === '42P01')) continue;
    throw error instanceof Error ? error : new Error(String(error));
  }
}
