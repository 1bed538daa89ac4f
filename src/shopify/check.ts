// Connects to a shop with the configured credentials and says what works and what does not, one sentence per
// problem (unreachable host, refused token, missing scope, unknown API version, no protected customer data).
import { createShopifyClient, type ShopifyClientOptions } from './client.js';
import { documents } from './documents.js';
import { ShopifyError } from './errors.js';
import { shopInfo, type ShopInfo } from './shop.js';
import { SHOPIFY_API_VERSION_DEFAULT } from './version.js';

export interface CheckInput {
  shop?: string;
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
  apiVersion?: string;
  baseUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface CheckProblem {
  code: string;
  message: string;
}

export interface CheckReport {
  ok: boolean;
  shop: string | null;
  graphqlUrl: string | null;
  auth: 'token' | 'clientCredentials' | null;
  requestedApiVersion: string;
  info: ShopInfo | null;
  /** Whether name, email, phone and address of customers can be read (protected customer data, level 2). */
  customerDataAccess: boolean | null;
  problems: CheckProblem[];
}

/** Checks the connection to a shop; never throws for a Shopify-side problem, it reports it. */
export async function checkShopify(input: CheckInput): Promise<CheckReport> {
  const requestedApiVersion = input.apiVersion || SHOPIFY_API_VERSION_DEFAULT;
  const report: CheckReport = {
    ok: false,
    shop: null,
    graphqlUrl: null,
    auth: null,
    requestedApiVersion,
    info: null,
    customerDataAccess: null,
    problems: [],
  };
  const problem = (code: string, message: string) => report.problems.push({ code, message });
  if (!input.shop) problem('NO_SHOP', 'No shop given: set SHOPIFY_SHOP (e.g. my-store.myshopify.com) or pass --shop.');
  let auth: ShopifyClientOptions['auth'] | undefined;
  if (input.accessToken) auth = { kind: 'token', accessToken: input.accessToken };
  else if (input.clientId && input.clientSecret)
    auth = { kind: 'clientCredentials', clientId: input.clientId, clientSecret: input.clientSecret };
  else if (input.clientId || input.clientSecret)
    problem(
      'NO_CREDENTIALS',
      'Client credentials need both SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET (or --client-id and --client-secret).',
    );
  else problem('NO_CREDENTIALS', 'No credentials: set SHOPIFY_ACCESS_TOKEN, or SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET.');
  if (!input.shop || !auth) return report;

  const client = createShopifyClient({
    shop: input.shop,
    apiVersion: requestedApiVersion,
    auth,
    baseUrl: input.baseUrl || undefined,
    fetch: input.fetch,
    timeoutMs: input.timeoutMs ?? 10_000,
    retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
  });
  report.shop = client.shop;
  report.graphqlUrl = client.graphqlUrl;
  report.auth = auth.kind;
  try {
    report.info = await shopInfo(client);
  } catch (e) {
    problem(e instanceof ShopifyError ? e.code : 'ERROR', explain(e, client.graphqlUrl, client.baseUrl, auth.kind, requestedApiVersion));
    return report;
  }
  const info = report.info;
  if (info.missingScopes.length)
    problem(
      'MISSING_SCOPE',
      `The app lacks ${info.missingScopes.join(' and ')}: add the scope in the app's configuration and approve it on the shop.`,
    );
  if (info.apiVersion && info.apiVersion !== requestedApiVersion)
    problem(
      'API_VERSION',
      `Shopify answered with API version ${info.apiVersion} instead of ${requestedApiVersion}: that version is unknown or no longer supported.`,
    );
  if (!info.missingScopes.includes('read_customers')) {
    try {
      await client.request(documents.customerAccessProbe);
      report.customerDataAccess = true;
    } catch (e) {
      report.customerDataAccess = false;
      problem(
        'CUSTOMER_DATA',
        `Customer names, emails, phones or addresses cannot be read (${e instanceof Error ? e.message : String(e)}): ` +
          'request protected customer data access (level 2: name, email, phone, address) for the app.',
      );
    }
  }
  report.ok = report.problems.length === 0;
  return report;
}

function explain(e: unknown, graphqlUrl: string, baseUrl: string, auth: 'token' | 'clientCredentials', version: string): string {
  if (!(e instanceof ShopifyError)) return `Unexpected failure: ${e instanceof Error ? e.message : String(e)}`;
  const host = new URL(baseUrl).host;
  const cause = String((e.extra.cause as { cause?: { code?: string } } | undefined)?.cause?.code ?? '');
  switch (e.code) {
    case 'NETWORK':
      if (/ENOTFOUND|EAI_AGAIN/.test(cause + e.message))
        return `Cannot resolve ${host}: check the shop domain (SHOPIFY_SHOP) or SHOPIFY_API_BASE_URL.`;
      if (/ECONNREFUSED/.test(cause + e.message))
        return `Nothing accepts connections at ${baseUrl} (connection refused): is the address right and the server running?`;
      return `Cannot connect to ${baseUrl}: ${e.message.replace(/^Cannot reach Shopify: /, '')}.`;
    case 'TIMEOUT':
      return `No answer from ${graphqlUrl}: ${e.message}.`;
    case 'UNAUTHORIZED':
      return auth === 'token'
        ? 'The access token was refused (401): it is wrong, revoked, or belongs to another shop.'
        : 'Shopify refused the token it had just issued (401): reinstall the app on the shop.';
    case 'TOKEN_REQUEST_FAILED':
      return `The client credentials were refused (${e.message}): check SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET, and that the app is installed on ${host}.`;
    case 'ENDPOINT_NOT_FOUND':
      return `No Admin API at ${graphqlUrl} (404): check the shop domain, and that API version ${version} exists.`;
    case 'MISSING_SCOPE':
      return `${e.message}. Add the scope in the app's configuration and approve it on the shop.`;
    case 'SHOP_UNAVAILABLE':
      return `${e.message}.`;
    default:
      return e.message;
  }
}
