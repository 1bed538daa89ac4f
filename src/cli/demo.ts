// `shopify-scim demo` (what `npm start` runs when no shop is configured): the bridge with the Shopify emulator
// in-process, a tenant `demo` and a SCIM token, printed and saved to $DATA_DIR/demo-credentials.json; restarts keep both.
import { mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Config } from '../config.js';
import { configOrExit } from './env.js';
import { ensureTenantWebhooks } from '../sync/inbound/subscriptions.js';
import { TenantRepository } from '../store/tenants.js';
import { assertPortFree, startBridge, type Bridge } from '../server.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { connectTenantShop } from '../sync/shops.js';
import { connectTenantFromConfig, secretBoxFor } from '../sync/connect.js';
import { generateToken } from '../security/tokens.js';
import { adminSignIn } from './admin-commands.js';

export const DEMO_TENANT = 'demo';

export interface DemoCredentials {
  scimBaseUrl: string;
  token: string;
  adminUrl: string;
  /** a one-time link that signs in to the admin UI (or, on first run, opens the set-up of the admin account) */
  adminLoginUrl: string;
  /** the admin JSON API and its bearer token (ADMIN_TOKEN when set, else one made for the demo and kept) */
  adminApiUrl: string;
  adminToken: string;
  shopifyGraphqlUrl: string;
  shopifyAccessToken: string;
}

export interface Demo {
  bridge: Bridge;
  /** absent when SHOPIFY_* points at a real shop */
  emulator?: Emulator;
  credentials: DemoCredentials;
  file: string;
  close(): Promise<void>;
}

function readCredentials(file: string): Partial<DemoCredentials> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoCredentials>;
  } catch {
    return {};
  }
}

/** The emulator on PORT+1 when free (a stable address for scripts), else on any free port. */
async function emulatorFor(config: Config, accessToken: string | undefined): Promise<Emulator> {
  const persistFile = join(config.dataDir, 'emulator.json');
  const base = { host: '127.0.0.1', persistFile, ...(accessToken ? { accessToken } : {}) };
  if (config.port > 0 && config.port < 65535) {
    try {
      return await startEmulator({ ...base, port: config.port + 1 });
    } catch {
      // taken: fall through to a random port
    }
  }
  return startEmulator({ ...base, port: 0 });
}

/**
 * Starts the demo: emulator (unless a shop is configured), bridge with the engine, then tenant and token. Nothing is
 * stored before the bridge listens: a second `npm start` beside a running one fails on the port and leaves the
 * running demo's shop connection and tokens as they were.
 */
const isLoopbackHost = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

