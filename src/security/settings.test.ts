import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError, DEFAULT_TRUST_PROXY } from '../config.js';

test('the security settings have generous defaults and are read from the environment', () => {
  const d = loadConfig({});
  assert.equal(d.scimRateLimit, 200);
  assert.equal(d.adminRateLimit, 600);
  assert.deepEqual(d.lockout, { maxFailures: 20, lockSeconds: 300 });
  assert.equal(d.webhookMaxAgeSeconds, 48 * 3600);
  assert.equal(d.trustProxy, DEFAULT_TRUST_PROXY);
  assert.equal(d.targetsAllowPrivate, undefined, 'private targets are refused unless allowed');
  const c = loadConfig({
    SCIM_RATE_LIMIT: '0',
    LOCKOUT_FAILURES: '5',
    LOCKOUT_SECONDS: '60',
    TRUST_PROXY: '0',
    TARGETS_ALLOW_PRIVATE: '10.0.0.0/8, fd00::/8',
    WEBHOOK_MAX_AGE_SECONDS: '0',
  });
  assert.equal(c.scimRateLimit, 0);
  assert.deepEqual(c.lockout, { maxFailures: 5, lockSeconds: 60 });
  assert.equal(c.trustProxy, false);
  assert.deepEqual(c.targetsAllowPrivate, ['10.0.0.0/8', 'fd00::/8']);
  assert.equal(c.webhookMaxAgeSeconds, 0);
  assert.equal(loadConfig({ TARGETS_ALLOW_PRIVATE: '1', TRUST_PROXY: '1' }).targetsAllowPrivate, 'all');
  assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.1,10.0.0.2' }).trustProxy, '10.0.0.1,10.0.0.2');
});

test('bad security settings are refused, each named', () => {
  assert.throws(
    () => loadConfig({ SCIM_RATE_LIMIT: '-1', LOCKOUT_SECONDS: '0', TARGETS_ALLOW_PRIVATE: 'yes please', TRUST_PROXY: '$(id)' }),
    (e: unknown) =>
      e instanceof ConfigError &&
      ['SCIM_RATE_LIMIT', 'LOCKOUT_SECONDS', 'TARGETS_ALLOW_PRIVATE', 'TRUST_PROXY'].every((v) => e.problems.some((p) => p.startsWith(v))),
  );
});
