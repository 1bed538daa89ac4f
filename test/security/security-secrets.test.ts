// Secrets at rest: a Shopify access token and client secret, a SCIM target's token and a webhook target's secret,
// written through the admin API, are nowhere in the database in clear: not in the SQLite file (or its WAL), not in
// any PostgreSQL row. A key rotation re-seals all of them under a new key, in one transaction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { startAdminStack, type AdminStack } from '../admin/harness.js';
import { testDatabase } from '../helpers/db.js';
import { SecretBox, resealDeep } from '../../src/security/secrets.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { readShopSettings } from '../../src/sync/shops.js';

let stack: AdminStack;
const scimTargetToken = `remote-scim-token-${randomBytes(12).toString('hex')}`;
let webhookSecret = '';
let scimToken = '';

before(async () => {
  stack = await startAdminStack();
  const t = await stack.tenant('acme');
  scimToken = t.token;
  const scim = await stack.admin('POST', '/tenants/acme/targets', {
    kind: 'scim',
    id: 'crm',
    baseUrl: 'https://crm.example.com/scim/v2',
    token: scimTargetToken,
  });
  assert.equal(scim.status, 201, scim.dump);
  const hook = await stack.admin('POST', '/tenants/acme/targets', { kind: 'webhook', id: 'events', url: 'https://hooks.example.com/in' });
  assert.equal(hook.status, 201, hook.dump);
  webhookSecret = hook.body.secret;
  assert.match(webhookSecret, /^whsec_/);
});
after(() => stack?.close());

/** Everything the database holds, as text: the SQLite file and its WAL, or every row of every table of the schema. */
async function databaseText(): Promise<string> {
  if (testDatabase === 'sqlite') {
    const file = stack.store.url.slice('sqlite:'.length);
    return [file, `${file}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const tables = await sql<{
    t: string;
  }>`select table_name as t from information_schema.tables where table_schema = current_schema()`.execute(stack.store.db);
  assert.ok(tables.rows.length > 10, 'the schema has its tables');
  const out: string[] = [];
  for (const { t } of tables.rows) {
    const rows = await sql<{ j: string }>`select row_to_json(x)::text as j from ${sql.table(t)} x`.execute(stack.store.db);
    out.push(...rows.rows.map((r) => r.j));
  }
  return out.join('\n');
}

const secrets = () => ({
  'Shopify access token': stack.emu.accessToken,
  'Shopify client secret': stack.emu.clientSecret,
  'SCIM target token': scimTargetToken,
  'webhook target secret': webhookSecret,
  'webhook target key': webhookSecret.slice('whsec_'.length),
  'SCIM bearer token': scimToken,
});

test('no secret written through the admin API is in the database in clear', async () => {
  const text = await databaseText();
  // the search can find what is there: the shop's domain and the target's URL are stored in clear
  assert.ok(text.includes(stack.emu.shop), 'the shop domain is found, so the search works');
  assert.ok(text.includes('https://crm.example.com/scim/v2'));
  for (const [what, value] of Object.entries(secrets())) {
    assert.ok(value.length >= 16, `${what} is long enough to be searched for`);
    assert.ok(!text.includes(value), `${what} is stored in clear`);
  }
  // what is stored is AES-256-GCM sealed, and opens with the server's key
  const t = (await new TenantRepository(stack.store.db).byName('acme'))!;
  const shopify = t.settings.shopify as Record<string, string>;
  assert.ok(SecretBox.isSealed(shopify.accessToken!) && SecretBox.isSealed(shopify.clientSecret!));
  assert.equal(readShopSettings(t.settings, stack.box)?.accessToken, stack.emu.accessToken);
  const listed = await stack.admin('GET', '/tenants/acme');
  for (const [what, value] of Object.entries(secrets())) assert.ok(!listed.text.includes(value), `the admin API shows the ${what}`);
});

test('a key rotation re-seals every secret under the new key in one transaction; the old key opens none of them', async () => {
  const from = stack.box;
  const to = new SecretBox(randomBytes(32));
  let count = 0;
  const repo = new TenantRepository(stack.store.db, 'cli');
  // a secret that does not open with the current key stops the whole rotation, changing nothing
  const other = await repo.create('other');
  await repo.changeSettings(
    other.id,
    (s) => void (s.shopify = { shop: 'x.myshopify.com', accessToken: new SecretBox(randomBytes(32)).seal('t') }),
  );
  const before = await databaseText();
  await assert.rejects(repo.rewriteAllSettings((s) => resealDeep(s, from, to).value as Record<string, unknown>));
  assert.equal(await databaseText(), before, 'nothing changed');
  await repo.delete(other.id);

  const n = await repo.rewriteAllSettings((s) => {
    const r = resealDeep(s, from, to);
    count += r.count;
    return r.count ? (r.value as Record<string, unknown>) : undefined;
  });
  assert.equal(n, 1);
  assert.equal(count, 4, 'access token, client secret, target token, webhook secret');
  const t = (await repo.byName('acme'))!;
  assert.equal(readShopSettings(t.settings, to)?.accessToken, stack.emu.accessToken);
  assert.throws(() => readShopSettings(t.settings, from), 'the old key opens nothing');
  const targets = t.settings.targets as { token?: string; secret?: string }[];
  assert.equal(to.open(targets[0]!.token!), scimTargetToken);
  assert.equal(to.open(targets[1]!.secret!), webhookSecret);
  const text = await databaseText();
  for (const [what, value] of Object.entries(secrets())) assert.ok(!text.includes(value), `${what} in clear after the rotation`);
});
