// The logs never hold a token, a secret or unmasked personal data: every line the bridge writes at debug level during
// a full flow (shop connect, token issue, SCIM create/patch/delete with e-mails, phones and names, a rejected token, a
// bad filter naming an e-mail, a Shopify edit arriving by webhook) is captured and searched for each of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, type AdminStack, type TenantHandle } from '../admin/harness.js';
import { call, PATCH_OP, SHOPIFY_EXT } from '../helpers/http.js';

const lines: string[] = [];
let stack: AdminStack;
let t: TenantHandle;

const PERSON = {
  email: 'zenobia.quackenbush@privacy.example',
  altEmail: 'zq.home@privacy.example',
  phone: '+14155550123',
  newPhone: '+14155550987',
  given: 'Zenobia',
  family: 'Quackenbush',
  renamed: 'Xanthippe',
  shopifyName: 'Wilhelmina',
};

before(async () => {
  stack = await startAdminStack({
    publicUrl: true,
    env: { LOG_LEVEL: 'debug' },
    logDestination: { write: (line: string) => void lines.push(line) },
  });
  t = await stack.tenant('acme');
});
after(() => stack?.close());

test('a full flow logs at debug level without one token, secret, e-mail, phone number or name', async () => {
  const created = await stack.scim(t, 'POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: PERSON.email,
    name: { givenName: PERSON.given, familyName: PERSON.family },
    emails: [
      { value: PERSON.email, primary: true, type: 'work' },
      { value: PERSON.altEmail, type: 'home' },
    ],
    phoneNumbers: [{ value: PERSON.phone, type: 'mobile' }],
  });
  assert.equal(created.status, 201, created.dump);
  const id = created.body.id;
  const customerId: string = created.body[SHOPIFY_EXT].customerId;
  assert.ok(customerId, created.dump);

  const patched = await stack.scim(t, 'PATCH', `/Users/${id}`, {
    schemas: [PATCH_OP],
    Operations: [
      { op: 'replace', path: 'name.givenName', value: PERSON.renamed },
      { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: PERSON.newPhone },
    ],
  });
  assert.equal(patched.status, 200, patched.dump);
  // refused requests carry personal data in their query and body
  const badFilter = await stack.scim(t, 'GET', `/Users?filter=${encodeURIComponent(`emails.value eq "${PERSON.email}" and (`)}`);
  assert.equal(badFilter.status, 400, badFilter.dump);
  const conflict = await stack.scim(t, 'POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: PERSON.email,
  });
  assert.equal(conflict.status, 409, conflict.dump);
  const wrong = await call('GET', `${stack.bridge.url}/scim/v2/acme/Users`, { headers: { authorization: `Bearer ${t.token}x` } });
  assert.equal(wrong.status, 401);

  // a staff edit in Shopify comes back by webhook
  stack.emu.control.updateCustomer(customerId, { firstName: PERSON.shopifyName });
  await stack.until(
    'the webhook to be applied',
    async () => (await stack.scim(t, 'GET', `/Users/${id}`)).body?.name?.givenName === PERSON.shopifyName,
  );

  const deleted = await stack.scim(t, 'DELETE', `/Users/${id}`);
  assert.equal(deleted.status, 204, deleted.dump);

  const log = lines.join('');
  // the capture works: the flow's requests and the sync are in it
  assert.ok(lines.length > 20, `${lines.length} lines`);
  assert.ok(log.includes('"component":"http"') && log.includes('/scim/v2/acme/Users'), 'requests are logged');
  const forbidden: Record<string, string> = {
    'SCIM bearer token': t.token,
    'admin token': stack.adminToken!,
    'Shopify access token': stack.emu.accessToken,
    'Shopify app secret': stack.emu.clientSecret,
    'secret key': stack.secretKey,
    ...Object.fromEntries(Object.entries(PERSON).map(([k, v]) => [`personal data (${k})`, v])),
    'phone digits': PERSON.phone.slice(2),
    'e-mail local part': 'zenobia.quackenbush',
  };
  for (const [what, value] of Object.entries(forbidden)) {
    const at = log.indexOf(value);
    assert.equal(at, -1, `the log holds the ${what}: …${log.slice(Math.max(0, at - 200), at + 100)}…`);
  }
  // URL-encoded forms too (a query string logged whole would hold these)
  for (const value of [encodeURIComponent(PERSON.email), PERSON.email.replace('@', '%40')])
    assert.equal(log.indexOf(value), -1, `the log holds ${value}`);
});
