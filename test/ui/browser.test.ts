// The admin UI in a real browser (Debian's chromium driven by playwright-core) against the bridge with its engine and
// the Shopify emulator: first-run set-up, connecting the emulator shop, issuing a token, a user provisioned through
// SCIM showing up on the dashboard and in the activity log, a mapping edited and previewed, a dead letter retried,
// the activity log following the live stream (and a hidden tab asking nothing), a failed refresh under a banner, a
// user Shopify refused with where to fix it, and each IdP's policy hint. Screenshots of each page go to
// test-results/screenshots/. Runs on SQLite only: the pages read through the same
// admin API the PostgreSQL suite covers.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabase } from '../helpers/db.js';
import { startAdminStack, type AdminStack } from '../admin/harness.js';
import { AdminAccounts } from '../../src/store/admin-accounts.js';
import { issueLoginLink } from '../../src/admin/accounts.js';
import { WEB_ROOT } from '../../src/http/admin/ui.js';
import type { BrowserContext, Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip =
  testDatabase !== 'sqlite'
    ? 'the browser suite runs once, on SQLite'
    : !existsSync(CHROMIUM)
      ? `no chromium at ${CHROMIUM} (apt-get install chromium)`
      : !existsSync(join(WEB_ROOT, 'index.html'))
        ? 'the admin UI is not built (npm run build:web)'
        : false;
if (skip && testDatabase === 'sqlite') console.log(`# browser tests skipped: ${skip}`);

const shots = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const PASSWORD = 'correct horse battery staple';

let stack: AdminStack;
let browser: BrowserContext;
let page: Page;
let profile: string;
const consoleErrors: string[] = [];

before(async () => {
  if (skip) return;
  mkdirSync(shots, { recursive: true });
  stack = await startAdminStack({ worker: { retry: { baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 2 } } });
  const { chromium } = await import('playwright-core');
  profile = mkdtempSync(join(tmpdir(), 'scim-ui-chromium-'));
  // a fresh profile each run (playwright passes it to chromium as --user-data-dir)
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: VIEWPORT,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(15_000);
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await stack?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

let step = 0;
afterEach(async () => {
  // the page as each test left it, to look at when one fails
  if (page) await page.screenshot({ path: join(shots, `zz-after-${++step}.png`), fullPage: true }).catch(() => undefined);
  if (consoleErrors.length) console.log(`# browser console after test ${step}: ${consoleErrors.join(' | ').slice(0, 2000)}`);
});

/** Follows a link of the side navigation. */
const nav = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();

const VIEWPORT = { width: 1366, height: 900 };

/**
 * A screenshot of the whole page as a taller window would show it (a full-page capture of a short window leaves the
 * fixed navigation and toasts stranded halfway down); toasts of earlier steps are left out.
 */
async function shot(name: string): Promise<void> {
  await page.evaluate(() =>
    document.querySelectorAll<HTMLElement>('.Polaris-Frame-ToastManager').forEach((t) => (t.style.visibility = 'hidden')),
  );
  // let loading bars and transitions finish
  await page.waitForTimeout(300);
  for (let i = 0; i < 2; i++) {
    const height = await page.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight));
    await page.setViewportSize({ width: VIEWPORT.width, height: Math.max(VIEWPORT.height, Math.min(height, 6000)) });
  }
  await page.screenshot({ path: join(shots, `${name}.png`) });
  await page.setViewportSize(VIEWPORT);
  await page.evaluate(() =>
    document.querySelectorAll<HTMLElement>('.Polaris-Frame-ToastManager').forEach((t) => (t.style.visibility = '')),
  );
}
let token = '';

/** Waits for the locator; on a timeout the error carries what the page showed instead. */
async function explained(l: ReturnType<Page['getByText']>, what: string): Promise<void> {
  try {
    await l.waitFor();
  } catch (e) {
    const text = await page.evaluate(() => document.body.innerText).catch(() => '(page unreadable)');
    throw new Error(`${what} did not appear (${(e as Error).message.split('\n')[0]}); the page showed:\n${text.slice(0, 3000)}`);
  }
}

test('first run: the one-time link opens the set-up, which creates the admin account and signs in', { skip, timeout: 60_000 }, async () => {
  const link = await issueLoginLink(new AdminAccounts(stack.store.db, stack.store.dialect), stack.bridge.url);
  await page.goto(link.url);
  await page.getByRole('heading', { name: 'Create the admin account' }).waitFor();
  await page.getByLabel('Username').fill('merchant');
  await page.getByLabel('Password', { exact: true }).fill('too short');
  await page.getByLabel('Repeat the password').fill('too short');
  await page.getByRole('button', { name: 'Create account and continue' }).click();
  await page.getByText('Use at least 12 characters.').waitFor();
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the password').fill(PASSWORD);
  await shot('01-setup');
  await page.getByRole('button', { name: 'Create account and continue' }).click();
  await page.getByRole('heading', { name: 'Welcome' }).waitFor();
  const cookies = await browser.cookies();
  const session = cookies.find((c) => c.name === 'scim_admin_session');
  assert.ok(session, 'a session cookie is set');
  assert.equal(session.httpOnly, true, 'scripts cannot read the session');
  assert.equal(session.sameSite, 'Strict');
  const reuse = await fetch(link.url, { redirect: 'manual' });
  assert.match(String(reuse.headers.get('location')), /link-expired/, 'the link works once');
});

test('a new store is connected to the emulator shop, and the connection test says it works', { skip, timeout: 60_000 }, async () => {
  await page.getByLabel('Store name').fill('Acme staff');
  assert.equal(await page.getByLabel('Short name (in the SCIM address)').inputValue(), 'acme-staff');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Shop domain').fill(stack.emu.shop);
  await page.getByLabel('Admin API access token', { exact: true }).fill(stack.emu.accessToken);
  await page.getByLabel('API secret key (signs webhooks)').fill(stack.emu.clientSecret);
  await page.getByRole('button', { name: 'Advanced' }).click();
  await page.getByLabel('Admin API address').fill(stack.emu.url);
  await page.getByRole('button', { name: 'Save and test connection' }).click();
  await page
    .getByText(/^Connected to /)
    .first()
    .waitFor();
  await shot('02-connect-shop');
  const r = await stack.admin('GET', '/tenants/acme-staff/shop');
  assert.equal(r.body.connected, true, r.dump);
  assert.equal(r.body.shop, stack.emu.shop);
  await page.getByRole('button', { name: 'Go to the dashboard' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
});

test('a token issued for Okta is shown once with its setup steps, and works against the SCIM API', { skip, timeout: 60_000 }, async () => {
  await nav('Connections');
  await page.getByRole('heading', { name: 'Okta' }).waitFor();
  const okta = page.getByRole('region', { name: 'Okta', exact: true });
  await okta.getByRole('button', { name: 'Set up' }).click();
  await okta.getByLabel('Token label').waitFor();
  // The button sits in a panel that is still opening: a click that lands while it moves can be lost under load, and
  // is given again only if no request left. What the bridge answered is checked before the dialog is looked for.
  const issueRequest = (timeout: number) =>
    page.waitForRequest((r) => r.method() === 'POST' && /\/tenants\/acme-staff\/tokens$/.test(r.url()), { timeout });
  const issueClick = () => okta.getByRole('button', { name: 'Issue a token for Okta' }).click();
  const first = issueRequest(10_000);
  await issueClick();
  const request = await first.catch(async () => {
    const again = issueRequest(30_000);
    await issueClick();
    return again;
  });
  const res = await request.response();
  assert.equal(res?.status(), 201, await res?.text());
  const dialog = page.getByRole('dialog');
  await explained(dialog.getByText('Copy the token now'), 'the issued token dialog');
  token = await dialog.getByRole('textbox', { name: 'Bearer token' }).inputValue();
  assert.match(token, /^scim_/);
  assert.match(
    await dialog.innerText(),
    new RegExp(`SCIM connector base URL to ${stack.bridge.url.replace(/[.]/g, '\\.')}/scim/v2/acme-staff`),
    'the steps carry the real base URL',
  );
  await shot('03-token-issued');
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  await okta.getByText('1 token').waitFor();
  await shot('04-connections');
});

test('a user provisioned through SCIM appears on the dashboard and in the activity log', { skip, timeout: 60_000 }, async () => {
  const res = await fetch(`${stack.bridge.url}/scim/v2/acme-staff/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'grace@example.com',
      name: { givenName: 'Grace', familyName: 'Hopper' },
      emails: [{ value: 'grace@example.com', primary: true }],
    }),
  });
  assert.equal(res.status, 201, await res.text());
  await nav('Dashboard');
  const synced = page.getByRole('region', { name: 'Synced to Shopify' });
  await synced.getByText('1', { exact: true }).waitFor();
  await page.getByText('Created user').first().waitFor();
  await shot('05-dashboard');
  await nav('Activity');
  const row = page.getByRole('row').filter({ hasText: 'grace@example.com' }).filter({ hasText: 'Created user' });
  await row.waitFor();
  assert.match(await row.innerText(), /SCIM client "okta"/);
  assert.match(await row.innerText(), /Customer created in Shopify/);
  await shot('06-activity');
  await nav('Users');
  await page.getByRole('link', { name: 'grace@example.com' }).click();
  await page.getByRole('heading', { name: 'Shopify customer' }).waitFor();
  await page.getByText('Grace Hopper').first().waitFor();
  await shot('07-user');
});

test(
  'a mapping rule is edited with a live preview, a bad attribute is flagged under its rule, and the save makes a version',
  { skip, timeout: 60_000 },
  async () => {
    await nav('Mapping');
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.locator('[id^="rule-rule-"]').last();
    await rule.getByLabel('Attribute path').fill('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department');
    await page.getByLabel('The customer the mapping makes').filter({ hasText: '"note": "Engineering"' }).waitFor();
    await rule.getByLabel('Attribute path').fill('name.givenNme');
    await rule
      .getByRole('alert')
      .filter({ hasText: /givenNme/ })
      .first()
      .waitFor();
    assert.match(await rule.getByRole('alert').first().innerText(), /has no sub-attribute/);
    await shot('08-mapping-problem');
    await rule.getByLabel('Attribute path').fill('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department');
    await page.getByLabel('The customer the mapping makes').filter({ hasText: '"note": "Engineering"' }).waitFor();
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByText(/Mapping saved as version \d+/).waitFor();
    await shot('09-mapping');
    const m = await stack.admin('GET', '/tenants/acme-staff/mapping');
    assert.ok(
      m.body.document.rules.some(
        (r: { source?: string; target: { field?: string } }) => r.source?.endsWith(':department') && r.target.field === 'note',
      ),
      m.dump,
    );
  },
);

test('a dead letter is listed with its reason and, once Shopify answers again, retried to synced', { skip, timeout: 90_000 }, async () => {
  stack.emu.control.setFaults({ errorRate: 1, status: 503 });
  const res = await fetch(`${stack.bridge.url}/scim/v2/acme-staff/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'alan@example.com',
      name: { givenName: 'Alan', familyName: 'Turing' },
      emails: [{ value: 'alan@example.com', primary: true }],
    }),
  });
  assert.equal(res.status, 201, await res.text());
  await nav('Jobs');
  await page.getByRole('tab', { name: 'Dead letters' }).click();
  const row = page.getByRole('row').filter({ hasText: 'alan@example.com' });
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /HTTP_5XX|SHOP_UNAVAILABLE|503/);
  await shot('10-dead-letters');
  stack.emu.control.clearFaults();
  await row.getByRole('button', { name: /^Retry job/ }).click();
  await page.getByText('No dead letters').waitFor({ timeout: 30_000 });
  const users = await stack.admin('GET', '/tenants/acme-staff/users?q=alan');
  await stack.until(
    'the retried user is synced',
    async () => {
      const r = await stack.admin('GET', `/tenants/acme-staff/users/${users.body.users[0].id}`);
      return r.body.link?.syncState === 'synced' ? r : undefined;
    },
    30_000,
  );
  await nav('Users');
  await page.getByRole('row').filter({ hasText: 'alan@example.com' }).getByText('Synced').waitFor();
  await shot('11-users');
});

