// The one app installed on the emulated shop: a static Admin API token (legacy custom app) and client-credentials
// tokens that expire; both belong to the same app, so they share one cost bucket.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SCOPES = ['read_customers', 'write_customers'];
export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

export interface AppCredentials {
  accessToken: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type GrantResult =
  | { status: 200; body: { access_token: string; scope: string; expires_in: number } }
  | { status: 400 | 401; body: { error: string; error_description: string } };

export class AppAuth {
  /** client-credentials tokens by value */
  tokens = new Map<string, number>();

  constructor(
    readonly creds: AppCredentials,
    private readonly clock: () => number,
  ) {}

  /** True when the header holds the static token or an unexpired client-credentials token. */
  check(token: string | undefined): boolean {
    if (!token) return false;
    if (same(token, this.creds.accessToken)) return true;
    const exp = this.tokens.get(token);
    if (exp === undefined) return false;
    if (exp <= this.clock()) {
      this.tokens.delete(token);
      return false;
    }
    return true;
  }

  /** POST /admin/oauth/access_token with the client credentials grant. */
  grant(params: Record<string, unknown>): GrantResult {
    const grantType = params.grant_type;
    if (grantType !== 'client_credentials')
      return {
        status: 400,
        body: {
          error: grantType ? 'unsupported_grant_type' : 'invalid_request',
          error_description: grantType ? `The grant type ${String(grantType)} is not supported.` : 'Missing grant_type parameter.',
        },
      };
    const id = typeof params.client_id === 'string' ? params.client_id : '';
    const secret = typeof params.client_secret === 'string' ? params.client_secret : '';
    if (!id || !same(id, this.creds.clientId))
      return {
        status: 400,
        body: { error: 'invalid_request', error_description: `Could not find Shopify API application with api_key ${id}` },
      };
    if (!same(secret, this.creds.clientSecret))
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'Client authentication failed due to an invalid client secret.' },
      };
    const token = `shpat_${randomBytes(16).toString('hex')}`;
    const ttl = this.creds.tokenTtlSeconds;
    this.tokens.set(token, this.clock() + ttl * 1000);
    return { status: 200, body: { access_token: token, scope: SCOPES.join(','), expires_in: ttl } };
  }

  /** Ends every client-credentials token (the static token stays valid). */
  revokeIssued(): void {
    this.tokens.clear();
  }
}

/** A fresh random secret for defaults. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
