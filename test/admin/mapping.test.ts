// The mapping through the admin API: versions (save, list, read back, optimistic concurrency), invalid documents
// refused naming rule and problem with nothing saved, presets, metafield definitions made on the shop, and the preview.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf } from './harness.js';
import { getPreset } from '../../src/mapping/index.js';

const stack = await startAdminStack();
after(() => stack.close());

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A small valid mapping: names, email, a department metafield and a start-date metafield. */
function doc(extra: Record<string, unknown> = {}) {
  return {
    version: 1,
    description: 'test mapping',
    rules: [
      { id: 'first', source: 'name.givenName', target: { kind: 'field', field: 'firstName' }, direction: 'both' },
      { id: 'last', source: 'name.familyName', target: { kind: 'field', field: 'lastName' }, direction: 'both' },
      { id: 'email', source: 'emails.value', target: { kind: 'field', field: 'email' }, direction: 'both' },
      {
        id: 'dept',
        source: `${ENT}:department`,
        target: { kind: 'metafield', namespace: 'scim', key: 'department', type: 'single_line_text_field' },
      },
      {
        id: 'start',
        source: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
        target: { kind: 'metafield', namespace: 'people', key: 'employee_no', type: 'number_integer' },
        onInvalid: 'skip',
      },
    ],
    tags: { static: ['staff'] },
    ...extra,
  };
}

async function definitions(): Promise<{ namespace: string; key: string; type: { name: string } }[]> {
  const r = await fetch(stack.emu.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': stack.emu.accessToken },
    body: JSON.stringify({ query: '{ metafieldDefinitions(first: 50, ownerType: CUSTOMER) { nodes { namespace key type { name } } } }' }),
  });
  const body = (await r.json()) as {
    data: { metafieldDefinitions: { nodes: { namespace: string; key: string; type: { name: string } }[] } };
  };
  return body.data.metafieldDefinitions.nodes;
}

test('a new tenant runs the default preset at version 0; each save is the next version, listed newest first', async () => {
  const t = await stack.tenant('versions', { connect: false });
  const first = await stack.admin('GET', `/tenants/${t.name}/mapping`);
  assert.equal(first.status, 200, first.dump);
  assert.deepEqual([first.body.version, first.body.source, first.body.document.preset], [0, 'default', 'default']);
  assert.equal(first.headers.get('etag'), '"0"');

  const v1 = await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc());
  assert.equal(v1.status, 200, v1.dump);
  assert.equal(v1.body.version, 1);
  assert.equal(v1.body.definitions, undefined, 'no shop connected: no definitions attempted');
  const v2 = await stack.admin('PUT', `/tenants/${t.name}/mapping`, { document: doc({ description: 'second' }), comment: 'wording' });
  assert.equal(v2.body.version, 2, v2.dump);

  const list = await stack.admin('GET', `/tenants/${t.name}/mapping/versions`);
  assert.deepEqual(
    list.body.versions.map((v: { version: number; source: string; comment: string | null; savedBy: string }) => [
      v.version,
      v.source,
      v.comment,
      v.savedBy,
    ]),
    [
      [2, 'put', 'wording', 'admin'],
      [1, 'put', null, 'admin'],
    ],
    list.dump,
  );
  const old = await stack.admin('GET', `/tenants/${t.name}/mapping/versions/1`);
  assert.equal(old.body.document.description, 'test mapping', old.dump);
  assert.equal((await stack.admin('GET', `/tenants/${t.name}/mapping/versions/9`)).status, 404);
  const cur = await stack.admin('GET', `/tenants/${t.name}/mapping`);
  assert.deepEqual([cur.body.version, cur.body.document.description], [2, 'second']);
});

test('an export imported into another tenant is the same document, and GET output can be PUT back as is', async () => {
  const a = await stack.tenant('export-a', { connect: false });
  const b = await stack.tenant('export-b', { connect: false });
  await stack.admin('PUT', `/tenants/${a.name}/mapping`, doc());
  const exported = await stack.admin('GET', `/tenants/${a.name}/mapping`);
  const imported = await stack.admin('PUT', `/tenants/${b.name}/mapping`, exported.body.document);
  assert.equal(imported.status, 200, imported.dump);
  assert.deepEqual(imported.body.document, exported.body.document);
  const whole = await stack.admin('PUT', `/tenants/${b.name}/mapping`, exported.body);
  assert.equal(whole.status, 200, whole.dump);
  assert.deepEqual(whole.body.document, exported.body.document);
});

