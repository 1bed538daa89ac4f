#!/usr/bin/env node
// Runs the whole test suite with node's test runner: unit tests (src/**/*.test.ts) once, integration tests
// (test/**/*.test.ts) against SQLite and, when reachable, PostgreSQL. Ends with one line "N passed, N failed".
// Usage: npm test [-- --only sqlite|postgres] [-- file-filter ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, mkdtempSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import net from 'node:net';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let only;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only') only = args[++i];
  else filters.push(args[i]);
}

function walk(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const pick = (files) => files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
// Suites under test/ that never open the database (the emulator and the connector over HTTP) run once, with the units.
const dbFree = (f) => /\/test\/(emulator|shopify)\//.test(f);
const testFiles = pick(walk(join(root, 'test')));
const unit = [...pick(walk(join(root, 'src'))), ...testFiles.filter(dbFree)];
const integration = testFiles.filter((f) => !dbFree(f));

const pgUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
async function reachable(url) {
  const u = new URL(url);
  return new Promise((res) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5432) }, () => (s.end(), res(true)));
    s.on('error', () => res(false));
    s.setTimeout(1500, () => (s.destroy(), res(false)));
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'shopify-scim-test-'));
let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;

function run(name, files, env) {
  if (files.length === 0) return;
  console.log(`\n=== ${name}: ${files.length} file(s) ===`);
  const tap = join(tmp, `${name.replace(/\W+/g, '_')}.tap`);
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files.map((f) => relative(root, f)),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  const out = readFileSync(tap, 'utf8');
  const num = (k) => Number((out.match(new RegExp(`^# ${k} (\\d+)`, 'm')) ?? [])[1] ?? 0);
  passed += num('pass');
  failed += num('fail') + num('cancelled');
  skipped += num('skipped') + num('todo');
  if (r.status !== 0) exitCode = 1;
}

if (only !== 'postgres') run('unit', unit, {});
if (only !== 'postgres') run('integration/sqlite', integration, { TEST_DATABASE: 'sqlite' });
if (only !== 'sqlite') {
  if (await reachable(pgUrl)) run('integration/postgres', integration, { TEST_DATABASE: 'postgres', TEST_POSTGRES_URL: pgUrl });
  else if (process.env.TEST_REQUIRE_POSTGRES) {
    console.error(`PostgreSQL is required but not reachable at ${pgUrl}`);
    failed += 1;
    exitCode = 1;
  } else console.log(`\n(PostgreSQL not reachable at ${pgUrl}: integration tests ran on SQLite only)`);
}
rmSync(tmp, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (passed === 0 && failed === 0) exitCode = 1;
process.exit(failed > 0 ? 1 : exitCode);