export async function startDemo(config: Config): Promise<Demo> {
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'demo-credentials.json');
  const saved = readCredentials(file);
  // The demo prints its tokens: unless HOST says otherwise it listens on loopback only.
  const host = config.hostGiven ? config.host : '127.0.0.1';
  // Before the emulator takes PORT+1 (and its state file): the usual cause is a demo already running.
  await assertPortFree(host, config.port);
  const emulator = config.shopify ? undefined : await emulatorFor(config, saved.shopifyAccessToken);
  const adminToken = config.adminToken ?? saved.adminToken ?? generateToken('adm_');
  // Webhook callbacks and target events need an absolute address: the public URL, else the one the demo listens on.
  const publicUrl =
    config.publicUrl ?? (config.port > 0 ? `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${config.port}` : undefined);
  const emulatorShop = emulator
    ? { shop: emulator.shop, apiBaseUrl: emulator.url, accessToken: emulator.accessToken, clientSecret: emulator.clientSecret }
    : undefined;
  let bridge: Bridge;
  try {
    bridge = await startBridge({
      // Demo mode on loopback keeps /metrics open for a quick look; METRICS_TOKEN or a HOST beyond loopback close it.
      config: {
        ...config,
        adminToken,
        host,
        publicUrl,
        metricsPublic: config.metricsPublic ?? (!config.metricsToken && isLoopbackHost(host)),
      },
      ...(emulatorShop ? { admin: { emulatorShop } } : {}),
    });
  } catch (e) {
    await emulator?.close();
    throw e;
  }
  const origin = publicUrl ?? bridge.url;
  let token: string;
  try {
    const tenants = new TenantRepository(bridge.store.db);
    let tenant = await tenants.byName(DEMO_TENANT);
    if (emulator) {
      tenant ??= await tenants.create(DEMO_TENANT, 'Demo store');
      // The emulator's address may change between runs: connect again each time.
      // clientSecret is the app secret the emulator signs its webhooks with.
      await connectTenantShop(
        bridge.store.db,
        tenant.id,
        { shop: emulator.shop, apiBaseUrl: emulator.url, accessToken: emulator.accessToken, clientSecret: emulator.clientSecret },
        secretBoxFor(config),
      );
    } else {
      tenant = await connectTenantFromConfig(bridge.store.db, config, DEMO_TENANT);
    }
    const auth = saved.token ? await tenants.authenticate(saved.token) : undefined;
    token = auth && auth.tenant.id === tenant!.id ? saved.token! : (await tenants.createToken(tenant!.id, 'demo')).token;
    if (emulator && bridge.twoWay) {
      // Changes made in the emulator (staff edits through its control API) come back through webhooks, as with a real shop.
      await ensureTenantWebhooks({ ...bridge.twoWay.deps, publicUrl: origin }, (await tenants.byId(tenant!.id))!);
    }
  } catch (e) {
    await bridge.close();
    await emulator?.close();
    throw e;
  }
  const credentials: DemoCredentials = {
    scimBaseUrl: `${origin}/scim/v2/${DEMO_TENANT}`,
    token,
    adminUrl: `${origin}/admin`,
    adminLoginUrl: (await adminSignIn(bridge, origin, { always: true })).loginUrl!,
    adminApiUrl: `${origin}/admin/api`,
    adminToken,
    shopifyGraphqlUrl: emulator?.graphqlUrl ?? `https://${config.shopify!.shop}/admin/api/${config.shopify!.apiVersion}/graphql.json`,
    shopifyAccessToken: emulator?.accessToken ?? '(configured in SHOPIFY_ACCESS_TOKEN)',
  };
  writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return {
    bridge,
    emulator,
    credentials,
    file,
    async close() {
      await bridge.close();
      await emulator?.close();
    },
  };
}

/** What the command prints. */
export function demoBanner(d: Demo): string {
  const c = d.credentials;
  return [
    `shopify-scim demo${d.emulator ? ' (Shopify emulator in-process; set SHOPIFY_* to use a real shop)' : ''}`,
    `  SCIM base URL     ${c.scimBaseUrl}`,
    `  SCIM token        ${c.token}`,
    `  admin UI          ${c.adminLoginUrl}`,
    `                    (one-time sign-in link, valid for an hour; later: ${c.adminUrl})`,
    `  admin API         ${c.adminApiUrl}  (Authorization: Bearer ${c.adminToken})`,
    `  Shopify GraphQL   ${c.shopifyGraphqlUrl}`,
    `  Shopify token     ${c.shopifyAccessToken}`,
    `  saved to          ${d.file}`,
    '',
    'Try it:',
    `  curl -s -H "Authorization: Bearer ${c.token}" -H "Content-Type: application/scim+json" \\`,
    `    -d '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"value":"ada@example.com","primary":true}]}' \\`,
    `    ${c.scimBaseUrl}/Users`,
  ].join('\n');
}

/** The `demo` command. */
/** Runs the demo until SIGINT or SIGTERM, printing its credentials (as JSON with `json`). */
export async function runDemo(config: Config, json: boolean): Promise<void> {
  const demo = await startDemo(config);
  const stop = async () => {
    await demo.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(json ? JSON.stringify(demo.credentials) : demoBanner(demo));
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('run the bridge with a built-in Shopify emulator (or the shop SHOPIFY_* names), a demo tenant and a token')
    .option('--json', 'print the credentials as one JSON object')
    .action((o: { json?: boolean }) => runDemo(configOrExit(), !!o.json));
}
