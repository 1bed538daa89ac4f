// PostgreSQL going away mid-run (a restart or failover), simulated by a TCP proxy between the bridge and the server
// that this test cuts and restores (the shared PostgreSQL itself is never touched): during the gap SCIM requests
// answer 503 with Retry-After in the SCIM error schema and /readyz says the database is down; afterwards the bridge
// reconnects on its own, nothing committed before the gap is lost, nothing refused during it was half-written, and
// the queued Shopify work drains.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { openStore, type Store } from '../../src/store/db.js';
import { openTestStore, testDatabase, postgresUrl } from '../helpers/db.js';
import { startBridgeStack, connectedTenant, type BridgeStack } from '../helpers/stack.js';
import { oktaUser } from '../sync/harness.js';

/** A TCP proxy to PostgreSQL that can be cut (listener closed, every connection reset) and restored on its port. */
class CuttableProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect({ host: this.host, port: this.targetPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((r) => this.server!.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function scim(s: BridgeStack, token: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${s.bridge.url}/scim/v2/acme${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/scim+json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : undefined };
}

test(
  'PostgreSQL cut mid-run: 503 + Retry-After in the SCIM error schema during the gap, reconnect after, nothing committed lost',
  { skip: testDatabase !== 'postgres', timeout: 90_000 },
  async () => {
    // The schema is made and migrated directly; the bridge reaches the same schema through the proxy only.
    const direct = await openTestStore();
    cleanups.push(() => direct.close());
    const target = new URL(postgresUrl);
    const proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
    await proxy.open();
    cleanups.push(() => proxy.cut().catch(() => undefined));
    const via = new URL(postgresUrl);
    via.hostname = '127.0.0.1';
    via.port = String(proxy.port);
    const proxied: Store = await openStore({ url: via.toString(), pgSchema: direct.pgSchema, migrate: false, poolSize: 5 });
    const s = await startBridgeStack({
      store: { ...proxied, url: via.toString(), pgSchema: direct.pgSchema },
      env: { SYNC_WAIT_MS: '2000' },
    });
    cleanups.push(async () => {
      await s.close();
      await proxied.close();
    });
    const { token } = await connectedTenant({ store: direct, emu: s.emu, box: s.box }, 'acme');

    // Before the gap: ten users, acknowledged.
    const before: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await scim(s, token, 'POST', '/Users', oktaUser(`gap${i}@example.com`));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      before.push(r.body.id);
    }
    // Shopify slow for the writes around the gap, so some jobs are in flight when the database goes.
    s.emu.control.setFaults({ latencyMs: 300 });
    const around = Promise.all(
      [10, 11, 12].map((i) =>
        scim(s, token, 'PATCH', `/Users/${before[i - 10]}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'name.familyName', value: 'BeforeGap' }],
        }),
      ),
    );
    await new Promise((r) => setTimeout(r, 150));

    await proxy.cut();
    const gapStarted = Date.now();
    const during = await scim(s, token, 'POST', '/Users', oktaUser('during@example.com'));
    assert.equal(during.status, 503, JSON.stringify(during.body));
    assert.ok(Number(during.headers.get('retry-after')) > 0, 'a Retry-After');
    assert.deepEqual(during.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
    assert.equal(during.body.status, '503');
    assert.match(during.headers.get('content-type') ?? '', /application\/scim\+json/);
    const read = await scim(s, token, 'GET', `/Users/${before[0]}`);
    assert.equal(read.status, 503, 'reads too');
    const ready = await fetch(`${s.bridge.url}/readyz`);
    assert.equal(ready.status, 503);
    const readyBody = (await ready.json()) as { checks: { database: { ok: boolean } } };
    assert.equal(readyBody.checks.database.ok, false);
    // The PATCHes that were running may have failed with 503 (not committed) or gone through before the cut.
    const aroundAnswers = (await around).map((r) => r.status);
    assert.ok(
      aroundAnswers.every((st) => st === 200 || st === 503),
      `a write around the cut answered ${aroundAnswers}`,
    );
    await new Promise((r) => setTimeout(r, 1500)); // the gap lasts a while; the worker keeps failing to claim

    await proxy.open();
    // The bridge reconnects by itself: the next requests succeed without a restart.
    let back: Awaited<ReturnType<typeof scim>> | undefined;
    for (let i = 0; i < 100; i++) {
      back = await scim(s, token, 'POST', '/Users', oktaUser('after@example.com'));
      if (back.status !== 503) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(back!.status, 201, `after the gap: ${JSON.stringify(back?.body)}`);
    assert.ok(Date.now() - gapStarted < 30_000);
    assert.equal((await fetch(`${s.bridge.url}/readyz`)).status, 200);

    // Nothing committed is lost, nothing refused was written.
    const users = await direct.db.selectFrom('users').select(['id', 'user_name', 'version']).execute();
    for (const id of before)
      assert.ok(
        users.some((u) => u.id === id),
        `user ${id} kept`,
      );
    assert.ok(!users.some((u) => u.user_name === 'during@example.com'), 'the write refused during the gap left nothing');
    // A PATCH acknowledged with 200 is stored. One answered 503 may or may not have committed (the cut may fall
    // between its commit and its answer): the client sends it again, as it must after a 503, and it lands once.
    for (const [k, st] of aroundAnswers.entries()) {
      if (st === 503) {
        const again = await scim(s, token, 'PATCH', `/Users/${before[k]}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'name.familyName', value: 'BeforeGap' }],
        });
        assert.equal(again.status, 200, JSON.stringify(again.body));
      }
      const u = await scim(s, token, 'GET', `/Users/${before[k]}`);
      assert.equal(u.body.name.familyName, 'BeforeGap', `user ${k} (answered ${st})`);
    }

    // The Shopify work queued before and during the gap drains: every user synced at its current version.
    s.emu.control.clearFaults();
    const end = Date.now() + 30_000;
    for (;;) {
      const links = await direct.db
        .selectFrom('customer_links')
        .innerJoin('users', (j) => j.onRef('users.id', '=', 'customer_links.user_id'))
        .select(['customer_links.sync_state', 'customer_links.synced_version', 'users.version'])
        .execute();
      if (links.length === 11 && links.every((l) => l.sync_state === 'synced' && Number(l.synced_version) === Number(l.version))) break;
      assert.ok(Date.now() < end, `not drained: ${JSON.stringify(links.filter((l) => l.sync_state !== 'synced'))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const dead = await direct.db.selectFrom('outbox_jobs').select('id').where('state', '=', 'dead').execute();
    assert.deepEqual(dead, []);
  },
);
