// Loads Shopify's real Admin GraphQL schema (introspection shipped as data in ./schema/) into a GraphQLSchema,
// so documents can be validated offline and the emulator can serve exactly Shopify's types.
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { SHOPIFY_API_VERSION_DEFAULT } from './version.js';

const cache = new Map<string, GraphQLSchema>();

/** Path of the introspection file for an API version; works from src/ (tsx) and from dist/ (compiled). */
export function schemaFile(version: string): string {
  const candidates = [
    new URL(`./schema/admin_${version}.json.gz`, import.meta.url),
    new URL(`../../src/shopify/schema/admin_${version}.json.gz`, import.meta.url),
  ].map((u) => fileURLToPath(u));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`No Shopify Admin schema for API version ${version} (looked in ${candidates.join(', ')})`);
  return found;
}

/** The Admin API schema for a version (about 0.3 s the first time, cached afterwards). */
export function loadAdminSchema(version: string = SHOPIFY_API_VERSION_DEFAULT): GraphQLSchema {
  let schema = cache.get(version);
  if (!schema) {
    const json = JSON.parse(gunzipSync(readFileSync(schemaFile(version))).toString('utf8')) as { data: IntrospectionQuery };
    schema = buildClientSchema(json.data);
    cache.set(version, schema);
  }
  return schema;
}
