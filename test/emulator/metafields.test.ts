import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { emulator, type TestEmulator } from './helpers.js';

let t: TestEmulator;
before(async () => {
  t = await emulator();
});
after(() => t.em.close());

const SET = `mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { metafields { namespace key type value } userErrors { field message code elementIndex } } }`;
const DEF = `mutation($d: MetafieldDefinitionInput!) { metafieldDefinitionCreate(definition: $d) { createdDefinition { id namespace key type { name } } userErrors { field message code } } }`;

test('metafieldsSet writes typed values and reads them back on the customer', async () => {
  const c = t.em.control.createCustomer({ email: 'mf@example.com' }).customer!;
  const r = await t.data(SET, {
    m: [
      { ownerId: c.id, namespace: 'scim', key: 'active', type: 'boolean', value: 'false' },
      { ownerId: c.id, namespace: 'scim', key: 'meta', type: 'json', value: '{"a":1}' },
      { ownerId: c.id, key: 'mine', type: 'single_line_text_field', value: 'app-owned' },
    ],
  });
  assert.deepEqual(r.metafieldsSet.userErrors, []);
  assert.equal(r.metafieldsSet.metafields[2].namespace, 'app--7010001', 'no namespace means the app-reserved one');
  const d = await t.data(
    `query($id: ID!) { customer(id: $id) {
    active: metafield(namespace: "scim", key: "active") { value jsonValue type }
    mine: metafield(key: "mine") { value }
    metafields(first: 10, namespace: "scim") { nodes { key jsonValue } } } }`,
    { id: c.id },
  );
  assert.deepEqual(d.customer.active, { value: 'false', jsonValue: false, type: 'boolean' });
  assert.deepEqual(d.customer.mine, { value: 'app-owned' });
  assert.deepEqual(d.customer.metafields.nodes, [
    { key: 'active', jsonValue: false },
    { key: 'meta', jsonValue: { a: 1 } },
  ]);
});

test('metafieldsSet is atomic: one invalid value writes nothing', async () => {
  const c = t.em.control.createCustomer({ email: 'atomic@example.com' }).customer!;
  const r = await t.data(SET, {
    m: [
      { ownerId: c.id, namespace: 'scim', key: 'ok', type: 'number_integer', value: '12' },
      { ownerId: c.id, namespace: 'scim', key: 'bad', type: 'date', value: '2026-13-45' },
    ],
  });
  assert.equal(r.metafieldsSet.metafields, null);
  assert.deepEqual(r.metafieldsSet.userErrors, [
    { field: ['metafields', '1', 'value'], message: 'Value must be in YYYY-MM-DD format.', code: 'INVALID_VALUE', elementIndex: 1 },
  ]);
  assert.deepEqual(t.em.control.customer(c.id)!.metafields, []);
});

test('metafieldsSet refuses more than 25 metafields at once', async () => {
  const c = t.em.control.createCustomer({ email: 'many@example.com' }).customer!;
  const m = Array.from({ length: 26 }, (_, i) => ({
    ownerId: c.id,
    namespace: 'bulk',
    key: `k${i}`,
    type: 'single_line_text_field',
    value: 'v',
  }));
  const r = await t.data(SET, { m });
  assert.equal(r.metafieldsSet.userErrors[0].code, 'LESS_THAN_OR_EQUAL_TO', JSON.stringify(r));
});

test('type checks for the common metafield types', async () => {
  const c = t.em.control.createCustomer({ email: 'types@example.com' }).customer!;
  const bad: Array<[string, string]> = [
    ['boolean', 'yes'],
    ['number_integer', '1.5'],
    ['json', '{'],
    ['single_line_text_field', 'two\nlines'],
    ['nope_type', 'x'],
  ];
  for (const [type, value] of bad) {
    const r = await t.data(SET, { m: [{ ownerId: c.id, namespace: 'chk', key: 'field', type, value }] });
    assert.equal(r.metafieldsSet.userErrors.length, 1, `${type}=${JSON.stringify(value)} must be refused: ${JSON.stringify(r)}`);
  }
  const ok = await t.data(SET, {
    m: [{ ownerId: c.id, namespace: 'chk', key: 'text', type: 'multi_line_text_field', value: 'two\nlines' }],
  });
  assert.deepEqual(ok.metafieldsSet.userErrors, []);
});

