#!/usr/bin/env node
// The shopify-scim command line: serve (default), start (what `npm start` runs), demo, migrate, tenant and token management, and the commands
// other modules contribute (emulator, shopify check). `--json` prints one JSON object for scripts.
import 'dotenv/config';
import { Command } from 'commander';
import type { Config } from '../config.js';
import { configOrExit } from './env.js';
import { openStore, type Store } from '../store/db.js';
import { migrateToLatest } from '../store/migrations.js';
import { backupSqlite } from '../store/backup.js';
import { TenantRepository, TenantError, type Client } from '../store/tenants.js';
import { parseDuration } from './duration.js';
import { keyCommand } from './key-commands.js';
import { adminCommand, adminSignIn } from './admin-commands.js';
import { startBridge } from '../server.js';
import { emulatorCommand } from './emulator.js';
import { shopifyCommand } from './shopify.js';
import { demoCommand, runDemo } from './demo.js';
import { configCommands } from './config-commands.js';
import { connectTenantFromConfig } from '../sync/connect.js';
import { signupExamples } from '../admin/snippets.js';
import { importCommand, reconcileCommand, webhooksCommand, ensureWebhooksAtStart } from './sync-commands.js';
import { jobsCommand } from './jobs-commands.js';
import { shopCommand } from './shop-commands.js';
import { resolvePublicUrl, type ResolvedUrl } from './public-url.js';

/** A tenant's SCIM base URL as clients must be given it, with where the address comes from (see resolvePublicUrl). */
async function scimBaseUrl(
  cfg: Config,
  store: Store,
  tenant: string,
): Promise<{ url: string; source: ResolvedUrl['source']; note?: string }> {
  const base = await resolvePublicUrl(cfg, store.db);
  return { url: `${base.url}/scim/v2/${tenant}`, source: base.source, ...(base.note ? { note: base.note } : {}) };
}

/** The URL line of the text output, with a note when the address may not be the one clients reach. */
const urlLine = (u: { url: string; note?: string }) => `SCIM base URL: ${u.url}${u.note ? `\n  (${u.note})` : ''}`;

async function withStore<T>(fn: (store: Store, cfg: Config) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const cfg = configOrExit();
  const store = await openStore({ url: cfg.databaseUrl, migrate: opts.migrate, preparedStatements: cfg.pgPreparedStatements });
  try {
    return await fn(store, cfg);
  } finally {
    await store.close();
  }
}

function out(json: boolean, obj: unknown, text: string): void {
  console.log(json ? JSON.stringify(obj) : text);
}

/** A token's state for `token list`: active (until when), expired or revoked. */
function tokenState(c: Client): string {
  if (c.revokedAt) return 'revoked';
  if (c.expiresAt && Date.parse(c.expiresAt) <= Date.now()) return 'expired';
  return c.expiresAt ? `active until ${c.expiresAt}` : 'active';
}

function fail(e: unknown, json: boolean): never {
  const msg = e instanceof Error ? e.message : String(e);
  const code = e instanceof TenantError ? e.code : 'ERROR';
  if (json) console.log(JSON.stringify({ error: code, message: msg }));
  else console.error(`error: ${msg}`);
  process.exit(1);
}

