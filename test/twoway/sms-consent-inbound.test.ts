// SMS marketing consent read back from Shopify: a merchant's change reaches the SCIM attribute a `both` rule maps it
// from, through Shopify's SMS consent webhook, and through reconcile (the customers query and the bulk export) when
// that webhook was lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { smsConsentRule, withExtensionRule } from '../helpers/settings.js';
import { reconcileTenant } from '../../src/sync/reconcile.js';
import { startTwoWay, scimUser, SHOPIFY_EXT, type TwoWayStack } from './harness.js';

const MKT = 'urn:example:params:scim:schemas:extension:marketing:2.0:User';

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay({ settings: withExtensionRule(MKT, [{ name: 'smsOptIn', type: 'boolean' }], smsConsentRule(MKT, 'both')) });
});
after(async () => {
  await s?.close();
});

const smsOptIn = async (id: string) => {
  const r = await s.req('GET', `/Users/${id}`);
  assert.equal(r.status, 200, r.dump);
  return r.body[MKT]?.smsOptIn as boolean | undefined;
};

/** A merchant's change in the Shopify admin, its webhooks lost on the way. */
async function withoutWebhooks(change: () => void) {
  s.emu.control.setFaults({ dropWebhookRate: 1 });
  try {
    change();
    await s.settled();
  } finally {
    s.emu.control.clearFaults();
  }
}

test("a merchant's SMS consent change in Shopify reaches the mapped SCIM attribute, by webhook and by reconcile", async () => {
  const r = await s.req(
    'POST',
    '/Users',
    scimUser('sms.optin@example.com', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', MKT],
      phoneNumbers: [{ value: '+14155550177', type: 'mobile', primary: true }],
      [MKT]: { smsOptIn: true },
    }),
  );
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
  const id = r.body.id as string;
  const cid = r.body[SHOPIFY_EXT].customerId as string;
  assert.equal(s.emu.control.customer(cid)?.smsMarketingConsent?.marketingState, 'SUBSCRIBED');
  await s.settled();
  const version = (await s.req('GET', `/Users/${id}`)).body.meta.version;
  assert.equal(await smsOptIn(id), true, "the echo of the bridge's own consent write changes nothing");
  assert.equal((await s.req('GET', `/Users/${id}`)).body.meta.version, version);
  const syncs = async () =>
    (await s.store.db.selectFrom('outbox_jobs').select('id').where('key', '=', `user:${id}`).where('kind', '=', 'user.sync').execute())
      .length;
  const syncsBefore = await syncs();

  // Webhook: the merchant unsubscribes the customer from SMS marketing.
  const edit = s.emu.control.updateCustomer(cid, { smsMarketingConsent: { marketingState: 'UNSUBSCRIBED' } });
  assert.deepEqual(edit.userErrors, []);
  await s.settled();
  const consentTopic = s.emu.control.deliveries({ topic: 'customers/marketing_consent_update' });
  assert.ok(consentTopic.length > 0, 'Shopify announces the SMS consent change on its own topic');
  assert.equal(await smsOptIn(id), false, 'the webhook carried the new consent to the SCIM user');
  const events = await s.store.db
    .selectFrom('webhook_events')
    .select(['topic', 'outcome'])
    .where('topic', '=', 'customers/marketing_consent_update')
    .execute();
  assert.ok(
    events.some((e) => e.outcome === 'applied'),
    JSON.stringify(events),
  );

  // Reconcile, incremental (the customers query): the merchant subscribes the customer again, the webhook is lost.
  const deps = { ...s.twoWay.deps, pollIntervalMs: 20 };
  await reconcileTenant(deps, await s.tenant(), { repair: true, full: true });
  await withoutWebhooks(() =>
    s.emu.control.updateCustomer(cid, { smsMarketingConsent: { marketingState: 'SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN' } }),
  );
  assert.equal(await smsOptIn(id), false, 'the lost webhook changed nothing');
  const inc = await reconcileTenant(deps, await s.tenant(), { repair: true });
  assert.equal(inc.mode, 'incremental');
  assert.deepEqual(
    inc.missedUpdates.map((x) => [x.userId, x.outcome]),
    [[id, 'applied']],
    JSON.stringify(inc),
  );
  assert.equal(await smsOptIn(id), true, 'reconcile read the consent from the customers query');

  // Reconcile, full (the bulk export): unsubscribed again, webhook lost again.
  await withoutWebhooks(() => s.emu.control.updateCustomer(cid, { smsMarketingConsent: { marketingState: 'UNSUBSCRIBED' } }));
  assert.equal(await smsOptIn(id), true);
  const full = await reconcileTenant(deps, await s.tenant(), { repair: true, full: true });
  assert.deepEqual(
    full.missedUpdates.map((x) => [x.userId, x.outcome]),
    [[id, 'applied']],
    JSON.stringify(full),
  );
  assert.equal(await smsOptIn(id), false, 'reconcile read the consent from the bulk export');

  await s.settled();
  assert.equal(await syncs(), syncsBefore, 'changes that came from Shopify are not written back to Shopify');
});
