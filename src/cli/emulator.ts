// `shopify-scim emulator`: runs the Shopify Admin API emulator as its own process and prints what a client needs
// (GraphQL URL, access token, client credentials, control API); stops cleanly on SIGINT/SIGTERM.
import { Command, InvalidArgumentError } from 'commander';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';

interface EmulatorFlags {
  port: number;
  host: string;
  shop: string;
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
  restoreRate?: number;
  bucketSize?: number;
  tokenTtl?: number;
  plan?: string;
  persist?: string;
  json?: boolean;
}

function positive(name: string, integer: boolean) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`${name} must be a positive ${integer ? 'integer' : 'number'}.`);
    return n;
  };
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('port must be an integer from 0 to 65535.');
  return n;
}

/** Emulator options from the command's flags. */
export function emulatorOptions(f: EmulatorFlags): EmulatorOptions {
  return {
    port: f.port,
    host: f.host,
    shop: f.shop,
    accessToken: f.accessToken,
    clientId: f.clientId,
    clientSecret: f.clientSecret,
    restoreRate: f.restoreRate,
    bucketSize: f.bucketSize,
    tokenTtlSeconds: f.tokenTtl,
    planName: f.plan,
    persistFile: f.persist,
  };
}

/** What the command prints once the emulator listens. */
export function emulatorBanner(em: Emulator, persist?: string): string {
  return [
    `Shopify Admin API emulator for ${em.shop} (API ${em.apiVersion})`,
    `  GraphQL URL     ${em.graphqlUrl}`,
    `  API base URL    ${em.url}   (SHOPIFY_API_BASE_URL)`,
    `  access token    ${em.accessToken}   (X-Shopify-Access-Token)`,
    `  client id       ${em.clientId}`,
    `  client secret   ${em.clientSecret}   (also signs webhooks)`,
    `  token endpoint  ${em.url}/admin/oauth/access_token`,
    `  control API     ${em.url}/_emulator/   (see docs/emulator.md)`,
    `  state           ${persist ? `saved to ${persist}` : 'in memory only'}`,
  ].join('\n');
}

/** The `emulator` command; `onStarted` lets a caller (a test) get hold of the running emulator. */
export function emulatorCommand(onStarted?: (em: Emulator) => void): Command {
  return new Command('emulator')
    .description('run a local Shopify Admin API emulator (real schema, cost bucket, webhooks, faults) for development and demos')
    .option('--port <port>', 'port to listen on (0 = any free port)', port, 8081)
    .option('--host <host>', 'address to bind; the control API needs the access token beyond loopback', '127.0.0.1')
    .option('--shop <domain>', 'shop domain', 'demo-shop.myshopify.com')
    .option('--access-token <token>', 'static Admin API access token to accept (default: random shpat_…)')
    .option('--client-id <id>', 'client id for the client credentials grant (default: random)')
    .option('--client-secret <secret>', 'client secret; also signs webhooks (default: random)')
    .option('--restore-rate <points>', 'cost points restored per second', positive('restore rate', false))
    .option('--bucket-size <points>', 'size of the cost bucket', positive('bucket size', true))
    .option('--token-ttl <seconds>', 'lifetime of client-credentials tokens', positive('token TTL', true))
    .option('--plan <name>', 'shop plan display name')
    .option('--persist <file>', 'keep the shop in this JSON file across restarts')
    .option('--json', 'print one JSON object instead of the banner')
    .action(async (f: EmulatorFlags) => {
      const em = await startEmulator(emulatorOptions(f));
      if (f.json) {
        console.log(
          JSON.stringify({
            url: em.url,
            graphqlUrl: em.graphqlUrl,
            shop: em.shop,
            apiVersion: em.apiVersion,
            accessToken: em.accessToken,
            clientId: em.clientId,
            clientSecret: em.clientSecret,
          }),
        );
      } else console.log(emulatorBanner(em, f.persist));
      const stop = async () => {
        await em.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      onStarted?.(em);
    });
}
