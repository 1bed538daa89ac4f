// The published JSON Schema of the mapping document, generated from the zod schema so the two cannot drift;
// src/mapping/mapping.schema.json is the same object written out (a test keeps the file equal to this).
import { z } from 'zod';
import { mappingDocumentSchema } from './document.js';

export const MAPPING_SCHEMA_ID = 'urn:shopify-scim:schemas:mapping:1';

/** The JSON Schema (draft-07) of a mapping document as a merchant writes it (defaults may be left out). */
export function buildMappingJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(mappingDocumentSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return { $schema: schema.$schema, $id: MAPPING_SCHEMA_ID, ...schema };
}

/** The mapping document's JSON Schema, as an object. */
export const mappingJsonSchema: Record<string, unknown> = buildMappingJsonSchema();
