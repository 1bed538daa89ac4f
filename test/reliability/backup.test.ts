// Backup and restore of the SQLite database: `shopify-scim backup <file>` (a real process) while SCIM writes go on
// gives a consistent, owner-only copy; restoring it (stop, copy back) and starting a bridge on it serves exactly the
// users the backup holds, each as it was written.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { testDatabase } from '../helpers/db.js';
import { startStack, oktaUser, type Stack } from '../sync/harness.js';
import { startBridgeStack } from '../helpers/stack.js';
import { root } from './procs.js';

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((r) => child.once('exit', (code) => r({ code, stdout, stderr })));
}

test(
  'backup during writes, then restore: the restored bridge serves the backup exactly',
  { skip: testDatabase !== 'sqlite', timeout: 90_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-backup-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = `sqlite:${join(dir, 'bridge.sqlite')}`;
    const store = { ...(await openStore({ url })), url };
    const s: Stack = await startStack({ store, syncWaitMs: 0 });
    const backupFile = join(dir, 'backup.sqlite');

    // Writes go on before, during and after the backup.
    let writing = true;
    let created = 0;
    const writer = (async () => {
      while (writing) {
        const r = await s.req(
          'POST',
          '/Users',
          oktaUser(`b${created}@example.com`, { name: { givenName: 'Ada', familyName: `N${created}` } }),
        );
        assert.equal(r.status, 201);
        created++;
      }
    })();
    while (created < 20) await new Promise((r) => setTimeout(r, 20));
    const atStart = created;
    const r = await cli(['backup', backupFile, '--json'], { DATABASE_URL: store.url, DATA_DIR: dir });
    const atEnd = created;
    await new Promise((res) => setTimeout(res, 300));
    writing = false;
    await writer;
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout) as { file: string; bytes: number; users: number };
    assert.equal(report.file, backupFile);
    assert.ok(report.users >= atStart && report.users <= atEnd, `the backup holds ${report.users} users, written ${atStart}..${atEnd}`);
    assert.ok(created > atEnd, 'writes went on after the backup');
    assert.equal(statSync(backupFile).mode & 0o777, 0o600, 'the backup is readable by its owner only');

    // A second backup to the same file is refused; so is a PostgreSQL URL.
    const again = await cli(['backup', backupFile], { DATABASE_URL: store.url, DATA_DIR: dir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already/);
    const onPg = await cli(['backup', join(dir, 'x.sqlite')], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x', DATA_DIR: dir });
    assert.equal(onPg.code, 1);
    assert.match(onPg.stderr, /pg_dump/);

    // Every user the backup holds is the live one, field for field (creates only, so nothing changed since).
    const live = await store.db.selectFrom('users').selectAll().orderBy('user_name').execute();
    const copy = await openStore({ url: `sqlite:${backupFile}`, migrate: false });
    const saved = await copy.db.selectFrom('users').selectAll().orderBy('user_name').execute();
    await copy.close();
    assert.equal(saved.length, report.users);
    for (const u of saved)
      assert.deepEqual(
        u,
        live.find((l) => l.id === u.id),
        `user ${u.user_name}`,
      );

    // Restore: stop the bridge, copy the backup over the database (its -wal and -shm files go), start again.
    await s.close();
    await store.close();
    const dbFile = store.url.replace(/^sqlite:/, '');
    for (const f of [`${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
    copyFileSync(backupFile, dbFile);
    const restoredStore = await openStore({ url: store.url });
    const restored = await startBridgeStack({ store: { ...restoredStore, url: store.url } });
    cleanups.push(async () => {
      await restored.close();
      await restoredStore.close();
    });
    // The restored bridge has the backup's tenant and tokens: the old token still works there.
    const list = await fetch(`${s.base}/Users?count=1000`.replace(s.bridge.url, restored.bridge.url), {
      headers: { authorization: `Bearer ${s.token}` },
    });
    assert.equal(list.status, 200);
    const body = (await list.json()) as { totalResults: number; Resources: { userName: string; name: { familyName: string } }[] };
    assert.equal(body.totalResults, report.users);
    for (const u of saved) {
      const got = body.Resources.find((x) => x.userName === u.user_name);
      assert.ok(got, `${u.user_name} restored`);
    }
    assert.ok(!body.Resources.some((x) => x.userName === `b${created - 1}@example.com`), 'writes after the backup are not in it');
  },
);