test(
  'the activity page follows the live stream without polling, and a hidden dashboard asks nothing until it is back',
  { skip, timeout: 60_000 },
  async () => {
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await nav('Activity');
    await page.getByText('New activity appears as it happens.').waitFor();
    asked.length = 0;
    await page.waitForTimeout(4000);
    assert.deepEqual(
      asked.filter((p) => p.endsWith('/activity')),
      [],
      'no polling while the stream is live',
    );
    const res = await fetch(`${stack.bridge.url}/scim/v2/acme-staff/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ada@example.com',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@example.com', primary: true }],
      }),
    });
    assert.equal(res.status, 201);
    await page.getByRole('row').filter({ hasText: 'ada@example.com' }).filter({ hasText: 'Created user' }).waitFor({ timeout: 5000 });

    await nav('Dashboard');
    await page.getByRole('heading', { name: 'Latest activity' }).waitFor();
    // as the browser does when the tab goes to the background (a string: the page runs it as it is)
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate(
        `Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${state}' }); document.dispatchEvent(new Event('visibilitychange'));`,
      );
    await setVisibility('hidden');
    asked.length = 0;
    await page.waitForTimeout(4000);
    assert.deepEqual(
      asked.filter((p) => p.includes('/admin/api/')),
      [],
      'a hidden tab asks the bridge nothing',
    );
    await setVisibility('visible');
    await page.waitForTimeout(500);
    assert.ok(
      asked.some((p) => p.endsWith('/dashboard')),
      'back on screen, it reloads at once',
    );
    page.removeAllListeners('request');
  },
);

