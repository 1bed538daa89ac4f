// The full SIGKILL figure: 5 kills of the bridge during 2,000 SCIM writes (100 users, a create and 19 PATCHes each)
// with Shopify slow, on SQLite (one process) or PostgreSQL (two processes, one killed each time); then every user is
// counted. The test suite runs the same scenario with 240 writes (test/reliability/sigkill.test.ts).
// Usage: node --import tsx bench/reliability-sigkill.ts [sqlite|postgres] [users] [steps] [kills]
import { killBurst } from '../test/reliability/kill-burst.js';
import type { Cleanups } from '../test/reliability/procs.js';

const [db = 'sqlite', users = '100', steps = '19', kills = '5'] = process.argv.slice(2);
if (db !== 'sqlite' && db !== 'postgres') throw new Error('the database is sqlite or postgres');
const cleanups: Cleanups = [];
try {
  const r = await killBurst(
    { database: db, users: Number(users), steps: Number(steps), kills: Number(kills), latencyMs: 50, convergeMs: 300_000 },
    cleanups,
  );
  console.log(JSON.stringify({ scenario: 'sigkill', database: db, ...r, result: 'every write exactly once, in order' }));
} finally {
  for (const c of cleanups.reverse()) await c();
}
