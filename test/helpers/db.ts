// Opens a fresh, migrated store for one test file: SQLite in a temp file, or a private PostgreSQL schema,
// chosen by TEST_DATABASE (sqlite | postgres) as set by scripts/test.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/db.js';

export const testDatabase = (process.env.TEST_DATABASE ?? 'sqlite') as 'sqlite' | 'postgres';
export const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh store plus the URL/schema another process would need to open the same database. */
export interface TestStore extends Store {
  url: string;
  pgSchema?: string;
}

/**
 * Runs fn while holding a PostgreSQL advisory lock shared by every test process: creating (migrating) and dropping test
 * schemas never overlap, because Kysely's migrator reads the catalogue of every schema in the database.
 */
async function withSchemaLock<T>(fn: () => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: postgresUrl });
  await c.connect();
  try {
    await c.query('select pg_advisory_lock(726543)');
    return await fn();
  } finally {
    await c.query('select pg_advisory_unlock(726543)').catch(() => undefined);
    await c.end();
  }
}

export async function openTestStore(): Promise<TestStore> {
  if (testDatabase === 'postgres') {
    const pgSchema = `t_${randomBytes(6).toString('hex')}`;
    const store = await withSchemaLock(() => openStore({ url: postgresUrl, pgSchema, poolSize: 5 }));
    return {
      ...store,
      url: postgresUrl,
      pgSchema,
      async close() {
        await store.close();
        const c = new pg.Client({ connectionString: postgresUrl });
        await c.connect();
        await withSchemaLock(() => c.query(`drop schema if exists ${pgSchema} cascade`));
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'scim-db-'));
  const url = `sqlite:${join(dir, 'test.sqlite')}`;
  const store = await openStore({ url });
  return {
    ...store,
    url,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