export function buildProgram(): Command {
  const program = new Command();
  program.name('shopify-scim').description('SCIM 2.0 bridge between identity providers and Shopify customers').version('0.1.0');

  /** `serve`: the bridge and its worker until SIGINT or SIGTERM; with SHOPIFY_* set, `tenant` is connected to that shop. */
  async function runServe(cfg: Config, tenantName: string): Promise<void> {
    const bridge = await startBridge({ config: cfg });
    // Stoppable from the moment it serves: a signal during the start-up calls below still closes it cleanly.
    // SIGTERM: stop taking requests, let those in flight and the running jobs finish, give back the leases of jobs
    // still running, and exit within SHUTDOWN_TIMEOUT_MS whatever happens (1 if the bound was hit).
    const stop = async () => {
      const bound = setTimeout(() => {
        console.error(`shutdown took longer than SHUTDOWN_TIMEOUT_MS (${cfg.shutdownTimeoutMs} ms): exiting now`);
        process.exit(1);
      }, cfg.shutdownTimeoutMs);
      bound.unref();
      try {
        await bridge.close();
      } catch (e) {
        console.error(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      }
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Only once it serves: a second serve beside a running one fails on the port and leaves the stored connection be.
    if (cfg.shopify) await connectTenantFromConfig(bridge.store.db, cfg, tenantName);
    console.log(`shopify-scim listening on ${bridge.url} (database: ${bridge.store.dialect})`);
    const ui = await adminSignIn(bridge, cfg.publicUrl ?? bridge.url);
    console.log(
      ui.loginUrl ? `admin UI: open ${ui.loginUrl} to create the admin account (one-time link, valid for an hour)` : `admin UI: ${ui.url}`,
    );
    if (cfg.shopify) await ensureWebhooksAtStart(bridge, tenantName);
  }

  program
    .command('serve', { isDefault: true })
    .description('run the bridge (SCIM API, webhooks, admin API) and its sync worker')
    .option('--tenant <name>', 'with SHOPIFY_* set: the tenant connected to that shop at start (created if missing)', 'default')
    .action((o: { tenant: string }) => runServe(configOrExit(), o.tenant));

  program
    .command('start')
    .description('what `npm start` runs: `serve` when a shop is configured (SHOPIFY_*), else `demo` with the built-in emulator')
    .action(() => {
      const cfg = configOrExit();
      return cfg.shopify ? runServe(cfg, 'default') : runDemo(cfg, false);
    });

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(
        async (store) => {
          const applied = await migrateToLatest(store.db, store.dialect);
          out(!!o.json, { applied }, applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
        },
        { migrate: false },
      );
    });

  program
    .command('backup <file>')
    .description('copy the SQLite database to <file> while the bridge runs (online backup); restore: stop the bridge, copy it back')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const cfg = configOrExit();
      try {
        const r = await backupSqlite(cfg.databaseUrl, file);
        out(!!o.json, r, `backed up ${r.users} user(s), ${r.bytes} bytes, to ${r.file}`);
      } catch (e) {
        fail(e, !!o.json);
      }
    });

  const tenant = program.command('tenant').description('manage tenants (one per shop)');
  tenant
    .command('create <name>')
    .description('create a tenant; its name appears in the SCIM base URL')
    .option('--display-name <text>', 'a human-readable name')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean; displayName?: string }) => {
      await withStore(async (store, cfg) => {
        try {
          const t = await new TenantRepository(store.db, 'cli').create(name, o.displayName);
          const u = await scimBaseUrl(cfg, store, t.name);
          out(
            !!o.json,
            {
              id: t.id,
              name: t.name,
              displayName: t.displayName,
              scimBaseUrl: u.url,
              scimBaseUrlSource: u.source,
              ...(u.note ? { note: u.note } : {}),
            },
            `created tenant ${t.name}\n${urlLine(u)}`,
          );
        } catch (e) {
          fail(e, !!o.json);
        }
      });
    });
  tenant
    .command('list')
    .description('list tenants')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(async (store) => {
        const list = await new TenantRepository(store.db).list();
        out(
          !!o.json,
          { tenants: list.map((t) => ({ id: t.id, name: t.name, displayName: t.displayName, createdAt: t.createdAt })) },
          list.length ? list.map((t) => `${t.name}\t${t.displayName}\t${t.createdAt}`).join('\n') : 'no tenants yet',
        );
      });
    });

  const token = program.command('token').description('manage SCIM bearer tokens (one per client)');
  token
    .command('create')
    .description('issue a token for a client such as "okta" or "our website"; it is printed once')
    .requiredOption('--tenant <name>', 'tenant name')
    .requiredOption('--label <label>', 'what the token is for')
    .option('--expires-in <duration>', 'the token stops working after this long, e.g. 90d, 12h (default: never)')
    .option('--json', 'print JSON')
    .action(async (o: { tenant: string; label: string; expiresIn?: string; json?: boolean }) => {
      await withStore(async (store, cfg) => {
        try {
          const repo = new TenantRepository(store.db, 'cli');
          const t = await repo.requireByName(o.tenant);
          const expiresAt = o.expiresIn
            ? new Date(Date.now() + parseDuration(o.expiresIn, '--expires-in') * 1000).toISOString()
            : undefined;
          const { client, token: secret } = await repo.createToken(t.id, o.label, expiresAt ? { expiresAt } : {});
          const u = await scimBaseUrl(cfg, store, t.name);
          const examples = signupExamples(u.url, secret);
          out(
            !!o.json,
            {
              clientId: client.id,
              label: client.label,
              token: secret,
              expiresAt: client.expiresAt,
              tenant: t.name,
              scimBaseUrl: u.url,
              scimBaseUrlSource: u.source,
              ...(u.note ? { note: u.note } : {}),
              examples,
            },
            [
              `token for "${client.label}" (shown once, store it now):\n${secret}\n${urlLine(u)}` +
                (client.expiresAt ? `\nexpires at ${client.expiresAt}` : ''),
              `\nCreate a user from a shell:\n${examples.curl}`,
              `\nOr from your server's code:\n${examples.fetch}`,
            ].join('\n'),
          );
        } catch (e) {
          fail(e, !!o.json);
        }
      });
    });
  token
    .command('list')
    .description("list a tenant's tokens (prefixes only)")
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--json', 'print JSON')
    .action(async (o: { tenant: string; json?: boolean }) => {
      await withStore(async (store) => {
        try {
          const repo = new TenantRepository(store.db);
          const t = await repo.requireByName(o.tenant);
          const list = await repo.listClients(t.id);
          out(
            !!o.json,
            { tokens: list },
            list.map((c) => `${c.id}\t${c.label}\t${c.tokenPrefix}…\t${tokenState(c)}`).join('\n') || 'no tokens',
          );
        } catch (e) {
          fail(e, !!o.json);
        }
      });
    });
  token
    .command('rotate')
    .description('issue a new token for a client; the old one keeps working for the overlap, then stops')
    .requiredOption('--tenant <name>', 'tenant name')
    .argument('<client>', 'client id')
    .option('--overlap <duration>', 'how long the old token still works, e.g. 24h, 0 to revoke it now', '24h')
    .option('--expires-in <duration>', 'the new token stops working after this long (default: never)')
    .option('--json', 'print JSON')
    .action(async (client: string, o: { tenant: string; overlap: string; expiresIn?: string; json?: boolean }) => {
      await withStore(async (store, cfg) => {
        try {
          const repo = new TenantRepository(store.db, 'cli');
          const t = await repo.requireByName(o.tenant);
          const overlapMs = parseDuration(o.overlap, '--overlap') * 1000;
          const expiresAt = o.expiresIn
            ? new Date(Date.now() + parseDuration(o.expiresIn, '--expires-in') * 1000).toISOString()
            : undefined;
          const r = await repo.rotateToken(t.id, client, { overlapMs, ...(expiresAt ? { expiresAt } : {}) });
          const u = await scimBaseUrl(cfg, store, t.name);
          const ends = r.previous.revokedAt ?? r.previous.expiresAt;
          out(
            !!o.json,
            {
              clientId: r.client.id,
              label: r.client.label,
              token: r.token,
              expiresAt: r.client.expiresAt,
              previous: r.previous,
              scimBaseUrl: u.url,
            },
            `new token for "${r.client.label}" (shown once, store it now):\n${r.token}\n${urlLine(u)}\nthe old token ${r.previous.tokenPrefix}… works until ${ends}`,
          );
        } catch (e) {
          fail(e, !!o.json);
        }
      });
    });
  token
    .command('revoke')
    .description('revoke a token by client id or label')
    .requiredOption('--tenant <name>', 'tenant name')
    .argument('<client>', 'client id or label')
    .option('--json', 'print JSON')
    .action(async (client: string, o: { tenant: string; json?: boolean }) => {
      await withStore(async (store) => {
        try {
          const repo = new TenantRepository(store.db, 'cli');
          const t = await repo.requireByName(o.tenant);
          const n = await repo.revoke(t.id, client);
          out(!!o.json, { revoked: n }, `revoked ${n} token(s)`);
        } catch (e) {
          fail(e, !!o.json);
        }
      });
    });

  program.addCommand(emulatorCommand());
  program.addCommand(shopifyCommand());
  program.addCommand(demoCommand());
  for (const c of configCommands()) program.addCommand(c);
  program.addCommand(importCommand());
  program.addCommand(reconcileCommand());
  program.addCommand(webhooksCommand());
  program.addCommand(jobsCommand());
  program.addCommand(adminCommand());
  program.addCommand(keyCommand());
  program.addCommand(shopCommand());
  return program;
}

const isMain = process.argv[1] && /(?:main\.[jt]s|shopify-scim(?:\.js)?)$/.test(process.argv[1]);
if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
