// BENCH_QUERY_STATS=<file> on our server: times every SQLite statement (better-sqlite3's run/all/get/iterate) by its
// SQL and writes the totals as JSON when the server stops, the statements taking the most time first.
import { writeFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';

type Stmt = { source: string } & Record<'run' | 'all' | 'get' | 'iterate', (...a: unknown[]) => unknown>;
const stats = new Map<string, { calls: number; ms: number }>();

export function trackQueries(): () => void {
  const probe = new SqliteDatabase(':memory:').prepare('select 1');
  const proto = Object.getPrototypeOf(probe) as Stmt;
  for (const m of ['run', 'all', 'get'] as const) {
    const orig = proto[m];
    proto[m] = function (this: Stmt, ...a: unknown[]) {
      const t0 = performance.now();
      try {
        return orig.apply(this, a);
      } finally {
        const s = stats.get(this.source) ?? { calls: 0, ms: 0 };
        s.calls++;
        s.ms += performance.now() - t0;
        stats.set(this.source, s);
      }
    };
  }
  return () => {
    const rows = [...stats].map(([sql, s]) => ({
      ms: Math.round(s.ms),
      calls: s.calls,
      avgMs: Math.round((s.ms / s.calls) * 1000) / 1000,
      sql,
    }));
    rows.sort((a, b) => b.ms - a.ms);
    writeFileSync(process.env.BENCH_QUERY_STATS!, JSON.stringify(rows, null, 2));
  };
}
