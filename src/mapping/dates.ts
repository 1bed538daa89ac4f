// Date reading and writing for the `date` transform: ISO 8601 / RFC 3339 and RFC 2822 in, Shopify's `date`
// (YYYY-MM-DD) or `date_time` (ISO 8601, UTC) out. Anything ambiguous, such as 03/04/2025, is refused.

export type DateResult = { ok: true; value: string } | { ok: false; reason: string };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

interface Parsed {
  /** the calendar date as written (not shifted to UTC): a hire date stays the day it was written */
  date: string;
  /** the instant, when the input had a time of day */
  instant?: Date;
}

function parse(text: string): Parsed | string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    if (!validDay(+y, +mo, +d)) return 'names a day that does not exist';
    const date = `${y}-${mo}-${d}`;
    if (h === undefined) return { date };
    if (+h > 23 || +mi > 59 || +(s ?? 0) > 59) return 'names a time of day that does not exist';
    const z = zone === undefined ? 'Z' : zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
    const instant = new Date(`${date}T${h}:${mi}:${s ?? '00'}${frac ?? ''}${z}`);
    if (Number.isNaN(instant.getTime())) return 'is not a date';
    return { date, instant };
  }
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (compact) {
    const [, y, mo, d] = compact;
    return validDay(+y, +mo, +d) ? { date: `${y}-${mo}-${d}` } : 'names a day that does not exist';
  }
  // RFC 2822 / RFC 1123: "Tue, 1 Jul 2025 10:00:00 +0200", "01 Jul 2025 10:00 GMT"
  const rfc =
    /^(?:[a-z]{3},\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\s+(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*(gmt|ut|utc|z|[+-]\d{4})?)?$/i.exec(text);
  if (rfc) {
    const [, d, monName, y, h, mi, s, zone] = rfc;
    const mo = MONTHS.indexOf(monName.toLowerCase()) + 1;
    if (mo === 0 || !validDay(+y, mo, +d)) return 'names a day that does not exist';
    const date = `${y}-${pad(mo)}-${pad(+d)}`;
    if (h === undefined) return { date };
    if (+h > 23 || +mi > 59 || +(s ?? 0) > 59) return 'names a time of day that does not exist';
    const z = !zone || /^(gmt|ut|utc|z)$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    return { date, instant: new Date(`${date}T${h}:${mi}:${s ?? '00'}${z}`) };
  }
  return 'is not an ISO 8601 or RFC 2822 date';
}

/** Formats a date as Shopify's `date` (YYYY-MM-DD) or `date_time` (YYYY-MM-DDTHH:MM:SSZ) metafield value. */
export function formatDate(input: string, format: 'date' | 'dateTime'): DateResult {
  const parsed = parse(input.trim());
  if (typeof parsed === 'string') return { ok: false, reason: parsed };
  if (format === 'date') return { ok: true, value: parsed.date };
  const instant = parsed.instant ?? new Date(`${parsed.date}T00:00:00Z`);
  return { ok: true, value: instant.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}
