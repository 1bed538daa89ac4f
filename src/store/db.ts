// Opens the database named by DATABASE_URL: SQLite (better-sqlite3, WAL) by default, PostgreSQL for postgres:// URLs.
// One Kysely instance per process; the rest of the code never learns which engine is underneath except through `dialect`.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';
import { migrateToLatest } from './migrations.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `sqlite:<path>`, `sqlite::memory:`, a bare file path, or `postgres://…` */
  url: string;
  /** PostgreSQL schema to use (created if missing); lets tests and tenants-per-schema setups share one database. */
  pgSchema?: string;
  migrate?: boolean;
  poolSize?: number;
  /**
   * SQLite: how many prepared statements to keep, keyed by their SQL (default 256; 0 prepares every query afresh).
   * Preparing is a large part of a short query's cost, and the bridge runs the same few hundred statements.
   */
  statementCacheSize?: number;
}

/** The SQLite statements prepared so far, most recently used last; the least recently used goes when it is full. */
export function cachingStatements(raw: SqliteDatabase.Database, size: number): SqliteDialectDatabase {
  if (size <= 0) return raw;
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => raw.close(),
    prepare(sqlText: string) {
      const cached = cache.get(sqlText);
      if (cached) {
        cache.delete(sqlText);
        cache.set(sqlText, cached);
        // A statement being iterated (a streamed query) cannot run again before it finishes: use a fresh one meanwhile.
        return cached.busy ? raw.prepare(sqlText) : cached;
      }
      const stmt = raw.prepare(sqlText);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

export function parseDatabaseUrl(url: string): { dialect: Dialect; target: string } {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', target: url };
  const path = url.replace(/^sqlite:(\/\/)?/i, '');
  return { dialect: 'sqlite', target: path === ':memory:' ? path : resolve(path) };
}

/** Opens (and by default migrates) the store. */
export async function openStore(opts: OpenOptions): Promise<Store> {
  const { dialect, target } = parseDatabaseUrl(opts.url);
  let db: Kysely<Database>;
  if (dialect === 'sqlite') {
    if (target !== ':memory:') mkdirSync(dirname(target), { recursive: true });
    const raw = new SqliteDatabase(target);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(raw, opts.statementCacheSize ?? 256) }) });
  } else {
    const schema = opts.pgSchema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
    if (schema) {
      const admin = new pg.Client({ connectionString: target });
      await admin.connect();
      try {
        await admin.query(`create schema if not exists ${schema}`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: target,
      max: opts.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (opts.migrate !== false) await migrateToLatest(db, dialect);
  return {
    db,
    dialect,
    close: () => db.destroy(),
  };
}

/** True when the error is a unique-constraint violation, in either engine. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export { sql };
