// When Shopify refuses a SCIM write and the engine undoes it, the target jobs queued with that write are neutralised
// in the undo's own transaction: no target hears of a user that no longer exists or of a change taken back, while
// the accepted changes around it still reach every target.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { freePort, until, PATCH_OP } from '../helpers/http.js';
import { startTwoWay, scimUser, type TwoWayStack } from './harness.js';

interface Hit {
  method: string;
  path: string;
  body: any;
}

/** One small server standing for both targets: a SCIM server under /scim and a webhook receiver at /events. */
async function recorder(): Promise<{ server: Server; base: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const users = new Map<string, any>();
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = text ? JSON.parse(text) : undefined;
      const path = req.url ?? '';
      hits.push({ method: req.method ?? '', path, body });
      const json = (status: number, payload?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/scim+json' }).end(payload === undefined ? '' : JSON.stringify(payload));
      };
      if (path === '/events') return json(204);
      const id = decodeURIComponent(path.match(/^\/scim\/Users\/([^?]+)/)?.[1] ?? '');
      if (req.method === 'POST') {
        const made = { ...body, id: `r${users.size + 1}` };
        users.set(made.id, made);
        return json(201, made);
      }
      if (req.method === 'GET') {
        const name = decodeURIComponent(path)
          .match(/userName eq "([^"]+)"/)?.[1]
          ?.toLowerCase();
        const found = [...users.values()].filter((u) => String(u.userName).toLowerCase() === name);
        return json(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: found.length, Resources: found });
      }
      if (!users.has(id)) return json(404, { status: '404' });
      if (req.method === 'PUT') users.set(id, { ...body, id });
      if (req.method === 'DELETE') users.delete(id);
      return json(req.method === 'DELETE' ? 204 : 200, users.get(id));
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${port}`, hits };
}

let s: TwoWayStack;
let rx: Awaited<ReturnType<typeof recorder>>;
before(async () => {
  s = await startTwoWay();
  rx = await recorder();
  await s.setSettings({
    targets: [
      { id: 'crm', kind: 'scim', baseUrl: `${rx.base}/scim`, token: 'crm-token' },
      {
        id: 'events',
        kind: 'webhook',
        url: `${rx.base}/events`,
        secret: 'whsec_' + Buffer.from('a-32-byte-secret-for-undo-tests!').toString('base64'),
      },
    ],
  });
});
after(async () => {
  await s?.close();
  await new Promise((r) => rx?.server.close(r));
});

const targetJobs = (userId: string) =>
  s.store.db
    .selectFrom('outbox_jobs')
    .select(['id', 'queue', 'state', 'last_error_code'])
    .where('queue', 'like', 'target:%')
    .where('key', '=', `user:${userId}`)
    .orderBy('id')
    .execute();

async function drained() {
  await until('the target queues to drain', async () => {
    const open = await s.store.db
      .selectFrom('outbox_jobs')
      .select('id')
      .where('queue', 'like', 'target:%')
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return !open;
  });
}

/** Everything the targets were sent that mentions `text` (a userName, an email). */
const sentAbout = (text: string) =>
  rx.hits.filter((h) => JSON.stringify(h.body ?? '').includes(text) || h.path.includes(encodeURIComponent(text)));

test('under onShopifyRefusal reject, a refused create leaves its target jobs neutralised by the undo, and no target hears of the user', async () => {
  await s.setSettings({ policies: { adoption: 'off', onShopifyRefusal: 'reject' } });
  try {
    s.emu.control.createCustomer({ email: 'held.elsewhere@example.com', firstName: 'Someone' });
    const r = await s.req('POST', '/Users', scimUser('held.elsewhere@example.com'));
    assert.equal(r.status, 409, r.dump);
    const users = await s.store.db.selectFrom('users').select('id').where('user_name', '=', 'held.elsewhere@example.com').execute();
    assert.deepEqual(users, [], 'the SCIM user was undone');
    const jobs = await s.store.db
      .selectFrom('outbox_jobs')
      .select(['queue', 'state', 'last_error_code', 'payload'])
      .where('queue', 'like', 'target:%')
      .execute();
    const mine = jobs.filter((j) => j.payload.includes('held.elsewhere@example.com'));
    assert.deepEqual(
      mine.map((j) => [j.queue, j.state, j.last_error_code]).sort(),
      [
        ['target:crm', 'done', 'UNDONE'],
        ['target:events', 'done', 'UNDONE'],
      ],
      'both targets had a job for the create, closed by the undo itself',
    );
    // Well past the time a delivery waits for the engine's verdict: still nothing sent.
    await new Promise((r) => setTimeout(r, 2500));
    assert.deepEqual(sentAbout('held.elsewhere@example.com'), []);
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('under onShopifyRefusal reject, a refused update is never sent to a target, while the accepted change just before it reaches both', async () => {
  await s.setSettings({ policies: { onShopifyRefusal: 'reject' } });
  try {
    const a = await s.req('POST', '/Users', scimUser('first.person@example.com'));
    const b = await s.req('POST', '/Users', scimUser('second.person@example.com'));
    assert.equal(a.status, 201, a.dump);
    assert.equal(b.status, 201, b.dump);
    await drained();
    const ok = await s.req('PATCH', `/Users/${a.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }],
    });
    assert.equal(ok.status, 200, ok.dump);
    const refused = await s.req(
      'PUT',
      `/Users/${a.body.id}`,
      scimUser('first.person@example.com', {
        title: 'Engineer',
        emails: [{ value: 'second.person@example.com', type: 'work', primary: true }],
      }),
    );
    assert.equal(refused.status, 409, refused.dump);

    const jobs = await targetJobs(a.body.id);
    const last = jobs.slice(-2);
    assert.deepEqual(
      last.map((j) => [j.state, j.last_error_code]),
      [
        ['done', 'UNDONE'],
        ['done', 'UNDONE'],
      ],
      `the refused PUT's jobs: ${JSON.stringify(jobs)}`,
    );
    await drained();

    const events = rx.hits
      .filter((h) => h.path === '/events' && h.body.data.user.id === a.body.id)
      .map((h) => [h.body.type, h.body.data.user.title ?? null, h.body.data.user.emails[0].value]);
    assert.deepEqual(
      events,
      [
        ['user.created', null, 'first.person@example.com'],
        ['user.updated', 'Engineer', 'first.person@example.com'],
      ],
      JSON.stringify(events),
    );
    const scim = rx.hits.filter((h) => h.path.startsWith('/scim/Users') && h.body?.userName === 'first.person@example.com');
    assert.equal(scim.at(-1)?.body.title, 'Engineer', `the SCIM target has the accepted change: ${JSON.stringify(scim)}`);
    assert.ok(
      scim.every((h) => h.body.emails[0].value === 'first.person@example.com'),
      `the refused email never reached the SCIM target: ${JSON.stringify(scim)}`,
    );
  } finally {
    await s.setSettings({ policies: {} });
  }
});
