// Template strings: literal text with {scim.path} placeholders, e.g. "{name.givenName} {name.familyName}" or
// "dept:{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department}". {{ and }} are literal braces.

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'path'; path: string };

/** The placeholder that stands for the value a rule has so far (inside the template transform). */
export const VALUE_PLACEHOLDER = '$value';

export type TemplateParse = { ok: true; parts: TemplatePart[] } | { ok: false; reason: string };

/** Splits a template into text and path parts; a `}` inside a quoted filter value does not end a placeholder. */
export function parseTemplate(template: string): TemplateParse {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') {
      text += '{';
      i += 2;
      continue;
    }
    if (c === '}' && template[i + 1] === '}') {
      text += '}';
      i += 2;
      continue;
    }
    if (c === '}') return { ok: false, reason: `has a '}' at position ${i + 1} with no '{' before it (write '}}' for a brace)` };
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    let j = i + 1;
    let quoted = false;
    while (j < template.length && (quoted || template[j] !== '}')) {
      if (template[j] === '"' && template[j - 1] !== '\\') quoted = !quoted;
      j++;
    }
    if (j >= template.length) return { ok: false, reason: `has a '{' at position ${i + 1} that is never closed` };
    const path = template.slice(i + 1, j).trim();
    if (path === '') return { ok: false, reason: `has an empty placeholder at position ${i + 1}` };
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'path', path });
    i = j + 1;
  }
  if (text) parts.push({ kind: 'text', text });
  return { ok: true, parts };
}

/**
 * Renders parsed parts with a reader for paths. Missing values render as nothing, runs of spaces left behind are
 * collapsed and the ends trimmed; when every placeholder is missing the result is missing (undefined), so a
 * `default` after it can step in.
 */
export function renderTemplate(parts: TemplatePart[], read: (path: string) => string | undefined): string | undefined {
  let out = '';
  let placeholders = 0;
  let found = 0;
  for (const p of parts) {
    if (p.kind === 'text') {
      out += p.text;
      continue;
    }
    placeholders++;
    const v = read(p.path);
    if (v !== undefined && v !== '') {
      found++;
      out += v;
    }
  }
  if (placeholders > 0 && found === 0) return undefined;
  const tidy = found < placeholders ? out.replace(/ {2,}/g, ' ').trim() : out;
  return tidy === '' ? undefined : tidy;
}
