// Properties of the parts that read untrusted input, over generated input: the filter parser (and the evaluator on
// what it accepts), the PATCH engine, and the mapping's transforms, validation and forward mapping. None may throw,
// change its input, or reach Object.prototype; refusals are SCIM errors with a 4xx status. Shared by the CI-sized
// test (test/fuzz/units.test.ts) and the long run (bench/fuzz.ts), which differ only in the number of runs.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parsePatchPath } from '../../src/scim/filter/parser.js';
import { matchesFilter } from '../../src/scim/filter/evaluate.js';
import { ScimError } from '../../src/scim/errors.js';
import { applyPatch } from '../../src/scim/patch/index.js';
import { groupResourceType, userResourceType } from '../../src/scim/schemas.js';
import { applyTransforms, invertTransforms } from '../../src/mapping/transforms.js';
import { transformSchema } from '../../src/mapping/document.js';
import type { Value } from '../../src/mapping/values.js';
import { getPreset, mapToShopify, validateMapping, PRESET_NAMES } from '../../src/mapping/index.js';

export const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function sampleUser(): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
    id: 'u-1',
    userName: 'ann@example.test',
    displayName: 'Ann',
    active: true,
    name: { givenName: 'Ann', familyName: 'Lee', formatted: 'Ann Lee' },
    emails: [
      { value: 'ann@example.test', type: 'work', primary: true },
      { value: 'ann@home.test', type: 'home' },
    ],
    phoneNumbers: [{ value: '+15550001111', type: 'mobile' }],
    addresses: [{ type: 'work', locality: 'Paris', country: 'FR' }],
    [ENT]: { department: 'Sales', employeeNumber: '7', manager: { value: 'boss' } },
    meta: { resourceType: 'User', version: 'W/"1"' },
  };
}

/** Words the grammar and the schemas know, hostile names among them, for token soups. */
export const VOCABULARY = [
  'userName',
  'emails',
  'name',
  'givenName',
  'value',
  'type',
  'primary',
  'active',
  'members',
  'displayName',
  'meta',
  'lastModified',
  ENT,
  `${ENT}:manager`,
  'urn:ietf:params:scim:schemas:core:2.0:User:',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$ref',
];
const TOKENS = [
  ...VOCABULARY,
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
  'pr',
  'and',
  'or',
  'not',
  '(',
  ')',
  '[',
  ']',
  '.',
  ':',
  '"x"',
  '"ann@example.test"',
  '"',
  '\\',
  '"\\u0000"',
  '1',
  '-1e309',
  'true',
  'false',
  'null',
  '"2026-01-01T00:00:00Z"',
  ' ',
];

/** Text that is mostly filter-shaped (a soup of its tokens) and sometimes any UTF-16 at all. */
export const filterText: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).chain((parts) => fc.constantFrom(parts.join(' '), parts.join(''))),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** A PATCH path: token soup over the schemas' names, or any text. */
const patchPath: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'emails[type eq "work"].value',
    'name.givenName',
    `${ENT}:manager.value`,
    'members[value eq "u-1"]',
    '__proto__.polluted',
  ),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 8 }).map((p) => p.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** JSON values with hostile keys in the mix; built through JSON.parse, so `__proto__` is an own key as on the wire. */
export const hostileJson: fc.Arbitrary<unknown> = fc
  .letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.jsonValue({ maxDepth: 1 }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.constantFrom(...VOCABULARY), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 5 }),
    ),
  }))
  .value.map((v) => JSON.parse(JSON.stringify(v)) as unknown);

const patchBody: fc.Arbitrary<unknown> = fc.oneof(
  hostileJson,
  fc.record({
    schemas: fc.constantFrom(['urn:ietf:params:scim:api:messages:2.0:PatchOp'], [], 'x'),
    Operations: fc.array(
      fc.record(
        { op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'REPLACE', 'bogus', ''), path: patchPath, value: hostileJson },
        { requiredKeys: ['op'] },
      ),
      { maxLength: 6 },
    ),
  }),
);

