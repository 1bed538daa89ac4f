// Policies, tags, targets and the shop connection through the admin API: validated by the modules that own them,
// saved where the engine reads them, credentials sealed and never shown again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack } from './harness.js';
import { readPolicies } from '../../src/settings/policies.js';
import { readInboundPolicies } from '../../src/sync/inbound/settings.js';
import { readTargets } from '../../src/sync/targets/settings.js';
import { connectTenantShop, readShopSettings } from '../../src/sync/shops.js';
import { createShopifyClient, listWebhookSubscriptions } from '../../src/shopify/index.js';
import { SecretBox } from '../../src/security/secrets.js';

const stack = await startAdminStack();
after(() => stack.close());

async function settingsOf(tenantId: string): Promise<Record<string, any>> {
  const row = await stack.store.db.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return JSON.parse(row.settings);
}

test('policies show their defaults, and a PUT is saved exactly where the engine reads it', async () => {
  const t = await stack.tenant('pol', { connect: false });
  const before = await stack.admin('GET', `/tenants/${t.name}/policies`);
  assert.equal(before.status, 200, before.dump);
  assert.deepEqual(
    [
      before.body.policies.deprovision,
      before.body.policies.adoption,
      before.body.policies.applyEmailChanges,
      before.body.policies.applyUserNameChanges,
      before.body.policies.importShopifyCreated,
    ],
    ['tag', 'email', true, true, false],
  );
  const put = await stack.admin('PUT', `/tenants/${t.name}/policies`, {
    deprovision: 'delete',
    delete: 'erase',
    adoption: 'emailOrPhone',
    applyEmailChanges: false,
    applyUserNameChanges: false,
    importShopifyCreated: true,
    shopifyDelete: 'ignore',
    syncWaitMs: 1500,
  });
  assert.equal(put.status, 200, put.dump);
  assert.equal(put.body.policies.eraseGraceMs, 30 * 24 * 3600_000, 'keys left out take their defaults');
  const s = await settingsOf(t.id);
  const p = readPolicies(s);
  assert.deepEqual(
    [p.deprovision, p.delete, p.adoption, p.applyEmailChanges, p.applyUserNameChanges, p.syncWaitMs],
    ['delete', 'erase', 'emailOrPhone', false, false, 1500],
  );
  assert.deepEqual(
    readInboundPolicies(s),
    { importShopifyCreated: true, shopifyDelete: 'ignore' },
    'the inbound sync reads the same policies',
  );
});

test('invalid policies are refused with every problem named, and nothing is saved', async () => {
  const t = await stack.tenant('pol-bad', { connect: false });
  await stack.admin('PUT', `/tenants/${t.name}/policies`, { adoption: 'off' });
  const r = await stack.admin('PUT', `/tenants/${t.name}/policies`, {
    deprovision: 'disable',
    adoptt: 'email',
    syncWaitMs: -5,
    applyUserNameChanges: 'no',
  });
  assert.equal(r.status, 400, r.dump);
  assert.equal(r.body.error, 'INVALID_POLICIES');
  for (const word of ['deprovision', 'adoptt', 'syncWaitMs', 'applyUserNameChanges'])
    assert.match(r.body.message, new RegExp(word), r.dump);
  assert.equal(r.body.details.errors.length, 4, r.dump);
  assert.deepEqual((await settingsOf(t.id)).policies, { adoption: 'off' }, 'the previous policies stand');
});

test('tags are the mapping tag settings: a PUT saves a new mapping version, a bad tag names its place', async () => {
  const t = await stack.tenant('tags', { connect: false });
  const get = await stack.admin('GET', `/tenants/${t.name}/tags`);
  assert.equal(get.status, 200, get.dump);
  assert.equal(get.body.tags.groupPrefix, 'group:');
  assert.equal(get.body.effectiveDeactivatedTag, 'scim-deactivated');
  const put = await stack.admin('PUT', `/tenants/${t.name}/tags`, {
    static: ['staff', 'employee-store'],
    templates: ['dept:{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department}'],
    groupPrefix: 'team:',
    groupRename: 'keep',
    deactivatedTag: 'blocked',
  });
  assert.equal(put.status, 200, put.dump);
  assert.equal(put.body.mappingVersion, 1);
  const mapping = await stack.admin('GET', `/tenants/${t.name}/mapping`);
  assert.deepEqual(mapping.body.document.tags.static, ['staff', 'employee-store']);
  assert.equal(mapping.body.source, 'tags');
  await stack.admin('PUT', `/tenants/${t.name}/policies`, { deactivatedTag: 'suspended' });
  assert.equal((await stack.admin('GET', `/tenants/${t.name}/tags`)).body.effectiveDeactivatedTag, 'suspended', "the policy's tag wins");

  const bad = await stack.admin('PUT', `/tenants/${t.name}/tags`, { static: ['a,b'], groupPrefix: 'x,' });
  assert.equal(bad.status, 400, bad.dump);
  assert.equal(bad.body.error, 'INVALID_TAGS');
  assert.match(bad.body.message, /tags\.static\[0\]/, bad.dump);
  assert.match(bad.body.message, /tags\.groupPrefix/, bad.dump);
  assert.equal((await stack.admin('GET', `/tenants/${t.name}/mapping`)).body.version, 1, 'nothing saved');
});

