// The catalogue of every failure the Shopify connector can report: one factory per case, each with a stable code,
// a kind the sync engine acts on (retry, conflict, invalid input, …) and a message that never carries personal data.
import { redactPersonal } from '../security/redact.js';

/** What a caller should do about a failure: retry later, report a conflict, reject the input, fix the credentials… */
export type ShopifyErrorKind = 'retryable' | 'conflict' | 'invalid' | 'auth' | 'notFound' | 'forbidden' | 'unsupported' | 'internal';

export class ShopifyError extends Error {
  /** True when the same call may succeed later unchanged (throttling, timeouts, 5xx, network). */
  readonly retryable: boolean;

  constructor(
    readonly kind: ShopifyErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string[],
    readonly extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'ShopifyError';
    this.retryable = kind === 'retryable';
  }

  /** HTTP status of the response that failed, when there was one. */
  get status(): number | undefined {
    return this.extra.status;
  }

  /** How long the server asked us to wait (Retry-After, or what the bucket needs), when it said. */
  get retryAfterMs(): number | undefined {
    return this.extra.retryAfterMs;
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, code: this.code, message: this.message, field: this.field, status: this.status };
  }
}

const make = (kind: ShopifyErrorKind, code: string, template: string) => (field?: string[]) =>
  new ShopifyError(kind, code, template, field);

export const shopifyErrors = {
  // customer input that Shopify refuses
  emailTaken: make('conflict', 'EMAIL_TAKEN', 'Email has already been taken by another customer'),
  phoneTaken: make('conflict', 'PHONE_TAKEN', 'Phone has already been taken by another customer'),
  customIdTaken: make('conflict', 'CUSTOM_ID_TAKEN', 'The custom id is already used by another customer'),
  taken: make('conflict', 'TAKEN', 'A value that must be unique is already taken'),
  customerHasOrders: make('conflict', 'CUSTOMER_HAS_ORDERS', 'The customer has orders and cannot be deleted'),
  emailInvalid: make('invalid', 'EMAIL_INVALID', 'Email is invalid'),
  phoneInvalid: make('invalid', 'PHONE_INVALID', 'Phone is invalid'),
  customerNeedsIdentity: make('invalid', 'CUSTOMER_NEEDS_IDENTITY', 'A customer must have a name, phone number or email address'),
  invalidInput: (detail: string, field?: string[]) => new ShopifyError('invalid', 'INVALID_INPUT', redact(detail), field),

  // transport and budget: worth retrying
  throttled: (retryAfterMs?: number) =>
    new ShopifyError('retryable', 'THROTTLED', 'Shopify throttled the request (cost bucket empty)', undefined, { retryAfterMs }),
  rateLimited: (retryAfterMs?: number) =>
    new ShopifyError('retryable', 'RATE_LIMITED', 'Shopify answered 429 Too Many Requests', undefined, { status: 429, retryAfterMs }),
  timeout: (ms: number) => new ShopifyError('retryable', 'TIMEOUT', `Shopify did not answer within ${ms} ms`),
  network: (detail: string, cause?: unknown) =>
    new ShopifyError('retryable', 'NETWORK', `Cannot reach Shopify: ${detail}`, undefined, { cause }),
  http5xx: (status: number) => new ShopifyError('retryable', 'HTTP_5XX', `Shopify answered HTTP ${status}`, undefined, { status }),
  serverError: (detail: string) => new ShopifyError('retryable', 'HTTP_5XX', `Shopify reported an internal error: ${redact(detail)}`),

  // credentials and permissions
  unauthorized: (detail = 'Shopify rejected the access token (401)') =>
    new ShopifyError('auth', 'UNAUTHORIZED', detail, undefined, { status: 401 }),
  tokenRequestFailed: (status: number, detail: string) =>
    new ShopifyError('auth', 'TOKEN_REQUEST_FAILED', `The client credentials grant failed (HTTP ${status}): ${redact(detail)}`, undefined, {
      status,
    }),
  missingScope: (detail: string) => new ShopifyError('forbidden', 'MISSING_SCOPE', `Access denied: ${redact(detail)}`),
  forbidden: (status: number, detail: string) =>
    new ShopifyError('forbidden', 'FORBIDDEN', `Shopify refused the request (HTTP ${status}): ${redact(detail)}`, undefined, { status }),
  shopUnavailable: (status: number) =>
    new ShopifyError('forbidden', 'SHOP_UNAVAILABLE', `The shop is not available (HTTP ${status}: frozen, locked or closed)`, undefined, {
      status,
    }),

  // things that are not there
  notFound: (what: string, field?: string[]) => new ShopifyError('notFound', 'NOT_FOUND', `${what} was not found`, field),
  endpointNotFound: (status: number, detail: string) =>
    new ShopifyError('notFound', 'ENDPOINT_NOT_FOUND', `No Admin API at this address (HTTP ${status}): ${redact(detail)}`, undefined, {
      status,
    }),

  // our side: documents, versions, unexpected answers
  graphqlInvalid: (messages: string[]) =>
    new ShopifyError('invalid', 'GRAPHQL_INVALID', `Shopify rejected the GraphQL document: ${redact(messages.join('; '))}`),
  costExceeded: (detail: string) => new ShopifyError('invalid', 'COST_EXCEEDED', `The query costs too much: ${redact(detail)}`),
  unsupported: (detail: string) => new ShopifyError('unsupported', 'UNSUPPORTED', redact(detail)),
  bulkInProgress: () => new ShopifyError('conflict', 'BULK_IN_PROGRESS', 'Another bulk operation of this app is still running on the shop'),
  bulkFailed: (status: string, errorCode: string | null) =>
    new ShopifyError('internal', 'BULK_FAILED', `The bulk operation ended ${status}${errorCode ? ` (${errorCode})` : ''}`),
  definitionMismatch: (detail: string) => new ShopifyError('conflict', 'DEFINITION_MISMATCH', detail),
  internal: (detail: string, cause?: unknown) =>
    new ShopifyError('internal', 'INTERNAL', `Unexpected answer from Shopify: ${redact(detail)}`, undefined, { cause }),
};

