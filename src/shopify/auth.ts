// Access tokens for the Admin API: a static custom-app token, or the client credentials grant of a Dev Dashboard app
// (cached, refreshed before it expires and once after a 401, one token request shared by all concurrent callers).
import { ShopifyError, shopifyErrors } from './errors.js';

export type ShopifyAuth = { kind: 'token'; accessToken: string } | { kind: 'clientCredentials'; clientId: string; clientSecret: string };

/** Where the client gets the token for the next call, and tells that a token was refused. */
export interface AccessTokenSource {
  /** A token valid now (may request one). */
  get(): Promise<string>;
  /** The server refused `token`; returns true when asking again may yield a different one. */
  invalidate(token: string): boolean;
}

export interface TokenSourceOptions {
  /** Base URL of the shop, e.g. https://example.myshopify.com (no trailing slash). */
  baseUrl: string;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs: number;
  /** Fraction of `expires_in` after which the token is renewed. */
  refreshAt?: number;
  onToken?: (e: { expiresInSeconds: number | undefined; scope: string | undefined }) => void;
}

/** The token source for an auth configuration. */
export function createTokenSource(auth: ShopifyAuth, opts: TokenSourceOptions): AccessTokenSource {
  if (auth.kind === 'token') {
    if (!auth.accessToken) throw new Error('Shopify auth: accessToken is empty');
    return { get: async () => auth.accessToken, invalidate: () => false };
  }
  if (!auth.clientId || !auth.clientSecret) throw new Error('Shopify auth: clientId and clientSecret are both required');
  return new ClientCredentialsSource(auth.clientId, auth.clientSecret, opts);
}

interface CachedToken {
  token: string;
  renewAt: number;
}

class ClientCredentialsSource implements AccessTokenSource {
  private cached?: CachedToken;
  private inFlight?: Promise<string>;

  constructor(
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly opts: TokenSourceOptions,
  ) {}

  async get(): Promise<string> {
    if (this.cached && this.opts.now() < this.cached.renewAt) return this.cached.token;
    this.inFlight ??= this.request().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  invalidate(token: string): boolean {
    // Only the first 401 for a token drops it; later ones for the same token find a fresh one already.
    if (this.cached?.token === token) this.cached = undefined;
    return true;
  }

  private async request(): Promise<string> {
    const { fetch: doFetch, baseUrl, timeoutMs, now } = this.opts;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.clientId, client_secret: this.clientSecret });
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw transportError(e, timeoutMs);
    }
    const text = await res.text();
    if (res.status >= 500) throw shopifyErrors.http5xx(res.status);
    if (res.status === 429) throw shopifyErrors.rateLimited(retryAfterMs(res.headers.get('retry-after')));
    if (!res.ok) throw shopifyErrors.tokenRequestFailed(res.status, errorText(text));
    let json: { access_token?: unknown; expires_in?: unknown; scope?: unknown };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw shopifyErrors.internal('the token endpoint did not answer JSON');
    }
    if (typeof json.access_token !== 'string' || !json.access_token) throw shopifyErrors.internal('the token answer has no access_token');
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : undefined;
    const fraction = this.opts.refreshAt ?? 0.9;
    const renewAt = expiresIn === undefined ? Infinity : now() + expiresIn * 1000 * fraction;
    this.cached = { token: json.access_token, renewAt };
    this.opts.onToken?.({ expiresInSeconds: expiresIn, scope: typeof json.scope === 'string' ? json.scope : undefined });
    return json.access_token;
  }
}

function errorText(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: string; error_description?: string; errors?: unknown };
    return [j.error, j.error_description].filter(Boolean).join(': ') || JSON.stringify(j.errors ?? j).slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** Maps a fetch rejection to TIMEOUT or NETWORK (both retryable). */
export function transportError(e: unknown, timeoutMs: number): ShopifyError {
  if (e instanceof ShopifyError) return e;
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return shopifyErrors.timeout(timeoutMs);
  const code = err?.cause?.code;
  const detail = code
    ? `${code}${err.cause?.message ? ` (${err.cause.message})` : ''}`
    : (err?.cause?.message ?? err?.message ?? String(e));
  return shopifyErrors.network(detail, e);
}

/** Retry-After in seconds (or an HTTP date) as milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
