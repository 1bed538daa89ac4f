// Scenario: a mixed SCIM load held for minutes (reads by id, userName filters, list pages and PATCHes that each
// update a Shopify customer), sampling the server's resident memory, to show whether anything grows with time.
//   node --import tsx bench/soak.ts [--users 10000] [--minutes 10] [--connections 16] [--engines sqlite|postgres]
// Writes are PATCHes of existing users, not creates: every create adds a customer to the in-process emulator, whose
// memory would then grow by design and hide the bridge's own.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { userName } from './lib/data.js';
import { ensureDataset } from './lib/dataset.js';
import { cannon, figures, log, peakRssMb, printTable, report, rssMb, startServer, type Row, type Server } from './lib/harness.js';
import { oursEnv } from './lib/scenario.js';

const arg = (name: string, def: string) =>
  process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1]! : def;
const users = Number(arg('users', '10000'));
const minutes = Number(arg('minutes', '10'));
const connections = Number(arg('connections', '16'));
const engine = arg('engines', 'sqlite') as 'sqlite' | 'postgres';
const sliceSec = Number(arg('slice', '60'));

/** The mix: of every 100 requests, 80 GET by id, 8 userName filters, 2 list pages, 10 PATCHes of a user's title. */
function mixed(server: Server, ids: string[], seconds: number): Promise<autocannon.Result> {
  let n = 0;
  return cannon(
    server,
    {
      path: () => '',
      next: () => {
        const i = n++;
        const k = (i * 7_919 + 13) % ids.length;
        const slot = i % 100;
        if (slot < 80) return { method: 'GET', path: `/Users/${ids[k]}` };
        if (slot < 88) return { method: 'GET', path: `/Users?filter=${encodeURIComponent(`userName eq "${userName(k)}"`)}` };
        if (slot < 90) return { method: 'GET', path: `/Users?startIndex=${1 + (k % Math.max(1, ids.length - 100))}&count=100` };
        const body = JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'title', value: `Soak ${i}` }],
        });
        return { method: 'PATCH', path: `/Users/${ids[k]}`, body };
      },
    },
    connections,
    seconds,
  );
}

const d = await ensureDataset(engine, users, { log });
let url = d.url;
if (engine === 'sqlite') {
  const copy = join(mkdtempSync(join(tmpdir(), 'bench-soak-')), 'db.sqlite');
  copyFileSync(d.url.replace(/^sqlite:/, ''), copy);
  url = `sqlite:${copy}`;
}
const server = await startServer('ours', oursEnv(d, {}, url));
const rows: Row[] = [];
const t0 = Date.now();
// the server's own view of its memory (V8's heap, buffers) and the emulator's customer count, beside the RSS
const inside = async () => {
  try {
    return (await (await fetch(server.stats!)).json()) as { customers: number; memoryMb: Record<string, number> };
  } catch {
    return undefined;
  }
};
const samples: { t: number; rssMb: number; heapUsedMb?: number; heapTotalMb?: number; customers?: number }[] = [];
const sampler = setInterval(() => {
  const t = Math.round((Date.now() - t0) / 1000);
  const rss = rssMb(server.pid);
  void inside().then((i) =>
    samples.push({ t, rssMb: rss, heapUsedMb: i?.memoryMb.heapUsed, heapTotalMb: i?.memoryMb.heapTotal, customers: i?.customers }),
  );
}, 10_000);
try {
  const slices = Math.max(1, Math.round((minutes * 60) / sliceSec));
  for (let s = 1; s <= slices; s++) {
    log(`soak ${d.name} slice ${s}/${slices} (${sliceSec} s, ${connections} connections)`);
    const r = await mixed(server, d.ids, sliceSec);
    rows.push({
      scenario: 'soak (80% GET id, 8% userName eq, 2% page, 10% PATCH)',
      dataset: d.name,
      server: 'ours',
      slice: s,
      ...figures(r),
      statuses: Object.entries(r.statusCodeStats ?? {})
        .map(([code, v]) => `${code}:${(v as { count: number }).count}`)
        .join(' '),
      rssMb: rssMb(server.pid),
      peakRssMb: peakRssMb(server.pid),
    });
  }
} finally {
  clearInterval(sampler);
  await server.stop();
}

// Growth: the last third of the run against the second third (the first is the warm-up of caches and the heap).
const third = Math.max(1, Math.floor(samples.length / 3));
const avg = (xs: { rssMb: number }[]) => Math.round(xs.reduce((a, x) => a + x.rssMb, 0) / Math.max(1, xs.length));
const middle = avg(samples.slice(third, 2 * third));
const last = avg(samples.slice(-third));
const summary = {
  minutes,
  connections,
  rssMiddleThirdMb: middle,
  rssLastThirdMb: last,
  growthPct: Math.round(((last - middle) / middle) * 1000) / 10,
  peakRssMb: Math.max(...rows.map((r) => Number(r.peakRssMb))),
  heapUsedLastMb: samples.at(-1)?.heapUsedMb,
  heapTotalLastMb: samples.at(-1)?.heapTotalMb,
};
printTable('soak: resident memory over the run', [summary as unknown as Row]);
report(`soak-${d.name}`, rows, { options: { users, minutes, connections, engine, sliceSec }, samples, summary });
