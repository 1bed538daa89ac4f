import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, type SchemaDef } from '../scim/schemas.js';
import { mappingDocumentSchema, type MappingDocument, type MappingDocumentInput, type RuleInput } from './document.js';
import { problemsToScimError } from './problems.js';
import { mapToShopify } from './to-shopify.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const doc = (rules: RuleInput[], extra: Partial<MappingDocumentInput> = {}): MappingDocument =>
  mappingDocumentSchema.parse({ version: 1, rules, ...extra });
const names: RuleInput[] = [
  { id: 'first', source: 'name.givenName', target: { kind: 'field', field: 'firstName' } },
  { id: 'last', source: 'name.familyName', target: { kind: 'field', field: 'lastName' } },
];
const user = {
  id: 'scim-1',
  userName: 'ada@example.com',
  active: true,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '0151 23456789', type: 'mobile' }],
  [ENT]: { department: 'Sales', employeeNumber: '0042' },
};
const run = (
  mapping: MappingDocument,
  u: Record<string, unknown> = user,
  groups = [] as { id: string; displayName: string }[],
  ctx = {},
) => {
  const r = mapToShopify(u, groups, mapping, ctx);
  assert.ok(r.ok, `mapping should succeed: ${JSON.stringify(r.problems)}`);
  return r;
};

test('field rules fill the customer and every rule appears in the trace', () => {
  const r = run(doc([...names, { id: 'mail', source: 'emails[type eq "work"].value', target: { kind: 'field', field: 'email' } }]));
  assert.equal(r.customer.firstName, 'Ada');
  assert.equal(r.customer.lastName, 'Lovelace');
  assert.equal(r.customer.email, 'ada@example.com');
  assert.deepEqual(
    r.fired.map((t) => t.ruleId),
    ['first', 'last', 'mail'],
  );
  assert.deepEqual(
    r.trace.map((t) => t.outcome),
    ['applied', 'applied', 'applied'],
  );
});

test('the custom id metafield carries the SCIM id', () => {
  const r = run(doc(names, { customIdMetafield: { namespace: 'acme_scim', key: 'uid' } }));
  assert.deepEqual(r.customer.metafields, [{ namespace: 'acme_scim', key: 'uid', type: 'id', value: 'scim-1' }]);
});

test('address rules build the default address; metafield rules add typed metafields', () => {
  const r = run(
    doc([
      ...names,
      { id: 'city', source: 'addresses[type eq "work"].locality', target: { kind: 'address', field: 'city' } },
      {
        id: 'emp',
        source: `${ENT}:employeeNumber`,
        target: { kind: 'metafield', namespace: 'acme_hr', key: 'employee_number', type: 'number_integer' },
      },
    ]),
    {
      ...user,
      addresses: [
        { type: 'home', locality: 'Paris' },
        { type: 'work', locality: 'London' },
      ],
    },
  );
  assert.deepEqual(r.customer.defaultAddress, { city: 'London' });
  assert.deepEqual(r.customer.metafields[0], { namespace: 'acme_hr', key: 'employee_number', type: 'number_integer', value: '42' });
});

test('a conditional tag rule adds its tag only when the condition holds', () => {
  const mapping = doc([
    ...names,
    {
      id: 'wholesale',
      target: { kind: 'tag' },
      transforms: [{ op: 'constant', value: 'wholesale' }],
      when: `${ENT}:department eq "sales"`,
    },
  ]);
  assert.deepEqual(run(mapping).customer.tags, ['wholesale'], 'department compares case-insensitively');
  const other = run(mapping, { ...user, [ENT]: { department: 'Legal' } });
  assert.deepEqual(other.customer.tags, []);
  assert.equal(other.trace.find((t) => t.ruleId === 'wholesale')?.reason, 'condition not met');
});

