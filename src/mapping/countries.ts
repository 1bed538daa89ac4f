// Countries as Shopify knows them (src/shopify/countries.ts) without its ZZ "unknown region", and a reading of what
// identity providers put in `addresses.country`: a code, an English name in any case or accents, or one of the
// common other spellings ("USA", "UK", "Holland"). US territories such as Puerto Rico are provinces of the United
// States in Shopify, so their names are not countries here.
import { COUNTRY_CODES, countryName } from '../shopify/countries.js';

export const SHOPIFY_COUNTRY_CODES: ReadonlySet<string> = new Set([...COUNTRY_CODES].filter((c) => c !== 'ZZ'));

/** Other spellings people and directories use, by the key `nameKey` makes of them. */
const ALIASES: Record<string, string> = {
  USA: 'US',
  'UNITED STATES OF AMERICA': 'US',
  AMERICA: 'US',
  'THE UNITED STATES': 'US',
  UK: 'GB',
  BRITAIN: 'GB',
  'GREAT BRITAIN': 'GB',
  ENGLAND: 'GB',
  SCOTLAND: 'GB',
  WALES: 'GB',
  'NORTHERN IRELAND': 'GB',
  'UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND': 'GB',
  GBR: 'GB',
  DEUTSCHLAND: 'DE',
  GERMANY: 'DE',
  DEU: 'DE',
  HOLLAND: 'NL',
  'THE NETHERLANDS': 'NL',
  NLD: 'NL',
  FRA: 'FR',
  CAN: 'CA',
  AUS: 'AU',
  NZL: 'NZ',
  IRL: 'IE',
  ESP: 'ES',
  ITA: 'IT',
  CHE: 'CH',
  SWITZERLAND: 'CH',
  MEX: 'MX',
  JPN: 'JP',
  CHN: 'CN',
  IND: 'IN',
  BRA: 'BR',
  SGP: 'SG',
  ZAF: 'ZA',
  SWE: 'SE',
  NOR: 'NO',
  DNK: 'DK',
  FIN: 'FI',
  BEL: 'BE',
  AUT: 'AT',
  POL: 'PL',
  PRT: 'PT',
  ISR: 'IL',
  ARE: 'AE',
  KOR: 'KR',
  KOREA: 'KR',
  'REPUBLIC OF KOREA': 'KR',
  'KOREA REPUBLIC OF': 'KR',
  'NORTH KOREA': 'KP',
  'RUSSIAN FEDERATION': 'RU',
  UAE: 'AE',
  'CZECH REPUBLIC': 'CZ',
  'IVORY COAST': 'CI',
  'COTE D IVOIRE': 'CI',
  'VIET NAM': 'VN',
  TURKEY: 'TR',
  MACEDONIA: 'MK',
  SWAZILAND: 'SZ',
  BURMA: 'MM',
  MACAU: 'MO',
  PALESTINE: 'PS',
  VATICAN: 'VA',
  'HOLY SEE': 'VA',
  'CABO VERDE': 'CV',
  'EAST TIMOR': 'TL',
  'DR CONGO': 'CD',
  'DEMOCRATIC REPUBLIC OF THE CONGO': 'CD',
  'REPUBLIC OF THE CONGO': 'CG',
  PRC: 'CN',
  "PEOPLE'S REPUBLIC OF CHINA": 'CN',
  'PEOPLES REPUBLIC OF CHINA': 'CN',
  'IRAN ISLAMIC REPUBLIC OF': 'IR',
};

/** Upper case, accents and punctuation dropped, "&" read as "and", spaces collapsed. */
function nameKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[.'’,()-]/g, (c) => (c === '.' || c === "'" || c === '’' ? '' : ' '))
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}

let names: Map<string, string> | undefined;
function byName(): Map<string, string> {
  if (names) return names;
  names = new Map();
  for (const code of SHOPIFY_COUNTRY_CODES) {
    const name = countryName(code);
    if (!name) continue;
    names.set(nameKey(name), code);
    // "Myanmar (Burma)", "Hong Kong SAR China", "Congo - Kinshasa": the plain name reads too.
    const plain = name.replace(/\s*\(.*\)$/, '').replace(/ SAR China$/, '');
    if (plain !== name) names.set(nameKey(plain), code);
  }
  for (const [alias, code] of Object.entries(ALIASES)) names.set(nameKey(alias), code);
  return names;
}

/** Whether Shopify knows this two-letter code (upper case). */
export const isCountryCode = (value: string): boolean => SHOPIFY_COUNTRY_CODES.has(value);

/** The Shopify country code for a code or a name, or undefined when the text names no country Shopify knows. */
export function countryCodeOf(text: string): string | undefined {
  const key = nameKey(text);
  if (/^[A-Z]{2}$/.test(key)) {
    if (SHOPIFY_COUNTRY_CODES.has(key)) return key;
    // "UK" is the code people write for the United Kingdom; other unknown pairs are not countries.
    return ALIASES[key];
  }
  return byName().get(key);
}
