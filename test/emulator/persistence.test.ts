import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import { emulator } from './helpers.js';

test('customers, definitions, subscriptions and issued tokens survive a restart with the same file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-persist-'));
  const file = join(dir, 'shop.json');
  const creds = { accessToken: 'shpat_keep', clientId: 'cid', clientSecret: 'csecret', persistFile: file };
  try {
    const first = await emulator(creds);
    const c = first.em.control.createCustomer({ email: 'kept@example.com', tags: ['t'] }).customer!;
    await first.data(
      'mutation { metafieldDefinitionCreate(definition: { name: "x", namespace: "scim", key: "id", type: "id", ownerType: CUSTOMER, capabilities: { uniqueValues: { enabled: true } } }) { userErrors { message } } }',
    );
    await first.data(
      'mutation { webhookSubscriptionCreate(topic: CUSTOMERS_UPDATE, webhookSubscription: { uri: "https://example.com/hook" }) { userErrors { message } } }',
    );
    const tok = (await (
      await fetch(`${first.em.url}/admin/oauth/access_token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=cid&client_secret=csecret',
      })
    ).json()) as { access_token: string };
    await first.em.close();
    assert.ok(JSON.parse(readFileSync(file, 'utf8')).shop.customers.length === 1, 'written on close');

    const second = await emulator(creds);
    try {
      const d = await second.data(
        'query($id: ID!) { customer(id: $id) { email tags } webhookSubscriptions(first: 5) { nodes { uri } } metafieldDefinitions(first: 5, ownerType: CUSTOMER) { nodes { key } } }',
        { id: c.id },
      );
      assert.deepEqual(d.customer, { email: 'kept@example.com', tags: ['t'] });
      assert.deepEqual(d.webhookSubscriptions.nodes, [{ uri: 'https://example.com/hook' }]);
      assert.deepEqual(d.metafieldDefinitions.nodes, [{ key: 'id' }]);
      assert.equal((await second.gql('{ shop { name } }', {}, tok.access_token)).status, 200, 'client-credentials token still valid');
      const next = second.em.control.createCustomer({ email: 'new@example.com' }).customer!;
      assert.notEqual(next.id, c.id, 'ids continue instead of restarting');
    } finally {
      await second.em.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('changes are saved shortly after they happen, not only on close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-persist-'));
  const file = join(dir, 'nested', 'shop.json');
  try {
    const t = await emulator({ persistFile: file });
    try {
      t.em.control.createCustomer({ email: 'soon@example.com' });
      await new Promise((r) => setTimeout(r, 250));
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      assert.deepEqual(
        saved.shop.customers.map((c: { email: string }) => c.email),
        ['soon@example.com'],
      );
    } finally {
      await t.em.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreadable state file stops the start with a message naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-persist-'));
  const file = join(dir, 'broken.json');
  writeFileSync(file, '{not json');
  try {
    await assert.rejects(startEmulator({ persistFile: file }), (e: Error) => e.message.includes(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
