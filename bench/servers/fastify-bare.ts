// The framework's ceiling: a bare Fastify route answering every GET with a JSON document of the size ours answers
// (BENCH_DOCS: a JSON file mapping a path prefix to the document), serialized per request as a real handler would.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const docs = JSON.parse(readFileSync(process.env.BENCH_DOCS!, 'utf8')) as Record<string, unknown>;
const keys = Object.keys(docs).sort((a, b) => b.length - a.length);
const app = Fastify({ logger: false });
app.get('/*', async (req, reply) => {
  const key = keys.find((k) => req.url.startsWith(k));
  if (!key) return reply.code(404).send({ detail: 'no document' });
  return reply.type('application/scim+json').send(JSON.stringify(docs[key]));
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url: `${address}/scim/v2`, token: 'none' }) + '\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
