// The peer: scimmy + scimmy-routers on express, serving the data set's users from memory (BENCH_DUMP, JSON lines)
// with the same requests. Written as its documentation suggests, plus two kindnesses so that it is not slower than it
// has to be: users by id come from a Map, and a list hands scimmy only the page (with totalResults) to render,
// instead of every match. scimmy-routers passes startIndex and count on as the query's strings, which scimmy's
// resource ignores (every list would be the first 20), so the handler reads them from the query itself.
import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

type U = Record<string, unknown> & { id: string; userName: string };
const byId = new Map<string, U>();
const byName = new Map<string, string>();
if (process.env.BENCH_DUMP) {
  for await (const line of createInterface({ input: createReadStream(process.env.BENCH_DUMP) })) {
    if (!line) continue;
    const u = JSON.parse(line) as U;
    const now = new Date().toISOString();
    const stored = { ...u, meta: { resourceType: 'User', created: now, lastModified: now } };
    byId.set(u.id, stored);
    byName.set(u.userName.toLowerCase(), u.id);
  }
}
const TOKEN = process.env.BENCH_TOKEN ?? 'peer-token';

interface Constraints {
  startIndex?: number;
  count?: number;
  totalResults?: number;
}

SCIMMY.Resources.declare(SCIMMY.Resources.User)
  .egress((resource, ctx) => {
    const r = resource as unknown as { id?: string; filter?: { match(v: unknown[]): unknown[] }; constraints?: Constraints };
    const query = (ctx ?? {}) as { startIndex?: string; count?: string };
    if (r.id) {
      const u = byId.get(r.id);
      if (!u) throw new SCIMMY.Types.Error(404, null!, `Resource ${r.id} not found`);
      return u;
    }
    const all = [...byId.values()];
    const matches = r.filter ? (r.filter.match(all) as U[]) : all;
    const start = Math.max(1, Number(query.startIndex ?? 1) || 1);
    const count = Math.max(0, Number(query.count ?? 100) || 0);
    r.constraints = { ...r.constraints, startIndex: start, count, totalResults: matches.length };
    // scimmy slices from startIndex itself when the list given to it is at least startIndex long: hand it what it
    // needs then (at most 2 pages), else just the page.
    return start === 1 || start > count ? matches.slice(start - 1, start - 1 + count) : matches.slice(0, start - 1 + count);
  })
  .ingress((_resource, instance) => {
    const data = JSON.parse(JSON.stringify(instance)) as U;
    const key = String(data.userName).toLowerCase();
    if (byName.has(key)) throw new SCIMMY.Types.Error(409, 'uniqueness', 'userName already exists');
    const now = new Date().toISOString();
    const u = { ...data, id: randomUUID(), meta: { resourceType: 'User', created: now, lastModified: now } } as U;
    byId.set(u.id, u);
    byName.set(key, u.id);
    return u;
  })
  .degress((resource) => {
    const id = (resource as unknown as { id: string }).id;
    const u = byId.get(id);
    if (u) byName.delete(u.userName.toLowerCase());
    byId.delete(id);
  });
SCIMMY.Resources.declare(SCIMMY.Resources.Group).egress(() => []);

const app = express();
app.use(
  '/scim/v2',
  new SCIMMYRouters({
    type: 'bearer',
    docUri: 'https://example.com/auth',
    handler: (req: express.Request) => {
      if (req.header('authorization') !== `Bearer ${TOKEN}`) throw new Error('Authorization not detected!');
      return 'bench';
    },
    context: (req: express.Request) => req.query,
  }),
);
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}/scim/v2`, token: TOKEN }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
