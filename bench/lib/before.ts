// --compare <git ref>: the bridge as it was at that commit, run beside today's on a copy of the same data set, so a
// fix's effect is measured in the same run. The old tree (src/ and the package files from git, today's bench/, the
// shared node_modules) goes to a temporary directory; the data set copy loses the indexes and migration rows the old
// code does not know. SQLite only.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { ROOT } from './harness.js';
import type { Dataset } from './dataset.js';

export function prepareBefore(ref: string): string {
  const sha = execFileSync('git', ['rev-parse', ref], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = join(tmpdir(), `bench-before-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, 'src'))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', sha, 'src', 'package.json', 'tsconfig.json'], {
      cwd: ROOT,
      maxBuffer: 1 << 28,
    });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  }
  cpSync(join(ROOT, 'bench', 'servers'), join(dir, 'bench', 'servers'), { recursive: true });
  cpSync(join(ROOT, 'bench', 'lib'), join(dir, 'bench', 'lib'), { recursive: true });
  return dir;
}

/** A copy of the data set's SQLite file with only the migrations the old tree knows (its own schema otherwise). */
export function beforeCopy(d: Dataset, oldRoot: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-before-db-')), 'db.sqlite');
  copyFileSync(d.url.replace(/^sqlite:/, ''), file);
  const db = new SqliteDatabase(file);
  const oldMigrations = new Set(
    [
      ...execFileSync('grep', ['-oE', "'[0-9]{4}_[a-z_]+'", join(oldRoot, 'src', 'store', 'migrations.ts')], { encoding: 'utf8' }).matchAll(
        /'([^']+)'/g,
      ),
    ].map((m) => m[1]!),
  );
  const newer = (db.prepare('select name from kysely_migration').all() as { name: string }[])
    .map((r) => r.name)
    .filter((n) => !oldMigrations.has(n));
  // What each newer migration did, undone.
  const undo: Record<string, string[]> = {
    '0010_job_request_id': ['alter table outbox_jobs drop column request_id'],
    '0011_page_order': ['drop index if exists users_page_order', 'drop index if exists groups_page_order'],
    '0012_open_jobs': ['drop index if exists outbox_open', 'drop index if exists outbox_open_kind'],
    '0013_member_groups': [
      'drop index if exists group_members_member_groups',
      'create index if not exists group_members_member on group_members (tenant_id, member_id)',
    ],
    '0014_token_expiry': ['alter table clients drop column expires_at'],
  };
  for (const n of newer) {
    if (!undo[n]) throw new Error(`bench/lib/before.ts does not know how to undo migration ${n}`);
    for (const stmt of undo[n]) db.exec(stmt);
    db.prepare('delete from kysely_migration where name = ?').run(n);
  }
  db.close();
  return `sqlite:${file}`;
}