test('a save naming an older version with If-Match is refused with 409 and saves nothing', async () => {
  const t = await stack.tenant('concurrency', { connect: false });
  await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc());
  const ok = await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc({ description: 'edit A' }), { headers: { 'if-match': '"1"' } });
  assert.equal(ok.status, 200, ok.dump);
  const stale = await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc({ description: 'edit B' }), { headers: { 'if-match': '"1"' } });
  assert.equal(stale.status, 409, stale.dump);
  assert.equal(stale.body.error, 'VERSION_CONFLICT');
  assert.match(stale.body.message, /version 2, not 1/);
  assert.equal((await stack.admin('GET', `/tenants/${t.name}/mapping`)).body.document.description, 'edit A');
});

test('an invalid mapping is refused with a message naming each rule and its problem, and nothing is saved', async () => {
  const t = await stack.tenant('invalid', { connect: false });
  await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc());
  const bad = doc();
  bad.rules[0] = { id: 'first', source: 'name.givenNme', target: { kind: 'field', field: 'firstName' }, direction: 'both' };
  bad.rules.push({ id: 'again', source: 'nickName', target: { kind: 'field', field: 'firstName' }, direction: 'toShopify' });
  bad.rules.push({ id: 'cond', source: 'title', target: { kind: 'tag' }, direction: 'toShopify', when: 'dept eq "Sales"' } as never);
  const r = await stack.admin('PUT', `/tenants/${t.name}/mapping`, bad);
  assert.equal(r.status, 400, r.dump);
  assert.equal(r.body.error, 'INVALID_MAPPING');
  assert.match(r.body.message, /rule "first": source "name\.givenNme": "name" has no sub-attribute "givenNme"/, r.dump);
  assert.match(r.body.message, /rule "cond": condition names "dept", which is not a User attribute/, r.dump);
  assert.match(r.body.message, /rules "first", "again" all set firstName/, r.dump);
  assert.ok(
    r.body.details.errors.every((e: { path: string; message: string }) => e.path && e.message),
    r.dump,
  );
  assert.ok(
    r.body.details.errors.some((e: { ruleId?: string }) => e.ruleId === 'first'),
    r.dump,
  );

  const shape = await stack.admin('PUT', `/tenants/${t.name}/mapping`, {
    version: 1,
    rules: [{ id: 'x', source: 'userName', target: { kind: 'field', field: 'mail' } }],
  });
  assert.equal(shape.status, 400, shape.dump);
  assert.match(shape.body.message, /rule "x": target\.field: Invalid option/, shape.dump);

  const cur = await stack.admin('GET', `/tenants/${t.name}/mapping`);
  assert.equal(cur.body.version, 1, 'still the last valid version');
  assert.equal((await stack.admin('GET', `/tenants/${t.name}/mapping/versions`)).body.versions.length, 1);
});

test('a preset is selected in one step; an unknown one is refused with the list of names', async () => {
  const t = await stack.tenant('presets', { connect: false });
  const r = await stack.admin('POST', `/tenants/${t.name}/mapping/preset`, { name: 'entra' });
  assert.equal(r.status, 200, r.dump);
  assert.deepEqual(r.body.document, getPreset('entra'));
  const cur = await stack.admin('GET', `/tenants/${t.name}/mapping`);
  assert.deepEqual([cur.body.version, cur.body.source], [1, 'preset:entra']);
  const bad = await stack.admin('POST', `/tenants/${t.name}/mapping/preset`, { name: 'ping' });
  assert.equal(bad.status, 400, bad.dump);
  assert.equal(bad.body.error, 'UNKNOWN_PRESET');
  assert.match(bad.body.message, /okta, entra, onelogin, jumpcloud, google, custom/);
  const names = await stack.admin('GET', '/presets');
  assert.deepEqual(
    names.body.presets.map((p: { name: string }) => p.name),
    ['default', 'okta', 'entra', 'onelogin', 'jumpcloud', 'google', 'custom'],
  );
});

