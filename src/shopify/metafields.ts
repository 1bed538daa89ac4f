// Metafields on customers: writes in atomic batches of at most 25 (Shopify's limit per call), and the unique
// `id`-type definition that lets a customer be found by its SCIM identity (customerByIdentifier customId).
import type { ShopifyClient } from './client.js';
import { documents } from './documents.js';
import { ShopifyError, fromUserErrors, shopifyErrors, type ShopifyUserError } from './errors.js';
import { chunk, runMutation } from './operation.js';
import type { ShopifyMetafield } from './types.js';

/** Shopify's limit of metafields per metafieldsSet call. */
export const METAFIELDS_PER_CALL = 25;

export interface MetafieldSet extends ShopifyMetafield {
  ownerId: string;
  /** Write only if the stored value still has this digest (optimistic concurrency). */
  compareDigest?: string;
}

export interface SavedMetafield extends ShopifyMetafield {
  id: string;
  ownerId: string | null;
}

type SetPayload = {
  metafields: { id: string; namespace: string; key: string; type: string; value: string; owner: { id?: string } | null }[] | null;
  userErrors: (ShopifyUserError & { elementIndex?: number | null })[];
};

/**
 * Writes metafields, 25 per call; each call is atomic, the batches together are not: on a failure the error's
 * `field` names the element (`metafields.<index>`) in the caller's list, and earlier batches stay written.
 */
export async function setMetafields(client: ShopifyClient, metafields: MetafieldSet[]): Promise<SavedMetafield[]> {
  const saved: SavedMetafield[] = [];
  const batches = chunk(metafields, METAFIELDS_PER_CALL);
  for (const [b, batch] of batches.entries()) {
    const { data } = await client.request<{ metafieldsSet: SetPayload | null }>(documents.metafieldsSet, { metafields: batch });
    const p = data.metafieldsSet;
    if (!p) throw shopifyErrors.internal('metafieldsSet returned no payload');
    if (p.userErrors.length) {
      const first = p.userErrors[0];
      const e = fromUserErrors(p.userErrors);
      const index = first.elementIndex ?? undefined;
      const field =
        index === undefined ? e.field : ['metafields', String(b * METAFIELDS_PER_CALL + index), ...(first.field ?? []).slice(2)];
      throw new ShopifyError(e.kind, e.code, e.message, field, e.extra);
    }
    for (const m of p.metafields ?? [])
      saved.push({ id: m.id, ownerId: m.owner?.id ?? null, namespace: m.namespace, key: m.key, type: m.type, value: m.value });
  }
  return saved;
}

export interface MetafieldDefinitionInfo {
  id: string;
  namespace: string;
  key: string;
  type: string;
  unique: boolean;
  /** False when the definition was already there. */
  created: boolean;
}

type DefinitionNode = {
  id: string;
  namespace: string;
  key: string;
  type: { name: string };
  capabilities: { uniqueValues: { enabled: boolean } };
};

async function findDefinition(client: ShopifyClient, namespace: string, key: string): Promise<DefinitionNode | undefined> {
  const { data } = await client.request<{ metafieldDefinitions: { nodes: DefinitionNode[] } }>(documents.metafieldDefinitions, {
    ownerType: 'CUSTOMER',
    namespace,
    key,
  });
  return data.metafieldDefinitions.nodes.find((d) => d.namespace === namespace && d.key === key);
}

function info(d: DefinitionNode, created: boolean): MetafieldDefinitionInfo {
  return { id: d.id, namespace: d.namespace, key: d.key, type: d.type.name, unique: d.capabilities.uniqueValues.enabled, created };
}

function checkShape(d: DefinitionNode): void {
  if (d.type.name !== 'id' || !d.capabilities.uniqueValues.enabled) {
    throw shopifyErrors.definitionMismatch(
      `The customer metafield definition ${d.namespace}.${d.key} exists with type ${d.type.name}` +
        `${d.capabilities.uniqueValues.enabled ? '' : ' without unique values'}; a custom id needs type id with unique values`,
    );
  }
}

/**
 * Makes sure customers have a unique `id`-type metafield definition at namespace.key (the custom id that links a
 * customer to its SCIM user). Idempotent: an existing matching definition is reused; a conflicting one is an error.
 */
export async function ensureCustomIdDefinition(
  client: ShopifyClient,
  opts: { namespace: string; key: string; name?: string; description?: string },
): Promise<MetafieldDefinitionInfo> {
  const existing = await findDefinition(client, opts.namespace, opts.key);
  if (existing) {
    checkShape(existing);
    return info(existing, false);
  }
  try {
    const p = await runMutation<{ createdDefinition: DefinitionNode | null; userErrors: ShopifyUserError[] }>(
      client,
      documents.metafieldDefinitionCreate,
      'metafieldDefinitionCreate',
      {
        definition: {
          ownerType: 'CUSTOMER',
          namespace: opts.namespace,
          key: opts.key,
          name: opts.name ?? 'SCIM identity',
          description: opts.description ?? 'Links the customer to its user in the identity provider (set by shopify-scim)',
          type: 'id',
          capabilities: { uniqueValues: { enabled: true } },
        },
      },
    );
    if (!p.createdDefinition) throw shopifyErrors.internal('metafieldDefinitionCreate returned no definition');
    return info(p.createdDefinition, true);
  } catch (e) {
    // Another worker created it between our look-up and our create: use theirs.
    if (e instanceof ShopifyError && e.kind === 'conflict') {
      const raced = await findDefinition(client, opts.namespace, opts.key);
      if (raced) {
        checkShape(raced);
        return info(raced, false);
      }
    }
    throw e;
  }
}
