// Import and reconciliation end to end against the emulator: linking a store's customers by custom id and by email
// (and creating users for the rest), and repairing a lost link, missed webhooks, a deletion and a lost subscription.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { Store } from '../../src/store/db.js';
import { UserRepository } from '../../src/store/users.js';
import { deleteWebhookSubscription, listWebhookSubscriptions } from '../../src/shopify/webhooks.js';
import { importCustomers } from '../../src/sync/import.js';
import { reconcileTenant } from '../../src/sync/reconcile.js';
import { importCommand, reconcileCommand } from '../../src/cli/sync-commands.js';
import { startTwoWay, scimUser, SHOPIFY_EXT, type TwoWayStack } from './harness.js';

let s: TwoWayStack;
let dataDir: string;
before(async () => {
  s = await startTwoWay();
  dataDir = mkdtempSync(join(tmpdir(), 'twoway-cli-'));
});
after(async () => {
  await s?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const users = new UserRepository();
const link = (userId: string) => s.store.db.selectFrom('customer_links').selectAll().where('user_id', '=', userId).executeTakeFirst();
const customId = (customerId: string) =>
  s.emu.control.customer(customerId)?.metafields.find((m) => m.namespace === 'shopify_scim' && m.key === 'scim_id')?.value;

/** A SCIM user that exists without any Shopify link (a directory that predates the bridge). */
async function unlinkedUser(userName: string, given: string, family: string) {
  return users.insert(
    s.store.db,
    s.tenantId,
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      name: { givenName: given, familyName: family },
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
    },
    null,
  );
}

/** Runs a CLI command in this process against the test's database; returns what it printed as JSON. */
async function cli(make: typeof importCommand, args: string[]): Promise<{ out: any; exitCode: number | undefined }> {
  const config = () => loadConfig({ DATA_DIR: dataDir, SECRET_KEY: s.secretKey, PUBLIC_URL: s.url, LOG_LEVEL: 'silent' });
  const store = async () => ({ ...s.store, close: async () => {} }) as Store;
  const lines: string[] = [];
  const log = console.log;
  const saved = process.exitCode;
  console.log = (x: unknown) => lines.push(String(x));
  process.exitCode = undefined;
  try {
    await make({ config, store }).parseAsync([...args, '--json'], { from: 'user' });
    return { out: JSON.parse(lines.join('\n')), exitCode: process.exitCode as number | undefined };
  } finally {
    console.log = log;
    process.exitCode = saved;
  }
}

test('import links customers by custom id, then by email, and with --create-users makes users for the rest', async () => {
  const client = s.engine.shops.clientFor(await s.tenant())!;
  await s.engine.shops.ensureCustomId(client, { namespace: 'shopify_scim', key: 'scim_id' });
  const byEmail = await unlinkedUser('linus@example.com', 'Linus', 'Torvalds');
  const byId = await unlinkedUser('ken@example.com', 'Ken', 'Thompson');
  const differs = await unlinkedUser('dennis@example.com', 'Dennis', 'Ritchie');
  const a = s.emu.control.createCustomer({ firstName: 'Linus', lastName: 'Torvalds', email: 'linus@example.com' }).customer!;
  const b = s.emu.control.createCustomer({
    firstName: 'Ken',
    lastName: 'Thompson',
    email: 'kt@old-mail.example.com',
    metafields: [{ namespace: 'shopify_scim', key: 'scim_id', type: 'id', value: byId.id }],
  }).customer!;
  const c = s.emu.control.createCustomer({ firstName: 'Dennis', lastName: 'R.', email: 'dennis@example.com' }).customer!;
  const d = s.emu.control.createCustomer({ firstName: 'Margaret', lastName: 'Hamilton', email: 'margaret@example.com' }).customer!;
  await s.settled();

  const dry = await importCustomers({ ...s.twoWay.deps, pollIntervalMs: 20 }, await s.tenant(), {});
  assert.deepEqual(
    { id: dry.linkedByCustomId, email: dry.linkedByEmail, outOfSync: dry.linkedOutOfSync, created: dry.created, unmatched: dry.unmatched },
    { id: 1, email: 2, outOfSync: 2, created: 0, unmatched: 1 },
    JSON.stringify(dry),
  );
  assert.equal((await link(byEmail.id))?.customer_id, a.id);
  assert.equal((await link(byId.id))?.customer_id, b.id, 'the custom id wins over a different email');
  assert.equal((await link(differs.id))?.customer_id, c.id);
  await s.until('the custom id written on the customer linked by email', () => customId(a.id) === byEmail.id);
  await s.until(
    'the engine to bring the differing customers in line with SCIM',
    () => s.emu.control.customer(c.id)?.lastName === 'Ritchie' && s.emu.control.customer(b.id)?.email === 'ken@example.com',
  );
  assert.equal((await link(byEmail.id))?.sync_state, 'synced', 'a customer that already matches needs no write');

  const run = await cli(importCommand, ['--tenant', 'acme', '--create-users']);
  assert.equal(run.out.alreadyLinked, 3, JSON.stringify(run.out));
  assert.equal(run.out.created, 1, JSON.stringify(run.out));
  const made = await s.req('GET', `/Users?filter=${encodeURIComponent('userName eq "margaret@example.com"')}`);
  assert.equal(made.body.totalResults, 1, made.dump);
  assert.equal(made.body.Resources[0].name.familyName, 'Hamilton', made.dump);
  assert.equal(made.body.Resources[0][SHOPIFY_EXT]?.customerId, d.id, made.dump);
  await s.until('the custom id on the imported customer', () => customId(d.id) === made.body.Resources[0].id);
});

test('reconcile finds and repairs a lost link, missed webhooks, a deletion and a lost subscription', async () => {
  const mk = async (userName: string) => {
    const r = await s.req('POST', '/Users', scimUser(userName));
    assert.equal(r.status, 201, r.dump);
    return { id: r.body.id as string, customerId: r.body[SHOPIFY_EXT].customerId as string };
  };
  const lost = await mk('barbara.liskov@example.com');
  const edited = await mk('frances.allen@example.com');
  const deleted = await mk('jean.sammet@example.com');
  await s.settled();
  const tenant = await s.tenant();
  const deps = { ...s.twoWay.deps, pollIntervalMs: 20 };
  const clean = await reconcileTenant(deps, tenant, { full: true });
  assert.equal(
    clean.missedUpdates.length + clean.lostLinks.length + clean.deletedCustomers.length,
    0,
    `no drift at first: ${JSON.stringify(clean)}`,
  );

  await s.store.db.deleteFrom('customer_links').where('user_id', '=', lost.id).execute();
  s.emu.control.setFaults({ dropWebhookRate: 1 });
  try {
    s.emu.control.updateCustomer(edited.customerId, { lastName: 'Allen-Kennedy' });
    s.emu.control.deleteCustomer(deleted.customerId);
    await s.settled();
  } finally {
    s.emu.control.clearFaults();
  }
  const client = s.engine.shops.clientFor(tenant)!;
  const sub = (await listWebhookSubscriptions(client)).find((x) => x.topic === 'CUSTOMERS_UPDATE')!;
  await deleteWebhookSubscription(client, sub.id);
  assert.equal((await s.req('GET', `/Users/${edited.id}`)).body.name.familyName, 'Allen', 'the dropped webhook changed nothing');

  const found = await cli(reconcileCommand, ['--tenant', 'acme']);
  assert.equal(found.exitCode, 3, 'drift found and not repaired');
  assert.deepEqual(
    found.out.lostLinks.map((x: any) => x.userId),
    [lost.id],
    JSON.stringify(found.out),
  );
  assert.deepEqual(
    found.out.missedUpdates.map((x: any) => x.userId),
    [edited.id],
    JSON.stringify(found.out),
  );
  assert.deepEqual(
    found.out.deletedCustomers.map((x: any) => x.userId),
    [deleted.id],
    JSON.stringify(found.out),
  );
  assert.deepEqual(found.out.subscriptions.missing, ['CUSTOMERS_UPDATE']);
  assert.equal(await link(lost.id), undefined, 'a report changes nothing');

  const fixed = await cli(reconcileCommand, ['--tenant', 'acme', '--repair']);
  assert.equal(fixed.exitCode, undefined, JSON.stringify(fixed.out));
  assert.equal((await link(lost.id))?.customer_id, lost.customerId, 'the link is rebuilt from the custom-id metafield');
  assert.equal((await s.req('GET', `/Users/${lost.id}`)).body[SHOPIFY_EXT]?.customerId, lost.customerId);
  assert.equal((await s.req('GET', `/Users/${edited.id}`)).body.name.familyName, 'Allen-Kennedy', 'the missed edit is applied');
  assert.equal((await s.req('GET', `/Users/${deleted.id}`)).body.active, false, 'the deleted customer deactivated its user');
  assert.ok(
    (await listWebhookSubscriptions(client)).some((x) => x.topic === 'CUSTOMERS_UPDATE'),
    'the subscription is back',
  );

  const after = await reconcileTenant(deps, await s.tenant(), { full: true });
  assert.equal(
    after.missedUpdates.length + after.lostLinks.length + after.deletedCustomers.length + after.subscriptions.missing.length,
    0,
    JSON.stringify(after),
  );
});

test('an incremental reconcile after a repaired run finds an edit whose webhook was lost', async () => {
  const r = await s.req('POST', '/Users', scimUser('adele.goldberg@example.com'));
  const id = r.body.id as string;
  const cid = r.body[SHOPIFY_EXT].customerId as string;
  await s.settled();
  const deps = { ...s.twoWay.deps, pollIntervalMs: 20 };
  await reconcileTenant(deps, await s.tenant(), { repair: true, full: true });
  s.emu.control.setFaults({ dropWebhookRate: 1 });
  try {
    s.emu.control.updateCustomer(cid, { firstName: 'Adele E.' });
    await s.settled();
  } finally {
    s.emu.control.clearFaults();
  }
  const inc = await reconcileTenant(deps, await s.tenant(), { repair: true });
  assert.equal(inc.mode, 'incremental');
  assert.deepEqual(
    inc.missedUpdates.map((x) => [x.userId, x.outcome]),
    [[id, 'applied']],
    JSON.stringify(inc),
  );
  assert.equal((await s.req('GET', `/Users/${id}`)).body.name.givenName, 'Adele E.');
});
