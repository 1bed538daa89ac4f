// Properties of the PATCH engine over generated requests: it never throws, never touches its input, and whatever it
// accepts is a resource a PUT would store unchanged; plus the sizes real groups reach.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ScimError } from '../errors.js';
import { normalizeResource } from '../resource.js';
import { groupResourceType, SCHEMA, userResourceType } from '../schemas.js';
import { applyPatch } from './index.js';
import { applied, ENT, patchGroup, sampleGroup, sampleUser } from './fixtures.test.js';

const paths = [
  undefined,
  'userName',
  'displayName',
  'active',
  'name',
  'name.givenName',
  'Name.FamilyName',
  'emails',
  'emails[type eq "work"].value',
  'emails[type eq "home"]',
  'emails[value co "ann"].primary',
  'phoneNumbers[type eq "mobile"].value',
  'addresses[type eq "work"].Formatted',
  `${ENT}:department`,
  `${ENT}:manager`,
  `${ENT}:manager.value`,
  ENT,
  'groups',
  'id',
  'password',
  'nosuch',
  'emails[type eq',
];

const values = fc.oneof(
  fc.constantFrom('x', 'False', 'True', '', null, true, false, 7, 'a@b.example', '+15550001111'),
  fc.constantFrom(
    [],
    [{ value: 'n@x.example', type: 'work', primary: true }],
    [{ value: 'n@x.example' }, { value: 'm@x.example', primary: 'True' }],
  ),
  fc.constantFrom(
    { givenName: 'G' },
    { active: 'False' },
    { 'name.givenName': null },
    { value: 'boss' },
    { id: 'u-1', displayName: 'D' },
    { [`${ENT}:division`]: 'V' },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

const operation = fc.record(
  {
    op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'REMOVE'),
    path: fc.constantFrom(...paths),
    value: values,
  },
  { requiredKeys: ['op'] },
);

describe('applyPatch properties', () => {
  it('never throws, never changes its input, and returns what a PUT would store unchanged', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 6 }), (ops) => {
        const input = sampleUser();
        const r = applyPatch(input, { schemas: [SCHEMA.patchOp], Operations: ops }, userResourceType);
        assert.deepEqual(input, sampleUser());
        if (!r.ok) {
          assert.ok(r.error instanceof ScimError);
          assert.equal(r.error.status, 400, r.error.detail);
          return;
        }
        const { id: _id, ...body } = r.value.resource;
        const put = normalizeResource(body, userResourceType, 'replace', { id: 'u-1' });
        assert.ok(
          put.ok,
          `${JSON.stringify(ops)} -> ${JSON.stringify(r.value.resource)}: ${JSON.stringify(!put.ok && put.error.toJSON())}`,
        );
        assert.deepEqual(put.value, r.value.resource);
        assert.equal(r.value.changed, r.value.changedPaths.length > 0);
      }),
      { numRuns: 400 },
    );
  });

  it('reports no change exactly when the resource is unchanged', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 4 }), (ops) => {
        const r = applyPatch(sampleUser(), { Operations: ops }, userResourceType);
        if (!r.ok) return;
        const before = normalizeResource(sampleUser(), userResourceType, 'replace', sampleUser());
        assert.ok(before.ok);
        assert.equal(r.value.changed, JSON.stringify(before.value) !== JSON.stringify(r.value.resource), JSON.stringify(ops));
      }),
      { numRuns: 300 },
    );
  });
});

describe('normalizeResource properties', () => {
  it('never throws on arbitrary JSON, and what it returns normalises to itself', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.dictionary(fc.constantFrom('userName', 'name', 'emails', 'active', ENT, 'members', 'x'), fc.jsonValue({ maxDepth: 2 })),
        ),
        (body) => {
          for (const rt of [userResourceType, groupResourceType]) {
            const r = normalizeResource(body, rt, 'create');
            if (!r.ok) {
              assert.equal(r.error.status, 400);
              continue;
            }
            const again = normalizeResource(r.value, rt, 'create');
            assert.ok(again.ok, JSON.stringify(r.value));
            assert.deepEqual(again.value, r.value);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('large groups', () => {
  it('adds and removes thousands of members of a 20,000-member group in one request', () => {
    const members = Array.from({ length: 20_000 }, (_, i) => ({ value: `u-${i}`, type: 'User' }));
    const group = { ...sampleGroup(), members };
    const added = Array.from({ length: 5_000 }, (_, i) => ({ value: `u-${i + 18_000}` }));
    const removed = Array.from({ length: 5_000 }, (_, i) => ({ value: `u-${i}` }));
    const r = applied(
      patchGroup(
        [
          { op: 'add', path: 'members', value: added },
          { op: 'remove', path: 'members', value: removed },
        ],
        group,
      ),
    );
    const result = r.resource.members as { value: string }[];
    assert.equal(result.length, 20_000 - 5_000 + 3_000);
    assert.equal(result[0].value, 'u-5000');
    assert.equal(result.at(-1)?.value, 'u-22999');
  });
});
