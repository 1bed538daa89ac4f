// Creates on the shop the customer metafield definitions a saved mapping needs (the unique custom id, and one per
// metafield target with its type), so values are typed and visible in Shopify's admin. Each outcome is reported.
import type { MetafieldDefinitionSpec } from '../mapping/index.js';
import { documents, ensureCustomIdDefinition, ShopifyError, type ShopifyClient } from '../shopify/index.js';
import { runMutation } from '../shopify/operation.js';
import type { ShopifyUserError } from '../shopify/errors.js';

export interface DefinitionOutcome {
  namespace: string;
  key: string;
  type: string;
  /** created: made now; exists: already there with this type; failed: see message (the mapping is saved regardless) */
  status: 'created' | 'exists' | 'failed';
  message?: string;
}

type DefinitionNode = { id: string; namespace: string; key: string; type: { name: string } };

async function find(client: ShopifyClient, namespace: string, key: string): Promise<DefinitionNode | undefined> {
  const { data } = await client.request<{ metafieldDefinitions: { nodes: DefinitionNode[] } }>(documents.metafieldDefinitions, {
    ownerType: 'CUSTOMER',
    namespace,
    key,
  });
  return data.metafieldDefinitions.nodes.find((d) => d.namespace === namespace && d.key === key);
}

/** A readable name for Shopify's admin: `employee_number` -> `Employee number`. */
function title(key: string): string {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

async function ensureOne(client: ShopifyClient, spec: MetafieldDefinitionSpec): Promise<DefinitionOutcome> {
  const base = { namespace: spec.namespace, key: spec.key, type: spec.type };
  if (spec.unique) {
    const d = await ensureCustomIdDefinition(client, { namespace: spec.namespace, key: spec.key });
    return { ...base, status: d.created ? 'created' : 'exists' };
  }
  const existing = await find(client, spec.namespace, spec.key);
  if (existing) {
    if (existing.type.name === spec.type) return { ...base, status: 'exists' };
    return {
      ...base,
      status: 'failed',
      message: `the shop already defines ${spec.namespace}.${spec.key} with type ${existing.type.name}; Shopify will refuse ${spec.type} values (change the rule's type, or the definition in Shopify)`,
    };
  }
  await runMutation<{ userErrors: ShopifyUserError[] }>(client, documents.metafieldDefinitionCreate, 'metafieldDefinitionCreate', {
    definition: {
      ownerType: 'CUSTOMER',
      namespace: spec.namespace,
      key: spec.key,
      name: title(spec.key),
      description: `Set by shopify-scim (mapping rule${spec.ruleIds.length > 1 ? 's' : ''} ${spec.ruleIds.join(', ')})`,
      type: spec.type,
    },
  });
  return { ...base, status: 'created' };
}

/** Makes sure every definition exists; never throws: a failure is reported on its entry, the others still run. */
export async function ensureDefinitions(client: ShopifyClient, specs: readonly MetafieldDefinitionSpec[]): Promise<DefinitionOutcome[]> {
  const out: DefinitionOutcome[] = [];
  for (const spec of specs) {
    try {
      out.push(await ensureOne(client, spec));
    } catch (e) {
      const message = e instanceof ShopifyError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      out.push({ namespace: spec.namespace, key: spec.key, type: spec.type, status: 'failed', message });
    }
  }
  return out;
}
