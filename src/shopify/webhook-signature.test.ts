import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { signShopifyWebhook, verifyShopifyWebhook } from './webhook-signature.js';

/** HMAC-SHA256 built by hand from RFC 2104 over a plain SHA-256, so the module is checked against another implementation. */
function referenceHmac(key: Buffer, message: Buffer): string {
  const block = 64;
  let k = key.length > block ? createHash('sha256').update(key).digest() : key;
  k = Buffer.concat([k, Buffer.alloc(block - k.length)]);
  const ipad = Buffer.from(k.map((b) => b ^ 0x36));
  const opad = Buffer.from(k.map((b) => b ^ 0x5c));
  const inner = createHash('sha256')
    .update(Buffer.concat([ipad, message]))
    .digest();
  return createHash('sha256')
    .update(Buffer.concat([opad, inner]))
    .digest('base64');
}

test('the signature matches an independent HMAC-SHA256 for any body and secret', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.string({ minLength: 1, maxLength: 100 }), (body, secret) => {
      const raw = Buffer.from(body);
      const expected = referenceHmac(Buffer.from(secret, 'utf8'), raw);
      assert.equal(signShopifyWebhook(raw, secret), expected);
      assert.equal(verifyShopifyWebhook(raw, expected, secret), true);
    }),
  );
});

test('a signature made with a secret longer than the hash block still verifies', () => {
  const secret = 'x'.repeat(100);
  const raw = Buffer.from('{"id":1}');
  assert.equal(verifyShopifyWebhook(raw, referenceHmac(Buffer.from(secret), raw), secret), true);
});

test('a known payload has the signature openssl computes for it', () => {
  // printf '%s' "$body" | openssl dgst -sha256 -hmac hush -binary | base64
  const raw = Buffer.from('{"id":820982911946154508,"email":"jon@example.com"}');
  const fromOpenssl = 'D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=';
  assert.equal(signShopifyWebhook(raw, 'hush'), fromOpenssl);
  assert.equal(verifyShopifyWebhook(raw, fromOpenssl, 'hush'), true);
});

test('a body changed by one byte is rejected', () => {
  const raw = Buffer.from('{"id":1,"first_name":"Ada"}');
  const sig = signShopifyWebhook(raw, 's3cret');
  const changed = Buffer.from(raw);
  changed[changed.length - 2] ^= 1;
  assert.equal(verifyShopifyWebhook(changed, sig, 's3cret'), false);
});

test('re-serialised JSON is rejected: the check is over the raw bytes', () => {
  const raw = Buffer.from('{"id": 1, "a": "b"}');
  const sig = signShopifyWebhook(raw, 's3cret');
  assert.equal(verifyShopifyWebhook(Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), sig, 's3cret'), false);
});

test('the wrong secret, a missing header and malformed headers are rejected', () => {
  const raw = Buffer.from('{}');
  const sig = signShopifyWebhook(raw, 'right');
  assert.equal(verifyShopifyWebhook(raw, sig, 'wrong'), false);
  assert.equal(verifyShopifyWebhook(raw, undefined, 'right'), false);
  assert.equal(verifyShopifyWebhook(raw, '', 'right'), false);
  assert.equal(verifyShopifyWebhook(raw, 'not base64 at all', 'right'), false);
  assert.equal(verifyShopifyWebhook(raw, sig.slice(0, -2), 'right'), false);
  assert.equal(verifyShopifyWebhook(raw, `${sig}@`, 'right'), false);
  assert.equal(verifyShopifyWebhook(raw, Buffer.from(sig, 'base64').toString('hex'), 'right'), false);
  assert.equal(verifyShopifyWebhook(raw, sig, ''), false);
});

test('surrounding whitespace in the header is tolerated', () => {
  const raw = Buffer.from('{"a":1}');
  assert.equal(verifyShopifyWebhook(raw, ` ${signShopifyWebhook(raw, 'k')}\n`, 'k'), true);
});
