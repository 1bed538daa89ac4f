// The discovery documents (RFC 7644 §4): ServiceProviderConfig, ResourceTypes and Schemas, generated from the same
// definitions and limits the server enforces, so what they advertise is exactly what the server does.
import { SCHEMA, allSchemas, resourceTypes, commonAttributes, type SchemaDef, type ResourceTypeDef } from './schemas.js';

export interface Limits {
  maxResults: number;
  defaultCount: number;
  bulkMaxOperations: number;
  bulkMaxPayloadSize: number;
}

export function serviceProviderConfig(baseUrl: string, limits: Limits): Record<string, unknown> {
  return {
    schemas: [SCHEMA.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: true, maxOperations: limits.bulkMaxOperations, maxPayloadSize: limits.bulkMaxPayloadSize },
    filter: { supported: true, maxResults: limits.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'A per-client bearer token issued by the bridge (shopify-scim token create), sent as "Authorization: Bearer <token>".',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypeDoc(rt: ResourceTypeDef, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA.resourceType],
    id: rt.id,
    name: rt.name,
    endpoint: rt.endpoint,
    description: rt.description,
    schema: rt.schema.id,
    schemaExtensions: rt.extensions.map((e) => ({ schema: e.schema.id, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${rt.id}` },
  };
}

export function schemaDoc(s: SchemaDef, baseUrl: string): Record<string, unknown> {
  const isCore = resourceTypes.some((rt) => rt.schema.id === s.id);
  return {
    schemas: [SCHEMA.schema],
    id: s.id,
    name: s.name,
    description: s.description,
    // The common attributes (id, externalId, meta) are described with each core schema so clients can read their
    // characteristics (id readOnly, externalId caseExact) from the Schemas endpoint.
    attributes: isCore ? [...commonAttributes.filter((a) => a.name !== 'meta'), ...s.attributes] : s.attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${s.id}` },
  };
}

export function listOf(resources: Record<string, unknown>[]): Record<string, unknown> {
  return {
    schemas: [SCHEMA.listResponse],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  };
}

/** The resource types one tenant sees: its User type (with the extension schemas it declares) and Group. */
export function resourceTypesFor(userType: ResourceTypeDef): ResourceTypeDef[] {
  return resourceTypes.map((rt) => (rt.id === 'User' ? userType : rt));
}

/** The schemas one tenant sees: the server's own, then the extension schemas its User type adds. */
export function schemasFor(userType: ResourceTypeDef): SchemaDef[] {
  const known = new Set(allSchemas.map((s) => s.id.toLowerCase()));
  return [...allSchemas, ...userType.extensions.map((e) => e.schema).filter((s) => !known.has(s.id.toLowerCase()))];
}
