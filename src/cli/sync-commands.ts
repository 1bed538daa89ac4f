// The two-way sync's commands: `import` (link or create SCIM users for a store's customers), `reconcile` (find and
// optionally repair drift between Shopify and the store) and `webhooks ensure` (subscribe the shop's customer topics).
import { Command } from 'commander';
import { loadConfig, ConfigError, type Config } from '../config.js';
import { openStore, type Store } from '../store/db.js';
import { TenantRepository, type Tenant } from '../store/tenants.js';
import { secretBoxFor } from '../sync/connect.js';
import { ShopConnections } from '../sync/shops.js';
import { importCustomers, type ImportReport } from '../sync/import.js';
import { reconcileTenant, driftCount, type ReconcileDeps, type ReconcileReport } from '../sync/reconcile.js';
import { ensureTenantWebhooks, webhookCallbackUrl } from '../sync/inbound/subscriptions.js';
import type { Bridge } from '../server.js';

/** Where the commands get their configuration and database (tests hand in their own). */
export interface CommandContext {
  config?: () => Config;
  store?: (config: Config) => Promise<Store>;
}

async function withTenant<T>(
  ctx: CommandContext,
  name: string,
  fn: (deps: ReconcileDeps, tenant: Tenant, config: Config) => Promise<T>,
): Promise<T> {
  const config = (ctx.config ?? (() => loadConfig()))();
  const store = await (ctx.store ?? ((c) => openStore({ url: c.databaseUrl, preparedStatements: c.pgPreparedStatements })))(config);
  try {
    const tenant = await new TenantRepository(store.db).requireByName(name);
    const shops = new ShopConnections({ box: secretBoxFor(config) });
    const deps: ReconcileDeps = {
      db: store.db,
      clientFor: (t) => shops.clientFor(t),
      ensureCustomId: (c, ns) => shops.ensureCustomId(c, ns),
      fanout: { publicUrl: config.publicUrl },
      publicUrl: config.publicUrl,
    };
    return await fn(deps, tenant, config);
  } finally {
    await store.close();
  }
}

function report(json: boolean, obj: unknown, text: string): void {
  console.log(json ? JSON.stringify(obj) : text);
}

function failed(e: unknown, json: boolean): void {
  const msg = e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown })?.code;
  if (json) console.log(JSON.stringify({ error: typeof code === 'string' ? code : 'ERROR', message: msg }));
  else console.error(`error: ${msg}`);
  process.exitCode = e instanceof ConfigError ? 2 : 1;
}

/** The import report as lines a person reads. */
export function formatImport(r: ImportReport): string {
  const lines = [
    `import of ${r.tenant}${r.dryRun ? ' (dry run: nothing was changed; the counts say what an import would do)' : ''}: ${r.scanned} customer(s) read`,
    `  already linked      ${r.alreadyLinked}`,
    `  linked by custom id ${r.linkedByCustomId}`,
    `  linked by email     ${r.linkedByEmail}${r.linkedOutOfSync ? ` (${r.linkedOutOfSync} will be updated from SCIM)` : ''}`,
    `  users created       ${r.created}`,
    `  left unlinked       ${r.unmatched}${r.unmatched > r.deprovisioned ? ' (use --create-users to make SCIM users for them)' : ''}`,
  ];
  if (r.deprovisioned)
    lines.push(
      `  deprovisioned       ${r.deprovisioned} (customers the bridge deactivated; --create-users --include-deprovisioned imports them as inactive users)`,
    );
  for (const s of r.skipped) lines.push(`  skipped ${s.customerId}: ${s.reason}`);
  return lines.join('\n');
}

/** The reconcile report as lines a person reads. */
export function formatReconcile(r: ReconcileReport): string {
  const verb = r.repair ? 'repaired' : 'found';
  const lines = [
    `reconcile of ${r.tenant} (${r.mode}${r.since ? ` since ${r.since}` : ''}): ${r.scanned} customer(s) compared, ${driftCount(r)} drift(s) ${verb}`,
  ];
  const list = (title: string, items: { customerId: string; userId?: string; outcome?: string; reason?: string }[]) => {
    if (!items.length) return;
    lines.push(`  ${title}: ${items.length}`);
    for (const d of items.slice(0, 50))
      lines.push(
        `    ${d.customerId}${d.userId ? ` (user ${d.userId})` : ''}${d.outcome ? `: ${d.outcome}` : ''}${d.reason ? `: ${d.reason}` : ''}`,
      );
  };
  list('changes without a processed webhook', r.missedUpdates);
  list('links lost from the database', r.lostLinks);
  list('customers deleted in Shopify', r.deletedCustomers);
  list('customers created in Shopify', r.created);
  list('conflicts to resolve by hand', r.conflicts);
  if (r.unlinkedCustomers) lines.push(`  customers with no SCIM user: ${r.unlinkedCustomers} (see \`import\`)`);
  if (r.subscriptions.error) lines.push(`  webhook subscriptions not checked: ${r.subscriptions.error}`);
  else if (r.subscriptions.missing.length)
    lines.push(`  webhook topics missing: ${r.subscriptions.missing.join(', ')}${r.subscriptions.repaired ? ' (subscribed)' : ''}`);
  if (!r.repair) lines.push(`nothing was changed${driftCount(r) ? '; run again with --repair to fix it' : ''}`);
  return lines.join('\n');
}

