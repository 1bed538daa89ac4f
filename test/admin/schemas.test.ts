// A custom SCIM extension schema declared through the admin API: shown in that tenant's /Schemas and /ResourceTypes
// only, its attributes accepted by POST and PATCH, usable in filters and in mapping rules that reach the customer.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf, type TenantHandle } from './harness.js';

const stack = await startAdminStack();
after(() => stack.close());

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const acmeSchema = {
  id: ACME,
  name: 'AcmeUser',
  description: 'What Acme keeps about its staff',
  attributes: [
    { name: 'badgeNumber', type: 'string', description: 'The number on the staff badge', caseExact: true },
    { name: 'clearance', type: 'integer' },
    {
      name: 'site',
      type: 'complex',
      subAttributes: [
        { name: 'building', type: 'string' },
        { name: 'floor', type: 'integer' },
      ],
    },
  ],
};

let a: TenantHandle;
let b: TenantHandle;
before(async () => {
  a = await stack.tenant('schemas-a');
  b = await stack.tenant('schemas-b');
  const put = await stack.admin('PUT', `/tenants/${a.name}/schemas`, { schemas: [acmeSchema] });
  assert.equal(put.status, 200, put.dump);
});

/** The default preset plus two rules reading the extension: a metafield and a conditional tag. */
async function acmeMapping(t: TenantHandle) {
  const cur = await stack.admin('GET', `/tenants/${t.name}/mapping`);
  const doc = cur.body.document;
  doc.rules.push(
    {
      id: 'badge',
      source: `${ACME}:badgeNumber`,
      target: { kind: 'metafield', namespace: 'acme', key: 'badge', type: 'single_line_text_field' },
    },
    { id: 'cleared', target: { kind: 'tag' }, transforms: [{ op: 'constant', value: 'cleared' }], when: `${ACME}:clearance ge 3` },
    { id: 'building', source: `${ACME}:site.building`, target: { kind: 'address', field: 'company' } },
  );
  return stack.admin('PUT', `/tenants/${t.name}/mapping`, doc);
}

test('the declared schema appears in its tenant’s /Schemas and /ResourceTypes, and nowhere else', async () => {
  const schemas = await stack.scim(a, 'GET', '/Schemas');
  assert.equal(schemas.status, 200, schemas.dump);
  const mine = schemas.body.Resources.find((s: { id: string }) => s.id === ACME);
  assert.ok(mine, schemas.dump);
  assert.deepEqual(
    mine.attributes.map((x: { name: string }) => x.name),
    ['badgeNumber', 'clearance', 'site'],
  );
  assert.equal(mine.attributes[0].caseExact, true);
  assert.equal(mine.attributes[1].mutability, 'readWrite', 'defaults filled in');
  const one = await stack.scim(a, 'GET', `/Schemas/${ACME}`);
  assert.equal(one.status, 200, one.dump);
  const rt = await stack.scim(a, 'GET', '/ResourceTypes/User');
  assert.deepEqual(rt.body.schemaExtensions.at(-1), { schema: ACME, required: false }, rt.dump);

  const other = await stack.scim(b, 'GET', '/Schemas');
  assert.ok(!other.text.includes(ACME), 'another tenant does not see it');
  assert.equal((await stack.scim(b, 'GET', `/Schemas/${ACME}`)).status, 404);
  assert.ok(!(await stack.scim(b, 'GET', '/ResourceTypes')).text.includes(ACME));
  const admin = await stack.admin('GET', `/tenants/${a.name}/schemas`);
  assert.equal(admin.body.schemas[0].id, ACME, admin.dump);
});

test('a mapping rule reads the extension; the same rule is refused where the schema is not declared', async () => {
  const ok = await acmeMapping(a);
  assert.equal(ok.status, 200, ok.dump);
  const refused = await acmeMapping(b);
  assert.equal(refused.status, 400, refused.dump);
  assert.match(
    refused.body.message,
    /rule "badge": source "urn:example:params:scim:schemas:extension:acme:2\.0:User:badgeNumber"/,
    refused.dump,
  );
});

