// GET /admin: the address demo mode and the docs give for administration. It says where the admin JSON API is and
// how to call it; it shows no tenant data, so it needs no token.
import type { FastifyInstance } from 'fastify';
import { ADMIN_PREFIX } from './index.js';

const page = (api: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>shopify-scim admin</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}code,pre{background:#f3f3f3;border-radius:4px}code{padding:0 .25rem}pre{padding:.75rem;overflow-x:auto}</style>
</head>
<body>
<h1>shopify-scim</h1>
<p>Tenants, tokens, mapping, policies, targets, the shop connection and dead-lettered jobs are managed through the
admin JSON API at <a href="${api}"><code>${api}</code></a>, authenticated with the deployment's <code>ADMIN_TOKEN</code>
(demo mode prints it and saves it as <code>adminToken</code> in <code>data/demo-credentials.json</code>).</p>
<pre>curl -H "Authorization: Bearer $ADMIN_TOKEN" ${api}/tenants</pre>
<p>Every route is described in <code>docs/admin-api.md</code>; the same operations are available from the command line
(<code>npx shopify-scim --help</code>).</p>
</body>
</html>
`;

export function adminLanding() {
  return async (app: FastifyInstance): Promise<void> => {
    const html = page(ADMIN_PREFIX);
    // `/admin/` too: the router ignores trailing slashes
    app.get('/admin', async (_req, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(html),
    );
  };
}
