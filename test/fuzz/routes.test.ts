// CI-sized runs of the route fuzzing (test/fuzz/routes.ts): every SCIM and admin JSON route, generated requests.
import { describe, it, before, after } from 'node:test';
import fc from 'fast-check';
import { routeProperties, ROUTES } from './routes.js';
import { startRouteTarget } from './target.js';
import { fuzzParameters } from './runs.js';

describe(`fuzzing ${ROUTES.length} JSON routes`, () => {
  let target: Awaited<ReturnType<typeof startRouteTarget>>;
  before(async () => {
    target = await startRouteTarget();
  });
  after(async () => target?.close());
  it('never answers 5xx, answers SCIM refusals in the error schema, and a refusal changes nothing', async () => {
    const statuses = new Map<number, number>();
    for (const { name, property } of routeProperties(target, statuses)) {
      try {
        await fc.assert(property, fuzzParameters(25));
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(
      `# ${total} generated requests, by status: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
  });
});
