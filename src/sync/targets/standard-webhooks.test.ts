import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  generateWebhookSecret,
  secretKey,
  signStandardWebhook,
  standardWebhookHeaders,
  verifyStandardWebhook,
} from './standard-webhooks.js';

// The test vector published with the Standard Webhooks reference libraries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

test('signing reproduces the published Standard Webhooks test vector', () => {
  assert.equal(signStandardWebhook(VECTOR.id, VECTOR.timestamp, VECTOR.body, VECTOR.secret), VECTOR.signature);
});

test('verification accepts the vector among other signatures and rejects a changed body, id or secret', () => {
  const headers = {
    'webhook-id': VECTOR.id,
    'webhook-timestamp': String(VECTOR.timestamp),
    'webhook-signature': `v1,bm9wZQ== ${VECTOR.signature}`,
  };
  const at = { nowMs: VECTOR.timestamp * 1000 };
  assert.equal(verifyStandardWebhook(headers, VECTOR.body, VECTOR.secret, at), true);
  assert.equal(verifyStandardWebhook(headers, VECTOR.body + ' ', VECTOR.secret, at), false);
  assert.equal(verifyStandardWebhook({ ...headers, 'webhook-id': 'msg_other' }, VECTOR.body, VECTOR.secret, at), false);
  assert.equal(verifyStandardWebhook(headers, VECTOR.body, generateWebhookSecret(), at), false);
});

test('verification refuses a timestamp outside the tolerance, to stop replays', () => {
  const headers = standardWebhookHeaders('msg_1', '{}', VECTOR.secret, 1_700_000_000_000);
  assert.equal(verifyStandardWebhook(headers, '{}', VECTOR.secret, { nowMs: 1_700_000_000_000 + 299_000 }), true);
  assert.equal(verifyStandardWebhook(headers, '{}', VECTOR.secret, { nowMs: 1_700_000_000_000 + 301_000 }), false);
});

test('a generated secret carries 24 random bytes behind whsec_', () => {
  const s = generateWebhookSecret();
  assert.match(s, /^whsec_[A-Za-z0-9+/]{32}$/);
  assert.equal(secretKey(s).length, 24);
  assert.notEqual(generateWebhookSecret(), s);
});
