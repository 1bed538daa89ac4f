// The catalogue of failures when delivering to an outbound target: each with a stable code and whether the same
// delivery may succeed later (network, timeouts, 408, 429, 5xx) or needs a person (other 4xx, bad settings).

export class TargetError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** Only the start of a response body goes into errors and logs: enough to explain, never a whole user record. */
const excerpt = (body: string) => body.replace(/\s+/g, ' ').trim().slice(0, 200);

export const targetErrors = {
  // transport: worth retrying
  network: (url: string, detail: string) => new TargetError('TARGET_NETWORK', `cannot reach ${url}: ${detail}`, true),
  timeout: (url: string, ms: number) => new TargetError('TARGET_TIMEOUT', `${url} did not answer within ${ms} ms`, true),
  /** An HTTP answer that is not success; 408, 425, 429 and 5xx are retried, other statuses are final. */
  http: (method: string, url: string, status: number, body: string) =>
    new TargetError(
      'TARGET_HTTP',
      `${method} ${url} answered HTTP ${status}${body ? `: ${excerpt(body)}` : ''}`,
      status === 408 || status === 425 || status === 429 || status >= 500,
      status,
    ),
  /** The address is on a private network and TARGETS_ALLOW_PRIVATE does not allow it: a retry cannot help. */
  addressRefused: (url: string, detail: string) =>
    new TargetError('TARGET_ADDRESS_REFUSED', `refused to connect to ${url}: ${detail}`, false),
  // the remote spoke, but not SCIM
  badResponse: (url: string, detail: string) => new TargetError('TARGET_BAD_RESPONSE', `${url} gave an unusable answer: ${detail}`, false),
  // configuration of the target in the tenant's settings
  secretUnreadable: (targetId: string) =>
    new TargetError('TARGET_SECRET_UNREADABLE', `the credential of target "${targetId}" cannot be decrypted with this server's key`, false),
  ambiguousMatch: (userName: string, n: number) =>
    new TargetError('TARGET_AMBIGUOUS', `the target already has ${n} users matching userName "${userName}"; link one by hand`, false),
} as const;
