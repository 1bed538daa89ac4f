// Demo mode as a user runs it (`shopify-scim demo`): credentials printed and saved (0600), a SCIM write reaches the
// in-process emulator, a restart keeps the users, the customers and the token, and a second start breaks nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabase } from '../helpers/db.js';
import { startEmulator } from '../../src/emulator/index.js';
import { openStore } from '../../src/store/db.js';
import { freePort } from '../helpers/http.js';
import { oktaUser, SHOPIFY_EXT } from './harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scim-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Creds {
  scimBaseUrl: string;
  token: string;
  adminUrl: string;
  shopifyGraphqlUrl: string;
  shopifyAccessToken: string;
}

/** Runs the demo command until `fn` is done, then stops it with SIGTERM and checks it exits cleanly. */
async function withDemo(fn: (c: Creds) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--json'], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: '',
      SHOPIFY_SHOP: '',
      SHOPIFY_ACCESS_TOKEN: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const creds = await new Promise<Creds>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`demo did not start: ${out}${err}`)), 30_000);
      child.stderr!.on('data', (d) => (err += d));
      child.stdout!.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{"scimBaseUrl"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Creds);
        }
      });
      void exited.then((code) => reject(new Error(`demo exited with ${code}: ${out}${err}`)));
    });
    await fn(creds);
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'the demo stops cleanly');
  }
}

const scim = async (c: Creds, method: string, path: string, body?: unknown) => {
  const r = await fetch(c.scimBaseUrl + path, {
    method,
    headers: { authorization: `Bearer ${c.token}`, ...(body ? { 'content-type': 'application/scim+json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: (await r.json()) as any };
};

test(
  'the demo prints and saves working credentials, and a restart keeps data and token',
  { skip: testDatabase !== 'sqlite', timeout: 120_000 },
  async () => {
    let first!: Creds;
    let customerId = '';
    await withDemo(async (c) => {
      first = c;
      const file = join(dir, 'demo-credentials.json');
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), c, 'the file holds what was printed');
      assert.equal(statSync(file).mode & 0o777, 0o600, 'only the owner may read the token');
      for (const f of ['shopify-scim.sqlite', 'shopify-scim.sqlite-wal'])
        assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, `only the owner may read ${f}`);
      const metrics = await fetch(new URL('/metrics', c.adminUrl));
      assert.equal(metrics.status, 200, 'demo mode on loopback answers /metrics without a token');
      assert.match(c.scimBaseUrl, /\/scim\/v2\/demo$/);
      assert.match(c.adminUrl, /\/admin$/);
      const admin = await fetch(c.adminUrl);
      assert.equal(admin.status, 200);
      assert.match(admin.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await admin.text(), /\/admin\/api/, 'the admin page says where the admin API is');
      const r = await scim(c, 'POST', '/Users', oktaUser('demo@example.com'));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', JSON.stringify(r.body));
      customerId = r.body[SHOPIFY_EXT].customerId;
    });
    await withDemo(async (c) => {
      assert.equal(c.token, first.token, 'the token still works, so it is kept');
      const list = await scim(c, 'GET', `/Users?filter=${encodeURIComponent('userName eq "demo@example.com"')}`);
      assert.equal(list.body.totalResults, 1, JSON.stringify(list.body));
      const gql = await fetch(c.shopifyGraphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': c.shopifyAccessToken },
        body: JSON.stringify({ query: `{ customer(id: "${customerId}") { id defaultEmailAddress { emailAddress } } }` }),
      });
      const data = (await gql.json()) as { data?: { customer?: { defaultEmailAddress?: { emailAddress?: string } } } };
      assert.equal(data.data?.customer?.defaultEmailAddress?.emailAddress, 'demo@example.com', 'the emulator kept its customers');
    });
  },
);

/** Runs `shopify-scim <args>` until its output matches `ready`, then stops it with SIGTERM; returns what it printed. */
async function runUntil(args: string[], env: Record<string, string>, ready: RegExp): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: '',
      SHOPIFY_SHOP: '',
      SHOPIFY_ACCESS_TOKEN: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`no match for ${ready}: ${out}${err}`)), 30_000);
      child.stderr!.on('data', (d) => (err += d));
      child.stdout!.on('data', (d) => {
        out += d;
        if (ready.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => reject(new Error(`exited with ${code}: ${out}${err}`)));
    });
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'it stops cleanly');
  }
  return out;
}

