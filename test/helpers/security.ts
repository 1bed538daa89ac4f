// The suites send SCIM requests in bursts far above any identity provider's pace (hundreds a second from one token):
// the per-token rate limit is off for them, explicitly. test/security/security-tokens.test.ts tests the limit itself.
import { DEFAULT_SCIM_SECURITY, type ScimSecurityOptions } from '../../src/http/scim/index.js';

export const SUITE_SCIM_SECURITY: ScimSecurityOptions = { ...DEFAULT_SCIM_SECURITY, rateLimit: { max: 0, windowMs: 1000 } };

/**
 * The same for a bridge started from configuration; the admin API's per-address limit too, since the suites poll it
 * every 50 ms while they wait (test/security/security-admin.test.ts tests that limit with its own setting).
 */
export const SUITE_SCIM_ENV = { SCIM_RATE_LIMIT: '0', ADMIN_RATE_LIMIT: '0' };
