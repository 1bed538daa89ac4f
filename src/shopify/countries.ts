// Countries in Shopify's Admin API: the values of its CountryCode enum (a test keeps this list equal to the pinned
// schema; ZZ is its "unknown region"), each one's English name as Shopify shows it beside the code, and the reading of
// the deprecated `country` name field: a code or an English name, in any case.

export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  `AC AD AE AF AG AI AL AM AN AO AR AT AU AW AX AZ BA BB BD BE
  BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD
  CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
  DO DZ EC EE EG EH ER ES ET FI FJ FK FO FR GA GB GD GE GF GG
  GH GI GL GM GN GP GQ GR GS GT GW GY HK HM HN HR HT HU ID IE
  IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR
  KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG
  MK ML MM MN MO MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG
  NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PS PT PY
  QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO
  SR SS ST SV SX SY SZ TA TC TD TF TG TH TJ TK TL TM TN TO TR
  TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VN VU WF WS XK YE
  YT ZA ZM ZW ZZ`.split(/\s+/),
);

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** The country's English name, as Shopify returns it beside the code; null for no code or an unknown one. */
export function countryName(code: string | null | undefined): string | null {
  if (!code) return null;
  try {
    return regionNames.of(code) ?? null;
  } catch {
    return null;
  }
}

let byName: Map<string, string> | undefined;
/** The code for a code or an English name (compared upper-cased), or undefined when Shopify would not know it. */
export function countryCodeByName(text: string): string | undefined {
  const t = text.toUpperCase();
  if (COUNTRY_CODES.has(t)) return t;
  if (!byName) {
    byName = new Map();
    for (const code of COUNTRY_CODES) {
      const name = countryName(code);
      if (name && !byName.has(name.toUpperCase())) byName.set(name.toUpperCase(), code);
    }
  }
  return byName.get(t);
}
