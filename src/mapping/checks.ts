// Local checks of values Shopify would refuse, made before any request: email syntax, locale tags, country codes.
// Each answers with a reason phrased about "the value", never quoting personal data.

/**
 * A pragmatic email check (what Shopify accepts in practice): one @, a local part without spaces, and a domain with
 * a dot and a top-level label of letters. Quoted local parts and IP-literal domains are refused.
 */
export function emailProblem(value: string): string | undefined {
  if (value.length > 254) return 'is longer than 254 characters';
  if (/\s/.test(value)) return 'contains white space';
  const at = value.lastIndexOf('@');
  if (at <= 0) return "has no '@' or nothing before it";
  if (value.indexOf('@') !== at) return "has more than one '@'";
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64) return 'has more than 64 characters before the @';
  if (
    !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\u0080-\uFFFF-]+$/.test(local) ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  ) {
    return 'has characters an address cannot have before the @';
  }
  const labels = domain.split('.');
  if (labels.length < 2) return 'has a domain without a dot';
  if (!labels.every((l) => /^[A-Za-z0-9\u0080-\uFFFF](?:[A-Za-z0-9\u0080-\uFFFF-]*[A-Za-z0-9\u0080-\uFFFF])?$/.test(l))) {
    return 'has a domain that is not a host name';
  }
  if (!/^[A-Za-z\u0080-\uFFFF]{2,}$|^xn--[A-Za-z0-9-]+$/.test(labels[labels.length - 1]))
    return 'has a domain without a valid top-level part';
  return undefined;
}

/** True when a string is an email address by the rules of emailProblem. */
export const isEmail = (value: string): boolean => emailProblem(value) === undefined;

/**
 * Normalises a language tag to the form Shopify stores on customers (`en`, `fr-FR`, `pt-BR`, `zh-Hant-TW`):
 * `en_US` and `EN-us` become `en-US`. Returns undefined for anything that is not a BCP 47 language tag.
 */
export function normalizeLocale(value: string): string | undefined {
  const parts = value.trim().replace(/_/g, '-').split('-');
  if (!/^[A-Za-z]{2,3}$/.test(parts[0])) return undefined;
  const out = [parts[0].toLowerCase()];
  for (const p of parts.slice(1)) {
    if (/^[A-Za-z]{4}$/.test(p)) out.push(p[0].toUpperCase() + p.slice(1).toLowerCase());
    else if (/^[A-Za-z]{2}$|^\d{3}$/.test(p)) out.push(p.toUpperCase());
    else return undefined;
  }
  return out.length > 3 ? undefined : out.join('-');
}
