// `shopify-scim shop connect|show|check|disconnect --tenant <t>`: a tenant's shop connection from the command line,
// through the same operations, checks and audit entries (actor 'cli') as the admin API's …/shop routes.
import { Command } from 'commander';
import { requireTenant, shopsOf, type AdminDeps } from '../admin/context.js';
import { adminErrors } from '../admin/errors.js';
import { checkShop, connectShop, disconnectShop, shopView, type ShopCheckReport } from '../admin/shop.js';
import { readBridgeAddress } from '../store/deployment.js';
import { ensureTenantWebhooks } from '../sync/inbound/subscriptions.js';
import { adminCommandKit, type AdminCommandOptions } from './admin-session.js';
import { formatCheckReport } from './shopify.js';

/** PUBLIC_URL of this shell, else the one the running bridge recorded: where Shopify delivers webhooks. */
async function withPublicUrl(deps: AdminDeps): Promise<AdminDeps> {
  const publicUrl = deps.publicUrl ?? (await readBridgeAddress(deps.db).catch(() => undefined))?.publicUrl;
  return {
    ...deps,
    ...(publicUrl ? { publicUrl } : {}),
    // As the running bridge does after a connect: subscribe the customer topics to its receiver.
    onShopConnected: (t) => ensureTenantWebhooks({ clientFor: (x) => shopsOf(deps)?.clientFor(x), publicUrl }, t),
  };
}

/** The check as lines a person reads: the connection, then webhook delivery. */
export function formatShopCheck(r: ShopCheckReport): string {
  const lines = formatCheckReport(r).split('\n');
  const verdict = lines.pop()!;
  const w = r.webhooks;
  lines.push(
    `  webhooks      ${w.callbackUrl ?? '(no PUBLIC_URL)'}; secret ${w.secret}; ${w.subscribed.length} topic(s) subscribed, ${w.missing.length} missing`,
  );
  if (w.testDelivery)
    lines.push(
      `  test delivery ${w.testDelivery.ok ? 'accepted by the receiver' : `not accepted (${w.testDelivery.status ?? w.testDelivery.error})`}`,
    );
  for (const x of w.warnings) lines.push(`  ! ${x.message}`);
  lines.push(verdict);
  return lines.join('\n');
}

interface ConnectFlags {
  tenant: string;
  shop: string;
  accessToken?: string;
  webhookSecret?: string;
  clientId?: string;
  clientSecret?: string;
  apiVersion?: string;
  apiBaseUrl?: string;
  json?: boolean;
}

/** Builds the `shop` command group. */
export function shopCommand(opts: AdminCommandOptions = {}): Command {
  const { print, printErr, exit, run } = adminCommandKit(opts);
  const shop = new Command('shop').description("a tenant's Shopify shop connection: connect, show, check, disconnect");
  shop
    .command('connect')
    .description(
      'connect a tenant to a shop with a static token and its webhook secret, or with client credentials; checked against the shop first',
    )
    .requiredOption('--tenant <name>', 'tenant name')
    .requiredOption('--shop <domain>', 'the shop domain, e.g. my-store.myshopify.com')
    .option('--access-token <token>', "a custom app's Admin API token (shpat_…); needs --webhook-secret")
    .option('--webhook-secret <secret>', "with --access-token: the custom app's API secret key, which signs Shopify's webhooks")
    .option('--client-id <id>', "a Dev Dashboard app's client id (with --client-secret)")
    .option('--client-secret <secret>', "a Dev Dashboard app's client secret")
    .option('--api-version <version>', 'Admin API version, e.g. 2026-10')
    .option('--api-base-url <url>', 'another Admin API address, e.g. a running emulator')
    .option('--json', 'print JSON')
    .action((o: ConnectFlags) =>
      run(o.json, async (base) => {
        const deps = await withPublicUrl(base);
        const body = Object.fromEntries(
          Object.entries({
            shop: o.shop,
            accessToken: o.accessToken,
            webhookSecret: o.webhookSecret,
            clientId: o.clientId,
            clientSecret: o.clientSecret,
            apiVersion: o.apiVersion,
            apiBaseUrl: o.apiBaseUrl,
          }).filter(([, v]) => v !== undefined),
        );
        const view = await connectShop(deps, await requireTenant(deps, o.tenant), body);
        if (o.json) return print(JSON.stringify(view));
        print(`connected tenant ${o.tenant} to ${view.shop} (${view.auth === 'token' ? 'access token' : 'client credentials'})`);
        if (view.webhooks?.ok) print(`webhooks subscribed for ${deps.publicUrl}/webhooks/shopify/${o.tenant}`);
        else if (view.webhooks) printErr(`warning: webhooks not subscribed: ${view.webhooks.error}`);
      })(),
    );
  shop
    .command('show')
    .description('the connection without its secrets')
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; json?: boolean }) =>
      run(o.json, async (deps) => {
        const v = shopView((await requireTenant(deps, o.tenant)).settings);
        if (o.json) return print(JSON.stringify(v));
        if (!v.connected) return print(`tenant ${o.tenant} has no shop connected`);
        print(
          Object.entries(v)
            .filter(([k]) => k !== 'connected')
            .map(([k, x]) => `${k.padEnd(14)}${String(x)}`)
            .join('\n'),
        );
      })(),
    );
  shop
    .command('check')
    .description(
      'connect with the stored credentials and check scopes, customer data and webhook delivery to this bridge; exit 1 when anything is wrong',
    )
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; json?: boolean }) =>
      run(o.json, async (base) => {
        const deps = await withPublicUrl(base);
        const r = await checkShop(deps, await requireTenant(deps, o.tenant));
        if (o.json) print(JSON.stringify(r));
        else (r.ok ? print : printErr)(formatShopCheck(r));
        if (!r.ok) exit(1);
      })(),
    );
  shop
    .command('disconnect')
    .description('forget the connection; the engine stops writing to Shopify until one is connected again')
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; json?: boolean }) =>
      run(o.json, async (deps) => {
        const t = await requireTenant(deps, o.tenant);
        if (!shopView(t.settings).connected) throw adminErrors.shopNotConnected(`tenant "${t.name}" has no shop connected`);
        await disconnectShop(deps, t);
        print(o.json ? JSON.stringify({ disconnected: true }) : `disconnected tenant ${t.name}`);
      })(),
    );
  return shop;
}