test('saving creates the metafield definitions the mapping needs on the shop, typed; a clash is reported, not fatal', async () => {
  const t = await stack.tenant('defs');
  // the merchant already has people.employee_no, as text: the mapping's integer cannot use it
  const pre = await fetch(stack.emu.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': stack.emu.accessToken },
    body: JSON.stringify({
      query: 'mutation($d: MetafieldDefinitionInput!) { metafieldDefinitionCreate(definition: $d) { userErrors { message } } }',
      variables: {
        d: { ownerType: 'CUSTOMER', namespace: 'people', key: 'employee_no', name: 'Employee no', type: 'single_line_text_field' },
      },
    }),
  });
  assert.equal(pre.status, 200);
  const r = await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc());
  assert.equal(r.status, 200, r.dump);
  const by = Object.fromEntries(
    r.body.definitions.map((d: { namespace: string; key: string; status: string }) => [`${d.namespace}.${d.key}`, d]),
  );
  assert.equal(by['shopify_scim.scim_id'].status, 'created', r.dump);
  assert.equal(by['scim.department'].status, 'created', r.dump);
  assert.equal(by['people.employee_no'].status, 'failed', r.dump);
  assert.match(by['people.employee_no'].message, /already defines people\.employee_no with type single_line_text_field/);
  const defs = await definitions();
  assert.equal(defs.find((d) => d.namespace === 'scim' && d.key === 'department')?.type.name, 'single_line_text_field');
  assert.equal(defs.find((d) => d.namespace === 'shopify_scim' && d.key === 'scim_id')?.type.name, 'id');
  const again = await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc({ description: 'again' }));
  assert.equal(again.body.definitions.find((d: { key: string }) => d.key === 'department').status, 'exists', again.dump);
  assert.equal(again.body.version, 2);
});

test('the preview of a SCIM user as JSON shows the customer, every rule, every refused value and the create it would send', async () => {
  const t = await stack.tenant('preview-json', { connect: false });
  await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc());
  const user = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
    userName: 'ada@example.com',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
    [ENT]: { department: 'Research', employeeNumber: 'E-17' },
  };
  const r = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, { user });
  assert.equal(r.status, 200, r.dump);
  assert.equal(r.body.ok, true, r.dump);
  assert.equal(r.body.mappingVersion, 1);
  assert.deepEqual([r.body.customer.firstName, r.body.customer.email], ['Ada', 'ada@example.com']);
  assert.deepEqual(r.body.customer.tags, ['staff']);
  const outcome = Object.fromEntries(r.body.trace.map((x: { ruleId: string; outcome: string }) => [x.ruleId, x.outcome]));
  assert.deepEqual(outcome, { first: 'applied', last: 'applied', email: 'applied', dept: 'applied', start: 'failed' }, r.dump);
  const refused = r.body.problems.find((p: { ruleId: string }) => p.ruleId === 'start');
  assert.equal(refused.severity, 'warning', 'onInvalid skip: left out with a warning');
  assert.ok(!JSON.stringify(refused).includes('E-17'), 'problems never quote the value');
  assert.equal(r.body.shopify.action, 'create');
  assert.deepEqual(r.body.shopify.input.metafields, [
    { namespace: 'scim', key: 'department', type: 'single_line_text_field', value: 'Research' },
    { namespace: 'shopify_scim', key: 'scim_id', type: 'id', value: '(new user id)' },
  ]);

  const badEmail = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, {
    user: { ...user, emails: [{ value: 'not-an-email', primary: true }] },
  });
  assert.equal(badEmail.body.ok, false, badEmail.dump);
  assert.ok(
    badEmail.body.problems.some(
      (p: { ruleId: string; severity: string; code: string }) =>
        p.ruleId === 'email' && p.severity === 'error' && p.code === 'invalidEmail',
    ),
    badEmail.dump,
  );

  const draft = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, { user, mapping: { version: 1, rules: [] } });
  assert.equal(draft.body.ok, false);
  assert.equal(draft.body.mappingVersion, 'draft');
  assert.match(draft.body.mapping.errors[0].message, /no rule sets firstName/);

  const notScim = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, { user: { name: { givenName: 'x' } } });
  assert.equal(notScim.status, 400, notScim.dump);
  assert.equal(notScim.body.error, 'INVALID_USER');
  assert.match(notScim.body.message, /userName/);
  const both = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, { user, userId: 'x' });
  assert.equal(both.status, 400, both.dump);
});

