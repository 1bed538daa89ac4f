// Scenario: filters that no index answers (a non-indexed attribute, `co` and `sw` substrings), count=100. What counts
// here is that they are answered without loading the table: the time per request and the server's peak RSS.
//   node --import tsx bench/filters.ts [--users 10000,100000] [--engines sqlite,postgres] [--connections 1,16] …
import { parseOptions, report, withRatios } from './lib/harness.js';
import { runReads, type ReadCase } from './lib/scenario.js';

const o = parseOptions(undefined, { connections: [1, 16] });
const q = (f: string) => `/Users?count=100&filter=${encodeURIComponent(f)}`;
const digits = (d: { users: number }, i: number) => String((i * 37 + 11) % Math.min(d.users, 1000)).padStart(3, '0');
const cases: ReadCase[] = [
  {
    name: 'filter title eq (not indexed)',
    prefix: '/scim/v2/Users?count=100&filter=title',
    path: (_d, i) => q(`title eq "${['Director', 'Buyer', 'Analyst'][i % 3]}"`),
  },
  {
    name: 'filter userName co',
    prefix: '/scim/v2/Users?count=100&filter=userName%20co',
    path: (d, i) => q(`userName co "${digits(d, i)}@"`),
  },
  {
    name: 'filter userName sw',
    prefix: '/scim/v2/Users?count=100&filter=userName%20sw',
    path: (d, i) => q(`userName sw "user00${digits(d, i)}"`),
  },
  {
    name: 'filter emails.value co',
    prefix: '/scim/v2/Users?count=100&filter=emails',
    path: (d, i) => q(`emails.value co "${digits(d, i)}.2@"`),
  },
];
const rows = await runReads('filters', cases, o);
report(o.label ? `filters-${o.label}` : 'filters', withRatios(rows), { options: o });
