// The bridge under test, in a process of its own: the store of a data set, the Shopify emulator in-process with an
// unthrottled budget (as demo mode runs it, but never the bottleneck), the engine, and a fresh SCIM token. Prints one
// JSON line {url, token, ...} when it listens. BENCH_STATEMENT_CACHE=0 turns the SQLite statement cache off,
// BENCH_PG_PREPARED=0 PostgreSQL's named prepared statements.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { openDataset, TENANT } from '../lib/dataset.js';
import { startEmulator } from '../../src/emulator/index.js';
import { loadConfig } from '../../src/config.js';
import { startBridge } from '../../src/server.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { SecretBox } from '../../src/security/secrets.js';
import { connectTenantShop } from '../../src/sync/shops.js';
import { trackQueries } from '../lib/query-stats.js';

const dumpQueries = process.env.BENCH_QUERY_STATS ? trackQueries() : undefined;

const url = process.env.BENCH_DB_URL!;
const pgSchema = process.env.BENCH_PG_SCHEMA || undefined;
const cache = process.env.BENCH_STATEMENT_CACHE;
const prepared = process.env.BENCH_PG_PREPARED;
const store = await openDataset(
  { url, ...(pgSchema ? { pgSchema } : {}) },
  cache === undefined ? undefined : Number(cache),
  prepared === undefined ? undefined : Number(prepared),
);
const emu = await startEmulator({ restoreRate: 1e9, bucketSize: 1e12 });
const secretKey = randomBytes(32).toString('hex');
const box = new SecretBox(Buffer.from(secretKey, 'hex'));
const tenants = new TenantRepository(store.db);
const tenant = (await tenants.byName(TENANT)) ?? (await tenants.create(TENANT, 'Benchmark store', {}));
await connectTenantShop(store.db, tenant.id, { shop: emu.shop, apiBaseUrl: emu.url, accessToken: emu.accessToken }, box);
const { token } = await tenants.createToken(tenant.id, 'bench');
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: mkdtempSync(join(tmpdir(), 'scim-bench-')),
  LOG_LEVEL: 'silent',
  SECRET_KEY: secretKey,
  // The benchmarks measure the server, not the per-token limiter.
  SCIM_RATE_LIMIT: '0',
  // The emulator holds none of the data set's customers: a reconcile would find every one gone and deprovision its
  // user (and change the data set for the next run); the scenarios measure the SCIM side.
  RECONCILE_INTERVAL_MS: '0',
  ...(process.env.BENCH_SYNC_WAIT_MS ? { SYNC_WAIT_MS: process.env.BENCH_SYNC_WAIT_MS } : {}),
});
const bridge = await startBridge({ config, store, engine: { box } });

// A side door for the harness: how many customers the emulator holds (writes count as done when they are there).
const side = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  res.end(
    JSON.stringify({
      customers: emu.control.customers().length,
      memoryMb: {
        rss: mb(m.rss),
        heapTotal: mb(m.heapTotal),
        heapUsed: mb(m.heapUsed),
        external: mb(m.external),
        arrayBuffers: mb(m.arrayBuffers),
      },
    }),
  );
});
await new Promise<void>((r) => side.listen(0, '127.0.0.1', r));
const sidePort = (side.address() as { port: number }).port;

process.stdout.write(JSON.stringify({ url: `${bridge.url}/scim/v2/${TENANT}`, token, stats: `http://127.0.0.1:${sidePort}/` }) + '\n');
const stop = async () => {
  side.close();
  await bridge.close();
  await emu.close();
  await store.close().catch(() => undefined);
  dumpQueries?.();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
