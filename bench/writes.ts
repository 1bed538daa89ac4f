// Scenario: SCIM POST /Users with Shopify unthrottled, on tenants of different sizes (default 1k and 10k users), so
// a write's cost can be compared across table sizes; ours against the scimmy peer. Besides the POST rate it reports
// provisioned customers per second end to end: from the first request until every created user's customer is in the
// emulator. SQLite runs on a copy of the data set; PostgreSQL on a data set of its own, regenerated each run.
//   node --import tsx bench/writes.ts [--users 1000,10000,100000] [--engines sqlite,postgres] [--connections 16]
//     [--sync-wait 0: answer right after the commit, the sync running behind] [--compare <git ref>] …
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeUser } from './lib/data.js';
import { ensureDataset } from './lib/dataset.js';
import { load, log, parseOptions, report, startServer, withRatios, type Row, type Server } from './lib/harness.js';
import { oursEnv } from './lib/scenario.js';
import { beforeCopy, prepareBefore } from './lib/before.js';

const o = parseOptions(undefined, { users: [1000, 10_000], connections: [16] });
const rows: Row[] = [];
let run = 0;

async function customers(s: Server): Promise<number> {
  return ((await (await fetch(s.stats!)).json()) as { customers: number }).customers;
}

for (const engine of o.engines)
  for (const users of o.users) {
    const d = await ensureDataset(engine, users, { log, ...(engine === 'postgres' ? { variant: 'w', fresh: true } : {}) });
    let url = d.url;
    if (engine === 'sqlite') {
      const copy = join(mkdtempSync(join(tmpdir(), 'bench-writes-')), 'db.sqlite');
      copyFileSync(d.url.replace(/^sqlite:/, ''), copy);
      url = `sqlite:${copy}`;
    }
    const servers: Server[] = [await startServer('ours', oursEnv(d, o, url), { profile: o.profile })];
    if (o.compare && engine === 'sqlite') {
      const oldRoot = prepareBefore(o.compare);
      servers.push(
        await startServer('before', oursEnv(d, { statementCache: undefined, syncWaitMs: o.syncWaitMs }, beforeCopy(d, oldRoot)), {
          root: oldRoot,
        }),
      );
    }
    if (o.baselines) servers.push(await startServer('scimmy', { BENCH_DUMP: d.dump }));
    try {
      for (const connections of o.connections)
        for (const s of servers) {
          const prefix = `w${++run}-`;
          let i = 0;
          const body = () => JSON.stringify(makeUser(i++, prefix));
          log(`writes ${d.name} POST c=${connections} ${s.kind}`);
          let before = 0;
          let t0 = 0;
          const r = await load(s, { method: 'POST', path: () => '/Users', body }, connections, o, {
            // The warm-up's syncs finish first, so that the measured window counts only its own customers.
            beforeMeasure: async () => {
              if (s.stats)
                for (let last = -1; last !== (before = await customers(s)); last = before) await new Promise((res) => setTimeout(res, 300));
              t0 = performance.now();
            },
          });
          const created = r.requests - r.non2xx - r.errors;
          let e2e: number | undefined;
          if (s.stats) {
            // Every created user's customer in the emulator (a POST that answered before its sync finished counts once the sync is done).
            const deadline = Date.now() + 120_000;
            while ((await customers(s)) - before < created && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
            const done = (await customers(s)) - before;
            e2e = Math.round((done / ((performance.now() - t0) / 1000)) * 10) / 10;
          }
          rows.push({
            scenario: o.syncWaitMs === 0 ? 'POST /Users (SYNC_WAIT_MS=0)' : 'POST /Users',
            dataset: d.name,
            server: s.kind,
            ...r,
            created,
            provisionedPerSec: e2e,
          });
        }
    } finally {
      for (const s of servers) await s.stop();
    }
  }
// Flatness: each data set's POST rate against the smallest data set of the same engine, per server.
const out = withRatios(rows).map((r) => {
  const first = rows.find(
    (x) => x.server === r.server && x.connections === r.connections && String(x.dataset).split('-')[0] === String(r.dataset).split('-')[0],
  );
  return { ...r, vsSmallest: first ? Math.round((Number(r.rps) / Number(first.rps)) * 100) / 100 : null };
});
report(o.label ? `writes-${o.label}` : 'writes', out, { options: o });
