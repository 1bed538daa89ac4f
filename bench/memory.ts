// Scenario: the memory of the bridge as it runs in production (`shopify-scim serve`, compiled, no emulator, no tsx)
// serving a tenant of 100k users: GET /Users/{id} and userName filters at 64 connections, the resident set sampled
// every half second, its peak (VmHWM) at the end. Needs `npm run build` first (npm install runs it).
//   node --import tsx bench/memory.ts [--users 100000] [--connections 64] [--seconds 30]
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { userName } from './lib/data.js';
import { ensureDataset, openDataset, TENANT } from './lib/dataset.js';
import { log, printTable, report, ROOT, type Row } from './lib/harness.js';
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

const status = (key: 'VmRSS' | 'VmHWM') => {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};
const idle = status('VmRSS');
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
    const timer = setInterval(() => rss.push(status('VmRSS')), 500);
    log(`memory ${d.name} ${scenario} c=${connections} ${seconds} s`);
    const r = await new Promise<autocannon.Result>((resolve, reject) =>
      autocannon(
        {
          url: `http://127.0.0.1:${port}`,
          connections,
          duration: seconds,
          headers: { authorization: `Bearer ${token}`, accept: 'application/scim+json' },
          requests: [{ setupRequest: (req) => ({ ...req, path: new URL(base).pathname + path(n++) }) }],
        },
        (err, res) => (err ? reject(err) : resolve(res)),
      ),
    );
    clearInterval(timer);
    rows.push({
      scenario,
      dataset: d.name,
      server: 'ours',
      process: 'shopify-scim serve (compiled)',
      connections,
      rps: Math.round(r.requests.average),
      p50: r.latency.p50,
      p99: r.latency.p99,
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
      idleRssMb: idle,
      rssMedianMb: rss.sort((a, b) => a - b)[Math.floor(rss.length / 2)],
      peakRssMb: status('VmHWM'),
    });
  }
} finally {
  child.kill('SIGTERM');
}
printTable('memory', rows);
report(`memory-${d.name}`, rows, { options: { users, connections, seconds } });
