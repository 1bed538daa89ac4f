// What every scenario shares: servers started as child processes (ours, the bare Fastify ceiling, the scimmy peer),
// load from this process with autocannon (warm-up, then a fixed duration, per concurrency level), the servers' peak
// RSS from /proc, and results written as JSON to bench/results/ with a summary table printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export const ROOT = join(import.meta.dirname, '..', '..');
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? join(ROOT, 'bench', 'results');

export interface Options {
  users: number[];
  engines: ('sqlite' | 'postgres')[];
  connections: number[];
  warmupSec: number;
  durationSec: number;
  /** which servers to load: ours always, then the baselines */
  baselines: boolean;
  /** profile our server (node --cpu-prof), profiles land in bench/results/prof */
  profile: boolean;
  /** SQLite statement cache size for our server (undefined: its default) */
  statementCache?: number;
  label?: string;
  /** interleaved rounds per level (servers in rotating order); each figure is the median over the rounds */
  rounds: number;
  /** SYNC_WAIT_MS of our server: how long a write waits for its Shopify sync before answering (its default 3000) */
  syncWaitMs?: number;
  /** a git ref: also run the bridge as it was there, on a copy of the same data (SQLite), as server "before" */
  compare?: string;
}

/** Options from the command line (--users 10000,100000 --engines sqlite,postgres --connections 1,16,64 --warmup 2 --duration 5 --no-baselines --profile --statement-cache 0 --label x). */
export function parseOptions(argv = process.argv.slice(2), defaults: Partial<Options> = {}): Options {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (name: string) => get(name)?.split(',').filter(Boolean);
  const num = (name: string) => (get(name) !== undefined ? Number(get(name)) : undefined);
  return {
    users: list('users')?.map(Number) ?? defaults.users ?? [10_000],
    engines: (list('engines') as Options['engines'] | undefined) ?? defaults.engines ?? ['sqlite'],
    connections: list('connections')?.map(Number) ?? defaults.connections ?? [1, 16, 64],
    warmupSec: num('warmup') ?? defaults.warmupSec ?? 1,
    durationSec: num('duration') ?? defaults.durationSec ?? 4,
    baselines: !argv.includes('--no-baselines') && (defaults.baselines ?? true),
    profile: argv.includes('--profile'),
    statementCache: num('statement-cache') ?? defaults.statementCache,
    label: get('label') ?? defaults.label,
    rounds: num('rounds') ?? defaults.rounds ?? 1,
    compare: get('compare') ?? defaults.compare,
    syncWaitMs: num('sync-wait') ?? defaults.syncWaitMs,
  };
}

export interface Server {
  kind: 'ours' | 'before' | 'fastify' | 'scimmy';
  url: string;
  token: string;
  stats?: string;
  pid: number;
  stop(): Promise<void>;
}

/** A bench server in a child process, with the JSON line it printed when it began to listen. */
export interface Spawned<T> {
  info: T;
  pid: number;
  stop(): Promise<void>;
}

/** Starts bench/servers/<script> through tsx and waits for the JSON line it prints when listening. */
export async function spawnServer<T>(
  script: string,
  env: Record<string, string>,
  opts: { profile?: boolean; root?: string } = {},
): Promise<Spawned<T>> {
  const root = opts.root ?? ROOT;
  const args = ['--import', 'tsx'];
  if (opts.profile) {
    mkdirSync(join(RESULTS_DIR, 'prof'), { recursive: true });
    args.push('--cpu-prof', '--cpu-prof-dir', join(RESULTS_DIR, 'prof'));
  }
  const child: ChildProcess = spawn(process.execPath, [...args, join(root, 'bench', 'servers', script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-4000)));
  const first = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    info: JSON.parse(first) as T,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** Starts bench/servers/<kind>.ts in a child process and waits for the JSON line it prints when listening. */
export async function startServer(
  kind: Server['kind'],
  env: Record<string, string>,
  opts: { profile?: boolean; root?: string } = {},
): Promise<Server> {
  const script = { ours: 'ours.ts', before: 'ours.ts', fastify: 'fastify-bare.ts', scimmy: 'scimmy.ts' }[kind];
  const { info, pid, stop } = await spawnServer<{ url: string; token: string; stats?: string }>(script, env, opts);
  return { kind, ...info, pid, stop };
}

/** Starts counting a process's peak RSS afresh (Linux: writing 5 to clear_refs resets VmHWM). */
export function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not permitted here: the peak then counts from the start of the process
  }
}

/** The process's peak resident set since start or the last reset, in MB. */
export function peakRssMb(pid: number): number {
  return statusMb(pid, 'VmHWM');
}

/** The process's resident set now, in MB. */
export function rssMb(pid: number): number {
  return statusMb(pid, 'VmRSS');
}

function statusMb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks
}

/**
 * Waits until the server is idle again (under 10% of a core over 250 ms, BENCH_IDLE_WAIT_MS or 5 s at most): when a run ends, autocannon
 * drops the requests in flight but the server still works through them, which would otherwise slow the next run.
 */
