// The live activity stream over a real socket: text/event-stream opened with the session cookie (as EventSource
// does) or the bearer, `ready` with the newest entry, an `activity` event within a second of a SCIM write of its own
// tenant and none for another tenant's; refused without credentials, for an unknown tenant, and closed once the
// session signs out. The bridge closes with streams still open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, type AdminStack, type SessionHandle, type TenantHandle } from './harness.js';

let s: AdminStack;
let a: TenantHandle;
let b: TenantHandle;
let ui: SessionHandle;
before(async () => {
  s = await startAdminStack({ live: { pollMs: 100, heartbeatMs: 200 } });
  a = await s.tenant('live-a');
  b = await s.tenant('live-b');
  ui = await s.signIn('merchant');
});
after(async () => {
  await s?.close();
});

interface Stream {
  status: number;
  contentType: string | null;
  /** the next event (skipping comments), or null when the stream ends first or `ms` pass */
  next(ms?: number): Promise<{ event: string; data: any } | null>;
  ended: Promise<void>;
  close(): void;
}

async function open(path: string, headers: Record<string, string>): Promise<Stream> {
  const ctl = new AbortController();
  const res = await fetch(`${s.bridge.url}/admin/api${path}`, { headers: { accept: 'text/event-stream', ...headers }, signal: ctl.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: { event: string; data: any }[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) queue.push({ event, data: data ? JSON.parse(data) : undefined });
          wake?.();
        }
      }
    } catch {
      // aborted by close()
    }
    done = true;
    wake?.();
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    async next(ms = 3000) {
      const end = Date.now() + ms;
      while (queue.length === 0 && !done && Date.now() < end) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, Math.max(0, end - Date.now()));
        });
      }
      return queue.shift() ?? null;
    },
    ended,
    close: () => ctl.abort(),
  };
}

const cookie = () => ({ cookie: `scim_admin_session=${ui.cookie}` });
const latestId = async (tenantId: string) =>
  Number(
    (
      await s.store.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst()
    )?.id,
  );
const user = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  emails: [{ value: userName, primary: true }],
});

test("a session's stream says ready with the newest entry, then tells of each write of its tenant and of no other's", async () => {
  const st = await open(`/tenants/${a.name}/events`, cookie());
  try {
    assert.equal(st.status, 200);
    assert.match(st.contentType!, /^text\/event-stream/);
    const ready = await st.next();
    assert.deepEqual(ready, { event: 'ready', data: { latest: await latestId(a.id) } });

    assert.equal((await s.scim(b, 'POST', '/Users', user('elsewhere@example.com'))).status, 201);
    assert.equal(await st.next(800), null, "another tenant's write is not announced");

    const started = Date.now();
    assert.equal((await s.scim(a, 'POST', '/Users', user('here@example.com'))).status, 201);
    const ev = await st.next();
    assert.equal(ev?.event, 'activity', 'the write is announced');
    assert.ok(ev!.data.latest > ready!.data.latest);
    assert.ok(Date.now() - started < 2500, 'within moments');
    assert.deepEqual(Object.keys(ev!.data), ['latest'], 'the stream carries no personal data, only that the log moved');
  } finally {
    st.close();
  }
});

test('the bearer token opens a stream too; no credentials, an unknown tenant or a bad cookie get the JSON error, not a stream', async () => {
  const bearer = await open(`/tenants/${a.name}/events`, { authorization: `Bearer ${s.adminToken}` });
  try {
    assert.equal((await bearer.next())?.event, 'ready');
  } finally {
    bearer.close();
  }
  for (const [path, headers, status, code] of [
    [`/tenants/${a.name}/events`, {}, 401, 'UNAUTHORIZED'],
    [`/tenants/${a.name}/events`, { cookie: 'scim_admin_session=not-a-session' }, 401, 'UNAUTHORIZED'],
    ['/tenants/no-such-tenant/events', cookie(), 404, 'TENANT_NOT_FOUND'],
  ] as const) {
    const r = await fetch(`${s.bridge.url}/admin/api${path}`, { headers });
    assert.equal(r.status, status, path);
    assert.match(r.headers.get('content-type')!, /application\/json/);
    assert.equal(((await r.json()) as { error: string }).error, code);
  }
});

test('signing out ends the stream of that session', async () => {
  const other = await s.signIn('merchant');
  const st = await open(`/tenants/${a.name}/events`, { cookie: `scim_admin_session=${other.cookie}` });
  assert.equal((await st.next())?.event, 'ready');
  assert.equal((await other.call('DELETE', '/session')).status, 204);
  const ended = await Promise.race([st.ended.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
  assert.equal(ended, true, 'the server closed the stream');
});

test('the bridge closes while a stream is open', { timeout: 20_000 }, async () => {
  const extra = await startAdminStack({ live: { pollMs: 100, heartbeatMs: 5000 } });
  const t = await extra.tenant('closing');
  const res = await fetch(`${extra.bridge.url}/admin/api/tenants/${t.name}/events`, {
    headers: { authorization: `Bearer ${extra.adminToken}` },
  });
  assert.equal(res.status, 200);
  const reading = res.body!.getReader();
  await reading.read();
  const started = Date.now();
  await extra.close();
  assert.ok(Date.now() - started < 10_000, 'closing did not wait for the stream');
  for (;;) if ((await reading.read().catch(() => ({ done: true }))).done) break;
});
