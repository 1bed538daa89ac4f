// The benchmark harness still works: one read scenario, tiny (300 users, one connection, one second per server),
// generates its data set, starts our server and both baselines, loads each and writes its JSON result. Not a
// benchmark: it asserts only that every server answered every request and the figures were recorded. SQLite only
// (the harness is the same on both engines, and its PostgreSQL data sets are not test schemas).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase } from './helpers/db.js';

const root = join(import.meta.dirname, '..');

test(
  'bench/reads.ts runs ours, bare Fastify and scimmy on a tiny data set and records each',
  { skip: testDatabase !== 'sqlite', timeout: 90_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(root, 'bench', 'reads.ts'), '--users', '300', '--connections', '1', '--warmup', '0', '--duration', '1'],
        {
          cwd: root,
          env: { ...process.env, BENCH_DATA_DIR: join(dir, 'data'), BENCH_RESULTS_DIR: join(dir, 'results'), BENCH_IDLE_WAIT_MS: '0' },
          encoding: 'utf8',
          timeout: 80_000,
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const doc = JSON.parse(readFileSync(join(dir, 'results', 'reads.json'), 'utf8')) as { rows: Record<string, unknown>[] };
      for (const scenario of ['GET /Users/{id}', 'GET /Users?filter=userName eq'])
        for (const server of ['ours', 'fastify', 'scimmy']) {
          const row = doc.rows.find((x) => x.scenario === scenario && x.server === server);
          assert.ok(row, `${scenario} ${server} recorded`);
          assert.ok(Number(row.requests) > 0, `${scenario} ${server} answered requests`);
          assert.equal(row.errors, 0, `${scenario} ${server} errors`);
          assert.equal(row.non2xx, 0, `${scenario} ${server} answered 2xx`);
          assert.ok(Number(row.peakRssMb) > 0, `${scenario} ${server} peak RSS`);
        }
      const ours = doc.rows.find((x) => x.server === 'ours' && x.scenario === 'GET /Users/{id}')!;
      assert.equal(typeof ours.vsFastify, 'number');
      assert.equal(typeof ours.vsScimmy, 'number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