/** Removes what could identify a person (email addresses, long digit runs, quoted values) from a message. */
export const redact = redactPersonal;

/** One userError as every Admin API mutation returns it; `code` exists only on some payloads. */
export interface ShopifyUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

const lastField = (field?: string[] | null): string => (field && field.length ? field[field.length - 1] : '').toLowerCase();

/**
 * Turns a mutation's userErrors (customerCreate/Update carry messages only; customerSet and others carry codes)
 * into one ShopifyError, preferring the most specific known case.
 */
export function fromUserErrors(userErrors: ShopifyUserError[]): ShopifyError {
  const errors = userErrors.map(classifyUserError);
  return errors.find((e) => e.code !== 'INVALID_INPUT') ?? errors[0] ?? shopifyErrors.internal('empty userErrors');
}

function classifyUserError(ue: ShopifyUserError): ShopifyError {
  const field = ue.field ?? undefined;
  const name = lastField(ue.field);
  const msg = ue.message.toLowerCase();
  const code = (ue.code ?? '').toUpperCase();
  const isEmail = name === 'email' || name === 'emailaddress' || (!name && msg.startsWith('email'));
  const isPhone = name === 'phone' || name === 'phonenumber' || (!name && msg.startsWith('phone'));
  const isCustomId = name === 'customid' || (field ?? []).some((f) => f.toLowerCase() === 'customid');

  if (code === 'TAKEN' || /already (been )?taken|already exists|is taken/.test(msg)) {
    if (isEmail) return shopifyErrors.emailTaken(field);
    if (isPhone) return shopifyErrors.phoneTaken(field);
    if (isCustomId) return shopifyErrors.customIdTaken(field);
    return withField(shopifyErrors.taken(), field);
  }
  if (/must have a name, phone number or email/.test(msg)) return shopifyErrors.customerNeedsIdentity(field);
  if (/orders?\b/.test(msg) && /delete|deleted/.test(msg)) return shopifyErrors.customerHasOrders(field);
  if (
    code === 'NOT_FOUND' ||
    code === 'DOES_NOT_EXIST' ||
    /does not exist|not found|can.t be found|could(n.t| not) (be )?find|could not be found/.test(msg)
  ) {
    const what = isCustomId ? 'The customer with this custom id' : name === 'addressid' ? 'The address' : 'The customer';
    return shopifyErrors.notFound(what, field);
  }
  if (code === 'INVALID' || code === 'INVALID_VALUE' || /is invalid|not valid|invalid/.test(msg)) {
    if (isEmail) return shopifyErrors.emailInvalid(field);
    if (isPhone) return shopifyErrors.phoneInvalid(field);
  }
  return shopifyErrors.invalidInput(ue.message, field);
}

function withField(e: ShopifyError, field?: string[]): ShopifyError {
  return new ShopifyError(e.kind, e.code, e.message, field, e.extra);
}

/** True when `e` is a ShopifyError of one of the given codes. */
export function isShopifyError(e: unknown, ...codes: string[]): e is ShopifyError {
  return e instanceof ShopifyError && (codes.length === 0 || codes.includes(e.code));
}
