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

export const logSerializers = { err: serializeError };

/** A named logger at the configured level. */
export function createLogger(opts: { level: string; name?: string }): Logger {
  return pino({ level: opts.level, ...(opts.name ? { name: opts.name } : {}), serializers: logSerializers });
}
