// Phone numbers to E.164 (+<country code><national number>), as Shopify stores them, from what IdPs send:
// free-form national or international numbers. Parsing and validation are libphonenumber-js's, with its `max`
// metadata: Shopify refuses a number that no network of its region gives out ("Phone is invalid"), not only one of
// the wrong length, and only the `max` metadata knows which area codes and mobile ranges exist (`min` checks lengths
// and the coarsest leading digits, and passes +55 11 1234-5678). What is read here before the library (extensions,
// letters, stray characters, the digit count) is so that a refusal says what is wrong in words a person can act on.
import {
  Metadata,
  ParseError,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberWithError,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import metadataJson from 'libphonenumber-js/max/metadata';

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

/** True for a string already in E.164 form (not a check that the number exists). */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}

/** True when a country has a numbering plan (so national numbers from it can be read). */
export function knownPhoneCountry(country: string): boolean {
  return isSupportedCountry(country.toUpperCase());
}

/**
 * Ranges regulators keep for fiction and examples, which libphonenumber counts as unassigned: Ofcom's drama mobile
 * range 07700 900000-900999. They are accepted so that examples and demos never reach a real person. (The other
 * drama ranges, such as 020 7946 0xxx and North American 555-01xx, lie inside assigned ranges and pass as they are.)
 */
const FICTION = [/^\+447700900\d{3}$/];

const KEYPAD: Record<string, string> = {};
for (const [digit, letters] of Object.entries({ 2: 'ABC', 3: 'DEF', 4: 'GHI', 5: 'JKL', 6: 'MNO', 7: 'PQRS', 8: 'TUV', 9: 'WXYZ' }))
  for (const l of letters) KEYPAD[l] = digit;

/**
 * Every decimal digit of any script (Arabic-Indic, Devanagari, Thai, full-width after NFKC, …) as its ASCII digit.
 * Unicode lays each script's digits out as one run of ten, zero first, and runs that touch are whole runs of ten, so
 * a digit's value is its distance from the start of its run, modulo ten.
 */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => {
    let cp = d.codePointAt(0)!;
    if (cp <= 0x39) return d;
    const end = cp;
    while (/\p{Nd}/u.test(String.fromCodePoint(cp - 1))) cp--;
    return String((end - cp) % 10);
  });
}

/** `[10]` -> "10", `[7, 9, 10]` -> "7, 9 or 10", `[4, 5, …, 15]` -> "4-15". */
function listLengths(lengths: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < lengths.length;) {
    let j = i;
    while (j + 1 < lengths.length && lengths[j + 1] === lengths[j]! + 1) j++;
    if (j - i >= 2) runs.push(`${lengths[i]}-${lengths[j]}`);
    else for (let k = i; k <= j; k++) runs.push(String(lengths[k]));
    i = j + 1;
  }
  return runs.length === 1 ? runs[0]! : `${runs.slice(0, -1).join(', ')} or ${runs[runs.length - 1]}`;
}

/** The national-number lengths a region allows, read from the same metadata the validation uses. */
function possibleLengths(region: CountryCode): number[] {
  const metadata = new Metadata();
  metadata.selectNumberingPlan(region);
  return metadata.numberingPlan?.possibleLengths() ?? [];
}

/** The main region of a calling code (US for +1, GB for +44), whose plan names the lengths in a refusal. */
function mainRegion(callingCode: string): CountryCode | undefined {
  return metadataJson.country_calling_codes[callingCode]?.[0];
}

/** The calling code an international number starts with (codes are prefix-free), if it starts with one. */
function callingCodeOf(digits: string): string | undefined {
  return [1, 2, 3].map((n) => digits.slice(0, n)).find((c) => metadataJson.country_calling_codes[c] !== undefined);
}

function lengthReason(callingCode: string, national: string, region: CountryCode | undefined): string {
  const lengths = region ? possibleLengths(region) : [];
  const where = lengths.length ? `, where ${listLengths(lengths)} are possible` : '';
  return `has ${national.length} digit${national.length === 1 ? '' : 's'} after the country code +${callingCode}${where}`;
}

function invalidReason(p: PhoneNumber): string {
  const national = p.nationalNumber as string;
  if (p.countryCallingCode === '1') {
    if (/^[01]/.test(national) || /^[01]/.test(national.slice(3)))
      return 'is not a possible North American number (area code and exchange cannot start with 0 or 1)';
    return `is not a valid North American number: area code ${national.slice(0, 3)} is not in service`;
  }
  const regions = p.getPossibleCountries();
  const names = regions.length ? ` (${regions.join(', ')})` : '';
  return `is not a valid number of +${p.countryCallingCode}${names}: its area code or number range is not in service`;
}

