// Phone numbers to E.164 (+<country code><national number>), as Shopify stores them, from what IdPs send:
// free-form national or international numbers. A small table of plan lengths rejects numbers no network could dial.

/** Country -> calling code, national trunk prefix and the lengths a national significant number can have. */
interface Plan {
  cc: string;
  trunk?: string;
  min: number;
  max: number;
}

// Lengths follow each country's numbering plan (ITU-T E.164 national plans); where a plan is irregular the range
// is the span of real numbers, so a typo of a digit or two is still caught.
const PLANS: Record<string, Plan> = {
  US: { cc: '1', trunk: '1', min: 10, max: 10 },
  CA: { cc: '1', trunk: '1', min: 10, max: 10 },
  PR: { cc: '1', trunk: '1', min: 10, max: 10 },
  GB: { cc: '44', trunk: '0', min: 9, max: 10 },
  IE: { cc: '353', trunk: '0', min: 7, max: 9 },
  DE: { cc: '49', trunk: '0', min: 6, max: 13 },
  AT: { cc: '43', trunk: '0', min: 4, max: 13 },
  CH: { cc: '41', trunk: '0', min: 9, max: 9 },
  FR: { cc: '33', trunk: '0', min: 9, max: 9 },
  BE: { cc: '32', trunk: '0', min: 8, max: 9 },
  NL: { cc: '31', trunk: '0', min: 9, max: 9 },
  LU: { cc: '352', min: 4, max: 11 },
  ES: { cc: '34', min: 9, max: 9 },
  PT: { cc: '351', min: 9, max: 9 },
  IT: { cc: '39', min: 6, max: 11 },
  DK: { cc: '45', min: 8, max: 8 },
  NO: { cc: '47', min: 8, max: 8 },
  SE: { cc: '46', trunk: '0', min: 7, max: 10 },
  FI: { cc: '358', trunk: '0', min: 5, max: 12 },
  IS: { cc: '354', min: 7, max: 9 },
  PL: { cc: '48', min: 9, max: 9 },
  CZ: { cc: '420', min: 9, max: 9 },
  SK: { cc: '421', trunk: '0', min: 9, max: 9 },
  HU: { cc: '36', trunk: '06', min: 8, max: 9 },
  RO: { cc: '40', trunk: '0', min: 9, max: 9 },
  GR: { cc: '30', min: 10, max: 10 },
  UA: { cc: '380', trunk: '0', min: 9, max: 9 },
  RU: { cc: '7', trunk: '8', min: 10, max: 10 },
  TR: { cc: '90', trunk: '0', min: 10, max: 10 },
  IL: { cc: '972', trunk: '0', min: 8, max: 9 },
  AE: { cc: '971', trunk: '0', min: 8, max: 9 },
  SA: { cc: '966', trunk: '0', min: 9, max: 9 },
  EG: { cc: '20', trunk: '0', min: 9, max: 10 },
  ZA: { cc: '27', trunk: '0', min: 9, max: 9 },
  NG: { cc: '234', trunk: '0', min: 8, max: 10 },
  KE: { cc: '254', trunk: '0', min: 9, max: 9 },
  IN: { cc: '91', trunk: '0', min: 10, max: 10 },
  PK: { cc: '92', trunk: '0', min: 9, max: 10 },
  CN: { cc: '86', trunk: '0', min: 9, max: 11 },
  HK: { cc: '852', min: 8, max: 8 },
  TW: { cc: '886', trunk: '0', min: 8, max: 9 },
  JP: { cc: '81', trunk: '0', min: 9, max: 10 },
  KR: { cc: '82', trunk: '0', min: 8, max: 10 },
  SG: { cc: '65', min: 8, max: 8 },
  MY: { cc: '60', trunk: '0', min: 8, max: 10 },
  TH: { cc: '66', trunk: '0', min: 8, max: 9 },
  VN: { cc: '84', trunk: '0', min: 9, max: 10 },
  PH: { cc: '63', trunk: '0', min: 8, max: 10 },
  ID: { cc: '62', trunk: '0', min: 8, max: 12 },
  AU: { cc: '61', trunk: '0', min: 9, max: 9 },
  NZ: { cc: '64', trunk: '0', min: 8, max: 10 },
  MX: { cc: '52', min: 10, max: 10 },
  BR: { cc: '55', trunk: '0', min: 10, max: 11 },
  AR: { cc: '54', trunk: '0', min: 10, max: 11 },
  CL: { cc: '56', min: 9, max: 9 },
  CO: { cc: '57', min: 8, max: 10 },
  PE: { cc: '51', trunk: '0', min: 8, max: 9 },
};