test('value maps turn departments into tags', () => {
  const mapping = doc([
    ...names,
    { id: 'dept', source: `${ENT}:department`, target: { kind: 'tag' }, transforms: [{ op: 'valueMap', map: { Sales: 'wholesale' } }] },
  ]);
  assert.deepEqual(run(mapping).customer.tags, ['wholesale']);
});

test('static, templated, group and deactivation tags are managed together, without duplicates', () => {
  const mapping = doc(names, {
    tags: {
      static: ['staff', 'STAFF'],
      templates: ['dept:{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department}', 'cc:{title}'],
      groupPrefix: 'team:',
    },
  });
  const active = run(mapping, user, [{ id: 'g1', displayName: 'Sales EMEA' }]);
  assert.deepEqual(active.customer.tags, ['staff', 'dept:Sales', 'team:Sales EMEA'], 'a template whose attribute is missing gives no tag');
  const inactive = run(mapping, { ...user, active: false }, [{ id: 'g1', displayName: 'Sales EMEA' }]);
  assert.deepEqual(inactive.customer.tags, ['staff', 'dept:Sales', 'team:Sales EMEA', 'scim-deactivated']);
  assert.deepEqual(inactive.applied.groupTags, { g1: ['team:Sales EMEA'] });
});

test('a phone Shopify would refuse rejects the user, naming the rule and not the number', () => {
  const mapping = doc([
    ...names,
    { id: 'mobile', source: 'phoneNumbers[type eq "mobile"].value', target: { kind: 'field', field: 'phone' } },
  ]);
  const r = mapToShopify(user, [], mapping);
  assert.ok(!r.ok, 'no default country: the national number cannot be read');
  assert.equal(r.problems[0].ruleId, 'mobile');
  assert.equal(r.problems[0].code, 'invalidPhone');
  assert.equal(r.problems[0].source, 'phoneNumbers[type eq "mobile"].value');
  assert.ok(!r.problems[0].message.includes('23456789'), r.problems[0].message);
  const withCountry = run({ ...mapping, defaultCountry: 'DE' });
  assert.equal(withCountry.customer.phone, '+4915123456789');
});

test("onInvalid 'skip' leaves a refused value out with a warning instead of rejecting the user", () => {
  const mapping = doc([
    ...names,
    { id: 'mobile', source: 'phoneNumbers.value', target: { kind: 'field', field: 'phone' }, onInvalid: 'skip' },
  ]);
  const r = run(mapping);
  assert.equal(r.customer.phone, undefined);
  assert.deepEqual(
    r.problems.map((p) => [p.severity, p.code, p.ruleId]),
    [['warning', 'invalidPhone', 'mobile']],
  );
  assert.match(r.problems[0].message, /left out/);
});

test('an invalid email rejects the user with a message that does not show the address', () => {
  const r = mapToShopify(
    { ...user, emails: [{ value: 'ada at example.com' }] },
    [],
    doc([...names, { id: 'mail', source: 'emails.value', target: { kind: 'field', field: 'email' } }]),
  );
  assert.ok(!r.ok);
  assert.equal(r.problems[0].code, 'invalidEmail');
  assert.ok(!JSON.stringify(r.problems).includes('ada at example'), JSON.stringify(r.problems));
});

test('a customer without name, email or phone is refused before Shopify would refuse it', () => {
  const r = mapToShopify({ id: 'x', userName: 'nobody' }, [], doc(names));
  assert.ok(!r.ok);
  assert.deepEqual(
    r.problems.map((p) => p.code),
    ['missingIdentity'],
  );
});

test('the first rule to set a single target wins; later ones are skipped in the trace', () => {
  const r = run(
    doc([
      {
        id: 'sales-note',
        target: { kind: 'field', field: 'note' },
        transforms: [{ op: 'constant', value: 'Sales team' }],
        when: `${ENT}:department eq "Sales"`,
      },
      { id: 'other-note', target: { kind: 'field', field: 'note' }, transforms: [{ op: 'constant', value: 'Staff' }] },
      ...names,
    ]),
  );
  assert.equal(r.customer.note, 'Sales team');
  assert.equal(r.trace[1].outcome, 'skipped');
  assert.match(r.trace[1].reason ?? '', /already set by rule "sales-note"/);
});

