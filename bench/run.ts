// `npm run bench` (quick: SQLite, 10k users, short runs, a few minutes) and `npm run bench:full` (10k and 100k
// users, SQLite and PostgreSQL, longer runs): each scenario in its own process, one after another, then the summary.
// BENCH_COMPARE=<git ref> sets the commit the "before" server runs (default: the commit before the read/write fixes;
// BENCH_COMPARE= turns it off). Extra arguments go to every scenario (e.g. --duration 10).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib/harness.js';

const mode = process.argv[2] === 'full' ? 'full' : 'quick';
const extra = process.argv.slice(3);
const ref = process.env.BENCH_COMPARE ?? 'cdd3097';
let compare: string[] = [];
try {
  if (ref)
    compare = [
      '--compare',
      execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    ];
} catch {
  process.stderr.write(`[bench] no commit ${ref} here: no before/after comparison\n`);
}
const quick = mode === 'quick';
const t = quick ? ['--warmup', '1', '--duration', '2', '--rounds', '1'] : ['--warmup', '2', '--duration', '5', '--rounds', '3'];
const users = quick ? ['--users', '10000'] : ['--users', '10000,100000'];
const engines = quick ? ['--engines', 'sqlite'] : ['--engines', 'sqlite,postgres'];
const plan: [string, string[]][] = [
  ['reads.ts', [...users, ...engines, ...t, ...compare]],
  ['reads.ts', [...users, '--engines', 'sqlite', ...t, '--no-baselines', '--statement-cache', '0', '--label', 'no-statement-cache']],
  ['reads.ts', [...users, '--engines', 'sqlite', ...t, '--no-baselines', '--label', 'statement-cache']],
  ['filters.ts', [...users, ...engines, ...t, ...(quick ? ['--connections', '1'] : [])]],
  ['paging.ts', [...users, ...engines, ...t, ...compare]],
  ['writes.ts', ['--users', quick ? '1000,10000' : '1000,10000,100000', ...engines, ...t, ...compare]],
  ['writes.ts', ['--users', quick ? '1000,10000' : '1000,10000,100000', ...engines, ...t, '--sync-wait', '0', '--label', 'no-wait']],
  // the full run holds a mixed load for ten minutes and watches the server's memory; the quick one for one
  // the compiled bridge as it runs in production (npm run build first), its memory at 64 connections
  ['memory.ts', ['--users', quick ? '10000' : '100000', '--seconds', quick ? '5' : '30']],
  ['soak.ts', ['--users', '10000', '--minutes', quick ? '1' : '10', '--slice', quick ? '20' : '60']],
];
for (const [script, args] of plan) {
  process.stderr.write(`\n[bench] ${script} ${[...args, ...extra].join(' ')}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script), ...args, ...extra], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exitCode = 1;
}
spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'summary.ts')], { cwd: ROOT, stdio: 'inherit' });
