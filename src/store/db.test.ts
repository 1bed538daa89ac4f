// The SQLite database holds personal data: its file and the -wal/-shm files SQLite makes beside it are readable by
// their owner only, whatever the umask, and a file an earlier version left world-readable is narrowed when opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './db.js';
import { TenantRepository } from './tenants.js';

const mode = (f: string) => statSync(f).mode & 0o777;

test('a new SQLite database and its -wal and -shm files are created 0600 under a permissive umask', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-modes-'));
  const old = process.umask(0o022);
  try {
    const file = join(dir, 'nested', 'bridge.sqlite');
    const store = await openStore({ url: `sqlite:${file}` });
    await new TenantRepository(store.db).create('modes', 'Modes');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      assert.ok(existsSync(f), `${f} exists while the database is open`);
      assert.equal(mode(f).toString(8), '600', f);
    }
    assert.equal((mode(join(dir, 'nested')) & 0o077).toString(8), '0', 'the directory made for it is private too');
    await store.close();
  } finally {
    process.umask(old);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an existing world-readable database file is narrowed to 0600 when opened', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-modes-'));
  try {
    const file = join(dir, 'old.sqlite');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const store = await openStore({ url: `sqlite:${file}` });
    assert.equal(mode(file).toString(8), '600');
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