test('rules meant only for the reverse direction do not run', () => {
  const r = run(doc([...names, { id: 'back', source: 'nickName', target: { kind: 'field', field: 'note' }, direction: 'toScim' }]), {
    ...user,
    nickName: 'A',
  });
  assert.equal(r.customer.note, undefined);
  assert.equal(r.trace[2].reason, 'direction is toScim');
});

test('fields the bridge set before are cleared when their attribute goes away; others are left alone', () => {
  const mapping = doc([
    ...names,
    { id: 'mail', source: 'emails.value', target: { kind: 'field', field: 'email' } },
    {
      id: 'dept',
      source: `${ENT}:department`,
      target: { kind: 'metafield', namespace: 'acme_hr', key: 'department', type: 'single_line_text_field' },
    },
    { id: 'city', source: 'addresses.locality', target: { kind: 'address', field: 'city' } },
  ]);
  const first = run(mapping, { ...user, addresses: [{ locality: 'Leeds' }] });
  const gone = { ...user, emails: [], [ENT]: {} };
  const second = run(mapping, gone, [], { previous: first.applied });
  assert.equal(second.customer.email, null, 'email the bridge set is cleared');
  assert.deepEqual(
    second.customer.metafields.find((m) => m.key === 'department'),
    { namespace: 'acme_hr', key: 'department', type: 'single_line_text_field', value: null },
  );
  assert.equal(second.customer.defaultAddress, null, 'every address field the bridge set is gone');
  const fresh = run(mapping, gone);
  assert.equal(fresh.customer.email, undefined, 'without a previous state nothing is cleared (an adopted customer keeps its email)');
});

test('attributes of a tenant extension schema can be mapped when the schema is given', () => {
  const acme: SchemaDef = {
    id: 'urn:acme:params:scim:schemas:extension:acme:2.0:User',
    name: 'Acme',
    description: '',
    attributes: [attr('loyaltyTier', 'string')],
  };
  const mapping = doc([
    ...names,
    { id: 'tier', source: `${acme.id}:loyaltyTier`, target: { kind: 'tag' }, transforms: [{ op: 'prefix', value: 'tier:' }] },
  ]);
  const r = run(mapping, { ...user, [acme.id]: { loyaltyTier: 'Gold' } }, [], { schemas: [acme] });
  assert.deepEqual(r.customer.tags, ['tier:Gold']);
  const without = mapToShopify({ ...user, [acme.id]: { loyaltyTier: 'Gold' } }, [], mapping);
  assert.ok(!without.ok && without.problems[0].code === 'invalidRule', JSON.stringify(without.problems));
});

test('the applied state remembers managed tags, set targets and the fingerprint', () => {
  const r = run(doc(names, { tags: { static: ['staff'] } }));
  assert.deepEqual(r.applied.tags, ['staff']);
  assert.deepEqual(r.applied.targets, ['field:firstName', 'field:lastName']);
  assert.match(r.applied.fingerprint ?? '', /^[0-9a-f]{64}$/);
});

test('the problems of a refused user become one SCIM invalidValue error naming each rule', () => {
  const r = mapToShopify(
    { ...user, emails: [{ value: 'nope' }] },
    [],
    doc([...names, { id: 'mail', source: 'emails.value', target: { kind: 'field', field: 'email' } }]),
  );
  assert.ok(!r.ok);
  const err = problemsToScimError(r.problems);
  assert.ok(err, 'an error is made');
  assert.equal(err.status, 400);
  assert.equal(err.scimType, 'invalidValue');
  assert.equal(err.detail, `rule "mail" (emails.value -> email): the value has no '@' or nothing before it`);
  assert.equal(
    problemsToScimError([{ severity: 'warning', code: 'invalidPhone', message: 'x' }]),
    undefined,
    'warnings alone are no error',
  );
});
