// Prints the latest result of every scenario in bench/results/ as one table per scenario, and writes the same as
// Markdown to bench/results/summary.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printTable, RESULTS_DIR, type Row } from './lib/harness.js';

const files = readdirSync(RESULTS_DIR).filter((f) => /^[a-z-]+\.json$/.test(f) && !/\d{4}-\d\d-\d\dT/.test(f));
const md: string[] = [];
const cols = [
  'scenario',
  'dataset',
  'server',
  'connections',
  'rps',
  'p50',
  'p99',
  'errors',
  'non2xx',
  'peakRssMb',
  'vsFastify',
  'vsScimmy',
  'vsBefore',
];
for (const f of files.sort()) {
  const doc = JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as { scenario: string; at: string; rows: Row[] };
  printTable(`${f} (${doc.at})`, doc.rows);
  const keys = [
    ...new Set([...cols.filter((c) => doc.rows.some((r) => r[c] !== undefined)), ...doc.rows.flatMap((r) => Object.keys(r))]),
  ].filter((k) => !['max', 'requests'].includes(k));
  md.push(`### ${f.replace(/\.json$/, '')} (${doc.at})`, '', `| ${keys.join(' | ')} |`, `| ${keys.map(() => '---').join(' | ')} |`);
  for (const r of doc.rows) md.push(`| ${keys.map((k) => (r[k] === undefined || r[k] === null ? '' : String(r[k]))).join(' | ')} |`);
  md.push('');
}
writeFileSync(join(RESULTS_DIR, 'summary.md'), md.join('\n'));
