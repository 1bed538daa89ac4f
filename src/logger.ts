// The process's structured logger (pino): JSON lines with levels and names, and an error serializer that keeps what
// an operator needs (type, code, message, stack) with personal data removed — database errors carry the row's values.
import pino, { type Logger } from 'pino';
import { redactPersonal } from './security/redact.js';

/** A log-safe view of an error: no `detail`, `parameters` or other fields that may hold personal values. */
export function serializeError(err: unknown): { type: string; message: string; stack: string; [k: string]: unknown } {
  if (!(err instanceof Error)) return { type: typeof err, message: redactPersonal(String(err)), stack: '' };
  const e = err as Error & { code?: unknown; kind?: unknown };
  return {
    type: e.name,
    message: redactPersonal(e.message),
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.kind !== undefined ? { kind: e.kind } : {}),
    stack: e.stack ? redactPersonal(e.stack) : '',
  };
}

/** Only the path of a URL is logged: query strings carry filters with e-mail addresses and names. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?…`;
}

/** A request as the logs show it: method, path without its query, request id; never headers or bodies. */
function serializeRequest(req: { method?: string; url?: string; id?: unknown }): { method?: string; url?: string; id?: unknown } {
  return { method: req.method, url: req.url === undefined ? undefined : redactUrl(req.url), id: req.id };
}

export const logSerializers = { err: serializeError, req: serializeRequest };

/**
 * The process's root logger at the configured level; every part logs through a child of it (`log.child({ component:
 * 'sync' })`), the HTTP server included, so one configuration (level, serializers, redaction) holds everywhere.
 */
export function createLogger(opts: { level: string; name?: string; destination?: pino.DestinationStream }): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    ...(opts.name ? { name: opts.name } : {}),
    serializers: logSerializers,
    // in case a header object is ever logged whole
    redact: [
      'req.headers.authorization',
      'req.headers["x-shopify-access-token"]',
      'headers.authorization',
      'headers["x-shopify-access-token"]',
    ],
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

export type { Logger };
