// fast-check generators of filter ASTs, shared by the printer's round-trip property and the SQL compiler's
// agreement property. Only tests import this module.
import fc from 'fast-check';
import type { AttrPath, CompValue, CompareOp, Filter } from '../../src/scim/filter/ast.js';

/** Records with Object.prototype, as the parser builds them (deepStrictEqual compares prototypes). */
const plain = { noNullPrototype: true };

export const compareOps: CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/** Any syntactically valid attribute path, including names that read like keywords. */
export function anyAttrPath(withSub = true): fc.Arbitrary<AttrPath> {
  const name = fc.oneof(
    fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/),
    fc.constantFrom('$ref', 'not', 'and', 'or', 'pr', 'eq', 'true', 'null'),
  );
  const uri = fc.constantFrom(
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    'urn:ietf:params:scim:schemas:core:2.0:User',
    'urn:example:params:1.0',
    'x',
  );
  return fc.record(
    { uri, attr: name, ...(withSub ? { sub: name } : {}) },
    { requiredKeys: ['attr'], noNullPrototype: true },
  ) as fc.Arbitrary<AttrPath>;
}

/** Any value the AST allows: strings (any UTF-16, lone surrogates too), finite numbers, booleans, null. */
export const anyValue: fc.Arbitrary<CompValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

export const compareLeaf = (path: fc.Arbitrary<AttrPath>, value: fc.Arbitrary<CompValue>, ops = compareOps): fc.Arbitrary<Filter> =>
  fc.record({ kind: fc.constant('compare' as const), path, op: fc.constantFrom(...ops), value }, plain);
export const presentLeaf = (path: fc.Arbitrary<AttrPath>): fc.Arbitrary<Filter> =>
  fc.record({ kind: fc.constant('present' as const), path }, plain);

/**
 * Filter ASTs over `leaf`; when `valuePath` is given, value filters over its element leaves appear too, never nested
 * (the grammar forbids it).
 */
export function filterArb(
  leaf: fc.Arbitrary<Filter>,
  valuePath?: { leaf: fc.Arbitrary<Filter>; wrap: (inner: fc.Arbitrary<Filter>) => fc.Arbitrary<Filter> },
): fc.Arbitrary<Filter> {
  const opts = { depthSize: 'small' as const, withCrossShrink: true };
  return fc.letrec<{ f: Filter; inner: Filter }>((tie) => ({
    f: fc.oneof(
      opts,
      leaf,
      fc.record({ kind: fc.constant('and' as const), left: tie('f'), right: tie('f') }, plain),
      fc.record({ kind: fc.constant('or' as const), left: tie('f'), right: tie('f') }, plain),
      fc.record({ kind: fc.constant('not' as const), filter: tie('f') }, plain),
      ...(valuePath ? [valuePath.wrap(tie('inner'))] : []),
    ),
    inner: fc.oneof(
      opts,
      valuePath?.leaf ?? leaf,
      fc.record({ kind: fc.constant('and' as const), left: tie('inner'), right: tie('inner') }, plain),
      fc.record({ kind: fc.constant('or' as const), left: tie('inner'), right: tie('inner') }, plain),
      fc.record({ kind: fc.constant('not' as const), filter: tie('inner') }, plain),
    ),
  })).f;
}

/** Any filter AST the parser can produce. */
export const anyFilter: fc.Arbitrary<Filter> = (() => {
  const leafOf = (withSub: boolean) => fc.oneof(compareLeaf(anyAttrPath(withSub), anyValue), presentLeaf(anyAttrPath(withSub)));
  return filterArb(leafOf(true), {
    leaf: leafOf(true),
    wrap: (inner) => fc.record({ kind: fc.constant('valuePath' as const), path: anyAttrPath(false), filter: inner }, plain),
  });
})();
