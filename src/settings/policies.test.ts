import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPolicies, readMapping, deletePolicy, deactivatedTag, SettingsError } from './policies.js';

test('a tenant without policies gets the documented defaults', () => {
  const p = readPolicies({});
  assert.deepEqual(
    [p.deprovision, p.delete, p.adoption, p.applyEmailChanges, p.withdrawMarketingConsent, p.syncWaitMs],
    ['tag', 'deprovision', 'email', true, false, undefined],
  );
  assert.equal(deletePolicy(p), 'tag', 'a DELETE does what deactivation does by default');
});

test('a delete policy of its own overrides the deprovisioning policy for SCIM DELETE only', () => {
  const p = readPolicies({ policies: { deprovision: 'tag', delete: 'erase' } });
  assert.equal(deletePolicy(p), 'erase');
});

test('invalid policies are refused with a sentence naming each bad value', () => {
  assert.throws(
    () => readPolicies({ policies: { deprovision: 'disable', syncWaitMs: -1 } }),
    (e: Error) => {
      assert.ok(e instanceof SettingsError);
      assert.match(e.message, /deprovision/);
      assert.match(e.message, /syncWaitMs/);
      return true;
    },
  );
  assert.throws(() => readPolicies({ policies: { adoptt: 'email' } }), /adoptt|unrecognized/i, 'a misspelt key is not silently ignored');
});

test('the mapping is the default preset, a named preset, or a document', () => {
  assert.equal(readMapping({}).preset, 'default');
  assert.equal(readMapping({ mapping: 'okta' }).preset, 'okta');
  assert.equal(readMapping({ mapping: { preset: 'entra' } }).preset, 'entra');
  const doc = readMapping({ mapping: { version: 1, rules: [{ id: 'e', source: 'userName', target: { kind: 'field', field: 'email' } }] } });
  assert.equal(doc.rules.length, 1);
  assert.equal(doc.customIdMetafield.key, 'scim_id');
  assert.throws(() => readMapping({ mapping: 'nope' }), /no preset named "nope"/);
  assert.throws(() => readMapping({ mapping: { version: 2, rules: [] } }), SettingsError);
});

test("the deactivation tag is the policy's, else the mapping's", () => {
  const mapping = readMapping({});
  assert.equal(deactivatedTag(readPolicies({}), mapping), mapping.tags.deactivatedTag);
  assert.equal(deactivatedTag(readPolicies({ policies: { deactivatedTag: 'blocked' } }), mapping), 'blocked');
});
