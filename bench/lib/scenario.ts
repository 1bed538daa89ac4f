// One load scenario over a data set: start ours, take sample answers to build the bare-Fastify documents, start the
// baselines, then for each concurrency level load ours, Fastify and scimmy in turn with the same request mix.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDataset, type Dataset } from './dataset.js';
import { beforeCopy, prepareBefore } from './before.js';
import {
  load,
  log,
  medianOf,
  request,
  startServer,
  type LoadResult,
  type LoadSpec,
  type Options,
  type Row,
  type Server,
} from './harness.js';

export function oursEnv(d: Dataset, o: Pick<Options, 'statementCache' | 'syncWaitMs'>, url = d.url): Record<string, string> {
  return {
    ...(o.syncWaitMs !== undefined ? { BENCH_SYNC_WAIT_MS: String(o.syncWaitMs) } : {}),
    BENCH_DB_URL: url,
    ...(d.pgSchema ? { BENCH_PG_SCHEMA: d.pgSchema } : {}),
    ...(o.statementCache !== undefined ? { BENCH_STATEMENT_CACHE: String(o.statementCache) } : {}),
  };
}

export interface ReadCase {
  /** e.g. "GET /Users/{id}" */
  name: string;
  /** a request path for the i-th request (relative to the SCIM base URL) */
  path: (d: Dataset, i: number) => string;
  /** the path prefix the bare-Fastify route answers with this case's sample document */
  prefix: string;
}

/** Runs read cases over each data set of the options; rows carry req/s, latency, errors and peak RSS per server. */
export async function runReads(scenario: string, cases: ReadCase[], o: Options): Promise<Row[]> {
  const rows: Row[] = [];
  for (const engine of o.engines)
    for (const users of o.users) {
      const d = await ensureDataset(engine, users, { log });
      const ours = await startServer('ours', oursEnv(d, o), { profile: o.profile });
      const servers: Server[] = [ours];
      try {
        if (o.baselines) {
          const docs: Record<string, unknown> = {};
          for (const c of cases) {
            const s = await request(ours, c.path(d, 0));
            if (s.status !== 200) throw new Error(`${c.name}: ours answered ${s.status} ${JSON.stringify(s.json)}`);
            docs[c.prefix] = s.json;
          }
          const docFile = join(mkdtempSync(join(tmpdir(), 'bench-docs-')), 'docs.json');
          writeFileSync(docFile, JSON.stringify(docs));
          servers.push(await startServer('fastify', { BENCH_DOCS: docFile }));
          servers.push(await startServer('scimmy', { BENCH_DUMP: d.dump }));
        }
        if (o.compare && d.engine === 'sqlite') {
          const oldRoot = prepareBefore(o.compare);
          servers.push(
            await startServer('before', oursEnv(d, { statementCache: undefined, syncWaitMs: o.syncWaitMs }, beforeCopy(d, oldRoot)), {
              root: oldRoot,
            }),
          );
        }
        for (const c of cases)
          for (const connections of o.connections) {
            const results = new Map<Server, LoadResult[]>(servers.map((s) => [s, []]));
            for (let round = 0; round < o.rounds; round++)
              for (let k = 0; k < servers.length; k++) {
                const server = servers[(k + round) % servers.length]!;
                let i = round * 100_003;
                const spec: LoadSpec = { path: () => c.path(d, i++) };
                log(`${scenario} ${d.name} ${c.name} c=${connections} ${server.kind} round ${round + 1}/${o.rounds}`);
                results.get(server)!.push(await load(server, spec, connections, o));
              }
            for (const server of servers)
              rows.push({ scenario: c.name, dataset: d.name, server: server.kind, ...medianOf(results.get(server)!), rounds: o.rounds });
          }
      } finally {
        for (const s of servers) await s.stop();
      }
    }
  return rows;
}
