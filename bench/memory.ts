// Scenario: the memory of the bridge as it runs in production (`shopify-scim serve`, compiled, no emulator, no tsx)
// serving a tenant of 100k users: GET /Users/{id} and userName filters at 64 connections, the resident set sampled
// every half second, its peak (VmHWM) at the end. Needs `npm run build` first (npm install runs it).
//   node --import tsx bench/memory.ts [--users 100000] [--connections 64] [--seconds 30]
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userName } from './lib/data.js';
import { ensureDataset, openDataset, TENANT } from './lib/dataset.js';
import { cannon, figures, log, peakRssMb, printTable, report, ROOT, rssMb, type Row, type Server } from './lib/harness.js';
import { TenantRepository } from '../src/store/tenants.js';

const arg = (name: string, def: string) =>
  process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1]! : def;
const users = Number(arg('users', '100000'));
const connections = Number(arg('connections', '64'));
const seconds = Number(arg('seconds', '30'));
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('the bridge is not built: run `npm run build` first');

const d = await ensureDataset('sqlite', users, { log });
const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
const file = join(dir, 'db.sqlite');
copyFileSync(d.url.replace(/^sqlite:/, ''), file);
const store = await openDataset({ url: `sqlite:${file}` });
const tenants = new TenantRepository(store.db);
const tenant = await tenants.byName(TENANT);
if (!tenant) throw new Error(`no tenant ${TENANT} in ${d.name}`);
const { token } = await tenants.createToken(tenant.id, 'bench');
await store.close();

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const child = spawn(process.execPath, [join(ROOT, 'bin', 'shopify-scim.js'), 'serve'], {
  cwd: dir,
  env: {
    PATH: process.env.PATH,
    DATABASE_URL: `sqlite:${file}`,
    DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'error',
    SCIM_RATE_LIMIT: '0',
    // no shop holds the data set's customers: a reconcile would deprovision every user
    RECONCILE_INTERVAL_MS: '0',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}/scim/v2/${TENANT}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    if (i > 100) throw new Error('the bridge did not start');
  }
  await new Promise((r) => setTimeout(r, 200));
}

// the running bridge as the harness's load runs see a server
const server: Server = { kind: 'ours', url: base, token, pid: child.pid!, stop: async () => void child.kill('SIGTERM') };
const idle = rssMb(server.pid);
const rows: Row[] = [];
const pick = (i: number) => (i * 7_919 + 13) % d.ids.length;
const phases: [string, (i: number) => string][] = [
  ['GET /Users/{id}', (i) => `/Users/${d.ids[pick(i)]}`],
  ['GET /Users?filter=userName eq', (i) => `/Users?filter=${encodeURIComponent(`userName eq "${userName(pick(i))}"`)}`],
];
try {
  for (const [scenario, path] of phases) {
    let n = 0;
    const rss: number[] = [];
    const timer = setInterval(() => rss.push(rssMb(server.pid)), 500);
    log(`memory ${d.name} ${scenario} c=${connections} ${seconds} s`);
    const r = await cannon(server, { path: () => path(n++) }, connections, seconds);
    clearInterval(timer);
    rows.push({
      scenario,
      dataset: d.name,
      server: 'ours',
      process: 'shopify-scim serve (compiled)',
      connections,
      ...figures(r),
      idleRssMb: idle,
      rssMedianMb: rss.sort((a, b) => a - b)[Math.floor(rss.length / 2)],
      peakRssMb: peakRssMb(server.pid),
    });
  }
} finally {
  await server.stop();
}
printTable('memory', rows);
report(`memory-${d.name}`, rows, { options: { users, connections, seconds } });
