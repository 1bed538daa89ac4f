import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// ajv comes with fastify; here it plays an editor or CI job checking a mapping file against the published schema.
import { Ajv } from 'ajv';
import { buildMappingJsonSchema, mappingJsonSchema } from './json-schema.js';
import { presets, PRESET_NAMES } from './presets.js';

const file = fileURLToPath(new URL('./mapping.schema.json', import.meta.url));

test('the published mapping.schema.json is exactly the schema generated from the code', () => {
  // UPDATE_MAPPING_SCHEMA=1 npm test -- src/mapping/json-schema rewrites the file after a change to document.ts
  if (process.env.UPDATE_MAPPING_SCHEMA) writeFileSync(file, `${JSON.stringify(buildMappingJsonSchema(), null, 2)}\n`);
  const published: unknown = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(published, mappingJsonSchema, 'mapping.schema.json is stale: regenerate it with UPDATE_MAPPING_SCHEMA=1');
});

const validate = new Ajv({ allErrors: true, strict: false }).compile(mappingJsonSchema);

test('a JSON Schema validator accepts every preset and a minimal mapping', () => {
  for (const name of PRESET_NAMES) assert.ok(validate(presets[name]), `${name}: ${JSON.stringify(validate.errors)}`);
  assert.ok(
    validate({ version: 1, rules: [{ id: 'first', source: 'name.givenName', target: { kind: 'field', field: 'firstName' } }] }),
    JSON.stringify(validate.errors),
  );
});

test('a JSON Schema validator refuses what the engine refuses for its shape', () => {
  const rule = { id: 'r', source: 'title', target: { kind: 'field', field: 'note' } };
  const bad: [string, unknown][] = [
    ['wrong version', { version: 2, rules: [] }],
    ['unknown target field', { version: 1, rules: [{ ...rule, target: { kind: 'field', field: 'nickname' } }] }],
    ['unknown transform', { version: 1, rules: [{ ...rule, transforms: [{ op: 'eval', code: 'x' }] }] }],
    [
      'metafield namespace too short',
      { version: 1, rules: [{ ...rule, target: { kind: 'metafield', namespace: 'hr', key: 'title', type: 'single_line_text_field' } }] },
    ],
    [
      'unknown metafield type',
      { version: 1, rules: [{ ...rule, target: { kind: 'metafield', namespace: 'acme', key: 'title', type: 'color' } }] },
    ],
    ['extra key', { version: 1, rules: [{ ...rule, extra: 1 }] }],
    ['bad direction', { version: 1, rules: [{ ...rule, direction: 'sideways' }] }],
  ];
  for (const [why, doc] of bad) assert.ok(!validate(doc), `${why} should be refused`);
});