/** Calling code -> plan, for numbers written with their country code. Shared codes (+1, +7) use the first plan. */
const BY_CODE = new Map<string, Plan>();
for (const plan of Object.values(PLANS)) if (!BY_CODE.has(plan.cc)) BY_CODE.set(plan.cc, plan);

// Every country code is 1-3 digits and none is a prefix of another; the one- and two-digit codes are these.
const SHORT_CODES = new Set([
  '1',
  '7',
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '81',
  '82',
  '84',
  '86',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
]);

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

/** True for a string already in E.164 form (not a check that the number exists). */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}

/** True when a country has a numbering plan in the table (so national numbers from it can be read). */
export function knownPhoneCountry(country: string): boolean {
  return PLANS[country.toUpperCase()] !== undefined;
}

function checkLength(cc: string, nsn: string, plan: Plan | undefined): PhoneResult {
  if (cc.length + nsn.length > 15) return { ok: false, reason: 'has more digits than any phone number can (15)' };
  const min = plan?.min ?? 4;
  const max = plan?.max ?? 15 - cc.length;
  if (nsn.length < min || nsn.length > max) {
    return {
      ok: false,
      reason: `has ${nsn.length} digits after the country code +${cc}, where ${min === max ? min : `${min}-${max}`} are possible`,
    };
  }
  // North American numbers: neither the area code nor the exchange may start with 0 or 1.
  if (cc === '1' && (/^[01]/.test(nsn) || /^[01]/.test(nsn.slice(3)))) {
    return { ok: false, reason: 'is not a possible North American number (area code and exchange cannot start with 0 or 1)' };
  }
  return { ok: true, e164: `+${cc}${nsn}` };
}

/**
 * Normalises a phone number to E.164. International forms (`+44 20 7946 0018`, `0044…`) stand alone; national
 * forms (`(415) 555-0100`, `020 7946 0018`) need the country they belong to.
 * @example normalizePhone('(415) 555-0100', 'US') // { ok: true, e164: '+14155550100' }
 */
export function normalizePhone(raw: string, defaultCountry?: string): PhoneResult {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'is empty' };
  const body = text.replace(/^tel:/i, '');
  if (/[a-z]/i.test(body)) {
    return { ok: false, reason: /(ext|x)\.?\s*\d+$/i.test(text) ? 'carries an extension, which E.164 cannot hold' : 'contains letters' };
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
  if (international) {
    if (digits.startsWith('0')) return { ok: false, reason: 'has a country code starting with 0' };
    const cc = SHORT_CODES.has(digits.slice(0, 1))
      ? digits.slice(0, 1)
      : SHORT_CODES.has(digits.slice(0, 2))
        ? digits.slice(0, 2)
        : digits.slice(0, 3);
    let nsn = digits.slice(cc.length);
    const plan = BY_CODE.get(cc);
    // "+44 (0)20 …": a trunk prefix written after the country code is dialled by nobody; drop it.
    if (plan?.trunk === '0' && nsn.startsWith('0') && nsn.length > plan.max) nsn = nsn.slice(1);
    return checkLength(cc, nsn, plan);
  }
  const country = defaultCountry?.toUpperCase();
  if (!country) return { ok: false, reason: 'has no country code and no default country is configured' };
  const plan = PLANS[country];
  if (!plan)
    return { ok: false, reason: `has no country code, and the numbering plan of ${country} is not known: write it as +<country code>…` };
  let nsn = digits;
  if (plan.trunk && nsn.startsWith(plan.trunk) && nsn.length - plan.trunk.length >= plan.min) nsn = nsn.slice(plan.trunk.length);
  return checkLength(plan.cc, nsn, plan);
}
