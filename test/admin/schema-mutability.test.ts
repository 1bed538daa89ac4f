// An attribute a tenant declares `mutability: immutable` in its own extension schema: shown so in /Schemas, set by
// POST, and then kept by the bridge and the customer alike: a PUT or PATCH that would change it answers 400
// mutability and changes nothing, a PUT that repeats it (or leaves it out) goes through.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf, type TenantHandle } from './harness.js';

const stack = await startAdminStack();
after(() => stack.close());

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const HR = 'urn:example:params:scim:schemas:extension:hr:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let t: TenantHandle;
before(async () => {
  t = await stack.tenant('immutable-attrs');
  const put = await stack.admin('PUT', `/tenants/${t.name}/schemas`, {
    schemas: [
      {
        id: HR,
        name: 'HrUser',
        attributes: [
          { name: 'employeeNumber', type: 'string', mutability: 'immutable' },
          { name: 'team', type: 'string' },
        ],
      },
    ],
  });
  assert.equal(put.status, 200, put.dump);
  const cur = await stack.admin('GET', `/tenants/${t.name}/mapping`);
  const doc = cur.body.document;
  doc.rules.push({
    id: 'employee',
    source: `${HR}:employeeNumber`,
    target: { kind: 'metafield', namespace: 'staff', key: 'employee', type: 'single_line_text_field' },
  });
  const mapped = await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc);
  assert.equal(mapped.status, 200, mapped.dump);
});

const body = (employeeNumber: string | undefined, title: string) => ({
  schemas: [CORE, HR],
  userName: 'ivy.immutable@acme.example',
  name: { givenName: 'Ivy', familyName: 'Immutable' },
  emails: [{ value: 'ivy.immutable@acme.example', type: 'work', primary: true }],
  title,
  [HR]: { ...(employeeNumber === undefined ? {} : { employeeNumber }), team: 'Ops' },
});

test('/Schemas shows the declared attribute as immutable', async () => {
  const s = await stack.scim(t, 'GET', `/Schemas/${HR}`);
  assert.equal(s.status, 200, s.dump);
  assert.deepEqual(
    s.body.attributes.map((a: { name: string; mutability: string }) => [a.name, a.mutability]),
    [
      ['employeeNumber', 'immutable'],
      ['team', 'readWrite'],
    ],
  );
});

test('POST sets an immutable attribute; PUT or PATCH changing it is refused with 400 mutability and changes nothing', async () => {
  const created = await stack.scim(t, 'POST', '/Users', body('E-100', 'Engineer'));
  const id = idOf(created);
  assert.equal(created.body[HR].employeeNumber, 'E-100', created.dump);
  const metafield = async () =>
    (await stack.customerOf(t, id))?.metafields.find((m) => m.namespace === 'staff' && m.key === 'employee')?.value;
  assert.equal(await metafield(), 'E-100');
  const version = created.body.meta.version;

  const unchanged = async (what: string) => {
    const g = await stack.scim(t, 'GET', `/Users/${id}`);
    assert.equal(g.body[HR].employeeNumber, 'E-100', `${what}: ${g.dump}`);
    assert.equal(g.body.title, 'Engineer', `${what}: nothing else in the request was applied`);
    assert.equal(g.body.meta.version, version, `${what}: the version did not move`);
    assert.equal(await metafield(), 'E-100', `${what}: the customer keeps the value`);
  };

  const put = await stack.scim(t, 'PUT', `/Users/${id}`, body('E-200', 'Manager'));
  assert.equal(put.status, 400, put.dump);
  assert.equal(put.body.scimType, 'mutability', put.dump);
  assert.match(put.body.detail, /employeeNumber/);
  await unchanged('PUT');

  for (const op of [
    { op: 'replace', path: `${HR}:employeeNumber`, value: 'E-300' },
    { op: 'remove', path: `${HR}:employeeNumber` },
    { op: 'replace', value: { [HR]: { employeeNumber: 'E-400' } } },
  ]) {
    const p = await stack.scim(t, 'PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'title', value: 'Director' }, op],
    });
    assert.equal(p.status, 400, `${JSON.stringify(op)}: ${p.dump}`);
    assert.equal(p.body.scimType, 'mutability', p.dump);
    await unchanged(`PATCH ${op.op} ${op.path ?? 'without path'}`);
  }

  const same = await stack.scim(t, 'PUT', `/Users/${id}`, body('E-100', 'Manager'));
  assert.equal(same.status, 200, same.dump);
  assert.equal(same.body[HR].employeeNumber, 'E-100');
  assert.equal(same.body.title, 'Manager');
  assert.notEqual(same.body.meta.version, version);

  const omitted = await stack.scim(t, 'PUT', `/Users/${id}`, body(undefined, 'Director'));
  assert.equal(omitted.status, 200, omitted.dump);
  assert.equal(omitted.body[HR].employeeNumber, 'E-100', 'an immutable value left out of a PUT is kept');
  assert.equal(omitted.body.title, 'Director');
  assert.equal(await metafield(), 'E-100');
});
