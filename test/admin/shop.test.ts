// Connecting a shop so that both directions work: a static token needs the secret that signs the shop's webhooks, a
// connection the shop refuses is not stored, and the shop check proves webhook delivery to this bridge end to end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack } from './harness.js';
import { freePort } from '../helpers/http.js';
import { connectTenantShop, readShopSettings } from '../../src/sync/shops.js';
import { checkWebhookDelivery } from '../../src/sync/inbound/delivery-check.js';
import {
  createShopifyClient,
  createWebhookSubscription,
  deleteWebhookSubscription,
  listWebhookSubscriptions,
  CUSTOMER_WEBHOOK_TOPICS,
} from '../../src/shopify/index.js';

const stack = await startAdminStack({ publicUrl: true });
after(() => stack.close());

const shopify = createShopifyClient({
  shop: stack.emu.shop,
  baseUrl: stack.emu.url,
  auth: { kind: 'token', accessToken: stack.emu.accessToken },
});
const connection = () => ({
  shop: stack.emu.shop,
  apiBaseUrl: stack.emu.url,
  accessToken: stack.emu.accessToken,
  webhookSecret: stack.emu.clientSecret,
});
const settingsOf = async (id: string) =>
  JSON.parse((await stack.store.db.selectFrom('tenants').select('settings').where('id', '=', id).executeTakeFirstOrThrow()).settings);
const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

