// GET /admin/api/tenants/:t/events: the admin UI's live activity as server-sent events (text/event-stream). The
// stream says only that the tenant's log moved (`ready`, then `activity` with the newest entry id); the page then
// reads what it shows through the ordinary API, with its filters and the tenant's masking. Authenticated like every
// admin route (the session cookie EventSource sends, or the bearer); a session that ends closes its stream.
import type { FastifyInstance } from 'fastify';
import { requireTenant } from '../../admin/context.js';
import type { ActivityFeed } from '../../admin/live.js';
import type { AdminAccounts } from '../../store/admin-accounts.js';
import type { AdminRouteContext } from './index.js';

export interface EventsOptions {
  feed: ActivityFeed;
  accounts: AdminAccounts;
  /** how often a comment keeps proxies from closing an idle stream, and the session is checked again */
  heartbeatMs: number;
}

/** Registers the events route, and ends every open stream when the server closes. */
export async function eventRoutes(app: FastifyInstance, { deps }: AdminRouteContext, o: EventsOptions): Promise<void> {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
    o.feed.close();
  });

  app.get<{ Params: { t: string } }>('/admin/api/tenants/:t/events', async (req, reply) => {
    const t = await requireTenant(deps, req.params.t);
    const auth = req.adminAuth;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // a buffering proxy (nginx) would hold the events back
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    let ended = false;
    const send = (event: string, data: unknown) => void (ended || res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    // set once the stream is open, cleared by `end`, which is defined first
    // eslint-disable-next-line prefer-const
    let heartbeat: NodeJS.Timeout | undefined;
    let unsubscribe: (() => void) | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe?.();
      open.delete(end);
      res.end();
    };
    open.add(end);
    res.on('close', end);
    // a session signed out or expired since the stream opened gets nothing more
    const signedIn = async () => auth?.kind !== 'session' || !!(await o.accounts.session(auth.token).catch(() => undefined));
    res.write('retry: 3000\n\n');
    try {
      const sub = await o.feed.subscribe(t.id, (latest) => void signedIn().then((ok) => (ok ? send('activity', { latest }) : end())));
      unsubscribe = sub.close;
      if (ended) return sub.close();
      send('ready', { latest: sub.latest });
    } catch (e) {
      req.log.error({ err: e }, 'the activity stream could not start');
      send('error', { message: 'live updates are unavailable; the page falls back to refreshing' });
      return end();
    }
    heartbeat = setInterval(() => void signedIn().then((ok) => (ok ? res.write(': keep-alive\n\n') : end())), o.heartbeatMs);
    heartbeat.unref();
  });
}
