// Standard Webhooks signing (standardwebhooks.com): the webhook-id, webhook-timestamp and webhook-signature headers
// a receiver checks with any of the spec's libraries. The secret is `whsec_` + base64 of the key bytes.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** The HMAC key behind a `whsec_…` secret; a secret without the prefix is used as raw text (some senders do that). */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) return Buffer.from(secret, 'utf8');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  if (key.length === 0) throw new Error('the webhook secret has no key after "whsec_"');
  return key;
}

/** A new random secret (24 bytes, as the reference libraries make them). */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

/** The signature `v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">`. */
export function signStandardWebhook(id: string, timestampSeconds: number, body: string, secret: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export type StandardWebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The three headers of one delivery attempt; the id stays the same across retries so receivers can de-duplicate. */
export function standardWebhookHeaders(id: string, body: string, secret: string, nowMs = Date.now()): StandardWebhookHeaders {
  const ts = Math.floor(nowMs / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(id, ts, body, secret) };
}

/**
 * True when one of the space-separated `v1,…` signatures matches and the timestamp is within `toleranceSeconds`
 * of now (replay protection). Used by tests and by anyone receiving the bridge's events in Node.
 */
export function verifyStandardWebhook(
  headers: Partial<Record<string, string | undefined>>,
  body: string,
  secret: string,
  opts: { nowMs?: number; toleranceSeconds?: number } = {},
): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (!id || !ts || !sigs || !/^\d+$/.test(ts)) return false;
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - Number(ts)) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signStandardWebhook(id, Number(ts), body, secret).slice(3), 'base64');
  return sigs.split(' ').some((s) => {
    const [version, value] = s.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
