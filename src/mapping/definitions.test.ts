import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metafieldDefinitions } from './definitions.js';
import { mappingDocumentSchema } from './document.js';
import { presets } from './presets.js';

test('the definitions a preset needs: the unique custom id first, then each metafield it writes', () => {
  assert.deepEqual(metafieldDefinitions(presets.okta), [
    { namespace: 'shopify_scim', key: 'scim_id', type: 'id', unique: true, ruleIds: [] },
    { namespace: 'scim', key: 'department', type: 'single_line_text_field', unique: false, ruleIds: ['department'] },
    { namespace: 'scim', key: 'employee_number', type: 'single_line_text_field', unique: false, ruleIds: ['employee-number'] },
    { namespace: 'scim', key: 'cost_center', type: 'single_line_text_field', unique: false, ruleIds: ['cost-center'] },
    { namespace: 'scim', key: 'job_title', type: 'single_line_text_field', unique: false, ruleIds: ['job-title'] },
  ]);
});

test('a metafield written by several conditional rules is defined once; reverse-only rules define nothing', () => {
  const target = { kind: 'metafield', namespace: 'acme', key: 'tier', type: 'single_line_text_field' } as const;
  const doc = mappingDocumentSchema.parse({
    version: 1,
    rules: [
      { id: 'gold', target, transforms: [{ op: 'constant', value: 'gold' }], when: 'userType eq "vip"' },
      { id: 'basic', target, transforms: [{ op: 'constant', value: 'basic' }] },
      { id: 'back', source: 'nickName', target: { ...target, key: 'nick' }, direction: 'toScim' },
    ],
  });
  assert.deepEqual(metafieldDefinitions(doc).slice(1), [
    { namespace: 'acme', key: 'tier', type: 'single_line_text_field', unique: false, ruleIds: ['gold', 'basic'] },
  ]);
});
