// Durations on the command line: `90d`, `12h`, `30m`, `45s`, or a bare number of seconds.

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/** Seconds in a duration such as `90d`; throws a sentence naming the option when it is not one. */
export function parseDuration(text: string, option: string): number {
  const m = /^\s*(\d{1,10})\s*([smhdw]?)\s*$/i.exec(text);
  if (!m) throw new Error(`${option} must be a duration such as 90d, 12h, 30m or 3600 (seconds)`);
  return Number(m[1]) * UNITS[(m[2] || 's').toLowerCase()]!;
}
