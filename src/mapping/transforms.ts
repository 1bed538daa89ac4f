// Applies a rule's transforms to a value, forward (SCIM to Shopify) and, where a transform can be undone, backward
// (Shopify to SCIM). Transforms are plain data; a failure names the step and the kind of problem, never the value.
import type { Transform } from './document.js';
import { isEmail } from './checks.js';
import { formatDate } from './dates.js';
import { normalizePhone } from './phone.js';
import { parseTemplate, renderTemplate, VALUE_PLACEHOLDER, type TemplatePart } from './template.js';
import { all, first, isMissing, str, type Scalar, type Value } from './values.js';

export interface TransformContext {
  /** reads another attribute of the same user (templates, `default` from a source) */
  read: (path: string) => Value;
  /** the mapping's default country for national phone numbers */
  defaultCountry?: string;
}

export type TransformResult = { ok: true; value: Value } | { ok: false; step: number; op: Transform['op']; reason: string };

const templates = new Map<string, TemplatePart[]>();
function templateParts(t: string): TemplatePart[] {
  let parts = templates.get(t);
  if (!parts) {
    const parsed = parseTemplate(t);
    // validateMapping refuses bad templates; at run time a bad one renders as its literal text.
    parts = parsed.ok ? parsed.parts : [{ kind: 'text', text: t }];
    if (templates.size < 1000) templates.set(t, parts);
  }
  return parts;
}

/** Renders a template against the user, `{$value}` standing for the value so far. */
export function applyTemplate(template: string, ctx: TransformContext, current?: Value): string | undefined {
  return renderTemplate(templateParts(template), (path) => {
    if (path === VALUE_PLACEHOLDER) return current === undefined ? undefined : all(current).map(str).join(', ');
    const v = first(ctx.read(path));
    return v === undefined ? undefined : str(v);
  });
}

/** Applies fn to every scalar of a value; an error from any element fails the step. */
function each(v: Value, fn: (s: Scalar) => Scalar | undefined | { error: string }): Value | { error: string } {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  const out: Scalar[] = [];
  for (const s of list) {
    const r = fn(s);
    if (r !== undefined && typeof r === 'object') return r;
    if (r !== undefined && !isMissing(r)) out.push(r);
  }
  if (!Array.isArray(v)) return out[0];
  return out.length ? out : undefined;
}

function lookup(map: Record<string, Scalar>, key: string, caseInsensitive: boolean | undefined): Scalar | undefined {
  if (Object.prototype.hasOwnProperty.call(map, key)) return map[key];
  if (!caseInsensitive) return undefined;
  const l = key.toLowerCase();
  const k = Object.keys(map).find((x) => x.toLowerCase() === l);
  return k === undefined ? undefined : map[k];
}

function step(t: Transform, v: Value, ctx: TransformContext): Value | { error: string } {
  switch (t.op) {
    case 'lowercase':
      return each(v, (s) => str(s).toLowerCase());
    case 'uppercase':
      return each(v, (s) => str(s).toUpperCase());
    case 'trim':
      return each(v, (s) => (typeof s === 'string' ? s.trim() : s));
    case 'template':
      return applyTemplate(t.template, ctx, v);
    case 'constant':
      return t.value;
    case 'default': {
      if (!isMissing(v)) return v;
      if (t.source === undefined) return t.value;
      const fallback = ctx.read(t.source);
      if (t.format === undefined) return fallback;
      const ok = (s: Scalar) => (t.format === 'email' ? isEmail(str(s).trim()) : normalizePhone(str(s), ctx.defaultCountry).ok);
      return each(fallback, (s) => (ok(s) ? s : undefined));
    }
    case 'valueMap':
      return each(v, (s) => lookup(t.map, str(s), t.caseInsensitive) ?? t.default ?? (t.keepUnmapped ? s : undefined));
    case 'phoneE164':
      return each(v, (s) => {
        const r = normalizePhone(str(s), t.country ?? ctx.defaultCountry);
        return r.ok ? r.e164 : { error: `the value ${r.reason}` };
      });
    case 'date':
      return each(v, (s) => {
        const r = formatDate(str(s), t.format);
        return r.ok ? r.value : { error: `the value ${r.reason}` };
      });
    case 'split': {
      const parts = all(v).flatMap((s) =>
        str(s)
          .split(t.separator)
          .map((x) => x.trim())
          .filter((x) => x !== ''),
      );
      if (t.index !== undefined) return parts[t.index];
      return parts.length ? parts : undefined;
    }
    case 'join': {
      if (!Array.isArray(v)) return v;
      const joined = v.map(str).join(t.separator);
      return joined === '' ? undefined : joined;
    }
    case 'truncate':
      return each(v, (s) => (typeof s === 'string' ? Array.from(s).slice(0, t.length).join('') : s));
    case 'prefix':
      return each(v, (s) => t.value + str(s));
    case 'suffix':
      return each(v, (s) => str(s) + t.value);
  }
}