/** `import --tenant <t> [--create-users [--include-deprovisioned]] [--dry-run] [--json]`; progress goes to stderr. */
export function importCommand(ctx: CommandContext = {}): Command {
  return new Command('import')
    .description("link the store's customers to SCIM users (custom id, then email); with --create-users, make users for the rest")
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--create-users', 'create a SCIM user for every customer no user matches (not for customers the bridge deprovisioned)')
    .option('--include-deprovisioned', 'with --create-users: also import customers the bridge deprovisioned, as inactive users')
    .option('--dry-run', 'report what the import would do, change nothing')
    .option('--json', 'print one JSON object')
    .action(async (o: { tenant: string; createUsers?: boolean; includeDeprovisioned?: boolean; dryRun?: boolean; json?: boolean }) => {
      try {
        if (o.includeDeprovisioned && !o.createUsers) throw new Error('--include-deprovisioned goes with --create-users');
        const onProgress = (p: ImportReport) =>
          console.error(
            `import of ${p.tenant}: ${p.scanned} customer(s) read, ${p.alreadyLinked + p.linkedByCustomId + p.linkedByEmail} linked, ${p.created} user(s) created…`,
          );
        const r = await withTenant(ctx, o.tenant, (deps, tenant) =>
          importCustomers(deps, tenant, {
            createUsers: !!o.createUsers,
            includeDeprovisioned: !!o.includeDeprovisioned,
            dryRun: !!o.dryRun,
            onProgress,
          }),
        );
        report(!!o.json, r, formatImport(r));
      } catch (e) {
        failed(e, !!o.json);
      }
    });
}

/** `reconcile --tenant <t> [--repair] [--incremental] [--json]`; exits 3 when drift is found and not repaired. */
export function reconcileCommand(ctx: CommandContext = {}): Command {
  return new Command('reconcile')
    .description('compare Shopify with the store (missed webhooks, lost links, deletions, subscriptions); --repair fixes what it finds')
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--repair', 'fix the drift found')
    .option('--incremental', 'only customers changed since the last repaired run (default: the whole store, by bulk export)')
    .option('--dry-run', 'only report the drift (the default without --repair), change nothing')
    .option('--json', 'print one JSON object')
    .action(async (o: { tenant: string; repair?: boolean; incremental?: boolean; dryRun?: boolean; json?: boolean }) => {
      try {
        if (o.dryRun && o.repair) throw new Error('--dry-run and --repair exclude each other');
        const r = await withTenant(ctx, o.tenant, (deps, tenant) =>
          reconcileTenant(deps, tenant, { repair: !!o.repair, full: !o.incremental }),
        );
        report(!!o.json, r, formatReconcile(r));
        if (!o.repair && driftCount(r) > 0) process.exitCode = 3;
      } catch (e) {
        failed(e, !!o.json);
      }
    });
}

/** `webhooks ensure --tenant <t> [--json]` */
export function webhooksCommand(ctx: CommandContext = {}): Command {
  const webhooks = new Command('webhooks').description("the shop's webhook subscriptions for the two-way sync");
  webhooks
    .command('ensure')
    .description(`subscribe every customer topic to ${'${PUBLIC_URL}'}/webhooks/shopify/<tenant> (safe to repeat)`)
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--json', 'print one JSON object')
    .action(async (o: { tenant: string; json?: boolean }) => {
      try {
        const r = await withTenant(ctx, o.tenant, async (deps, tenant, config) => ({
          uri: webhookCallbackUrl(config.publicUrl ?? '', tenant.name),
          ...(await ensureTenantWebhooks(deps, tenant)),
        }));
        const summary = {
          uri: r.uri,
          created: r.created.map((x) => x.topic),
          kept: r.kept.map((x) => x.topic),
          deleted: r.deleted.map((x) => x.topic),
        };
        report(
          !!o.json,
          summary,
          `webhooks to ${r.uri}: ${summary.created.length} created, ${summary.kept.length} kept, ${summary.deleted.length} removed`,
        );
      } catch (e) {
        failed(e, !!o.json);
      }
    });
  return webhooks;
}

/**
 * At start, subscribes the webhooks of a tenant connected from the environment; a missing PUBLIC_URL or an
 * unreachable shop is a warning (reconcile repairs subscriptions later), never a reason not to start.
 */
export async function ensureWebhooksAtStart(bridge: Bridge, tenantName: string, warn: (msg: string) => void = console.warn): Promise<void> {
  if (!bridge.twoWay) return;
  try {
    const tenant = await new TenantRepository(bridge.store.db).byName(tenantName);
    if (!tenant) return;
    const r = await ensureTenantWebhooks(bridge.twoWay.deps, tenant);
    if (r.created.length) console.log(`subscribed ${r.created.length} webhook topic(s) for tenant ${tenant.name}`);
  } catch (e) {
    warn(`webhooks not subscribed for tenant ${tenantName}: ${(e as Error).message}`);
  }
}