test('a webhook target gets a generated secret shown once; a SCIM target token is sealed; neither is shown again', async () => {
  const t = await stack.tenant('targets', { connect: false });
  const hook = await stack.admin('POST', `/tenants/${t.name}/targets`, {
    id: 'crm',
    kind: 'webhook',
    url: 'https://crm.example.com/hooks',
    events: ['user.*'],
  });
  assert.equal(hook.status, 201, hook.dump);
  assert.match(hook.body.secret, /^whsec_/);
  assert.equal(hook.body.secretShownOnce, true);
  const scim = await stack.admin('POST', `/tenants/${t.name}/targets`, {
    kind: 'scim',
    baseUrl: 'https://app.example.com/scim/v2',
    token: 'bearer-of-the-app',
    clientId: undefined,
  });
  assert.equal(scim.status, 201, scim.dump);
  assert.match(scim.body.id, /^scim-/, 'an id is made when none is given');
  assert.equal(scim.body.token, 'set');

  const list = await stack.admin('GET', `/tenants/${t.name}/targets`);
  assert.deepEqual(
    list.body.targets.map((x: { id: string }) => x.id),
    ['crm', scim.body.id],
    list.dump,
  );
  assert.ok(!list.text.includes(hook.body.secret) && !list.text.includes('bearer-of-the-app'), list.dump);

  const s = await settingsOf(t.id);
  const { targets, problems } = readTargets(s);
  assert.deepEqual(problems, []);
  assert.ok(
    targets.every((x) => SecretBox.isSealed(x.kind === 'scim' ? x.token : x.secret)),
    'stored sealed',
  );
  const crm = targets.find((x) => x.id === 'crm')!;
  assert.equal(stack.box.open(crm.kind === 'webhook' ? crm.secret : ''), hook.body.secret, 'the engine can open what was sealed');
});

test('replacing a target keeps its credential when none is sent, and refuses a change of id', async () => {
  const t = await stack.tenant('targets-put', { connect: false });
  await stack.admin('POST', `/tenants/${t.name}/targets`, {
    id: 'app',
    kind: 'scim',
    baseUrl: 'https://a.example.com/scim/v2',
    token: 'first-token',
  });
  const put = await stack.admin('PUT', `/tenants/${t.name}/targets/app`, {
    kind: 'scim',
    baseUrl: 'https://b.example.com/scim/v2',
    enabled: false,
  });
  assert.equal(put.status, 200, put.dump);
  assert.equal(put.body.baseUrl, 'https://b.example.com/scim/v2');
  const stored = readTargets(await settingsOf(t.id)).targets[0]!;
  assert.equal(stored.kind === 'scim' && stack.box.open(stored.token), 'first-token', 'the token was kept');
  assert.equal(stored.enabled, false);
  const moved = await stack.admin('PUT', `/tenants/${t.name}/targets/app`, {
    id: 'other',
    kind: 'scim',
    baseUrl: 'https://b.example.com/scim/v2',
  });
  assert.equal(moved.status, 400, moved.dump);
  const missing = await stack.admin('PUT', `/tenants/${t.name}/targets/nope`, {
    kind: 'scim',
    baseUrl: 'https://b.example.com/scim/v2',
    token: 'x',
  });
  assert.equal(missing.status, 404, missing.dump);
});

