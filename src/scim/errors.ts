// The catalogue of every error a SCIM client can see (RFC 7644 §3.12): one factory per case, each with a stable code,
// an HTTP status and a scimType, so routes never build error bodies by hand and every error has a test.
import { SCHEMA } from './schemas.js';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    readonly code: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  /** The RFC 7644 error body; `status` is a string as the RFC's examples and every IdP expect. */
  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = { schemas: [SCHEMA.error], status: String(this.status) };
    if (this.scimType) body.scimType = this.scimType;
    body.detail = this.detail;
    return body;
  }
}

const make = (status: number, scimType: ScimType | undefined, code: string) => (detail: string, headers?: Record<string, string>) =>
  new ScimError(status, scimType, detail, code, headers);

export const errors = {
  // request syntax and shape
  invalidSyntax: make(400, 'invalidSyntax', 'SCIM_INVALID_SYNTAX'),
  invalidValue: make(400, 'invalidValue', 'SCIM_INVALID_VALUE'),
  invalidFilter: make(400, 'invalidFilter', 'SCIM_INVALID_FILTER'),
  invalidPath: make(400, 'invalidPath', 'SCIM_INVALID_PATH'),
  noTarget: make(400, 'noTarget', 'SCIM_NO_TARGET'),
  mutability: make(400, 'mutability', 'SCIM_MUTABILITY'),
  tooMany: make(400, 'tooMany', 'SCIM_TOO_MANY'),
  invalidVers: make(400, 'invalidVers', 'SCIM_INVALID_VERSION'),
  sensitive: make(400, 'sensitive', 'SCIM_SENSITIVE'),
  badRequest: make(400, undefined, 'SCIM_BAD_REQUEST'),
  // auth
  unauthorized: (detail: string) =>
    new ScimError(401, undefined, detail, 'SCIM_UNAUTHORIZED', { 'WWW-Authenticate': 'Bearer realm="shopify-scim"' }),
  forbidden: make(403, undefined, 'SCIM_FORBIDDEN'),
  // resources
  notFound: make(404, undefined, 'SCIM_NOT_FOUND'),
  methodNotAllowed: make(405, undefined, 'SCIM_METHOD_NOT_ALLOWED'),
  uniqueness: make(409, 'uniqueness', 'SCIM_UNIQUENESS'),
  conflict: make(409, undefined, 'SCIM_CONFLICT'),
  preconditionFailed: make(412, undefined, 'SCIM_PRECONDITION_FAILED'),
  payloadTooLarge: make(413, undefined, 'SCIM_PAYLOAD_TOO_LARGE'),
  uriTooLong: make(414, undefined, 'SCIM_URI_TOO_LONG'),
  requestTimeout: make(408, undefined, 'SCIM_REQUEST_TIMEOUT'),
  headersTooLarge: make(431, undefined, 'SCIM_HEADERS_TOO_LARGE'),
  unsupportedMediaType: make(415, undefined, 'SCIM_UNSUPPORTED_MEDIA_TYPE'),
  tooManyRequests: make(429, undefined, 'SCIM_RATE_LIMITED'),
  notImplemented: make(501, undefined, 'SCIM_NOT_IMPLEMENTED'),
  internal: make(500, undefined, 'SCIM_INTERNAL'),
  unavailable: make(503, undefined, 'SCIM_UNAVAILABLE'),
} as const;

/** Parsers return results rather than throwing through layers; routes turn an error result into the error body. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ScimError };
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: ScimError): Result<T> => ({ ok: false, error });
