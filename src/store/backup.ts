// Online backup of the SQLite database (better-sqlite3's backup API: page by page, consistent, while the bridge keeps
// writing). PostgreSQL is backed up with its own tools (pg_dump), see docs/operations.md.
import { chmodSync, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { parseDatabaseUrl } from './db.js';

export interface BackupResult {
  /** the file written */
  file: string;
  bytes: number;
  /** the users the backup holds, as a quick check of what it contains */
  users: number;
}

/**
 * Copies the SQLite database of `databaseUrl` to `dest` (a new file, made readable by its owner only): a consistent
 * snapshot even while other connections write, checked with `PRAGMA integrity_check` once written.
 */
export async function backupSqlite(databaseUrl: string, dest: string): Promise<BackupResult> {
  const { dialect, target } = parseDatabaseUrl(databaseUrl);
  if (dialect !== 'sqlite') throw new Error('backup copies a SQLite database; back up PostgreSQL with pg_dump (see docs/operations.md)');
  if (target === ':memory:') throw new Error('an in-memory database cannot be backed up');
  const file = resolve(dest);
  if (existsSync(file)) throw new Error(`${file} exists already; choose a new file name`);
  if (file === target) throw new Error('the backup must go to another file than the database');
  const source = new SqliteDatabase(target, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(file);
  } finally {
    source.close();
  }
  chmodSync(file, 0o600);
  const copy = new SqliteDatabase(file, { readonly: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the backup failed its integrity check: ${String(check)}`);
    const users = (copy.prepare('select count(*) as n from users').get() as { n: number }).n;
    return { file, bytes: statSync(file).size, users };
  } finally {
    copy.close();
  }
}