function check(p: PhoneNumber): PhoneResult {
  const national = p.nationalNumber as string;
  const cc = p.countryCallingCode as string;
  if (cc.length + national.length > 15) return { ok: false, reason: 'has more digits than any phone number can (15)' };
  if (FICTION.some((r) => r.test(p.number))) return { ok: true, e164: p.number };
  const region = p.country ?? mainRegion(cc);
  if (!p.isPossible()) return { ok: false, reason: lengthReason(cc, national, region) };
  if (!p.isValid()) return { ok: false, reason: invalidReason(p) };
  return { ok: true, e164: p.number };
}

function parse(text: string, country: CountryCode | undefined, digits: string): PhoneResult {
  try {
    return check(parsePhoneNumberWithError(text, { defaultCountry: country, extract: false }));
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    const cc = country ? getCountryCallingCode(country) : callingCodeOf(digits);
    if (cc === undefined) return { ok: false, reason: `starts with +${digits.slice(0, 3)}…, and no country code begins that way` };
    if (e.message === 'TOO_SHORT' || e.message === 'TOO_LONG') {
      const national = country ? digits : digits.slice(cc.length);
      return { ok: false, reason: lengthReason(cc, national, country ?? mainRegion(cc)) };
    }
    return { ok: false, reason: 'is not a phone number' };
  }
}

/**
 * Normalises a phone number to E.164. International forms (`+44 20 7946 0018`, `0044…`, `+44 (0)20…`) stand alone;
 * national forms (`(415) 555-0100`, `020 7946 0018`) need the country they belong to. A number must be one that its
 * region's numbering plan gives out, as Shopify requires: right length, an area code or mobile range in service.
 * @example normalizePhone('(415) 555-0100', 'US') // { ok: true, e164: '+14155550100' }
 */
export function normalizePhone(raw: string, defaultCountry?: string): PhoneResult {
  const text = asciiDigits(raw.normalize('NFKC')).trim();
  if (text === '') return { ok: false, reason: 'is empty' };
  let body = text.replace(/^tel:/i, '');
  let vanity = false;
  if (/[a-z]/i.test(body)) {
    if (/(?:ext(?:ension)?|x)\.?:?\s*\d+$/i.test(body)) return { ok: false, reason: 'carries an extension, which E.164 cannot hold' };
    // A vanity number (1-800-FLOWERS) starts with digits and spells the rest on the keypad; prose has no leading digits.
    if (!/^\+?[\d\s().\-/]*\d[\d\s().\-/]*[a-z][a-z\d\s().\-/]*$/i.test(body)) return { ok: false, reason: 'contains letters' };
    body = body.replace(/[a-z]/gi, (l) => KEYPAD[l.toUpperCase()]!);
    vanity = true;
  }
  if (/[^\d\s+().\-/]/.test(body)) return { ok: false, reason: 'contains characters a phone number cannot have' };
  const plus = body.indexOf('+');
  if (plus > 0 || body.lastIndexOf('+') !== plus) return { ok: false, reason: "has a '+' that is not at the start" };
  let digits = body.replace(/\D/g, '');
  let international = plus === 0;
  if (!international && digits.startsWith('00')) {
    digits = digits.slice(2);
    international = true;
  }
  if (digits === '') return { ok: false, reason: 'has no digits' };
  if (digits.length > 15 + (international ? 0 : 1)) return { ok: false, reason: 'has more digits than any phone number can (15)' };
  let result: PhoneResult;
  if (international) {
    if (digits.startsWith('0')) return { ok: false, reason: 'has a country code starting with 0' };
    result = parse(`+${digits}`, undefined, digits);
  } else {
    const country = defaultCountry?.toUpperCase();
    if (!country) return { ok: false, reason: 'has no country code and no default country is configured' };
    if (!isSupportedCountry(country))
      return { ok: false, reason: `has no country code, and the numbering plan of ${country} is not known: write it as +<country code>…` };
    result = parse(body, country, digits);
  }
  if (!result.ok && vanity) return { ok: false, reason: `spells letters, and read on a phone keypad it ${result.reason}` };
  return result;
}
