// The admin web UI at /admin: the static files `npm run build` makes from web/ (dist/web), served with a strict
// Content-Security-Policy, every page of the single-page app answered with its index.html. Without a build, the
// JSON API's landing page stands in.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { adminLanding } from './landing.js';
import { ADMIN_PREFIX } from './index.js';

/** dist/web of the package, from src/http/admin (tsx) and dist/http/admin (built) alike. */
export const WEB_ROOT = fileURLToPath(new URL('../../../dist/web', import.meta.url));

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Polaris sets a few style attributes from script
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function secured(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin');
}

/** The UI plugin; `root` is where the built files are (default dist/web). */
export function adminUi(opts: { root?: string } = {}) {
  const root = opts.root ?? WEB_ROOT;
  return async (app: FastifyInstance): Promise<void> => {
    const indexFile = join(root, 'index.html');
    if (!existsSync(indexFile)) {
      await adminLanding()(app);
      return;
    }
    const index = readFileSync(indexFile, 'utf8');
    // Hashed bundles never change under one name: cache them for a year; everything else is revalidated.
    await app.register(fastifyStatic, {
      root,
      prefix: '/admin/',
      wildcard: false,
      index: false,
      decorateReply: false,
      setHeaders: (res, path) => {
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('cache-control', /[/\\]assets[/\\]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    const page = (_req: unknown, reply: FastifyReply) =>
      secured(reply).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(index);
    // `/admin/` too: the router ignores trailing slashes
    app.get('/admin', page);
    app.get('/admin/*', async (req, reply) => {
      // An unknown API path stays a JSON 404, an unknown asset a plain 404; every other path is a page of the app.
      const path = req.url.split('?')[0]!;
      if (path.startsWith(`${ADMIN_PREFIX}/`) || path === ADMIN_PREFIX || path.startsWith('/admin/assets/')) {
        return reply.code(404).send({ error: 'NOT_FOUND', message: `no such endpoint: ${req.method} ${path}`, status: 404 });
      }
      return page(req, reply);
    });
  };
}
