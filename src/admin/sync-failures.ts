// The users Shopify could not take (sync state failed), each with the reason and where to fix it: the mapping rules
// that write the refused field and the SCIM attributes they read, the policies, the shop connection, or a retry when
// the cause was Shopify being unavailable; and "retry all", which queues every one of them again.
import type { Tenant } from '../store/tenants.js';
import type { MappingDocument, Rule } from '../mapping/index.js';
import { readMapping } from '../settings/policies.js';
import { requeueHeldUsers } from '../sync/refusals.js';
import { failedCountsByCode } from '../store/sync-failures.js';
import { audit } from '../store/resources.js';
import { listUsers, type UserListEntry } from './users.js';
import type { AdminDeps } from './context.js';

export interface FixHint {
  /**
   * where the fix is: the SCIM attribute in the identity provider (or the rule reading it), a mapping rule, the
   * policies, the shop connection, or nothing but a retry
   */
  where: 'attribute' | 'mapping' | 'policies' | 'shop' | 'retry';
  /** the Shopify customer field that was refused, when one was */
  field: string | null;
  /** rules writing that field, with the SCIM attribute each reads */
  rules: { id: string; source: string | null; target: string }[];
  /** the SCIM attributes to correct in the identity provider (what those rules read) */
  attributes: string[];
  /** what to change, in a sentence or two */
  hint: string;
}

/** The customer fields behind each refusal of a value. */
const FIELD_OF: Record<string, string[]> = {
  EMAIL_TAKEN: ['email'],
  EMAIL_INVALID: ['email'],
  PHONE_TAKEN: ['phone'],
  PHONE_INVALID: ['phone'],
  CUSTOMER_NEEDS_IDENTITY: ['firstName', 'lastName', 'email', 'phone'],
};

/** What Shopify's connection refused: fixed in the shop's app and its credentials. */
const SHOP_CODES = new Set([
  'UNAUTHORIZED',
  'MISSING_SCOPE',
  'FORBIDDEN',
  'SHOP_UNAVAILABLE',
  'SHOP_NOT_CONNECTED',
  'TOKEN_REQUEST_FAILED',
  'ENDPOINT_NOT_FOUND',
  'GRAPHQL_INVALID',
  'UNSUPPORTED',
]);

function targetName(r: Rule): string {
  const t = r.target;
  if (t.kind === 'field' || t.kind === 'address') return t.kind === 'field' ? t.field : `address.${t.field}`;
  if (t.kind === 'metafield') return `metafield ${t.namespace}.${t.key}`;
  return t.kind;
}

const ruleRef = (r: Rule) => ({ id: r.id, source: r.source ?? null, target: targetName(r) });
const attributesOf = (rules: Rule[]) => [...new Set(rules.flatMap((r) => (r.source ? [r.source] : [])))];
const fieldOf = (r: Rule | undefined) =>
  r?.target.kind === 'field' ? r.target.field : r?.target.kind === 'address' ? `address.${r.target.field}` : null;

function hintFor(code: string, attributes: string[], adoptionOff: boolean): string {
  const attr = attributes.length ? attributes.map((a) => `"${a}"`).join(' or ') : 'the attribute';
  switch (code) {
    case 'CUSTOMER_NEEDS_IDENTITY':
      return `Shopify needs a name, an e-mail address or a phone number. Send one of them from the identity provider (${attr}), or map an attribute that holds one.`;
    case 'EMAIL_INVALID':
      return `The e-mail address is not one Shopify accepts. Correct ${attr} in the identity provider, or set the rule to skip an invalid value so the customer is made without it.`;
    case 'PHONE_INVALID':
      return `Shopify cannot read the phone number. Send it with its country code (+44 20 …) in ${attr}, give the phone rule a default country, or set it to skip an invalid value.`;
    case 'EMAIL_TAKEN':
      return adoptionOff
        ? 'Another Shopify customer has this e-mail address, and this store does not adopt existing customers: turn adoption on in the policies to link that customer, or change the address in the identity provider.'
        : `Another person's customer has this e-mail address. Change ${attr} in the identity provider, or merge the two customers in Shopify.`;
    case 'PHONE_TAKEN':
      return `Another Shopify customer has this phone number. Change ${attr} in the identity provider, or stop the rule from writing the phone.`;
    default:
      return `Shopify refused the value: correct ${attr} in the identity provider, or change the rule so the value fits.`;
  }
}