test('POST and PATCH accept the extension, filters find by it, and the customer carries what the mapping made of it', async () => {
  const created = await stack.scim(a, 'POST', '/Users', {
    schemas: [CORE, ACME],
    userName: 'wile.e@acme.example',
    name: { givenName: 'Wile', familyName: 'Coyote' },
    emails: [{ value: 'wile.e@acme.example', type: 'work', primary: true }],
    [ACME]: { badgeNumber: 'B-7', clearance: 4, site: { building: 'Mesa HQ', floor: 2 } },
  });
  const userId = idOf(created);
  assert.ok(created.body.schemas.includes(ACME), created.dump);
  assert.deepEqual(created.body[ACME], { badgeNumber: 'B-7', clearance: 4, site: { building: 'Mesa HQ', floor: 2 } });
  const customer = await stack.customerOf(a, userId);
  assert.equal(customer?.metafields.find((m) => m.namespace === 'acme' && m.key === 'badge')?.value, 'B-7', JSON.stringify(customer));
  assert.ok(customer?.tags.includes('cleared'), 'the conditional tag fired');
  assert.equal(customer?.addresses[0]?.company, 'Mesa HQ');

  const patched = await stack.scim(a, 'PATCH', `/Users/${userId}`, {
    schemas: [PATCH],
    Operations: [
      { op: 'replace', path: `${ACME}:badgeNumber`, value: 'B-8' },
      { op: 'replace', path: `${ACME}:clearance`, value: 1 },
    ],
  });
  assert.equal(patched.status, 200, patched.dump);
  assert.equal(patched.body[ACME].badgeNumber, 'B-8');
  const after = await stack.customerOf(a, userId);
  assert.equal(after?.metafields.find((m) => m.key === 'badge')?.value, 'B-8');
  assert.ok(!after?.tags.includes('cleared'), 'the condition no longer holds: the tag goes');

  const eq = await stack.scim(a, 'GET', `/Users?filter=${encodeURIComponent(`${ACME}:badgeNumber eq "B-8"`)}`);
  assert.equal(eq.status, 200, eq.dump);
  assert.deepEqual(
    eq.body.Resources.map((r: { id: string }) => r.id),
    [userId],
  );
  const caseExact = await stack.scim(a, 'GET', `/Users?filter=${encodeURIComponent(`${ACME}:badgeNumber eq "b-8"`)}`);
  assert.equal(caseExact.body.totalResults, 0, 'caseExact as declared');
  const sub = await stack.scim(a, 'POST', '/Users/.search', {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
    filter: `${ACME}:site.floor gt 1 and ${ACME}:clearance lt 2`,
  });
  assert.equal(sub.body.totalResults, 1, sub.dump);
  const projected = await stack.scim(a, 'GET', `/Users/${userId}?attributes=${encodeURIComponent(`${ACME}:badgeNumber`)}`);
  assert.deepEqual(projected.body[ACME], { badgeNumber: 'B-8' }, projected.dump);
});

test('another tenant refuses the extension in a body, and its filters match nothing by it', async () => {
  const post = await stack.scim(b, 'POST', '/Users', {
    schemas: [CORE, ACME],
    userName: 'road.runner@acme.example',
    name: { givenName: 'Road', familyName: 'Runner' },
    emails: [{ value: 'road.runner@acme.example', primary: true }],
    [ACME]: { badgeNumber: 'B-9' },
  });
  assert.equal(post.status, 400, post.dump);
  assert.equal(post.body.scimType, 'invalidValue');
  // As for any attribute a tenant's schemas lack, a filter on it matches nothing (the server's rule for unknown names).
  const filter = await stack.scim(b, 'GET', `/Users?filter=${encodeURIComponent(`${ACME}:badgeNumber pr`)}`);
  assert.equal(filter.status, 200, filter.dump);
  assert.equal(filter.body.totalResults, 0, filter.dump);
  assert.equal(
    (await stack.scim(a, 'GET', `/Users?filter=${encodeURIComponent(`${ACME}:badgeNumber pr`)}`)).body.totalResults,
    1,
    'while its own tenant finds the user',
  );
});

test('a schema the mapping reads cannot be removed, and an invalid declaration is refused naming the problem', async () => {
  const remove = await stack.admin('PUT', `/tenants/${a.name}/schemas`, []);
  assert.equal(remove.status, 409, remove.dump);
  assert.equal(remove.body.error, 'SCHEMA_IN_USE');
  assert.match(remove.body.message, /rule "badge"/);
  const bad = await stack.admin('PUT', `/tenants/${a.name}/schemas`, [
    { ...acmeSchema, id: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' },
  ]);
  assert.equal(bad.status, 400, bad.dump);
  assert.equal(bad.body.error, 'INVALID_SCHEMAS');
  assert.match(bad.body.message, /schemas\[0\]\.id: .* a schema the server defines itself/);
  assert.equal((await stack.admin('GET', `/tenants/${a.name}/schemas`)).body.schemas.length, 1, 'nothing changed');
});