export async function waitIdle(pid: number): Promise<void> {
  const deadline = Date.now() + Number(process.env.BENCH_IDLE_WAIT_MS ?? 5_000);
  for (let last = cpuTicks(pid); Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpuTicks(pid);
    if (now - last <= 2) return; // ticks are 10 ms: at most 20 ms of CPU in 250 ms
    last = now;
  }
}

export interface LoadSpec {
  method?: 'GET' | 'POST' | 'PATCH';
  /** the path (after the server's base URL) of each request */
  path: () => string;
  body?: () => string;
  /** a mixed load: each request's method, path and body (method, path and body above are then ignored) */
  next?: () => { method: 'GET' | 'POST' | 'PATCH'; path: string; body?: string };
}

export interface LoadResult {
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  non2xx: number;
  peakRssMb: number;
}

/** One autocannon run against the server's SCIM base URL. */
export function cannon(server: Server, spec: LoadSpec, connections: number, seconds: number): Promise<autocannon.Result> {
  const u = new URL(server.url);
  const basePath = u.pathname.replace(/\/$/, '');
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: u.origin,
        connections,
        duration: seconds,
        timeout: 30,
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json', accept: 'application/scim+json' },
        requests: [
          {
            method: spec.method ?? 'GET',
            setupRequest: (req) => {
              if (!spec.next) return { ...req, path: basePath + spec.path(), ...(spec.body ? { body: spec.body() } : {}) };
              // autocannon leaves the last body's Content-Length in the headers it hands on: each request gets its own
              const { ['Content-Length']: _cl, ...headers } = (req.headers ?? {}) as Record<string, string>;
              const r = spec.next();
              return { ...req, headers, method: r.method, path: basePath + r.path, body: r.body };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/** Warm-up (discarded), then the measured run at this many connections. */
export async function load(
  server: Server,
  spec: LoadSpec,
  connections: number,
  o: Pick<Options, 'warmupSec' | 'durationSec'>,
  hooks: { beforeMeasure?: () => Promise<void> } = {},
): Promise<LoadResult> {
  if (o.warmupSec > 0) {
    await cannon(server, spec, connections, o.warmupSec);
    await waitIdle(server.pid);
  }
  await hooks.beforeMeasure?.();
  resetPeakRss(server.pid);
  const r = await cannon(server, spec, connections, o.durationSec);
  await waitIdle(server.pid);
  return { connections, ...figures(r), peakRssMb: peakRssMb(server.pid) };
}

/** What a run's table rows show of an autocannon result: req/s, latency in ms, and what went wrong. */
export function figures(r: autocannon.Result): Omit<LoadResult, 'connections' | 'peakRssMb'> {
  return {
    rps: Math.round(r.requests.average * 10) / 10,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/** The median of each figure over rounds of the same load (requests, errors and non-2xx answers summed). */
export function medianOf(results: LoadResult[]): LoadResult {
  const med = (k: keyof LoadResult) => {
    const v = results.map((r) => r[k]).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  const sum = (k: keyof LoadResult) => results.reduce((a, r) => a + r[k], 0);
  return {
    connections: results[0]!.connections,
    rps: med('rps'),
    p50: med('p50'),
    p99: med('p99'),
    max: Math.max(...results.map((r) => r.max)),
    requests: sum('requests'),
    errors: sum('errors'),
    non2xx: sum('non2xx'),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
  };
}

/** One request, for samples and checks. */
export async function request(
  server: Server,
  path: string,
  init: { method?: string; body?: string } = {},
): Promise<{ status: number; json: unknown; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(server.url.replace(/\/$/, '') + path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' },
    ...(init.body ? { body: init.body } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null, ms: performance.now() - t0 };
}

export interface Row {
  scenario: string;
  dataset: string;
  server: Server['kind'];
  [k: string]: unknown;
}

/** Adds each of our rows' ratio to the bare-Fastify and peer rows of the same scenario, data set and level. */
export function withRatios(rows: Row[], metric = 'rps', key = 'connections'): Row[] {
  return rows.map((r) => {
    if (r.server !== 'ours') return r;
    const peerOf = (kind: string) =>
      rows.find((o) => o.server === kind && o.scenario === r.scenario && o.dataset === r.dataset && o[key] === r[key]);
    const ratio = (o: Row | undefined) =>
      o && Number(o[metric]) > 0 ? Math.round((Number(r[metric]) / Number(o[metric])) * 100) / 100 : null;
    const before = peerOf('before');
    return { ...r, vsFastify: ratio(peerOf('fastify')), vsScimmy: ratio(peerOf('scimmy')), ...(before ? { vsBefore: ratio(before) } : {}) };
  });
}

/** Writes the scenario's rows to bench/results/<name>.json (and a timestamped copy) and prints them as a table. */
export function report(name: string, rows: Row[], meta: Record<string, unknown> = {}): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const doc = { scenario: name, at: new Date().toISOString(), node: process.version, ...meta, rows };
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify(doc, null, 2));
  writeFileSync(join(RESULTS_DIR, `${name}-${doc.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(doc, null, 2));
  printTable(name, rows);
}

export function printTable(title: string, rows: Row[]): void {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'number' ? String(Math.round(v * 100) / 100) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n== ${title}\n${line(cols)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(line(cols.map((c) => cell(r[c]))) + '\n');
}

export const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
