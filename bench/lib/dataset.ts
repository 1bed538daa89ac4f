// A benchmark data set: a tenant with N generated users (each linked to a synced Shopify customer, as after an
// initial load) and their groups, written straight through the store's repositories in large transactions, plus a
// JSON-lines dump of the same resources for the peer server. Built once per (engine, size) and reused.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { UserRepository } from '../../src/store/users.js';
import { GroupRepository } from '../../src/store/groups.js';
import { normalizeResource } from '../../src/scim/resource.js';
import { userTypeFor } from '../../src/scim-service/context.js';
import { makeUser, groupCount, groupMembers } from './data.js';

export const DATA_DIR = process.env.BENCH_DATA_DIR ?? join(import.meta.dirname, '..', '.data');
export const TENANT = 'bench';
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Dataset {
  name: string;
  engine: 'sqlite' | 'postgres';
  users: number;
  /** DATABASE_URL of the store */
  url: string;
  /** PostgreSQL schema holding it */
  pgSchema?: string;
  /** JSON lines: one rendered-for-the-peer user per line ({id, ...body}) */
  dump: string;
  /** ids of the users, in generation order */
  ids: string[];
}

export function datasetName(engine: 'sqlite' | 'postgres', users: number, variant = ''): string {
  return `${engine}-${users >= 1000 && users % 1000 === 0 ? `${users / 1000}k` : users}${variant ? `-${variant}` : ''}`;
}

export function openDataset(
  d: Pick<Dataset, 'url' | 'pgSchema'>,
  statementCacheSize?: number,
  preparedStatements?: number,
): Promise<Store> {
  return openStore({
    url: d.url,
    ...(d.pgSchema ? { pgSchema: d.pgSchema } : {}),
    ...(statementCacheSize !== undefined ? { statementCacheSize } : {}),
    ...(preparedStatements !== undefined ? { preparedStatements } : {}),
  });
}

/** The data set, generated first unless a complete one is on disk (`fresh`: always generated anew). */
export async function ensureDataset(
  engine: 'sqlite' | 'postgres',
  users: number,
  opts: { fresh?: boolean; variant?: string; log?: (s: string) => void } = {},
): Promise<Dataset> {
  mkdirSync(DATA_DIR, { recursive: true });
  const name = datasetName(engine, users, opts.variant);
  const file = join(DATA_DIR, `${name}.sqlite`);
  const d: Dataset = {
    name,
    engine,
    users,
    url: engine === 'sqlite' ? `sqlite:${file}` : PG_URL,
    ...(engine === 'postgres' ? { pgSchema: `bench_${name.replace(/-/g, '_')}` } : {}),
    dump: join(DATA_DIR, `${name}.users.jsonl`),
    ids: [],
  };
  const done = join(DATA_DIR, `${name}.done.json`);
  if (!opts.fresh && existsSync(done) && existsSync(d.dump)) {
    d.ids = (JSON.parse(readFileSync(done, 'utf8')) as { ids: string[] }).ids;
    return d;
  }
  rmSync(done, { force: true });
  if (engine === 'sqlite') for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  else await dropSchema(d.pgSchema!);
  const t0 = Date.now();
  d.ids = await generate(d);
  writeFileSync(done, JSON.stringify({ users, ids: d.ids, seconds: (Date.now() - t0) / 1000 }));
  opts.log?.(`generated ${name}: ${users} users in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return d;
}

async function dropSchema(schema: string): Promise<void> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await c.end();
  }
}

async function generate(d: Dataset): Promise<string[]> {
  const store = await openDataset(d);
  const out = createWriteStream(d.dump);
  try {
    const tenant = await new TenantRepository(store.db).create(TENANT, 'Benchmark store', {});
    const rt = userTypeFor(tenant);
    const users = new UserRepository();
    const ids: string[] = [];
    const now = new Date().toISOString();
    const CHUNK = 2000;
    for (let start = 0; start < d.users; start += CHUNK) {
      const lines: string[] = [];
      await store.db.transaction().execute(async (tx) => {
        const links = [];
        for (let i = start; i < Math.min(d.users, start + CHUNK); i++) {
          const body = makeUser(i);
          const n = normalizeResource(body, rt, 'create');
          if (!n.ok) throw new Error(`generated user ${i} is invalid: ${n.error.message}`);
          const rec = await users.insert(tx, tenant.id, n.value, null);
          ids.push(rec.id);
          lines.push(JSON.stringify({ id: rec.id, ...body }));
          links.push({
            tenant_id: tenant.id,
            user_id: rec.id,
            customer_id: `gid://shopify/Customer/${7000000000 + i}`,
            sync_state: 'synced' as const,
            last_attempt_at: now,
            last_synced_at: now,
            synced_version: 1,
            managed_tags: '[]',
            updated_at: now,
          });
        }
        for (let k = 0; k < links.length; k += 200)
          await tx
            .insertInto('customer_links')
            .values(links.slice(k, k + 200))
            .execute();
        // The history an initial load through the bridge leaves: one finished sync job per user.
        const jobs = links.map((l) => ({
          tenant_id: tenant.id,
          queue: 'shopify',
          key: `user:${l.user_id}`,
          kind: 'user.sync',
          payload: JSON.stringify({ userId: l.user_id, op: 'create', version: 1 }),
          state: 'done' as const,
          attempts: 1,
          run_after: now,
          created_at: now,
          updated_at: now,
          finished_at: now,
        }));
        for (let k = 0; k < jobs.length; k += 200)
          await tx
            .insertInto('outbox_jobs')
            .values(jobs.slice(k, k + 200))
            .execute();
      });
      out.write(lines.join('\n') + '\n');
    }
    const groups = new GroupRepository();
    await store.db.transaction().execute(async (tx) => {
      for (let g = 0, n = groupCount(d.users); g < n; g++) {
        const rec = await groups.insert(
          tx,
          tenant.id,
          { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Team ${g}` },
          null,
        );
        const members = [...new Set(groupMembers(g, d.users))].map((i) => ({ value: ids[i]!, type: 'User' as const }));
        await groups.setMembers(tx, tenant.id, rec.id, members);
      }
    });
    return ids;
  } finally {
    await new Promise((r) => out.end(r));
    await store.close();
  }
}
