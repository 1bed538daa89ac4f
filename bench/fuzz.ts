// The long fuzz run: the properties the test suite runs CI-sized (test/fuzz), here for as long as asked. Rounds of
// every unit property (FUZZ_RUNS runs each, default 100,000) and every route property (FUZZ_ROUTE_RUNS requests per
// route, default 500), each round with a fresh seed, until FUZZ_MINUTES have passed (default: one round).
// TEST_DATABASE=postgres runs the routes on PostgreSQL (TEST_POSTGRES_URL). A failure prints the seed and the
// shrunk counterexample and exits 1; replay it with FUZZ_SEED=<seed>.
//
//   npm run fuzz:long                                   one round, SQLite
//   FUZZ_MINUTES=240 TEST_DATABASE=postgres npm run fuzz:long
import fc from 'fast-check';
import { unitProperties } from '../test/fuzz/units.js';
import { routeProperties, ROUTES } from '../test/fuzz/routes.js';
import { startRouteTarget } from '../test/fuzz/target.js';

const unitRuns = Number(process.env.FUZZ_RUNS) || 100_000;
const routeRuns = Number(process.env.FUZZ_ROUTE_RUNS) || 500;
const minutes = Number(process.env.FUZZ_MINUTES) || 0;
const fixedSeed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const end = Date.now() + minutes * 60_000;

async function check(name: string, run: (seed: number) => Promise<void> | void, seed: number): Promise<void> {
  try {
    await run(seed);
  } catch (e) {
    console.error(`FAILED ${name} (FUZZ_SEED=${seed}):\n${(e as Error).message}`);
    process.exitCode = 1;
    throw e;
  }
}

const target = await startRouteTarget();
const statuses = new Map<number, number>();
const properties = routeProperties(target, statuses);
let round = 0;
let unitTotal = 0;
const started = Date.now();
try {
  do {
    round++;
    const seed = fixedSeed ?? (Date.now() ^ (round * 0x9e3779b9)) >>> 0;
    for (const { name, property } of unitProperties()) {
      const t0 = Date.now();
      await check(name, (s) => fc.assert(property, { numRuns: unitRuns, seed: s, endOnFailure: true }), seed);
      unitTotal += unitRuns;
      console.log(`round ${round} seed ${seed}: ${unitRuns} runs, ${Date.now() - t0} ms: ${name}`);
    }
    const t0 = Date.now();
    for (const { name, property } of properties)
      await check(name, (s) => fc.assert(property, { numRuns: routeRuns, seed: s, endOnFailure: true }), seed);
    console.log(`round ${round} seed ${seed}: ${routeRuns} requests on each of ${ROUTES.length} routes, ${Date.now() - t0} ms`);
  } while (Date.now() < end && fixedSeed === undefined);
} finally {
  const requests = [...statuses.values()].reduce((a, b) => a + b, 0);
  const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
  console.log(
    `${round} round(s) in ${Math.round((Date.now() - started) / 1000)} s: ${unitTotal} unit runs over ${unitProperties().length} properties, ` +
      `${requests} requests over ${ROUTES.length} routes, ${fivexx} answered 5xx; by status ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
  );
  await target.close();
}
