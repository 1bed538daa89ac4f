import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bulkMutationLimit } from './bulk-mutation.js';

test('five bulk mutations may run at once from API 2026-01, one on older versions', () => {
  assert.deepEqual(['2025-10', '2026-01', '2026-10', 'unstable'].map(bulkMutationLimit), [1, 5, 5, 5]);
});
