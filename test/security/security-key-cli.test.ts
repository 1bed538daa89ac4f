// `shopify-scim key rotate` as an operator runs it, a process against a scratch DATA_DIR (SQLite, key file): every
// secret re-sealed, the new key file 0600 with the old one kept as secret.key.previous; with SECRET_KEY, the new key
// printed once; a secret the current key cannot open stops the rotation with nothing changed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { testDatabase } from '../helpers/db.js';
import { openStore } from '../../src/store/db.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { SecretBox, parseKey } from '../../src/security/secrets.js';
import { readShopSettings, sealShopSettings } from '../../src/sync/shops.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const skip = testDatabase === 'postgres' ? 'the command runs on SQLite in a scratch DATA_DIR (covered by the SQLite run)' : false;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function cli(dir: string, env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent', SHOPIFY_SHOP: '', SECRET_KEY: '', ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout.trim(), err: stderr.trim() }),
    ),
  );
}

/** A scratch deployment with one tenant whose shop credentials are sealed with `key`. */
async function deployment(key: Buffer) {
  const dir = mkdtempSync(join(tmpdir(), 'scim-key-'));
  dirs.push(dir);
  const store = await openStore({ url: `sqlite:${join(dir, 'shopify-scim.sqlite')}` });
  const repo = new TenantRepository(store.db);
  const t = await repo.create('acme');
  await repo.changeSettings(t.id, (s) => {
    s.shopify = sealShopSettings(
      { shop: 'acme.myshopify.com', accessToken: 'shpat_rotate_me', clientSecret: 'client-secret-x' },
      new SecretBox(key),
    );
  });
  await store.close();
  return dir;
}

async function shopOf(dir: string, box: SecretBox) {
  const store = await openStore({ url: `sqlite:${join(dir, 'shopify-scim.sqlite')}`, migrate: false });
  try {
    return readShopSettings((await new TenantRepository(store.db).byName('acme'))!.settings, box);
  } finally {
    await store.close();
  }
}

test('with a key file: every secret re-sealed, the new key file 0600, the old key kept beside it', { skip }, async () => {
  const old = randomBytes(32);
  const d = await deployment(old);
  // the deployment's key file holds the key its secrets were sealed with
  writeFileSync(join(d, 'secret.key'), old.toString('hex') + '\n', { mode: 0o600 });
  const r = await cli(d, {}, 'key', 'rotate', '--json');
  assert.equal(r.code, 0, r.err + r.out);
  assert.deepEqual(JSON.parse(r.out), { tenants: 1, secrets: 2, keyFrom: 'file' });
  const fresh = parseKey(readFileSync(join(d, 'secret.key'), 'utf8').trim());
  assert.notDeepEqual(fresh, old);
  assert.equal(statSync(join(d, 'secret.key')).mode & 0o777, 0o600);
  assert.equal(statSync(join(d, 'secret.key.previous')).mode & 0o777, 0o600);
  assert.deepEqual(parseKey(readFileSync(join(d, 'secret.key.previous'), 'utf8').trim()), old);
  assert.equal((await shopOf(d, new SecretBox(fresh)))?.accessToken, 'shpat_rotate_me');
  await assert.rejects(shopOf(d, new SecretBox(old)));
});

test('with SECRET_KEY: the new key is printed once; a wrong current key changes nothing', { skip }, async () => {
  const key = randomBytes(32);
  const d = await deployment(key);
  const wrong = await cli(d, { SECRET_KEY: randomBytes(32).toString('hex') }, 'key', 'rotate', '--json');
  assert.equal(wrong.code, 1);
  assert.match(JSON.parse(wrong.out).message, /tenant "acme" does not open with the current key; nothing was changed/);
  assert.equal((await shopOf(d, new SecretBox(key)))?.accessToken, 'shpat_rotate_me', 'still sealed with the old key');

  const r = await cli(d, { SECRET_KEY: key.toString('hex') }, 'key', 'rotate', '--json');
  assert.equal(r.code, 0, r.err + r.out);
  const out = JSON.parse(r.out);
  assert.equal(out.keyFrom, 'SECRET_KEY');
  assert.match(out.newKey, /^[0-9a-f]{64}$/);
  assert.equal((await shopOf(d, new SecretBox(Buffer.from(out.newKey, 'hex'))))?.clientSecret, 'client-secret-x');
});
