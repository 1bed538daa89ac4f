// How many runs each fuzz property gets: CI-sized by default, FUZZ_RUNS for long runs, FUZZ_SEED to replay one.
import type fc from 'fast-check';

export function fuzzParameters(ciRuns: number): fc.Parameters<unknown[]> {
  const runs = Number(process.env.FUZZ_RUNS) || ciRuns;
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  return { numRuns: runs, ...(seed !== undefined ? { seed } : {}), endOnFailure: true };
}
