// Scenario: an IdP import paging through every user with startIndex/count=100, one page after another (total time,
// ours against the scimmy peer), then random pages under load at each concurrency level.
//   node --import tsx bench/paging.ts [--users 10000,100000] [--engines sqlite,postgres] [--connections 1,16,64] …
import { ensureDataset } from './lib/dataset.js';
import { log, parseOptions, report, request, startServer, withRatios, type Row, type Server } from './lib/harness.js';
import { oursEnv, runReads } from './lib/scenario.js';

const o = parseOptions();
const PAGE = 100;
const walks: Row[] = [];
for (const engine of o.engines)
  for (const users of o.users) {
    const d = await ensureDataset(engine, users, { log });
    const servers: Server[] = [await startServer('ours', oursEnv(d, o), { profile: o.profile })];
    if (o.baselines) servers.push(await startServer('scimmy', { BENCH_DUMP: d.dump }));
    try {
      for (const s of servers) {
        log(`paging ${d.name} walk ${s.kind}`);
        const times: number[] = [];
        const seen = new Set<string>();
        let total = 0;
        const t0 = performance.now();
        for (let start = 1; ; start += PAGE) {
          const r = await request(s, `/Users?startIndex=${start}&count=${PAGE}`);
          if (r.status !== 200) throw new Error(`${s.kind} page ${start}: ${r.status}`);
          const body = r.json as { totalResults: number; Resources?: { id: string }[] };
          times.push(r.ms);
          total = body.totalResults;
          for (const u of body.Resources ?? []) seen.add(u.id);
          if (!body.Resources?.length || start + PAGE > total) break;
        }
        const seconds = (performance.now() - t0) / 1000;
        times.sort((a, b) => a - b);
        walks.push({
          scenario: 'walk all users, count=100',
          dataset: d.name,
          server: s.kind,
          pages: times.length,
          totalResults: total,
          distinctUsers: seen.size,
          seconds: Math.round(seconds * 100) / 100,
          pagesPerSec: Math.round((times.length / seconds) * 10) / 10,
          p50: Math.round(times[Math.floor(times.length / 2)]! * 10) / 10,
          p99: Math.round(times[Math.floor(times.length * 0.99)]! * 10) / 10,
        });
      }
    } finally {
      for (const s of servers) await s.stop();
    }
  }
const random = await runReads(
  'paging',
  [
    {
      name: 'GET /Users?startIndex=random&count=100',
      prefix: '/scim/v2/Users?',
      path: (d, i) => `/Users?startIndex=${1 + ((i * 7919) % d.users)}&count=100`,
    },
  ],
  o,
);
const rows = [...withRatios(walks, 'pagesPerSec', 'dataset'), ...withRatios(random)];
report(o.label ? `paging-${o.label}` : 'paging', rows, { options: o });
