// SIGKILL of the bridge 5 times during a burst of SCIM writes with Shopify slow: every write lands exactly once, in
// per-user order, counted over every user. On PostgreSQL two instances share the database and each kill hits one of
// them. The full figure (2,000 writes) is bench/reliability-sigkill.ts; the suite runs 240.
import { test, after } from 'node:test';
import { testDatabase } from '../helpers/db.js';
import { killBurst } from './kill-burst.js';
import type { Cleanups } from './procs.js';

const cleanups: Cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

test(
  '5 SIGKILLs during 240 SCIM writes with Shopify slow: each write in Shopify exactly once, in order',
  { timeout: 150_000 },
  async () => {
    const r = await killBurst({ database: testDatabase, users: 30, steps: 7, kills: 5, latencyMs: 50, convergeMs: 45_000 }, cleanups);
    console.log(`sigkill ${testDatabase}: ${JSON.stringify(r)}`);
  },
);
