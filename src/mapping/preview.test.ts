import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presets } from './presets.js';
import { previewMapping, previewReverse } from './preview.js';

const user = {
  id: 'u1',
  userName: 'ada@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada@example.com', primary: true }],
  phoneNumbers: [{ value: 'not a number', type: 'mobile' }],
};

test('the preview shows the customer, every rule, every problem and the tag changes', () => {
  const p = previewMapping(user, [{ id: 'g1', displayName: 'Sales' }], presets.default, {
    currentTags: ['vip', 'group:Old'],
    previous: { tags: ['group:Old'] },
  });
  assert.ok(p.ok, JSON.stringify(p));
  assert.equal(p.customer?.email, 'ada@example.com');
  assert.equal(p.trace.length, presets.default.rules.length, 'one trace entry per rule');
  assert.deepEqual(
    p.problems.map((x) => [x.ruleId, x.code, x.severity]),
    [['phone', 'invalidPhone', 'warning']],
  );
  assert.deepEqual(p.tagChanges, { add: ['scim-provisioned', 'group:Sales'], remove: ['group:Old'] });
  assert.match(p.fingerprint ?? '', /^[0-9a-f]{64}$/);
  assert.ok(
    p.mapping.warnings.some((w) => /defaultCountry/.test(w.message)),
    'the mapping warnings come along',
  );
});

test('a draft mapping with errors is reported, not run', () => {
  const draft = {
    ...presets.default,
    rules: [...presets.default.rules, { id: 'oops', source: 'nmae.givenName', target: { kind: 'tag' } }],
  };
  const p = previewMapping(user, [], draft);
  assert.ok(!p.ok);
  assert.equal(p.customer, undefined);
  assert.deepEqual(
    p.mapping.errors.map((e) => e.ruleId),
    ['oops'],
  );
});

test('a user Shopify would refuse previews as not ok, with the reason', () => {
  const p = previewMapping({ id: 'u2', userName: 'x' }, [], presets.default);
  assert.ok(!p.ok);
  assert.deepEqual(
    p.problems.map((x) => x.code),
    ['missingIdentity'],
  );
});

test('the reverse preview shows the SCIM changes a Shopify edit would make', () => {
  const p = previewReverse({ firstName: 'Augusta', email: 'ada@example.com' }, presets.default, { user });
  assert.ok(p.ok, JSON.stringify(p));
  assert.deepEqual(p.patch, { 'name.givenName': 'Augusta' });
  assert.equal(p.trace.find((t) => t.ruleId === 'email')?.reason, 'unchanged');
});
