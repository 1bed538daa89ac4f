// Bearer tokens for SCIM clients and the admin API: random, shown once, stored as a SHA-256 hash,
// and compared in constant time so a response's timing says nothing about a near miss.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'scim_';

/** A new random token (256 bits) with a recognisable prefix; the caller shows it once and stores only its hash. */
export function generateToken(prefix = TOKEN_PREFIX): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** The stored form of a token: hex SHA-256. A fast hash is right here because tokens have 256 bits of entropy. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time equality of two strings (of any length: hashed first so lengths never leak). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/** The first characters of a token, enough to recognise it in a list without revealing it. */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
