// `shopify-scim shopify check`: connects to the configured shop and reports shop, plan, granted scopes, API version
// and cost bucket, or one clear sentence per problem; exits 1 when anything is wrong.
import { Command } from 'commander';
import { checkShopify, type CheckReport } from '../shopify/check.js';

interface CheckFlags {
  shop?: string;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  apiVersion?: string;
  apiBaseUrl?: string;
  json?: boolean;
}

/** The report as lines a person reads. */
export function formatCheckReport(r: CheckReport): string {
  const lines = [`Shopify check: ${r.shop ?? '(no shop)'}${r.graphqlUrl ? ` via ${r.graphqlUrl}` : ''}`];
  const row = (k: string, v: string) => lines.push(`  ${k.padEnd(14)}${v}`);
  if (r.info) {
    const i = r.info;
    row(
      'shop',
      `${i.name} (${i.myshopifyDomain}${i.primaryDomain && i.primaryDomain !== i.myshopifyDomain ? `, ${i.primaryDomain}` : ''})`,
    );
    row('plan', `${i.plan.displayName}${i.plan.shopifyPlus ? ' (Plus)' : ''}${i.plan.partnerDevelopment ? ' (development store)' : ''}`);
    row('auth', r.auth === 'clientCredentials' ? 'client credentials grant' : 'access token');
    row('API version', i.apiVersion ?? r.requestedApiVersion);
    row('scopes', i.scopes.length ? i.scopes.join(', ') : '(none)');
    if (i.bucket)
      row(
        'cost bucket',
        `${i.bucket.maximumAvailable} points, restores ${i.bucket.restoreRate}/s (${i.bucket.currentlyAvailable} available now)`,
      );
    if (r.customerDataAccess !== null)
      row('customer data', r.customerDataAccess ? 'name, email, phone and address readable' : 'NOT readable');
  }
  for (const p of r.problems) lines.push(`  ✗ ${p.message}`);
  lines.push(r.ok ? 'OK: the bridge can work with this shop.' : 'FAILED');
  return lines.join('\n');
}

/** The `shopify` command group (`shopify check`). */
export function shopifyCommand(): Command {
  const shopify = new Command('shopify').description('work with the connected Shopify store');
  shopify
    .command('check')
    .description('connect with the configured credentials and report shop, plan, scopes, API version and cost bucket')
    .option('--shop <domain>', 'shop domain (default: $SHOPIFY_SHOP)')
    .option('--token <token>', 'Admin API access token (default: $SHOPIFY_ACCESS_TOKEN)')
    .option('--client-id <id>', 'Dev Dashboard app client id (default: $SHOPIFY_CLIENT_ID)')
    .option('--client-secret <secret>', 'Dev Dashboard app client secret (default: $SHOPIFY_CLIENT_SECRET)')
    .option('--api-version <version>', 'Admin API version (default: $SHOPIFY_API_VERSION or the pinned one)')
    .option('--api-base-url <url>', 'another Admin API address, e.g. the emulator (default: $SHOPIFY_API_BASE_URL)')
    .option('--json', 'print one JSON object')
    .action(async (o: CheckFlags) => {
      const env = process.env;
      const report = await checkShopify({
        shop: o.shop ?? env.SHOPIFY_SHOP,
        accessToken: o.token ?? (o.clientId ? undefined : env.SHOPIFY_ACCESS_TOKEN),
        clientId: o.clientId ?? (o.token ? undefined : env.SHOPIFY_CLIENT_ID),
        clientSecret: o.clientSecret ?? (o.token ? undefined : env.SHOPIFY_CLIENT_SECRET),
        apiVersion: o.apiVersion ?? env.SHOPIFY_API_VERSION,
        baseUrl: o.apiBaseUrl ?? env.SHOPIFY_API_BASE_URL,
      });
      if (o.json) console.log(JSON.stringify(report));
      else (report.ok ? console.log : console.error)(formatCheckReport(report));
      if (!report.ok) process.exitCode = 1;
    });
  return shopify;
}
