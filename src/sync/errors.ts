// The catalogue of how a sync run can fail: every code a job or a user's sync state can carry, with its kind (what the
// engine does about it) and, for Shopify's refusals, the SCIM answer a client gets under onShopifyRefusal "reject".
// The engine decides from here only: the hook (undo or not), the job contract (retry, refuse, dead-letter), the
// provisioning run (is a refusal our own lost create) and the SCIM error.
import { errors, type ScimError } from '../scim/errors.js';
import { ShopifyError, type ShopifyErrorKind } from '../shopify/index.js';
import { SettingsError } from '../settings/policies.js';

/**
 * retryable: the same run may succeed later (throttling, 5xx, no shop yet); refusal: what the job is about cannot be
 * done as it stands (Shopify refuses the customer, the settings are invalid), held until something changes; fatal: the
 * job itself is broken (no handler, an invalid payload) and is dead-lettered.
 */
export type SyncErrorKind = 'retryable' | 'refusal' | 'fatal';

interface Entry {
  kind: SyncErrorKind;
  /** a refusal that undoes the SCIM write under onShopifyRefusal "reject", answered with this SCIM error type */
  scim?: 'uniqueness' | 'invalidValue';
  /** a uniqueness refusal a create of ours meets when an earlier attempt of it landed unanswered */
  taken?: boolean;
  /** what it means, for the docs and the admin UI */
  meaning: string;
}

const taken = (meaning: string): Entry => ({ kind: 'refusal', scim: 'uniqueness', taken: true, meaning });
const invalid = (meaning: string): Entry => ({ kind: 'refusal', scim: 'invalidValue', meaning });

export const SYNC_ERRORS = {
  EMAIL_TAKEN: taken('another customer has the email (another SCIM user, or a customer the tenant does not adopt)'),
  PHONE_TAKEN: taken('another customer has the phone number'),
  CUSTOM_ID_TAKEN: taken("another customer carries this user's custom id"),
  TAKEN: taken('a value Shopify keeps unique is taken'),
  EMAIL_INVALID: invalid('the email is not an address Shopify accepts'),
  PHONE_INVALID: invalid('the phone number is not one Shopify accepts'),
  CUSTOMER_NEEDS_IDENTITY: invalid('Shopify needs a first name, last name, email or phone'),
  INVALID_INPUT: invalid('Shopify refused a value (an address, a metafield, …)'),
  INVALID_VALUE: invalid('the mapping found a value Shopify would refuse'),
  SETTINGS_INVALID: { kind: 'refusal', meaning: "the tenant's policies or mapping cannot be read" },
  SHOP_NOT_CONNECTED: { kind: 'retryable', meaning: 'no Shopify shop is connected to the tenant yet' },
  SCIM_CHANGE_PENDING: { kind: 'retryable', meaning: 'a Shopify change waits for a newer SCIM change to be written first' },
  TARGET_WAITING: { kind: 'retryable', meaning: 'an outbound delivery waits for the Shopify outcome of its change' },
  INTERNAL: { kind: 'retryable', meaning: 'an unexpected error; logged, and retried' },
  NO_HANDLER: { kind: 'fatal', meaning: 'no handler is registered for the job kind' },
  PAYLOAD_INVALID: { kind: 'fatal', meaning: "the job's payload does not match its kind" },
  UNDONE: { kind: 'fatal', meaning: 'the SCIM write was undone (onShopifyRefusal reject); its outbound jobs are closed' },
} as const satisfies Record<string, Entry>;

export type SyncErrorCode = keyof typeof SYNC_ERRORS;

const entry = (code: string): Entry | undefined => (Object.hasOwn(SYNC_ERRORS, code) ? SYNC_ERRORS[code as SyncErrorCode] : undefined);

/** Shopify's own failure kinds, as the engine acts on them: refusals need the input to change first. */
const SHOPIFY_KINDS: Record<ShopifyErrorKind, SyncErrorKind> = {
  retryable: 'retryable',
  conflict: 'refusal',
  invalid: 'refusal',
  unsupported: 'refusal',
  auth: 'retryable',
  forbidden: 'retryable',
  notFound: 'retryable',
  internal: 'retryable',
};

/** A failure the engine itself reports, e.g. a mapping problem found before anything was sent. */
export class SyncError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }

  get kind(): SyncErrorKind {
    return SYNC_ERRORS[this.code].kind;
  }
}

/** A failure classified: its code, a message without personal data, and what the engine does about it. */
export interface ClassifiedFailure {
  code: string;
  message: string;
  kind: SyncErrorKind;
  /** at least this long before a retry (Shopify's Retry-After or what the bucket needs) */
  retryAfterMs?: number;
}

/** Classifies what a run threw. */
export function classify(e: unknown): ClassifiedFailure {
  if (e instanceof ShopifyError)
    return {
      code: e.code,
      message: e.message,
      kind: SHOPIFY_KINDS[e.kind],
      ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    };
  if (e instanceof SyncError) return { code: e.code, message: e.message, kind: e.kind };
  if (e instanceof SettingsError) return { code: 'SETTINGS_INVALID', message: e.message, kind: 'refusal' };
  return { code: 'INTERNAL', message: String((e as { message?: unknown } | undefined)?.message ?? e), kind: 'retryable' };
}

/** Whether a refusal with this code undoes the SCIM write under onShopifyRefusal "reject". */
export const undoesWrite = (code: string): boolean => entry(code)?.scim !== undefined;

/** The uniqueness refusals a create may meet because an earlier attempt of it landed unanswered. */
export const TAKEN_CODES: readonly string[] = Object.entries(SYNC_ERRORS)
  .filter(([, e]) => 'taken' in e && e.taken)
  .map(([code]) => code);

/** The SCIM error a client sees for a refusal (409 uniqueness, else 400 invalidValue). */
export function scimErrorFor(code: string, message: string, opts: { adoption?: string } = {}): ScimError {
  if (entry(code)?.scim === 'uniqueness') {
    const hint =
      code === 'EMAIL_TAKEN' && opts.adoption === 'off' && !message.includes('does not adopt')
        ? ' (this tenant does not adopt existing customers)'
        : '';
    return errors.uniqueness(`Shopify refused the customer: ${message}${hint}`);
  }
  return errors.invalidValue(`Shopify refused the customer: ${message}`);
}