test('the preview of a stored, linked user compares with the customer as it is now: a draft shows just what would change', async () => {
  const t = await stack.tenant('preview-user');
  await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc());
  const created = await stack.scim(t, 'POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'grace@example.com',
    name: { givenName: 'Grace', familyName: 'Hopper' },
    emails: [{ value: 'grace@example.com', type: 'work', primary: true }],
    [ENT]: { department: 'Navy' },
  });
  const userId = idOf(created);
  const customer = await stack.until('the customer', () => stack.customerOf(t, userId));
  stack.emu.control.addTags(customer.id, ['vip']);

  const same = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, { userId });
  assert.equal(same.status, 200, same.dump);
  assert.equal(same.body.shopify.action, 'update');
  assert.equal(same.body.shopify.customerId, customer.id);
  assert.deepEqual(same.body.shopify.changed, [], `the saved mapping changes nothing: ${same.dump}`);

  const draft = doc({ tags: { static: ['staff', 'wave-2'] } });
  draft.rules[0] = {
    id: 'first',
    source: 'name.givenName',
    target: { kind: 'field', field: 'firstName' },
    direction: 'both',
    transforms: [{ op: 'uppercase' }],
  } as never;
  const r = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, { userId, mapping: draft });
  assert.equal(r.status, 200, r.dump);
  assert.deepEqual(r.body.shopify.changed, ['firstName', 'tags'], r.dump);
  assert.equal(r.body.shopify.input.firstName, 'GRACE');
  assert.deepEqual(r.body.tagChanges, { add: ['wave-2'], remove: [] }, 'the merchant tag "vip" is never removed');

  const missing = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, { userId: 'no-such-user' });
  assert.equal(missing.status, 404, missing.dump);
});

test('the preview of a linked user names the address mutation a changed address would make, on the same address', async () => {
  const t = await stack.tenant('preview-address');
  const city = { id: 'city', source: 'addresses[type eq "work"].locality', target: { kind: 'address', field: 'city' } };
  const withCity = doc();
  withCity.rules.push(city as never);
  await stack.admin('PUT', `/tenants/${t.name}/mapping`, withCity);
  const created = await stack.scim(t, 'POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'ada.address@example.com',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: 'ada.address@example.com', type: 'work', primary: true }],
    addresses: [{ type: 'work', locality: 'Paris' }],
  });
  const userId = idOf(created);
  const customer = await stack.until('the customer', () => stack.customerOf(t, userId));
  const addressId = `gid://shopify/MailingAddress/${customer.defaultAddressId}?model_name=CustomerAddress`;
  const draft = doc();
  draft.rules.push({ ...city, transforms: [{ op: 'uppercase' }] } as never);
  const r = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, { userId, mapping: draft });
  assert.equal(r.status, 200, r.dump);
  assert.deepEqual(r.body.shopify.changed, ['defaultAddress'], r.dump);
  assert.deepEqual(r.body.shopify.address, { op: 'update', addressId, address: { city: 'PARIS' }, setAsDefault: false }, r.dump);
  assert.equal(r.body.shopify.input, undefined, 'no address list in a customerUpdate');
});

test('the reverse preview shows the SCIM patch a Shopify customer would cause', async () => {
  const t = await stack.tenant('preview-reverse', { connect: false });
  await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc());
  const created = await stack.scim(t, 'POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'ada.l@example.com',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: 'ada.l@example.com', type: 'work', primary: true }],
  });
  const userId = idOf(created);
  const r = await stack.admin('POST', `/tenants/${t.name}/mapping/preview`, {
    userId,
    customer: { firstName: 'Augusta', lastName: 'Lovelace', email: 'ADA.L@example.com', tags: ['vip'] },
  });
  assert.equal(r.status, 200, r.dump);
  assert.equal(r.body.ok, true, r.dump);
  assert.deepEqual(
    r.body.patch,
    { 'name.givenName': 'Augusta' },
    `only the real change flows back (the email differs in case only): ${r.dump}`,
  );
  assert.ok(
    r.body.trace.some((x: { ruleId: string }) => x.ruleId === 'first'),
    r.dump,
  );
});