test(
  'a dashboard whose refresh fails keeps its figures under a banner saying so, until the bridge answers again',
  { skip, timeout: 60_000 },
  async () => {
    await page.route('**/admin/api/tenants/*/dashboard', (r) =>
      r.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'UNAVAILABLE', message: 'The bridge is restarting.' }),
      }),
    );
    try {
      const banner = page.getByText('Live updates stopped');
      await banner.waitFor({ timeout: 10_000 });
      await page.getByText('The bridge is restarting.').first().waitFor();
      await page.getByRole('region', { name: 'Users provisioned' }).waitFor();
      await shot('05b-dashboard-offline');
    } finally {
      await page.unroute('**/admin/api/tenants/*/dashboard');
    }
    await page.getByText('Live updates stopped').waitFor({ state: 'detached', timeout: 10_000 });
    // the refused loads this test made are the browser's own log lines, not script errors
    consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((m) => !/status of 503/.test(m)));
  },
);

test(
  'a user Shopify cannot take is listed with the reason, links to the rule and the attribute, and retry all',
  { skip, timeout: 60_000 },
  async () => {
    await nav('Not taken by Shopify');
    await page.getByText('Shopify took every user').waitFor();
    await shot('12a-failures-empty');
    const res = await fetch(`${stack.bridge.url}/scim/v2/acme-staff/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bjensen' }),
    });
    assert.equal(res.status, 201);
    const row = page.getByRole('row').filter({ hasText: 'bjensen' });
    await row.waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), /No name, e-mail or phone/);
    assert.match(await row.innerText(), /CUSTOMER_NEEDS_IDENTITY/);
    await row.getByRole('link', { name: /Mapping rule "first-name"/ }).waitFor();
    await row.getByRole('link', { name: /SCIM attributes .*name\.givenName/ }).waitFor();
    await page.getByText(/saving the mapping, the policies or the SCIM schemas, tries every one of them again by itself/).waitFor();
    await shot('12-failures');
    await page.getByRole('button', { name: 'Retry all' }).click();
    await page.getByText('1 user is queued again').waitFor();
    await row.getByRole('link', { name: /Mapping rule "first-name"/ }).click();
    await page.waitForURL(/\/mapping\?rule=first-name/);
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
  },
);

test(
  "each identity provider's setup names the policies it needs, with a link to them, and warns when the current ones do not suit it",
  { skip, timeout: 60_000 },
  async () => {
    assert.equal((await stack.admin('PUT', '/tenants/acme-staff/policies', { onShopifyRefusal: 'reject' })).status, 200);
    await nav('Connections');
    const entra = page.getByRole('region', { name: 'Microsoft Entra ID', exact: true });
    await entra.getByText('The policies do not suit Microsoft Entra ID').waitFor();
    await entra.getByRole('button', { name: 'Set up' }).click();
    const text = await entra.innerText();
    assert.match(text, /Enterprise applications → New application → Create your own application/);
    assert.match(text, /Provisioning Mode to Automatic/);
    assert.match(text, new RegExp(`Tenant URL to ${stack.bridge.url.replace(/[.]/g, '\\.')}/scim/v2/acme-staff and Secret Token`));
    assert.match(text, /Test Connection/);
    assert.match(text, /Mappings → Provision Microsoft Entra ID Users/);
    assert.match(text, /Keep onShopifyRefusal on hold/);
    await shot('04b-connections-entra');
    const google = page.getByRole('region', { name: 'Google Workspace', exact: true });
    await google.getByRole('button', { name: 'Set up' }).click();
    assert.match(await google.innerText(), /Add custom SAML app[\s\S]*Auto-provisioning[\s\S]*endpoint URL/);
    await entra.getByRole('link', { name: 'Open the policies' }).click();
    const select = page.getByLabel('When Shopify cannot take a user (no name, e-mail or phone; an invalid or taken value)');
    assert.equal(await select.inputValue(), 'reject');
    await select.selectOption('hold');
    await page.getByRole('button', { name: 'Save policies' }).click();
    await page.getByText('Policies saved').waitFor();
    await shot('15-policies');
    assert.equal((await stack.admin('GET', '/tenants/acme-staff/policies')).body.policies.onShopifyRefusal, 'hold');
    await nav('Connections');
    await page.getByRole('region', { name: 'Okta', exact: true }).waitFor();
    assert.equal(await page.getByText('The policies do not suit Microsoft Entra ID').count(), 0, 'the warning is gone');
  },
);

test('the other pages render without errors: settings, API docs', { skip, timeout: 60_000 }, async () => {
  await nav('Settings');
  await page.getByText(`Connected to ${stack.emu.shop}`).first().waitFor();
  await shot('13-settings');
  await nav('Admin API');
  await page.getByText('/tenants/{t}/users/{id}/sync').waitFor();
  await shot('14-api-docs');
  assert.deepEqual(consoleErrors, [], 'no script errors in the browser console');
});
