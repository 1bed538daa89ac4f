// Fixtures and assertions shared by the PATCH engine's test files: a realistic user and group, and result helpers
// whose failure messages show the whole SCIM error or resource. Named *.test.ts so the build leaves it out; it has no tests.
import assert from 'node:assert/strict';
import type { Result } from '../errors.js';
import { attr, groupResourceType, SCHEMA, userResourceType, type ResourceTypeDef, type SchemaDef } from '../schemas.js';
import { applyPatch, type PatchResult } from './index.js';

export const ENT = SCHEMA.enterprise;
export const PATCH_OP = SCHEMA.patchOp;

/** A user as the store holds it, with its id (as the HTTP layer passes it). */
export function sampleUser(): Record<string, unknown> {
  return {
    schemas: [SCHEMA.user, ENT],
    id: 'u-1',
    userName: 'ann@example.com',
    name: { familyName: 'Lee', givenName: 'Ann' },
    displayName: 'Ann Lee',
    active: true,
    emails: [
      { value: 'ann@example.com', type: 'work', primary: true },
      { value: 'ann@home.example', type: 'home' },
    ],
    phoneNumbers: [{ value: '+15551234567', type: 'mobile' }],
    [ENT]: { department: 'Sales', manager: { value: 'boss-1' } },
  };
}

export function sampleGroup(): Record<string, unknown> {
  return {
    schemas: [SCHEMA.group],
    id: 'g-1',
    displayName: 'Sales',
    members: [
      { value: 'u-1', type: 'User' },
      { value: 'u-2', type: 'User' },
    ],
  };
}

// A tenant-declared extension with an immutable attribute, which the built-in schemas do not have at the top level.
export const acme: SchemaDef = {
  id: 'urn:example:params:scim:schemas:extension:acme:2.0:User',
  name: 'Acme',
  description: 'test extension',
  attributes: [attr('badge', 'string', { mutability: 'immutable' }), attr('level', 'integer')],
};
export const acmeUsers: ResourceTypeDef = {
  ...userResourceType,
  extensions: [...userResourceType.extensions, { schema: acme, required: false }],
};

/** Runs a PatchOp body made of `ops` against a resource (a fresh sample user by default). */
export function patch(
  ops: unknown[],
  resource: Record<string, unknown> = sampleUser(),
  rt: ResourceTypeDef = userResourceType,
): Result<PatchResult> {
  return applyPatch(resource, { schemas: [PATCH_OP], Operations: ops }, rt);
}

export function patchGroup(ops: unknown[], group: Record<string, unknown> = sampleGroup()): Result<PatchResult> {
  return patch(ops, group, groupResourceType);
}

export function applied(r: Result<PatchResult>): PatchResult {
  if (!r.ok) assert.fail(`expected the patch to apply, got ${JSON.stringify(r.error.toJSON())}`);
  return r.value;
}

export function rejected(r: Result<PatchResult>, scimType: string, mentions?: string) {
  if (r.ok) assert.fail(`expected ${scimType}, got ${JSON.stringify(r.value)}`);
  assert.equal(r.error.scimType, scimType, JSON.stringify(r.error.toJSON()));
  assert.equal(r.error.status, 400);
  if (mentions) assert.ok(r.error.detail.includes(mentions), `detail should mention '${mentions}': ${r.error.detail}`);
  return r.error;
}

/** The enterprise extension object of a resource. */
export const ent = (res: Record<string, unknown>) => res[ENT] as Record<string, unknown> | undefined;
