// The errors the admin API and the configuration commands report: a stable code, an HTTP status, one sentence and,
// where a sentence is not enough (every problem of a mapping), details. Nothing builds an error body by hand.

export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AdminError';
  }

  /** The JSON body: `{error, message, details?}`. */
  toJSON(): Record<string, unknown> {
    return { error: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) };
  }
}

const make = (status: number, code: string) => (message: string, details?: unknown) => new AdminError(status, code, message, details);

export const adminErrors = {
  // requests
  badRequest: make(400, 'BAD_REQUEST'),
  invalidMapping: make(400, 'INVALID_MAPPING'),
  unknownPreset: make(400, 'UNKNOWN_PRESET'),
  invalidTags: make(400, 'INVALID_TAGS'),
  invalidPolicies: make(400, 'INVALID_POLICIES'),
  invalidTarget: make(400, 'INVALID_TARGET'),
  invalidShop: make(400, 'INVALID_SHOP'),
  invalidSchemas: make(400, 'INVALID_SCHEMAS'),
  invalidUser: make(400, 'INVALID_USER'),
  invalidTenant: make(400, 'INVALID_TENANT'),
  // auth
  unauthorized: make(401, 'UNAUTHORIZED'),
  invalidCredentials: make(401, 'INVALID_CREDENTIALS'),
  setupRequired: make(401, 'SETUP_REQUIRED'),
  csrf: make(403, 'CSRF_FAILED'),
  setupDone: make(409, 'SETUP_DONE'),
  rateLimited: make(429, 'RATE_LIMITED'),
  // resources
  tenantNotFound: make(404, 'TENANT_NOT_FOUND'),
  notFound: make(404, 'NOT_FOUND'),
  tenantExists: make(409, 'TENANT_EXISTS'),
  versionConflict: make(409, 'VERSION_CONFLICT'),
  targetExists: make(409, 'TARGET_EXISTS'),
  schemaInUse: make(409, 'SCHEMA_IN_USE'),
  shopNotConnected: make(409, 'SHOP_NOT_CONNECTED'),
  // the shop refused or could not be reached with the credentials given
  shopCheckFailed: make(422, 'SHOP_CHECK_FAILED'),
  // the server
  secretsUnavailable: make(503, 'SECRETS_UNAVAILABLE'),
  disabled: make(503, 'ADMIN_API_DISABLED'),
} as const;

/** `path message` lines of zod issues, the way every validation error here lists its problems. */
export function issueLines(issues: readonly { path: readonly PropertyKey[]; message: string }[], root: string): string[] {
  return issues.map((i) => `${[root, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`);
}