/** Runs a rule's transforms in order; the first failing step stops the chain. */
export function applyTransforms(value: Value, transforms: readonly Transform[], ctx: TransformContext): TransformResult {
  let v = value;
  for (let i = 0; i < transforms.length; i++) {
    const t = transforms[i];
    const r = step(t, v, ctx);
    if (r !== undefined && typeof r === 'object' && !Array.isArray(r)) return { ok: false, step: i, op: t.op, reason: r.error };
    v = isMissing(r) ? undefined : (r as Value);
  }
  return { ok: true, value: v };
}

// ---- reverse

export type InverseResult = { ok: true; value: Value; notes: string[] } | { ok: false; op: Transform['op']; reason: string };

/** Transforms that only normalise: a value from Shopify goes back through them unchanged. */
const NORMALISING = new Set<Transform['op']>(['lowercase', 'uppercase', 'trim', 'truncate', 'default', 'phoneE164', 'date']);

/**
 * Undoes a rule's transforms for a value read from Shopify, last step first. Normalising steps let the value pass;
 * prefix/suffix are stripped; a valueMap is looked up backwards when exactly one source maps to the value;
 * split and join undo each other; template and constant cannot be undone, and say so.
 */
export function invertTransforms(value: Value, transforms: readonly Transform[]): InverseResult {
  let v = value;
  const notes: string[] = [];
  for (let i = transforms.length - 1; i >= 0; i--) {
    const t = transforms[i];
    if (NORMALISING.has(t.op)) {
      notes.push(`${t.op}: passed through unchanged`);
      continue;
    }
    switch (t.op) {
      case 'prefix':
        v = each(v, (s) => (str(s).startsWith(t.value) ? str(s).slice(t.value.length) : s)) as Value;
        break;
      case 'suffix':
        v = each(v, (s) => (str(s).endsWith(t.value) ? str(s).slice(0, str(s).length - t.value.length) : s)) as Value;
        break;
      case 'valueMap': {
        const r = each(v, (s) => {
          const target = t.caseInsensitive ? str(s).toLowerCase() : str(s);
          const keys = Object.keys(t.map).filter((k) => (t.caseInsensitive ? str(t.map[k]).toLowerCase() : str(t.map[k])) === target);
          if (keys.length === 1) return keys[0];
          if (keys.length === 0 && t.keepUnmapped) return s;
          return { error: keys.length === 0 ? 'the map names no source for this value' : 'several sources map to this value' };
        });
        if (r !== undefined && typeof r === 'object' && !Array.isArray(r)) return { ok: false, op: t.op, reason: r.error };
        v = r as Value;
        break;
      }
      case 'join':
        v =
          v === undefined
            ? undefined
            : all(v).flatMap((s) =>
                str(s)
                  .split(t.separator)
                  .map((x) => x.trim())
                  .filter((x) => x !== ''),
              );
        break;
      case 'split':
        if (t.index !== undefined) return { ok: false, op: t.op, reason: 'keeping one part of a split loses the others' };
        v = Array.isArray(v) ? v.map(str).join(t.separator) : v;
        break;
      case 'template':
        return { ok: false, op: t.op, reason: 'a template combines several attributes and cannot be undone' };
      case 'constant':
        return { ok: false, op: t.op, reason: 'a constant does not depend on the attribute' };
    }
  }
  return { ok: true, value: isMissing(v) ? undefined : v, notes };
}
