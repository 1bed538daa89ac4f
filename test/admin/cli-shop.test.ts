// The commands beside a running bridge: `tenant create` / `token create` print the address the bridge recorded (or
// say their address is a guess), and `shop connect|show|check|disconnect` connect a tenant end to end as processes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabase } from '../helpers/db.js';
import { freePort } from '../helpers/http.js';
import { newSecretBox } from '../helpers/stack.js';
import { loadConfig } from '../../src/config.js';
import { startBridge, type Bridge } from '../../src/server.js';
import { startEmulator } from '../../src/emulator/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scim-cli-shop-'));
const { secretKey } = newSecretBox();
after(() => rmSync(dir, { recursive: true, force: true }));
const skip = testDatabase === 'postgres' ? 'the commands run on SQLite in a scratch DATA_DIR (covered by the SQLite run)' : false;

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs `shopify-scim …args` as its own process, with no PUBLIC_URL in its environment. */
function cli(...args: string[]): Promise<Run> {
  const env = {
    ...process.env,
    DATA_DIR: dir,
    DATABASE_URL: '',
    PUBLIC_URL: '',
    PORT: '',
    SECRET_KEY: secretKey,
    LOG_LEVEL: 'silent',
    SHOPIFY_SHOP: '',
    SHOPIFY_ACCESS_TOKEN: '',
    ADMIN_TOKEN: '',
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: root, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout.trim(), err: stderr.trim() });
      },
    );
  });
}
const json = (r: Run) => {
  try {
    return JSON.parse(r.out);
  } catch {
    throw new Error(`not one JSON object (exit ${r.code}): ${r.out}\n${r.err}`);
  }
};

test(
  'tenant create and token create say their address is a guess until a bridge has recorded the one clients reach',
  { skip },
  async () => {
    const guessed = await cli('tenant', 'create', 'early', '--json');
    assert.equal(guessed.code, 0, guessed.err);
    const g = json(guessed);
    assert.deepEqual([g.scimBaseUrl, g.scimBaseUrlSource], ['http://localhost:8080/scim/v2/early', 'guess']);
    assert.match(g.note, /^a guess: no bridge has started against this database yet and PUBLIC_URL is not set here/);
    const text = await cli('token', 'create', '--tenant', 'early', '--label', 'okta');
    assert.match(text.out, /SCIM base URL: http:\/\/localhost:8080\/scim\/v2\/early\n {2}\(a guess: /, text.out);

    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const bridge = await startBridge({
      config: loadConfig({
        DATA_DIR: dir,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: publicUrl,
        SECRET_KEY: secretKey,
        LOG_LEVEL: 'silent',
        RECONCILE_INTERVAL_MS: '0',
      }),
    });
    try {
      const t = json(await cli('token', 'create', '--tenant', 'early', '--label', 'entra', '--json'));
      assert.deepEqual(
        [t.scimBaseUrl, t.scimBaseUrlSource, t.note],
        [`${publicUrl}/scim/v2/early`, 'bridge', undefined],
        "the running bridge's PUBLIC_URL",
      );
      assert.ok(t.examples.curl.includes(`${publicUrl}/scim/v2/early/Users`), t.examples.curl);
    } finally {
      await bridge.close();
    }
  },
);

test(
  'shop connect needs the webhook secret with a token, subscribes the running bridge, and shop check, show and disconnect work from the command line',
  { skip, timeout: 120_000 },
  async () => {
    const emu = await startEmulator({ port: 0 });
    const port = await freePort();
    let bridge: Bridge | undefined;
    try {
      bridge = await startBridge({
        config: loadConfig({
          DATA_DIR: dir,
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          SECRET_KEY: secretKey,
          LOG_LEVEL: 'silent',
          RECONCILE_INTERVAL_MS: '0',
        }),
      });
      assert.equal((await cli('tenant', 'create', 'wired')).code, 0);
      const base = [
        'shop',
        'connect',
        '--tenant',
        'wired',
        '--shop',
        emu.shop,
        '--api-base-url',
        emu.url,
        '--access-token',
        emu.accessToken,
      ];
      const noSecret = await cli(...base);
      assert.equal(noSecret.code, 1);
      assert.match(noSecret.err, /^error: an accessToken needs its webhookSecret/);
      const wrong = await cli(
        'shop',
        'connect',
        '--tenant',
        'wired',
        '--shop',
        emu.shop,
        '--api-base-url',
        emu.url,
        '--access-token',
        'shpat_wrong',
        '--webhook-secret',
        emu.clientSecret,
        '--json',
      );
      assert.equal(wrong.code, 1);
      assert.equal(json(wrong).error, 'SHOP_CHECK_FAILED');

      const connected = await cli(...base, '--webhook-secret', emu.clientSecret, '--json');
      assert.equal(connected.code, 0, connected.err);
      const c = json(connected);
      assert.deepEqual([c.connected, c.auth, c.clientSecret, c.webhooks?.ok], [true, 'token', 'set', true], connected.out);
      assert.ok(!connected.out.includes(emu.clientSecret) && !connected.out.includes(emu.accessToken), 'no secret is printed');

      const check = await cli('shop', 'check', '--tenant', 'wired', '--json');
      assert.equal(check.code, 0, check.out + check.err);
      const r = json(check);
      assert.deepEqual(
        [r.ok, r.webhooks.callbackUrl, r.webhooks.missing, r.webhooks.testDelivery?.ok],
        [true, `http://127.0.0.1:${port}/webhooks/shopify/wired`, [], true],
        check.out,
      );
      const checkText = await cli('shop', 'check', '--tenant', 'wired');
      assert.match(checkText.out, /test delivery accepted by the receiver\nOK: the bridge can work with this shop\./, checkText.out);

      const show = json(await cli('shop', 'show', '--tenant', 'wired', '--json'));
      assert.deepEqual([show.shop, show.accessToken], [emu.shop, 'set']);
      const gone = await cli('shop', 'disconnect', '--tenant', 'wired');
      assert.equal(gone.code, 0, gone.err);
      const after = await cli('shop', 'check', '--tenant', 'wired', '--json');
      assert.deepEqual([after.code, json(after).error], [1, 'SHOP_NOT_CONNECTED']);

      const t = await bridge.store.db.selectFrom('tenants').select('id').where('name', '=', 'wired').executeTakeFirstOrThrow();
      const log = await bridge.store.db
        .selectFrom('audit_log')
        .select(['actor', 'action'])
        .where('tenant_id', '=', t.id)
        .where('action', 'like', 'shop.%')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        log.map((e) => [e.actor, e.action]),
        [
          ['cli', 'shop.connect'],
          ['cli', 'shop.disconnect'],
        ],
      );
    } finally {
      await bridge?.close();
      await emu.close();
    }
  },
);
