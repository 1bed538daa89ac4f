// Outbound targets end to end: a second bridge instance as the SCIM target (the bridge provisions into it as a SCIM
// client) and a small HTTP receiver as the webhook target, whose Standard Webhooks signatures are checked here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { openTestStore, type TestStore } from '../helpers/db.js';
import { freePort, until, PATCH_OP } from '../helpers/http.js';
import { startTwoWay, scimUser, type TwoWayStack } from './harness.js';
import { SUITE_SCIM_SECURITY } from '../helpers/security.js';

let s: TwoWayStack;
let other: { store: TestStore; app: FastifyInstance; base: string; token: string };

before(async () => {
  s = await startTwoWay();
  const store = await openTestStore();
  const app = await buildApp({ store, scimSecurity: SUITE_SCIM_SECURITY });
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  const tenants = new TenantRepository(store.db);
  const t = await tenants.create('crm');
  const { token } = await tenants.createToken(t.id, 'acme bridge');
  other = { store, app, base: `http://127.0.0.1:${port}/scim/v2/crm`, token };
});
after(async () => {
  await s?.close();
  await other?.app.close();
  await other?.store.close();
});

async function remote(method: string, path: string, body?: unknown) {
  const r = await fetch(other.base + path, {
    method,
    headers: { authorization: `Bearer ${other.token}`, ...(body ? { 'content-type': 'application/scim+json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, dump: `${method} ${path} -> ${r.status} ${text.slice(0, 800)}` };
}

const remoteByName = async (userName: string) =>
  (await remote('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`)).body?.Resources as any[] | undefined;

const targetJobs = async (targetId: string, userId: string) =>
  await s.store.db
    .selectFrom('outbox_jobs')
    .select(['id', 'state', 'last_error'])
    .where('queue', '=', `target:${targetId}`)
    .where('key', '=', `user:${userId}`)
    .execute();

async function drained(targetId: string) {
  await until(`the queue of target ${targetId} to drain`, async () => {
    const open = await s.store.db
      .selectFrom('outbox_jobs')
      .select('id')
      .where('queue', '=', `target:${targetId}`)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return !open;
  });
}

test('a SCIM target receives each user as it is created, updated, changed in Shopify and deactivated, but never a change its own client made', async () => {
  const crmClient = await s.newClient('crm');
  await s.setSettings({
    targets: [{ id: 'crm', kind: 'scim', baseUrl: other.base, token: s.box.seal(other.token), clientId: crmClient.id }],
  });
  try {
    const c = await s.req('POST', '/Users', scimUser('ada.lovelace@example.com'));
    assert.equal(c.status, 201, c.dump);
    const id = c.body.id as string;
    const there = await until('the user on the SCIM target', async () => (await remoteByName('ada.lovelace@example.com'))?.[0]);
    assert.equal(there.externalId, id, 'the target knows the user by our id');
    assert.equal(there.name.givenName, 'Ada', JSON.stringify(there));

    const p = await s.req('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'name.familyName', value: 'King' }],
    });
    assert.equal(p.status, 200, p.dump);
    await until('the update on the target', async () => (await remote('GET', `/Users/${there.id}`)).body?.name?.familyName === 'King');

    await s.settled();
    s.emu.control.updateCustomer(c.body['urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User'].customerId, {
      firstName: 'Augusta',
    });
    await until(
      'the Shopify edit on the target',
      async () => (await remote('GET', `/Users/${there.id}`)).body?.name?.givenName === 'Augusta',
    );

    await drained('crm');
    const before = (await targetJobs('crm', id)).length;
    const own = await s.req(
      'PATCH',
      `/Users/${id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Countess' }] },
      crmClient.token,
    );
    assert.equal(own.status, 200, own.dump);
    assert.equal((await targetJobs('crm', id)).length, before, 'the change came from the crm client: nothing is queued for the crm target');

    const d = await s.req('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    assert.equal(d.status, 200, d.dump);
    const gone = await until('the deactivation on the target', async () => {
      const r = await remote('GET', `/Users/${there.id}`);
      return r.body?.active === false ? r : undefined;
    });
    assert.equal(gone.body.displayName, undefined, `the crm client's own change was not sent back: ${gone.dump}`);
    assert.equal((await remoteByName('ada.lovelace@example.com'))?.length, 1, 'one user there, updated in place');
  } finally {
    await s.setSettings({ targets: [] });
  }
});

test('a SCIM target that already has the userName is linked on 409, and a SCIM DELETE deletes it there', async () => {
  const pre = await remote('POST', '/Users', scimUser('grace.hopper@example.com', { title: 'old' }));
  assert.equal(pre.status, 201, pre.dump);
  await s.setSettings({ targets: [{ id: 'crm2', kind: 'scim', baseUrl: other.base, token: s.box.seal(other.token) }] });
  try {
    const c = await s.req('POST', '/Users', scimUser('grace.hopper@example.com', { title: 'Rear Admiral' }));
    assert.equal(c.status, 201, c.dump);
    await until(
      'the existing remote user to be updated',
      async () => (await remote('GET', `/Users/${pre.body.id}`)).body?.title === 'Rear Admiral',
    );
    const link = await s.store.db.selectFrom('target_links').selectAll().where('user_id', '=', c.body.id).executeTakeFirst();
    assert.equal(link?.remote_id, pre.body.id, 'linked to the remote user found by userName');
    assert.equal((await remoteByName('grace.hopper@example.com'))?.length, 1, 'no duplicate was made');

    const del = await s.req('DELETE', `/Users/${c.body.id}`);
    assert.equal(del.status, 204, del.dump);
    await until('the remote user to be deleted', async () => (await remote('GET', `/Users/${pre.body.id}`)).status === 404);
  } finally {
    await s.setSettings({ targets: [] });
  }
});

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver answering 500 to the first attempt of each message id listed in `failFirst`. */
async function receiver(
  failFirst: (body: string) => boolean,
): Promise<{ server: Server; url: string; got: Received[]; refused: Received[] }> {
  const got: Received[] = [];
  const refused: Received[] = [];
  const failed = new Set<string>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const id = headers['webhook-id'];
      if (failFirst(body) && !failed.has(id)) {
        failed.add(id);
        refused.push({ headers, body });
        res.writeHead(500).end('try later');
        return;
      }
      got.push({ headers, body });
      res.writeHead(204).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${port}/events`, got, refused };
}

/** The Standard Webhooks check written out independently of the bridge's own code. */
function signatureHolds(r: Received, secret: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`).digest();
  return r.headers['webhook-signature'].split(' ').some((part) => {
    const [v, sig] = part.split(',');
    const given = Buffer.from(sig ?? '', 'base64');
    return v === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

test('a webhook target receives signed events for SCIM and Shopify changes, retried with the same id, and no event for an echo', async () => {
  const secret = 'whsec_' + Buffer.from('a-32-byte-secret-for-the-events!').toString('base64');
  const rx = await receiver((body) => body.includes('"user.deactivated"'));
  await s.setSettings({ targets: [{ id: 'hooks', kind: 'webhook', url: rx.url, secret: s.box.seal(secret) }] });
  try {
    const c = await s.req('POST', '/Users', scimUser('alan.turing@example.com'));
    assert.equal(c.status, 201, c.dump);
    const id = c.body.id as string;
    const cid = c.body['urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User'].customerId;
    const mine = () => rx.got.map((r) => ({ r, e: JSON.parse(r.body) })).filter((x) => x.e.data.user.id === id);
    const created = await until('user.created', () => mine().find((x) => x.e.type === 'user.created'));
    assert.ok(signatureHolds(created.r, secret), `signature: ${JSON.stringify(created.r.headers)}`);
    assert.ok(Math.abs(Number(created.r.headers['webhook-timestamp']) - Date.now() / 1000) < 60);
    assert.equal(created.e.data.source, 'scim');
    assert.equal(created.e.data.user.userName, 'alan.turing@example.com');
    assert.ok(!signatureHolds({ ...created.r, body: created.r.body.replace('alan', 'eve') }, secret), 'the check fails for a changed body');

    const p = await s.req('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'phoneNumbers', value: [{ value: '+1 (415) 555-0111', type: 'mobile' }] }],
    });
    assert.equal(p.status, 200, p.dump);
    await s.settled();
    s.emu.control.updateCustomer(cid, { lastName: 'Mathison' });
    const fromShopify = await until('an event from the Shopify edit', () => mine().find((x) => x.e.data.source === 'shopify'));
    assert.equal(fromShopify.e.type, 'user.updated');
    assert.equal(fromShopify.e.data.user.name.familyName, 'Mathison');
    assert.equal(fromShopify.e.data.shopifyCustomerId, cid);
    await s.settled();
    await drained('hooks');
    assert.deepEqual(
      mine().map((x) => `${x.e.type}/${x.e.data.source}`),
      ['user.created/scim', 'user.updated/scim', 'user.updated/shopify'],
      'the echo of the phone write made no event',
    );

    const d = await s.req('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    assert.equal(d.status, 200, d.dump);
    const deact = await until('user.deactivated after a retry', () => mine().find((x) => x.e.type === 'user.deactivated'));
    const first = rx.refused.find((r) => JSON.parse(r.body).data.user.id === id);
    assert.ok(first, 'the first attempt was refused');
    assert.equal(deact.r.headers['webhook-id'], first.headers['webhook-id'], 'a retry keeps the message id');
    assert.ok(signatureHolds(deact.r, secret));
  } finally {
    await s.setSettings({ targets: [] });
    await new Promise((r) => rx.server.close(r));
  }
});

test('under onShopifyRefusal reject, a change Shopify refused, and the bridge undid, is never announced to a webhook target', async () => {
  const secret = 'whsec_' + Buffer.from('another-secret-for-undone-events').toString('base64');
  const rx = await receiver(() => false);
  await s.setSettings({
    policies: { onShopifyRefusal: 'reject' },
    targets: [{ id: 'undo-hooks', kind: 'webhook', url: rx.url, secret: s.box.seal(secret), events: ['user.updated'] }],
  });
  try {
    const a = await s.req('POST', '/Users', scimUser('first.user@example.com'));
    const b = await s.req('POST', '/Users', scimUser('second.user@example.com'));
    assert.equal(b.status, 201, b.dump);
    const put = await s.req(
      'PUT',
      `/Users/${a.body.id}`,
      scimUser('first.user@example.com', { emails: [{ value: 'second.user@example.com', type: 'work', primary: true }] }),
    );
    assert.equal(put.status, 409, put.dump);
    const ok = await s.req('PATCH', `/Users/${a.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }],
    });
    assert.equal(ok.status, 200, ok.dump);
    await drained('undo-hooks');
    const sent = rx.got.map((r) => JSON.parse(r.body)).filter((e) => e.data.user.id === a.body.id);
    assert.deepEqual(
      sent.map((e) => [e.type, e.data.user.title ?? null, e.data.user.emails[0].value]),
      [['user.updated', 'Engineer', 'first.user@example.com']],
      JSON.stringify(sent),
    );
    const skipped = await targetJobs('undo-hooks', a.body.id);
    assert.equal(skipped.length, 2, 'both changes were queued; the refused one was dropped when it ran');
  } finally {
    await s.setSettings({ targets: [] });
    await new Promise((r) => rx.server.close(r));
  }
});
