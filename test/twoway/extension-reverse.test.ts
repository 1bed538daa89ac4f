// A reverse rule that writes an attribute of an extension schema the tenant declares, on every path that builds or
// changes a SCIM user from Shopify's data: a webhook, reconcile, import, and a customer created in Shopify.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { withExtensionRule } from '../helpers/settings.js';
import { importCustomers } from '../../src/sync/import.js';
import { reconcileTenant } from '../../src/sync/reconcile.js';
import { startTwoWay, scimUser, SHOPIFY_EXT, type TwoWayStack } from './harness.js';

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay({
    settings: withExtensionRule(
      ACME,
      [
        { name: 'storeNote', type: 'string' },
        { name: 'badge', type: 'string' },
      ],
      {
        id: 'store-note',
        source: `${ACME}:storeNote`,
        target: { kind: 'field', field: 'note' },
        transforms: [{ op: 'trim' }],
        direction: 'toScim',
        onInvalid: 'reject',
      },
    ),
  });
});
after(async () => {
  await s?.close();
});

const deps = () => ({ ...s.twoWay.deps, pollIntervalMs: 20 });

/** The SCIM user (over HTTP) whose userName is `userName`, or undefined. */
async function byUserName(userName: string): Promise<any> {
  const r = await s.req('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
  assert.equal(r.status, 200, r.dump);
  return r.body.Resources?.[0];
}

const storeNote = async (id: string) => {
  const r = await s.req('GET', `/Users/${id}`);
  assert.equal(r.status, 200, r.dump);
  return r.body[ACME]?.storeNote as string | undefined;
};

async function withoutWebhooks<T>(change: () => T): Promise<T> {
  s.emu.control.setFaults({ dropWebhookRate: 1 });
  try {
    const r = change();
    await s.settled();
    return r;
  } finally {
    s.emu.control.clearFaults();
  }
}

const importShopifyCreated = (on: boolean) => s.setSettings({ policies: { importShopifyCreated: on } });

test("a staff edit reaches the tenant's extension attribute through the webhook, and through reconcile when the webhook is lost", async () => {
  const r = await s.req(
    'POST',
    '/Users',
    scimUser('ext.webhook@example.com', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ACME], [ACME]: { badge: 'B-7' } }),
  );
  assert.equal(r.status, 201, r.dump);
  const id = r.body.id as string;
  const cid = r.body[SHOPIFY_EXT].customerId as string;
  await s.settled();

  s.emu.control.updateCustomer(cid, { note: 'Prefers pickup' });
  await s.settled();
  const outcomes = await s.store.db
    .selectFrom('webhook_events')
    .select(['topic', 'outcome'])
    .where('payload', 'like', `%${cid}"%`)
    .execute();
  assert.equal(await storeNote(id), 'Prefers pickup', `the webhook wrote the extension attribute: ${JSON.stringify(outcomes)}`);
  const got = await s.req('GET', `/Users/${id}`);
  assert.equal(got.body[ACME].badge, 'B-7', 'the other attribute of the schema is kept');
  assert.ok(got.body.schemas.includes(ACME), got.dump);

  await reconcileTenant(deps(), await s.tenant(), { repair: true, full: true });
  await withoutWebhooks(() => s.emu.control.updateCustomer(cid, { note: 'Delivers on Fridays' }));
  assert.equal(await storeNote(id), 'Prefers pickup', 'the lost webhook changed nothing');
  const rec = await reconcileTenant(deps(), await s.tenant(), { repair: true });
  assert.deepEqual(
    rec.missedUpdates.map((x) => [x.userId, x.outcome]),
    [[id, 'applied']],
    JSON.stringify(rec),
  );
  assert.equal(await storeNote(id), 'Delivers on Fridays', 'reconcile wrote the extension attribute');
});

test("customers created in Shopify become SCIM users with the tenant's extension attribute: by webhook, by reconcile and by import", async () => {
  await importShopifyCreated(true);
  try {
    s.emu.control.createCustomer({ firstName: 'Hedy', lastName: 'Lamarr', email: 'hedy@example.com', note: 'Frequency hopping' });
    await s.settled();
    const hedy = await byUserName('hedy@example.com');
    assert.ok(hedy, 'the customers/create webhook made a SCIM user');
    assert.equal(hedy[ACME]?.storeNote, 'Frequency hopping', JSON.stringify(hedy));
    assert.ok(hedy.schemas.includes(ACME), JSON.stringify(hedy));

    const joan = await withoutWebhooks(
      () => s.emu.control.createCustomer({ firstName: 'Joan', lastName: 'Clarke', email: 'joan@example.com', note: 'Hut 8' }).customer!,
    );
    assert.equal(await byUserName('joan@example.com'), undefined, 'the lost webhook made no user');
    const rec = await reconcileTenant(deps(), await s.tenant(), { repair: true, full: true });
    assert.deepEqual(
      rec.created.map((x) => [x.customerId, x.outcome]),
      [[joan.id, 'created']],
      JSON.stringify(rec),
    );
    assert.equal((await byUserName('joan@example.com'))?.[ACME]?.storeNote, 'Hut 8');
  } finally {
    await importShopifyCreated(false);
  }

  const mary = s.emu.control.createCustomer({
    firstName: 'Mary',
    lastName: 'Somerville',
    email: 'mary@example.com',
    note: 'Orbits',
  }).customer!;
  await s.settled();
  assert.equal(await byUserName('mary@example.com'), undefined, 'without the policy a new customer makes no user');
  const imp = await importCustomers(deps(), await s.tenant(), { createUsers: true });
  assert.equal(imp.created, 1, JSON.stringify(imp));
  const made = await byUserName('mary@example.com');
  assert.equal(made?.[ACME]?.storeNote, 'Orbits', JSON.stringify(made));
  assert.equal(made?.[SHOPIFY_EXT]?.customerId, mary.id);
});