test(
  '`start` (what npm start runs) is the demo without a shop, and serve with one',
  { skip: testDatabase !== 'sqlite', timeout: 120_000 },
  async () => {
    const demoDir = mkdtempSync(join(tmpdir(), 'scim-start-'));
    const emu = await startEmulator({ port: 0 });
    try {
      const demo = await runUntil(['start'], { DATA_DIR: demoDir }, /Shopify token/);
      assert.match(demo, /SCIM base URL\s+http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/demo/);
      const served = await runUntil(
        ['start'],
        {
          DATA_DIR: join(demoDir, 'served'),
          SHOPIFY_SHOP: emu.shop,
          SHOPIFY_ACCESS_TOKEN: emu.accessToken,
          SHOPIFY_WEBHOOK_SECRET: emu.clientSecret,
          SHOPIFY_API_BASE_URL: emu.url,
        },
        /listening on/,
      );
      assert.match(served, /shopify-scim listening on http:\/\/127\.0\.0\.1:\d+ \(database: sqlite\)/);
      assert.doesNotMatch(served, /SCIM token/, 'serve prints no demo credentials');
    } finally {
      await emu.close();
      rmSync(demoDir, { recursive: true, force: true });
    }
  },
);

test(
  'a second demo beside a running one fails on the port and leaves the running demo, its shop connection and tokens as they were',
  { skip: testDatabase !== 'sqlite', timeout: 120_000 },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scim-twice-'));
    const port = await freePort();
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: '',
      SHOPIFY_SHOP: '',
      SHOPIFY_ACCESS_TOKEN: '',
    };
    const spawnDemo = () =>
      spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--json'], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const first = spawnDemo();
    const firstExited = new Promise<number | null>((r) => first.once('exit', (code) => r(code)));
    const stored = async () => {
      const store = await openStore({ url: `sqlite:${join(dataDir, 'shopify-scim.sqlite')}`, migrate: false });
      try {
        const t = await store.db.selectFrom('tenants').select(['id', 'settings']).where('name', '=', 'demo').executeTakeFirstOrThrow();
        const tokens = await store.db.selectFrom('clients').select('id').where('tenant_id', '=', t.id).execute();
        return { shop: JSON.parse(t.settings).shopify, tokens: tokens.length };
      } finally {
        await store.close();
      }
    };
    try {
      const creds = await new Promise<Creds>((resolve, reject) => {
        let out = '';
        first.stdout!.on('data', (d) => {
          out += d;
          const line = out.split('\n').find((l) => l.startsWith('{"scimBaseUrl"'));
          if (line) resolve(JSON.parse(line) as Creds);
        });
        void firstExited.then((code) => reject(new Error(`the first demo exited with ${code}: ${out}`)));
      });
      const before = await stored();

      const second = spawnDemo();
      let output = '';
      second.stdout!.on('data', (d) => (output += d));
      second.stderr!.on('data', (d) => (output += d));
      const code = await new Promise<number | null>((r) => second.once('exit', (c) => r(c)));
      assert.equal(code, 1, output);
      assert.deepEqual(await stored(), before, 'the running demo keeps its shop connection and no token was added');
      assert.match(
        output,
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use: is another shopify-scim \\(npm start\\) already running\\?`),
        output,
      );
      const r = await scim(creds, 'POST', '/Users', oktaUser('still.running@example.com'));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', `the running demo still reaches its emulator: ${JSON.stringify(r.body)}`);
    } finally {
      first.kill('SIGTERM');
      assert.equal(await firstExited, 0, 'the first demo stops cleanly');
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
