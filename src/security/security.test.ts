import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken, hashToken, safeEqual } from './tokens.js';
import { SecretBox, loadOrCreateKey } from './secrets.js';

test('tokens are random, prefixed and hashed to 64 hex characters', () => {
  const a = generateToken();
  const b = generateToken();
  assert.notEqual(a, b);
  assert.match(a, /^scim_[A-Za-z0-9_-]{43}$/);
  assert.match(hashToken(a), /^[0-9a-f]{64}$/);
  assert.notEqual(hashToken(a), hashToken(b));
});

test('safeEqual compares strings of any length', () => {
  assert.equal(safeEqual('abc', 'abc'), true);
  assert.equal(safeEqual('abc', 'abd'), false);
  assert.equal(safeEqual('abc', 'abcd'), false);
});

test('sealed secrets open with the same key and fail with another or when tampered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'key-'));
  const key = loadOrCreateKey(dir);
  assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
  assert.deepEqual(loadOrCreateKey(dir), key, 'the key file is reused');
  const box = new SecretBox(key);
  const sealed = box.seal('shpat_secret');
  assert.ok(!sealed.includes('shpat_secret'));
  assert.equal(box.open(sealed), 'shpat_secret');
  assert.throws(() => new SecretBox(Buffer.alloc(32, 1)).open(sealed));
  const parts = sealed.split(':');
  parts[3] = Buffer.from('shpat_other').toString('base64url');
  assert.throws(() => box.open(parts.join(':')));
});
