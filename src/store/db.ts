// Opens the database named by DATABASE_URL: SQLite (better-sqlite3, WAL) by default, PostgreSQL for postgres:// URLs.
// One Kysely instance per process; the rest of the code never learns which engine is underneath except through `dialect`.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';
import { migrateToLatest } from './migrations.js';
import { DEFAULT_NAMED_STATEMENTS, namingStatements } from './pg-statements.js';
import { watchOtherWriters } from './change-signal.js';

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
  /** told of errors on idle PostgreSQL connections (the pool replaces them); default: ignored */
  onConnectionError?: (err: Error) => void;
  /**
   * SQLite: how many prepared statements to keep, keyed by their SQL (default 256; 0 prepares every query afresh).
   * Preparing is a large part of a short query's cost, and the bridge runs the same few hundred statements.
   */
  statementCacheSize?: number;
  /**
   * PostgreSQL: how many distinct statements run as named prepared statements, parsed and planned once per connection
   * (default 256; 0 runs every statement unnamed, as a transaction-pooling PgBouncer before 1.21 needs).
   */
  preparedStatements?: number;
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

/**
 * The SQLite file holds personal data: it is created readable by its owner only (0600) before SQLite opens it, and
 * SQLite gives its -wal and -shm files the database file's mode. Files an earlier version left readable by others
 * are narrowed to 0600 (when this process owns them).
 */
function ownerOnlyDatabaseFile(target: string): void {
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  closeSync(openSync(target, 'a', 0o600));
  for (const f of [target, `${target}-wal`, `${target}-shm`]) {
    try {
      if (statSync(f).mode & 0o077) chmodSync(f, 0o600);
    } catch {
      // missing (no WAL yet) or not ours to change
    }
  }
}

/** Opens (and by default migrates) the store. */
export async function openStore(opts: OpenOptions): Promise<Store> {
  const { dialect, target } = parseDatabaseUrl(opts.url);
  let db: Kysely<Database>;
  if (dialect === 'sqlite') {
    if (target !== ':memory:') ownerOnlyDatabaseFile(target);
    const raw = new SqliteDatabase(target);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(raw, opts.statementCacheSize ?? 256) }) });
    // Changes only when another connection (another process) commits: caches of tenants and tokens ask it.
    const dataVersion = raw.prepare('pragma data_version').pluck();
    let unknown = 0;
    watchOtherWriters(db, () => {
      try {
        return dataVersion.get() as number;
      } catch {
        return -++unknown; // closed or busy: not known, so never the same answer twice
      }
    });
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
      // A database that does not answer fails the request (503) rather than holding it until the client gives up.
      connectionTimeoutMillis: 5000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle connection dropped by the server (a restart, a failover, a proxy) emits here; without a listener it
    // would end the process. The pool discards the connection and opens a new one on the next query.
    pool.on('error', (e) => opts.onConnectionError?.(e));
    // A connection dropped while a query runs on it errors that query (the request answers 503) and also emits
    // 'error' on the client, which the pool does not listen to while the client is checked out: without this
    // listener a database restart in the middle of a query would end the process.
    pool.on('connect', (client) => client.on('error', (e) => opts.onConnectionError?.(e)));
    const named = { ...DEFAULT_NAMED_STATEMENTS, ...(opts.preparedStatements !== undefined ? { max: opts.preparedStatements } : {}) };
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingStatements(pool, named) }) });
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

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'SQLITE_BUSY']);

/**
 * True when the error means the database cannot be reached right now (refused or dropped connection, a server
 * shutting down or starting, a connect timeout, SQLite busy beyond its timeout): the request may be retried later,
 * unlike a constraint violation or a bug.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown } | undefined, depth = 0;
    e && depth < 4;
    depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNAVAILABLE_CODES.has(code)) return true;
    // PostgreSQL: class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now)
    if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code)) return true;
    const msg = typeof e.message === 'string' ? e.message : '';
    if (
      /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i.test(
        msg,
      )
    )
      return true;
    if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x))) return true;
    e = e.cause as typeof e;
  }
  return false;
}

export { sql };
