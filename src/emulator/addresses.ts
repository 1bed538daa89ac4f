// Mailing addresses as Shopify stores them: the country resolved from its code (or its deprecated name), the region
// checked against the country's zones where the emulator knows them, and each name filled in from its code.
import { countryCodeByName, countryName } from '../shopify/countries.js';
import type { AddressRecord } from './state.js';
import type { UserErrorOut } from './validation.js';

export interface AddressInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province?: string | null;
  provinceCode?: string | null;
  country?: string | null;
  countryCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}

export type AddressFields = Omit<AddressRecord, 'id'>;

// Zones of the countries whose addresses Shopify requires a known region for (code, name).
const ZONES: Record<string, Array<[string, string]>> = {
  US: (
    'AL Alabama|AK Alaska|AS American Samoa|AZ Arizona|AR Arkansas|AA Armed Forces Americas|AE Armed Forces Europe|' +
    'AP Armed Forces Pacific|CA California|CO Colorado|CT Connecticut|DE Delaware|DC District of Columbia|' +
    'FM Federated States of Micronesia|FL Florida|GA Georgia|GU Guam|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|' +
    'KS Kansas|KY Kentucky|LA Louisiana|ME Maine|MH Marshall Islands|MD Maryland|MA Massachusetts|MI Michigan|' +
    'MN Minnesota|MS Mississippi|MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|' +
    'NM New Mexico|NY New York|NC North Carolina|ND North Dakota|MP Northern Mariana Islands|OH Ohio|OK Oklahoma|' +
    'OR Oregon|PW Palau|PA Pennsylvania|PR Puerto Rico|RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|' +
    'TX Texas|UM U.S. Outlying Islands|VI U.S. Virgin Islands|UT Utah|VT Vermont|VA Virginia|WA Washington|' +
    'WV West Virginia|WI Wisconsin|WY Wyoming'
  )
    .split('|')
    .map((z) => [z.slice(0, 2), z.slice(3)]),
  CA: (
    'AB Alberta|BC British Columbia|MB Manitoba|NB New Brunswick|NL Newfoundland and Labrador|NS Nova Scotia|' +
    'NT Northwest Territories|NU Nunavut|ON Ontario|PE Prince Edward Island|QC Quebec|SK Saskatchewan|YT Yukon'
  )
    .split('|')
    .map((z) => [z.slice(0, 2), z.slice(3)]),
};

/** The zone a region code or name names in `country`, or undefined; null when the emulator knows no zones there. */
function zoneOf(country: string, value: string): [string, string] | undefined | null {
  const zones = ZONES[country];
  if (!zones) return null;
  const v = value.trim().toUpperCase();
  return zones.find(([code, name]) => code === v || name.toUpperCase() === v);
}

function blankToNull(v: string | null | undefined): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

const TEXT_FIELDS = ['firstName', 'lastName', 'company', 'address1', 'address2', 'city', 'zip', 'phone'] as const;

/**
 * The stored form of `input` laid over `base` (an update; null for a new address), or the user errors Shopify gives:
 * an unknown country name, or a region that is not one of the country's zones. `field` builds each error's path.
 */
export function checkAddress(
  input: AddressInput,
  base: AddressFields | null,
  field: (name: string) => string[],
): { ok: true; fields: AddressFields } | { ok: false; errors: UserErrorOut[] } {
  const errors: UserErrorOut[] = [];
  const out: AddressFields = base
    ? { ...base }
    : {
        firstName: null,
        lastName: null,
        company: null,
        address1: null,
        address2: null,
        city: null,
        province: null,
        provinceCode: null,
        country: null,
        countryCode: null,
        zip: null,
        phone: null,
      };
  for (const k of TEXT_FIELDS) {
    const v = blankToNull(input[k]);
    if (v !== undefined) out[k] = v;
  }

  // The country: the code wins; the deprecated name is read when no code is given.
  const code = blankToNull(input.countryCode);
  const name = blankToNull(input.country);
  if (code !== undefined) {
    out.countryCode = code === null ? null : code.toUpperCase();
    out.country = countryName(out.countryCode);
  } else if (name !== undefined) {
    const resolved = name === null ? null : countryCodeByName(name);
    if (name !== null && !resolved) errors.push({ field: field('country'), message: 'Country is not a valid country', code: 'INVALID' });
    out.countryCode = resolved ?? null;
    out.country = resolved ? countryName(resolved) : null;
  }

  // The region: checked against the zones of the (new) country; the code wins over the name, each fills the other.
  const pCode = blankToNull(input.provinceCode);
  const pName = blankToNull(input.province);
  if (pCode !== undefined) out.provinceCode = pCode;
  if (pName !== undefined) out.province = pName;
  if (pCode !== undefined && pName === undefined) out.province = null;
  if (pName !== undefined && pCode === undefined) out.provinceCode = null;
  const region = out.provinceCode ?? out.province;
  if (out.countryCode && region) {
    const zone = zoneOf(out.countryCode, region);
    if (zone === undefined) {
      const which = out.provinceCode ? 'provinceCode' : 'province';
      errors.push({
        field: field(which),
        message: `Province is not a valid province in ${out.country ?? out.countryCode}`,
        code: 'INVALID',
      });
    } else if (zone) {
      out.provinceCode = zone[0];
      out.province ??= zone[1];
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, fields: out };
}