const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const transform: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    { op: 'lowercase' },
    { op: 'uppercase' },
    { op: 'trim' },
    { op: 'date', format: 'date' },
    { op: 'date', format: 'dateTime' },
  ),
  fc.record({
    op: fc.constant('template'),
    template: fc
      .array(fc.constantFrom('{', '}', '$value', 'scim.', 'userName', 'name.givenName', 'x', '{$value}', '{userName}'), { maxLength: 8 })
      .map((p) => p.join('')),
  }),
  fc.record({ op: fc.constant('constant'), value: scalar }),
  fc.record(
    { op: fc.constant('default'), value: scalar, source: fc.constantFrom('userName', 'emails.value', 'nosuch', '__proto__') },
    { requiredKeys: ['op'] },
  ),
  fc.record(
    {
      op: fc.constant('valueMap'),
      map: fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 4 }),
      keepUnmapped: fc.boolean(),
      caseInsensitive: fc.boolean(),
    },
    { requiredKeys: ['op', 'map'] },
  ),
  fc.record({ op: fc.constant('phoneE164'), country: fc.constantFrom('US', 'FR', 'GB', 'zz') }, { requiredKeys: ['op'] }),
  fc.record({ op: fc.constant('split'), separator: fc.string({ minLength: 1, maxLength: 2 }) }),
  fc.record({ op: fc.constant('join'), separator: fc.string({ maxLength: 2 }) }),
  fc.record({ op: fc.constant('truncate'), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('prefix'), value: fc.string({ maxLength: 5 }) }),
  fc.record({ op: fc.constant('suffix'), value: fc.string({ maxLength: 5 }) }),
);
const valueScalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean());
const mappingValue: fc.Arbitrary<Value> = fc.oneof(fc.constant(undefined), valueScalar, fc.array(valueScalar, { maxLength: 4 }));

const protoKeys = Object.getOwnPropertyNames(Object.prototype).join();
function assertUnpolluted(): void {
  assert.equal(Object.getOwnPropertyNames(Object.prototype).join(), protoKeys, 'Object.prototype is untouched');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'plain objects have no polluted property');
}
function assertClientError(e: ScimError): void {
  assert.ok(e instanceof ScimError, 'a refusal is a ScimError');
  assert.ok(e.status >= 400 && e.status < 500, `a refusal is 4xx, not ${e.status}`);
}

/** A group name taken from generated data when it is a string. */
const groupName = (v: unknown): string => {
  const d = v && typeof v === 'object' ? Object.getOwnPropertyDescriptor(v, 'displayName')?.value : undefined;
  return typeof d === 'string' ? d : 'Staff';
};

export interface UnitProperty {
  name: string;
  property: fc.IPropertyWithHooks<unknown[]> | fc.IProperty<unknown[]>;
}

/** The unit properties; each run is microseconds, so CI runs thousands. */
export function unitProperties(): UnitProperty[] {
  return [
    {
      name: 'the filter parser answers any text with a filter or a 400 invalidFilter, and the evaluator never throws on what it accepts',
      property: fc.property(filterText, (text) => {
        const r = parseFilter(text);
        if (r.ok) {
          for (const rt of [userResourceType, groupResourceType]) assert.equal(typeof matchesFilter(r.value, sampleUser(), rt), 'boolean');
        } else {
          assertClientError(r.error);
          assert.equal(r.error.scimType, 'invalidFilter');
        }
        const p = parsePatchPath(text);
        if (!p.ok) assertClientError(p.error);
        assertUnpolluted();
      }),
    },
    {
      name: 'the PATCH engine answers any body with a resource or a 4xx SCIM error, and never changes its input',
      property: fc.property(patchBody, fc.constantFrom(userResourceType, groupResourceType), (body, rt) => {
        const resource = sampleUser();
        const before = JSON.stringify(resource);
        const bodyBefore = JSON.stringify(body);
        const r = applyPatch(resource, body, rt);
        if (!r.ok) assertClientError(r.error);
        assert.equal(JSON.stringify(resource), before, 'the resource given is not changed');
        assert.equal(JSON.stringify(body), bodyBefore, 'the body given is not changed');
        assertUnpolluted();
      }),
    },
    {
      name: 'mapping transforms never throw, forward or inverse, on any value and any valid chain',
      property: fc.property(mappingValue, fc.array(transform, { maxLength: 5 }), (value, raw) => {
        const chain = raw
          .map((t) => transformSchema.safeParse(t))
          .filter((p) => p.success)
          .map((p) => p.data);
        const ctx = { read: (path: string) => (path === 'userName' ? 'ann@example.test' : undefined), defaultCountry: 'US' };
        const fwd = applyTransforms(value, chain, ctx);
        if (!fwd.ok) assert.equal(typeof fwd.reason, 'string');
        const inv = invertTransforms(fwd.ok ? fwd.value : value, chain);
        if (!inv.ok) assert.equal(typeof inv.reason, 'string');
        assertUnpolluted();
      }),
    },
    {
      name: 'mapping validation answers any document with a verdict, and every preset maps any user-shaped object without throwing',
      property: fc.property(hostileJson, hostileJson, fc.constantFrom(...PRESET_NAMES), (doc, user, preset) => {
        const v = validateMapping(doc);
        assert.equal(typeof v.ok, 'boolean');
        const mapping = getPreset(preset)!;
        const u =
          user && typeof user === 'object' && !Array.isArray(user)
            ? { ...sampleUser(), ...(user as Record<string, unknown>) }
            : sampleUser();
        const r = mapToShopify(u, [{ id: 'g-1', displayName: groupName(user) }], mapping);
        assert.equal(typeof r, 'object');
        assertUnpolluted();
      }),
    },
  ];
}