test('a unique id-type definition makes a custom id: unique values, lookup by customId, upsert by customerSet', async () => {
  const def = await t.data(DEF, {
    d: {
      name: 'SCIM id',
      namespace: 'scim',
      key: 'id',
      type: 'id',
      ownerType: 'CUSTOMER',
      capabilities: { uniqueValues: { enabled: true } },
    },
  });
  assert.deepEqual(def.metafieldDefinitionCreate.userErrors, []);
  assert.equal(def.metafieldDefinitionCreate.createdDefinition.type.name, 'id');
  const again = await t.data(DEF, { d: { name: 'SCIM id', namespace: 'scim', key: 'id', type: 'id', ownerType: 'CUSTOMER' } });
  assert.equal(again.metafieldDefinitionCreate.userErrors[0].code, 'TAKEN');

  const a = t.em.control.createCustomer({ email: 'ua@example.com' }).customer!;
  const b = t.em.control.createCustomer({ email: 'ub@example.com' }).customer!;
  const first = await t.data(SET, { m: [{ ownerId: a.id, namespace: 'scim', key: 'id', value: 'scim-123' }] });
  assert.deepEqual(first.metafieldsSet.userErrors, [], 'type comes from the definition');
  const clash = await t.data(SET, { m: [{ ownerId: b.id, namespace: 'scim', key: 'id', value: 'scim-123' }] });
  assert.equal(clash.metafieldsSet.userErrors[0].code, 'TAKEN');
  const wrongType = await t.data(SET, {
    m: [{ ownerId: b.id, namespace: 'scim', key: 'id', type: 'single_line_text_field', value: 'scim-9' }],
  });
  assert.equal(wrongType.metafieldsSet.userErrors[0].code, 'INVALID_TYPE');

  const found = await t.data(
    '{ customerByIdentifier(identifier: { customId: { namespace: "scim", key: "id", value: "scim-123" } }) { id } }',
  );
  assert.equal(found.customerByIdentifier.id, a.id);

  const SETC = `mutation($i: CustomerSetIdentifiers, $in: CustomerSetInput!) { customerSet(identifier: $i, input: $in) { customer { id email metafield(namespace: "scim", key: "id") { value } } userErrors { code message } } }`;
  const upd = await t.data(SETC, { i: { customId: { namespace: 'scim', key: 'id', value: 'scim-123' } }, in: { firstName: 'Found' } });
  assert.equal(upd.customerSet.customer.id, a.id);
  const made = await t.data(SETC, {
    i: { customId: { namespace: 'scim', key: 'id', value: 'scim-456' } },
    in: { email: 'new@example.com' },
  });
  assert.deepEqual(made.customerSet.userErrors, []);
  assert.equal(made.customerSet.customer.metafield.value, 'scim-456');
  const noDef = await t.data(SETC, { i: { customId: { namespace: 'scim', key: 'other', value: 'x' } }, in: { email: 'z@example.com' } });
  assert.equal(noDef.customerSet.userErrors[0].code, 'NOT_FOUND');
  const defs = await t.data(
    '{ metafieldDefinitions(first: 5, ownerType: CUSTOMER, namespace: "scim") { nodes { key capabilities { uniqueValues { enabled } } } } }',
  );
  assert.deepEqual(defs.metafieldDefinitions.nodes, [{ key: 'id', capabilities: { uniqueValues: { enabled: true } } }]);
});

test('customerCreate accepts metafields and validates them like metafieldsSet', async () => {
  const CREATE = `mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { metafield(namespace: "prof", key: "dept") { value } } userErrors { field message } } }`;
  const ok = await t.data(CREATE, {
    input: { email: 'withmf@example.com', metafields: [{ namespace: 'prof', key: 'dept', type: 'single_line_text_field', value: 'R&D' }] },
  });
  assert.equal(ok.customerCreate.customer.metafield.value, 'R&D');
  const bad = await t.data(CREATE, {
    input: { email: 'withbad@example.com', metafields: [{ namespace: 'prof', key: 'num', type: 'number_integer', value: 'x' }] },
  });
  assert.equal(bad.customerCreate.customer, null);
  assert.deepEqual(bad.customerCreate.userErrors, [{ field: ['metafields', '0', 'value'], message: 'Value must be an integer.' }]);
  assert.equal(
    t.em.control.customers().some((c) => c.email === 'withbad@example.com'),
    false,
    'nothing half-made',
  );
});