test('a target is validated by the engine schema, its client must exist, and duplicates are a conflict', async () => {
  const t = await stack.tenant('targets-bad', { connect: false });
  const bad = await stack.admin('POST', `/tenants/${t.name}/targets`, { kind: 'scim', baseUrl: 'ftp://x', token: '' });
  assert.equal(bad.status, 400, bad.dump);
  assert.equal(bad.body.error, 'INVALID_TARGET');
  assert.match(bad.body.message, /baseUrl/);
  assert.match(bad.body.message, /token/);
  const client = await stack.admin('POST', `/tenants/${t.name}/targets`, {
    kind: 'webhook',
    url: 'https://x.example.com',
    clientId: 'not-a-client',
  });
  assert.equal(client.status, 400, client.dump);
  assert.match(client.body.message, /not a SCIM client/);
  await stack.admin('POST', `/tenants/${t.name}/targets`, { id: 'w', kind: 'webhook', url: 'https://x.example.com' });
  const dup = await stack.admin('POST', `/tenants/${t.name}/targets`, { id: 'w', kind: 'webhook', url: 'https://y.example.com' });
  assert.equal(dup.status, 409, dup.dump);
  const del = await stack.admin('DELETE', `/tenants/${t.name}/targets/w`);
  assert.equal(del.status, 204, del.dump);
  assert.deepEqual(readTargets(await settingsOf(t.id)).targets, []);
});

test('the shop connection is sealed, shown as "set", checked against the shop, and can be dropped', async () => {
  const t = await stack.tenant('shop', { connect: false });
  assert.deepEqual((await stack.admin('GET', `/tenants/${t.name}/shop`)).body, { connected: false });
  const notYet = await stack.admin('POST', `/tenants/${t.name}/shop/check`);
  assert.equal(notYet.status, 409, notYet.dump);
  assert.equal(notYet.body.error, 'SHOP_NOT_CONNECTED');

  const put = await stack.admin('PUT', `/tenants/${t.name}/shop`, {
    shop: stack.emu.shop,
    apiBaseUrl: stack.emu.url,
    clientId: stack.emu.clientId,
    clientSecret: stack.emu.clientSecret,
  });
  assert.equal(put.status, 200, put.dump);
  assert.deepEqual([put.body.auth, put.body.clientSecret, put.body.accessToken], ['clientCredentials', 'set', 'not set']);
  assert.ok(!put.text.includes(stack.emu.clientSecret));
  const opened = readShopSettings(await settingsOf(t.id), stack.box);
  assert.equal(opened?.clientSecret, stack.emu.clientSecret, 'the engine reads what was sealed');

  const version = await stack.admin('PUT', `/tenants/${t.name}/shop`, {
    shop: stack.emu.shop,
    apiBaseUrl: stack.emu.url,
    clientId: stack.emu.clientId,
    apiVersion: '2026-10',
  });
  assert.equal(version.status, 200, `the secret is kept when only other fields change: ${version.dump}`);

  const check = await stack.admin('POST', `/tenants/${t.name}/shop/check`);
  assert.equal(check.status, 200, check.dump);
  assert.equal(check.body.auth, 'clientCredentials');
  assert.equal(check.body.customerDataAccess, true, check.dump);
  // This stack has no PUBLIC_URL: the credentials work, webhooks could not be delivered (see test/admin/shop.test.ts).
  assert.deepEqual([check.body.ok, check.body.problems.map((p: { code: string }) => p.code)], [false, ['PUBLIC_URL_MISSING']], check.dump);

  // A stored connection whose token Shopify later refuses (revoked in the shop's admin): the check says so.
  const stored = JSON.parse(
    (await stack.store.db.selectFrom('tenants').select('settings').where('id', '=', t.id).executeTakeFirstOrThrow()).settings,
  );
  await connectTenantShop(
    stack.store.db,
    t.id,
    { shop: stack.emu.shop, apiBaseUrl: stack.emu.url, accessToken: 'shpat_revoked', clientSecret: stack.emu.clientSecret },
    stack.box,
  );
  const refused = await stack.admin('POST', `/tenants/${t.name}/shop/check`);
  assert.equal(refused.body.ok, false, refused.dump);
  assert.match(refused.body.problems[0].message, /access token was refused/, refused.dump);
  await stack.store.db
    .updateTable('tenants')
    .set({ settings: JSON.stringify(stored) })
    .where('id', '=', t.id)
    .execute();

  const drop = await stack.admin('DELETE', `/tenants/${t.name}/shop`);
  assert.equal(drop.status, 204, drop.dump);
  assert.equal((await settingsOf(t.id)).shopify, undefined);
});

test('connecting a shop without PUBLIC_URL keeps the connection and says why webhooks could not be subscribed', async () => {
  const t = await stack.tenant('shop-nourl', { connect: false });
  const put = await stack.admin('PUT', `/tenants/${t.name}/shop`, {
    shop: stack.emu.shop,
    apiBaseUrl: stack.emu.url,
    accessToken: stack.emu.accessToken,
    webhookSecret: stack.emu.clientSecret,
  });
  assert.equal(put.status, 200, put.dump);
  assert.equal(put.body.connected, true);
  assert.equal(put.body.webhooks?.ok, false, put.dump);
  assert.match(put.body.webhooks.error, /PUBLIC_URL/);
});

