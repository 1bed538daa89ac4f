// Checks and normalisation of customer input the way Shopify applies them: emails unique case-insensitively,
// phones as E.164 and unique, tags split on commas, trimmed and deduplicated case-insensitively.
import { normalizePhone } from './phone.js';

export interface UserErrorOut {
  field: string[] | null;
  message: string;
  /** only some payloads (customerSet, metafieldsSet, …) expose a code; the others ignore it */
  code?: string;
}

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$/;

/** True for an address Shopify would store: one @, a dotted domain, an alphabetic TLD, no spaces. */
export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email) && !email.includes('..');
}

export { normalizePhone };

export const MAX_TAG_LENGTH = 255;
export const MAX_TAGS = 250;

/** Tags as Shopify stores them: comma-split, trimmed, empties dropped, first spelling of each kept. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of tags) {
    for (const part of raw.split(',')) {
      const t = part.trim();
      if (!t) continue;
      const k = t.toLowerCase();
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(t);
    }
  }
  return out;
}

/** The tag-list problems Shopify reports (too long, too many), as user errors on `field`. */
export function checkTags(tags: readonly string[], field: string[]): UserErrorOut[] {
  const errors: UserErrorOut[] = [];
  if (tags.some((t) => t.length > MAX_TAG_LENGTH))
    errors.push({ field, message: `Tags is too long (maximum is ${MAX_TAG_LENGTH} characters)`, code: 'TOO_LONG' });
  if (tags.length > MAX_TAGS) errors.push({ field, message: `Tags cannot be more than ${MAX_TAGS}`, code: 'INVALID' });
  return errors;
}

/** Tags sorted the way Shopify returns them (alphabetically, case-insensitive). */
export function sortTags(tags: readonly string[]): string[] {
  return [...tags].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}
