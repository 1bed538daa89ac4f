// CI-sized runs of the unit fuzz properties (test/fuzz/units.ts); `npm run fuzz:long` runs them for hours.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { unitProperties } from './units.js';
import { fuzzParameters } from './runs.js';

describe('fuzzing the input parsers', () => {
  for (const { name, property } of unitProperties()) it(name, () => fc.assert(property, fuzzParameters(1500)));
});
