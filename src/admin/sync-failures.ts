// The users Shopify could not take (sync state failed), each with the reason and where to fix it: the mapping rules
// that write the refused field and the SCIM attributes they read, the shop connection, or a retry when the cause was
// Shopify being unavailable.
import type { Tenant } from '../store/tenants.js';
import type { MappingDocument, Rule } from '../mapping/index.js';
import { readMapping } from '../settings/policies.js';
import { listUsers, type UserListEntry } from './users.js';
import type { AdminDeps } from './context.js';

export interface FixHint {
  /** where the fix is: a mapping rule (or the attribute it reads), the shop connection, or just a retry */
  where: 'mapping' | 'attribute' | 'shop' | 'retry';
  /** the Shopify customer field that was refused, when one was */
  field: string | null;
  /** rules writing that field, with the SCIM attribute each reads */
  rules: { id: string; source: string | null; target: string }[];
  /** one sentence saying what to change */
  hint: string;
}

const FIELD_OF: Record<string, string[]> = {
  EMAIL_TAKEN: ['email'],
  EMAIL_INVALID: ['email'],
  PHONE_TAKEN: ['phone'],
  PHONE_INVALID: ['phone'],
  CUSTOMER_NEEDS_IDENTITY: ['firstName', 'lastName', 'email', 'phone'],
};

const SHOP_CODES = new Set(['UNAUTHORIZED', 'MISSING_SCOPE', 'FORBIDDEN', 'SHOP_NOT_CONNECTED', 'TOKEN_REQUEST_FAILED', 'SETTINGS_INVALID', 'DEFINITION_MISMATCH']);

function targetName(r: Rule): string {
  const t = r.target;
  if (t.kind === 'field' || t.kind === 'address') return t.kind === 'field' ? t.field : `address.${t.field}`;
  if (t.kind === 'metafield') return `metafield ${t.namespace}.${t.key}`;
  return t.kind;
}

const ruleRef = (r: Rule) => ({ id: r.id, source: r.source ?? null, target: targetName(r) });

/** Where to fix one failure, from its code and reason. */
export function fixFor(code: string | null, reason: string | null, mapping: MappingDocument | undefined): FixHint {
  const rules = mapping?.rules.filter((r) => r.direction !== 'toScim') ?? [];
  if (code === 'INVALID_VALUE' && reason) {
    const ids = [...reason.matchAll(/rule "([^"]+)"/g)].map((m) => m[1]!);
    const named = rules.filter((r) => ids.includes(r.id));
    if (named.length)
      return { where: 'mapping', field: named[0]!.target.kind === 'field' ? named[0]!.target.field : null, rules: named.map(ruleRef), hint: `Correct the SCIM attribute ${named.map((r) => r.source ?? '(computed)').join(', ')} in the identity provider, or change the rule so the value fits.` };
  }
  const fields = code ? FIELD_OF[code] : undefined;
  if (fields) {
    const writing = rules.filter((r) => r.target.kind === 'field' && fields.includes(r.target.field));
    const hint =
      code === 'EMAIL_TAKEN' || code === 'PHONE_TAKEN'
        ? `Another Shopify customer has this ${fields[0]}: change it in the identity provider, merge the customers in Shopify, or let the adoption policy link the existing customer.`
        : code === 'CUSTOMER_NEEDS_IDENTITY'
          ? 'Shopify needs a name, an e-mail address or a phone number: send one of them from the identity provider, or map an attribute that holds one.'
          : `Shopify refused the ${fields[0]}: correct the attribute in the identity provider, or add a transform to the rule that writes it.`;
    return { where: writing.length ? 'attribute' : 'mapping', field: fields[0]!, rules: writing.map(ruleRef), hint };
  }
  if (code === 'CUSTOM_ID_TAKEN') return { where: 'mapping', field: 'customId', rules: [], hint: 'Another customer holds this custom id: the custom-id metafield of the mapping must be unique per user.' };
  if (code && SHOP_CODES.has(code)) return { where: 'shop', field: null, rules: [], hint: 'The shop connection refused the write: test the connection and grant what it asks for, then retry.' };
  return { where: 'retry', field: null, rules: [], hint: 'Shopify could not be reached or kept failing: once it answers again, retry the sync.' };
}

/** One page of the failed users with their fix hints, and how many failed per code on this page. */
export async function listSyncFailures(deps: Pick<AdminDeps, 'db' | 'dialect'>, t: Tenant, q: { limit?: unknown; cursor?: unknown; q?: unknown; errorCode?: unknown }) {
  let mapping: MappingDocument | undefined;
  try {
    mapping = readMapping(t.settings);
  } catch {
    mapping = undefined;
  }
  const page = await listUsers(deps, t, { ...q, syncState: 'failed' });
  const failures = page.users.map((u: UserListEntry) => ({ user: u, fix: fixFor(u.syncErrorCode, u.syncError, mapping) }));
  return { failures, total: page.total, next: page.next };
}
