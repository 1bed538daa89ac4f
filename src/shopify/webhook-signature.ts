// Shopify's webhook signature: base64 HMAC-SHA256 of the raw request body, keyed with the app's client secret,
// sent in X-Shopify-Hmac-Sha256; checked in constant time over the exact bytes received.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The X-Shopify-Hmac-Sha256 value for `rawBody`. */
export function signShopifyWebhook(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** 32 bytes in standard base64: 43 characters and one `=`. */
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/** True when `hmacHeader` is the signature of `rawBody` under `secret` (constant time; false for any malformed header). */
export function verifyShopifyWebhook(rawBody: Buffer, hmacHeader: string | undefined | null, secret: string): boolean {
  if (!hmacHeader || !secret) return false;
  const header = hmacHeader.trim();
  if (!BASE64_SHA256.test(header)) return false;
  const given = Buffer.from(header, 'base64');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  // A header that is not 32 bytes of base64 cannot match; comparing lengths first leaks nothing about the secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
