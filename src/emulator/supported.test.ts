import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAdminSchema } from '../shopify/schema.js';
import { SUPPORTED_ROOT_FIELDS } from './graphql/run.js';

test('every root field the emulator implements exists in the pinned real schema', () => {
  const schema = loadAdminSchema();
  const query = schema.getQueryType()!.getFields();
  const mutation = schema.getMutationType()!.getFields();
  assert.deepEqual(
    SUPPORTED_ROOT_FIELDS.query.filter((f) => !query[f]),
    [],
  );
  assert.deepEqual(
    SUPPORTED_ROOT_FIELDS.mutation.filter((f) => !mutation[f]),
    [],
  );
  assert.ok(SUPPORTED_ROOT_FIELDS.mutation.includes('customerSet') && SUPPORTED_ROOT_FIELDS.query.includes('customerByIdentifier'));
});
