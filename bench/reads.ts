// Scenario: GET /Users/{id} and GET /Users?filter=userName eq "…" over random users, at each concurrency level,
// ours against the bare-Fastify ceiling and the scimmy peer.
//   node --import tsx bench/reads.ts [--users 10000,100000] [--engines sqlite,postgres] [--connections 1,16,64]
//     [--warmup 1] [--duration 4] [--no-baselines] [--profile] [--statement-cache 0] [--case id|filter: one of the two]
import { userName } from './lib/data.js';
import { parseOptions, report, withRatios } from './lib/harness.js';
import { runReads, type ReadCase } from './lib/scenario.js';

const o = parseOptions();
const only = process.argv.includes('--case') ? process.argv[process.argv.indexOf('--case') + 1] : undefined;
const pickIndex = (n: number, i: number) => (i * 7_919 + 13) % n;
const cases: ReadCase[] = [
  { name: 'GET /Users/{id}', prefix: '/scim/v2/Users/', path: (d, i) => `/Users/${d.ids[pickIndex(d.ids.length, i)]}` },
  {
    name: 'GET /Users?filter=userName eq',
    prefix: '/scim/v2/Users?',
    path: (d, i) => `/Users?filter=${encodeURIComponent(`userName eq "${userName(pickIndex(d.users, i))}"`)}`,
  },
];
const rows = await runReads(
  'reads',
  cases.filter((c) => !only || (only === 'id' ? c.name.includes('{id}') : c.name.includes('filter'))),
  o,
);
report(o.label ? `reads-${o.label}` : 'reads', withRatios(rows), { options: o });
