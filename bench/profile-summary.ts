// Summarizes a V8 CPU profile (node --cpu-prof, e.g. a scenario run with --profile): the functions with the most
// self time, and the project's functions with the most total time (self plus what they call).
//   node --import tsx bench/profile-summary.ts bench/results/prof/<file>.cpuprofile [top=25]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, topArg] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: Node[]; samples: number[] };
const top = Number(topArg ?? 25);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: Node) => {
  const url = n.callFrame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const total = new Map<string, number>();
for (const s of prof.samples) {
  const n = byId.get(s)!;
  self.set(label(n), (self.get(label(n)) ?? 0) + 1);
  const seen = new Set<string>();
  for (let id: number | undefined = s; id !== undefined; id = parent.get(id)) {
    const l = label(byId.get(id)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + 1);
  }
}
const all = prof.samples.length;
const pct = (v: number) => `${((v / all) * 100).toFixed(1)}%`.padStart(6);
const idle = (l: string) => /^\((idle|program|garbage collector)\)/.test(l);
process.stdout.write(`samples: ${all}, idle: ${pct([...self].filter(([l]) => idle(l)).reduce((a, [, v]) => a + v, 0))}\n\nself time:\n`);
for (const [l, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(v)}  ${l}\n`);
process.stdout.write('\ntotal time, project code:\n');
for (const [l, v] of [...total]
  .filter(([l]) => / src\//.test(l))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  process.stdout.write(`${pct(v)}  ${l}\n`);
