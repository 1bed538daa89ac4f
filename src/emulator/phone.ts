// Phone numbers as Shopify takes them: written with their country code (+ or 00; the emulator, like a shop with no
// country to fall back on, refuses national forms) and valid for their region, i.e. in an area code or mobile range
// that the region's numbering plan assigns, not only of a possible length. libphonenumber-js with its `max` metadata
// decides that; the `min` metadata checks lengths and the coarsest leading digits only, and would let "+55 11 1234-5678"
// (a São Paulo number without its leading 9) through, which Shopify refuses with "Phone is invalid".
import { parsePhoneNumberWithError, ParseError } from 'libphonenumber-js/max';

/**
 * Ofcom's drama mobile range (07700 900000-900999), kept for fiction and so unassigned in libphonenumber: accepted
 * so that tests and demos can use numbers that reach nobody. North American 555-01xx and London's 020 7946 0xxx lie
 * inside assigned ranges and pass as they are.
 */
const FICTION = /^\+447700900\d{3}$/;

/** The E.164 form of a phone number written with a leading + or 00 (spaces, dots, dashes, parentheses allowed), or null. */
export function normalizePhone(input: string): string | null {
  const trimmed = input.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) {
    // fine
  } else if (digits.startsWith('00')) {
    digits = digits.slice(2);
  } else {
    return null; // no country code: Shopify cannot place it without the shop's country, and we choose to refuse
  }
  if (digits.length > 15 || digits.startsWith('0')) return null;
  try {
    const p = parsePhoneNumberWithError(`+${digits}`, { extract: false });
    if ((p.countryCallingCode as string).length + (p.nationalNumber as string).length > 15) return null;
    return p.isValid() || FICTION.test(p.number) ? p.number : null;
  } catch (e) {
    if (e instanceof ParseError) return null;
    throw e;
  }
}