/** Where to fix one failure, from its code and reason. */
export function fixFor(
  code: string | null,
  reason: string | null,
  mapping: MappingDocument | undefined,
  opts: { adoptionOff?: boolean } = {},
): FixHint {
  const rules = mapping?.rules.filter((r) => r.direction !== 'toScim') ?? [];
  // The mapping's own refusals name their rule: `rule "email" (emails.value -> email): …`.
  const named = reason ? rules.filter((r) => [...reason.matchAll(/rule "([^"]+)"/g)].some((m) => m[1] === r.id)) : [];
  const fields = code ? FIELD_OF[code] : undefined;
  if (fields || (code === 'INVALID_VALUE' && named.length)) {
    const writing =
      named.length && code !== 'CUSTOMER_NEEDS_IDENTITY'
        ? named
        : rules.filter((r) => r.target.kind === 'field' && fields?.includes(r.target.field));
    const adoptionOff = code === 'EMAIL_TAKEN' && (opts.adoptionOff === true || /does not adopt/.test(reason ?? ''));
    const attributes = attributesOf(writing);
    return {
      where: adoptionOff ? 'policies' : writing.length ? 'attribute' : 'mapping',
      field: fields?.[0] ?? fieldOf(writing[0]),
      rules: writing.map(ruleRef),
      attributes,
      hint:
        writing.length || adoptionOff
          ? hintFor(code!, attributes, adoptionOff)
          : `No rule of the mapping writes the customer's ${fields?.join(', ') ?? 'field'}: add one that reads an attribute holding it.`,
    };
  }
  const none = { field: null, rules: [], attributes: [] };
  switch (code) {
    case 'INVALID_VALUE':
    case 'INVALID_INPUT':
    case 'TAKEN':
      return {
        where: 'mapping',
        ...none,
        hint: `Shopify refused a value the mapping writes (the reason names it): correct the attribute in the identity provider, or change the rule that writes it.`,
      };
    case 'CUSTOM_ID_TAKEN':
      return {
        where: 'mapping',
        field: 'customId',
        rules: [],
        attributes: [],
        hint: 'Another customer holds this custom id: the custom-id metafield of the mapping must be unique per user.',
      };
    case 'DEFINITION_MISMATCH':
      return {
        where: 'mapping',
        ...none,
        rules: named.map(ruleRef),
        hint: "A metafield definition in the shop has another type than the mapping's rule: change the rule's type, or the definition in Shopify.",
      };
    case 'SETTINGS_INVALID':
      return /polic/i.test(reason ?? '')
        ? {
            where: 'policies',
            ...none,
            hint: 'The stored policies cannot be read: open the policies, correct them and save; every held user is then tried again.',
          }
        : {
            where: 'mapping',
            ...none,
            hint: 'The stored mapping cannot be read: open the mapping, correct it and save; every held user is then tried again.',
          };
  }
  if (code && SHOP_CODES.has(code))
    return {
      where: 'shop',
      ...none,
      hint: 'The shop connection refused the write: test the connection in Settings and grant what it asks for, then retry.',
    };
  return {
    where: 'retry',
    ...none,
    hint: 'Shopify could not be reached or kept failing: nothing to change here; once it answers again, retry.',
  };
}

function mappingOf(t: Tenant): MappingDocument | undefined {
  try {
    return readMapping(t.settings);
  } catch {
    return undefined;
  }
}

function adoptionOff(t: Tenant): boolean {
  const p = t.settings.policies as { adoption?: unknown } | undefined;
  return p?.adoption === 'off';
}

/** One page of the failed users with their fix hints, and how many failed per code in all. */
export async function listSyncFailures(
  deps: Pick<AdminDeps, 'db' | 'dialect'>,
  t: Tenant,
  q: { limit?: unknown; cursor?: unknown; q?: unknown; errorCode?: unknown },
) {
  const mapping = mappingOf(t);
  const page = await listUsers(deps, t, { ...q, syncState: 'failed' });
  const failures = page.users.map((u: UserListEntry) => ({
    user: u,
    fix: fixFor(u.syncErrorCode, u.syncError, mapping, { adoptionOff: adoptionOff(t) }),
  }));
  return { failures, total: page.total, next: page.next, byCode: await failedCountsByCode(deps.db, t.id) };
}

/**
 * Queues a sync of every user held failed (audit: sync-failures.retry) and wakes the worker: after a fix made in
 * the identity provider or in Shopify, which the bridge cannot see. Returns how many were queued.
 */
export async function retrySyncFailures(deps: AdminDeps, t: Tenant): Promise<{ queued: number }> {
  const queued = await deps.db.transaction().execute(async (tx) => {
    const n = await requeueHeldUsers(tx, t.id, 'retry');
    if (n)
      await audit(tx, {
        tenantId: t.id,
        actor: deps.actor,
        action: 'sync-failures.retry',
        resourceType: 'User',
        resourceId: null,
        detail: { queued: n },
      });
    return n;
  });
  if (queued) deps.wake?.();
  return { queued };
}
