// Builds the data sets ahead of a run (the scenarios build what they miss themselves):
//   node --import tsx bench/generate.ts [--users 10000,100000] [--engines sqlite,postgres] [--fresh]
import { ensureDataset } from './lib/dataset.js';
import { log, parseOptions } from './lib/harness.js';

const o = parseOptions();
for (const engine of o.engines)
  for (const users of o.users) await ensureDataset(engine, users, { log, fresh: process.argv.includes('--fresh') });