test('connecting a shop with an access token but no webhook secret is refused, naming the secret, and stores nothing', async () => {
  const t = await stack.tenant('nosecret', { connect: false });
  const { webhookSecret: _, ...withoutSecret } = connection();
  const put = await stack.admin('PUT', `/tenants/${t.name}/shop`, withoutSecret);
  assert.equal(put.status, 400, put.dump);
  assert.equal(put.body.error, 'INVALID_SHOP');
  assert.match(put.body.message, /accessToken needs its webhookSecret: the custom app's API secret key/, put.dump);
  assert.deepEqual((await stack.admin('GET', `/tenants/${t.name}/shop`)).body, { connected: false });
  assert.equal((await settingsOf(t.id)).shopify, undefined, 'nothing was stored');
});

test('shop check finds a token connection stored without its secret, and a PUT with only the secret repairs it', async () => {
  const t = await stack.tenant('legacy', { connect: false });
  // As connections made before the secret was required are stored.
  await connectTenantShop(
    stack.store.db,
    t.id,
    { shop: stack.emu.shop, apiBaseUrl: stack.emu.url, accessToken: stack.emu.accessToken },
    stack.box,
  );
  const before = await stack.admin('POST', `/tenants/${t.name}/shop/check`);
  assert.equal(before.status, 200, before.dump);
  assert.equal(before.body.ok, false, before.dump);
  assert.ok(codes(before.body.problems).includes('WEBHOOK_SECRET_MISSING'), before.dump);
  assert.equal(before.body.webhooks.secret, 'not set');

  const again = await stack.admin('PUT', `/tenants/${t.name}/shop`, { shop: stack.emu.shop, apiBaseUrl: stack.emu.url });
  assert.equal(again.status, 400, `keeping the stored token keeps it without a secret: ${again.dump}`);
  const repaired = await stack.admin('PUT', `/tenants/${t.name}/shop`, {
    shop: stack.emu.shop,
    apiBaseUrl: stack.emu.url,
    webhookSecret: stack.emu.clientSecret,
  });
  assert.equal(repaired.status, 200, repaired.dump);
  assert.equal(readShopSettings(await settingsOf(t.id), stack.box)?.accessToken, stack.emu.accessToken, 'the stored token is kept');
  const after = await stack.admin('POST', `/tenants/${t.name}/shop/check`);
  assert.equal(after.body.ok, true, after.dump);
});

test('shop check verifies webhook delivery end to end: secret stored, every topic subscribed at the callback URL, a signed test delivery accepted', async () => {
  const t = await stack.tenant('hooked', { connect: false });
  const put = await stack.admin('PUT', `/tenants/${t.name}/shop`, connection());
  assert.equal(put.status, 200, put.dump);
  const callbackUrl = `${stack.bridge.url}/webhooks/shopify/${t.name}`;

  const ok = await stack.admin('POST', `/tenants/${t.name}/shop/check`);
  assert.equal(ok.status, 200, ok.dump);
  assert.equal(ok.body.ok, true, ok.dump);
  const w = ok.body.webhooks;
  assert.deepEqual([w.callbackUrl, w.secret, w.missing, w.testDelivery], [callbackUrl, 'set', [], { status: 200, ok: true }], ok.dump);
  assert.deepEqual([...w.subscribed].sort(), [...CUSTOMER_WEBHOOK_TOPICS].sort());
  const stored = await stack.store.db.selectFrom('webhook_events').select('topic').where('tenant_id', '=', t.id).execute();
  assert.ok(!stored.some((e) => e.topic.startsWith('shopify-scim/')), 'the test delivery is not stored');

  // Someone removed one subscription, and another one still points at an old address of the bridge.
  const subs = (await listWebhookSubscriptions(shopify)).filter((s) => s.uri === callbackUrl);
  await deleteWebhookSubscription(shopify, subs.find((s) => s.topic === 'CUSTOMERS_UPDATE')!.id);
  await deleteWebhookSubscription(shopify, subs.find((s) => s.topic === 'CUSTOMERS_DELETE')!.id);
  await createWebhookSubscription(shopify, 'CUSTOMERS_DELETE', `https://old-scim.example.com/webhooks/shopify/${t.name}`);
  const broken = await stack.admin('POST', `/tenants/${t.name}/shop/check`);
  assert.equal(broken.body.ok, false, broken.dump);
  assert.deepEqual([...broken.body.webhooks.missing].sort(), ['CUSTOMERS_DELETE', 'CUSTOMERS_UPDATE']);
  assert.deepEqual(broken.body.webhooks.elsewhere, [
    { topic: 'CUSTOMERS_DELETE', uri: `https://old-scim.example.com/webhooks/shopify/${t.name}` },
  ]);
  const problem = broken.body.problems.find((p: { code: string }) => p.code === 'WEBHOOKS_NOT_SUBSCRIBED');
  assert.match(problem?.message ?? '', /CUSTOMERS_UPDATE/, broken.dump);
  assert.match(
    problem.message,
    /point at https:\/\/old-scim\.example\.com\/webhooks\/shopify\/hooked instead: run `shopify-scim webhooks ensure --tenant hooked`/,
  );
});

test('the signed test delivery is refused by a receiver holding another secret, and an unreachable address is a warning', async () => {
  const t = await stack.tenant('elsewhere');
  const refused = await checkWebhookDelivery({
    tenantName: t.name,
    shop: stack.emu.shop,
    publicUrl: stack.bridge.url,
    secret: 'not-the-stored-secret',
  });
  assert.deepEqual(refused.testDelivery, { status: 401, ok: false });
  assert.deepEqual(codes(refused.problems), ['TEST_DELIVERY_REFUSED']);
  assert.match(refused.problems[0]!.message, /refused a delivery signed with the stored secret \(401\)/);

  const nowhere = `http://127.0.0.1:${await freePort()}`;
  const unreachable = await checkWebhookDelivery({
    tenantName: t.name,
    shop: stack.emu.shop,
    publicUrl: nowhere,
    secret: stack.emu.clientSecret,
  });
  assert.deepEqual(
    [unreachable.problems, codes(unreachable.warnings), unreachable.testDelivery?.ok],
    [[], ['TEST_DELIVERY_UNREACHABLE'], false],
  );
});

test('a PUT the shop refuses answers 422 with the reasons, and the connection stored before stays as it was', async () => {
  const t = await stack.tenant('refused');
  const before = await settingsOf(t.id);
  const audits = async () =>
    (
      await stack.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('tenant_id', '=', t.id)
        .where('action', '=', 'shop.connect')
        .execute()
    ).length;
  const connects = await audits();

  const wrong = await stack.admin('PUT', `/tenants/${t.name}/shop`, { ...connection(), accessToken: 'shpat_wrong' });
  assert.equal(wrong.status, 422, wrong.dump);
  assert.equal(wrong.body.error, 'SHOP_CHECK_FAILED');
  assert.match(wrong.body.message, /^the shop connection was not saved: The access token was refused \(401\)/, wrong.dump);
  assert.deepEqual(codes(wrong.body.details.problems), ['UNAUTHORIZED']);

  const down = await stack.admin('PUT', `/tenants/${t.name}/shop`, { ...connection(), apiBaseUrl: `http://127.0.0.1:${await freePort()}` });
  assert.equal(down.status, 422, down.dump);
  assert.match(down.body.message, /connection refused/, down.dump);

  assert.deepEqual(await settingsOf(t.id), before, 'nothing was stored');
  assert.equal(await audits(), connects, 'and nothing was recorded as connected');
  const check = await stack.admin('POST', `/tenants/${t.name}/shop/check`);
  assert.equal(check.body.ok, true, check.dump);
});