test('connecting a shop subscribes its customer webhooks, and a static token can bring the secret that signs them', async () => {
  const stack = await startAdminStack({ publicUrl: true });
  after(() => stack.close());
  const t = await stack.tenant('shop-hooks', { connect: false });
  const put = await stack.admin('PUT', `/tenants/${t.name}/shop`, {
    shop: stack.emu.shop,
    apiBaseUrl: stack.emu.url,
    accessToken: stack.emu.accessToken,
    webhookSecret: stack.emu.clientSecret,
  });
  assert.equal(put.status, 200, put.dump);
  assert.deepEqual([put.body.auth, put.body.clientSecret], ['token', 'set'], put.dump);
  assert.ok(!put.text.includes(stack.emu.clientSecret), 'the secret is never shown');
  assert.equal(put.body.webhooks?.ok, true, put.dump);
  const row = await stack.store.db.selectFrom('tenants').select('settings').where('id', '=', t.id).executeTakeFirstOrThrow();
  assert.equal(
    readShopSettings(JSON.parse(row.settings), stack.box)?.clientSecret,
    stack.emu.clientSecret,
    'the receiver verifies with it',
  );
  const client = createShopifyClient({
    shop: stack.emu.shop,
    baseUrl: stack.emu.url,
    auth: { kind: 'token', accessToken: stack.emu.accessToken },
  });
  const subs = await listWebhookSubscriptions(client);
  const ours = subs.filter((x) => x.uri.endsWith(`/webhooks/shopify/${t.name}`));
  assert.ok(
    ours.some((x) => x.topic === 'CUSTOMERS_UPDATE'),
    JSON.stringify(subs),
  );
  const odd = await stack.admin('PUT', `/tenants/${t.name}/shop`, {
    shop: stack.emu.shop,
    clientId: 'x',
    clientSecret: 'y',
    webhookSecret: 'z',
  });
  assert.equal(odd.status, 400, odd.dump);

  // The settings form sends what changed: a secret left empty is kept, never dropped, and can be added later alone.
  const secretOf = async () =>
    readShopSettings(
      JSON.parse((await stack.store.db.selectFrom('tenants').select('settings').where('id', '=', t.id).executeTakeFirstOrThrow()).settings),
      stack.box,
    )?.clientSecret;
  const version = await stack.admin('PUT', `/tenants/${t.name}/shop`, {
    shop: stack.emu.shop,
    apiBaseUrl: stack.emu.url,
    apiVersion: '2026-10',
  });
  assert.deepEqual([version.status, version.body.clientSecret], [200, 'set'], version.dump);
  assert.equal(await secretOf(), stack.emu.clientSecret, 'changing the API version keeps the webhook secret');
  const token = await stack.admin('PUT', `/tenants/${t.name}/shop`, {
    shop: stack.emu.shop,
    apiBaseUrl: stack.emu.url,
    accessToken: stack.emu.accessToken,
  });
  assert.deepEqual([token.status, token.body.clientSecret], [200, 'set'], 'a new token alone keeps the webhook secret');
  // A new token connection brings its secret (test/admin/shop.test.ts adds one alone to a connection stored without).
  const bare = await stack.tenant('shop-hooks-later', { connect: false });
  const refused = await stack.admin('PUT', `/tenants/${bare.name}/shop`, {
    shop: stack.emu.shop,
    apiBaseUrl: stack.emu.url,
    accessToken: stack.emu.accessToken,
  });
  assert.equal(refused.status, 400, refused.dump);
  assert.match(refused.body.message, /webhookSecret/, refused.dump);
});

test('a shop connection with a malformed domain or mixed credentials is refused', async () => {
  const t = await stack.tenant('shop-bad', { connect: false });
  const domain = await stack.admin('PUT', `/tenants/${t.name}/shop`, { shop: 'not a shop!', accessToken: 'x' });
  assert.equal(domain.status, 400, domain.dump);
  assert.match(domain.body.message, /shop domain/);
  const mixed = await stack.admin('PUT', `/tenants/${t.name}/shop`, { shop: 'x.myshopify.com', accessToken: 'x', clientId: 'y' });
  assert.equal(mixed.status, 400, mixed.dump);
  const none = await stack.admin('PUT', `/tenants/${t.name}/shop`, { shop: 'x.myshopify.com' });
  assert.equal(none.status, 400, none.dump);
  assert.match(none.body.message, /accessToken/);
});
