import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulatorBanner, emulatorCommand } from '../../src/cli/emulator.js';
import type { Emulator } from '../../src/emulator/index.js';

test('`emulator` starts with the given flags and prints the GraphQL URL, token and client credentials', async () => {
  let em: Emulator | undefined;
  const printed: string[] = [];
  const log = console.log;
  console.log = (s: string) => printed.push(s);
  try {
    await emulatorCommand((e) => (em = e)).parseAsync(
      [
        '--port',
        '0',
        '--shop',
        'cli-shop.myshopify.com',
        '--access-token',
        'shpat_cli',
        '--client-id',
        'cid',
        '--client-secret',
        'sec',
        '--bucket-size',
        '50',
        '--restore-rate',
        '5',
        '--json',
      ],
      { from: 'user' },
    );
  } finally {
    console.log = log;
  }
  assert.ok(em, 'started');
  try {
    const out = JSON.parse(printed[0]);
    assert.deepEqual([out.shop, out.accessToken, out.clientId, out.clientSecret], ['cli-shop.myshopify.com', 'shpat_cli', 'cid', 'sec']);
    assert.equal(out.graphqlUrl, em.graphqlUrl);
    const r = await fetch(out.graphqlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': 'shpat_cli' },
      body: '{"query":"{ shop { myshopifyDomain } }"}',
    });
    const body = (await r.json()) as {
      data: unknown;
      extensions: { cost: { throttleStatus: { maximumAvailable: number; restoreRate: number } } };
    };
    assert.deepEqual(body.data, { shop: { myshopifyDomain: 'cli-shop.myshopify.com' } });
    assert.deepEqual([body.extensions.cost.throttleStatus.maximumAvailable, body.extensions.cost.throttleStatus.restoreRate], [50, 5]);
    const banner = emulatorBanner(em);
    for (const part of [em.graphqlUrl, 'shpat_cli', 'cid', 'sec']) assert.ok(banner.includes(part), `banner shows ${part}:\n${banner}`);
  } finally {
    await em.close();
  }
});

test('`emulator` refuses a bucket size that is not a positive integer', async () => {
  const errors: string[] = [];
  const cmd = emulatorCommand()
    .exitOverride()
    .configureOutput({ writeErr: (s) => errors.push(s) });
  await assert.rejects(cmd.parseAsync(['--bucket-size', '-3'], { from: 'user' }));
  assert.match(errors.join(''), /bucket size must be a positive integer/);
});
