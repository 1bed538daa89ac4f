import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter } from './parser.js';
import { printFilter } from './print.js';
import { anyFilter } from '../../../test/helpers/filter-arbitraries.js';
import type { Filter } from './ast.js';

const roomy = { maxLength: 1_000_000, maxDepth: 1000, maxNodes: 100_000 };

test('parse(print(ast)) gives back the same AST for any AST', () => {
  fc.assert(
    fc.property(anyFilter, (ast) => {
      const text = printFilter(ast);
      const back = parseFilter(text, roomy);
      assert.ok(back.ok, `printed "${text}" does not parse: ${back.ok ? '' : back.error.detail}`);
      assert.deepStrictEqual(back.value, ast, `printed as: ${text}`);
    }),
    { numRuns: 1500 },
  );
});

test('print(parse(text)) is stable: printing twice gives the same text', () => {
  for (const text of [
    'userName eq "bjensen" and (emails.type eq "work" or not (active eq false))',
    'a pr and (b pr and c pr)',
    'a pr or (b pr or c pr)',
    'emails[type eq "work" and value co "@x.com"]',
  ]) {
    const once = parseFilter(text);
    assert.ok(once.ok);
    const printed = printFilter(once.value);
    const twice = parseFilter(printed);
    assert.ok(twice.ok, printed);
    assert.equal(printFilter(twice.value), printed);
  }
});

test('prints with the fewest parentheses that keep the shape', () => {
  const p = (text: string) => {
    const r = parseFilter(text);
    assert.ok(r.ok, text);
    return printFilter(r.value);
  };
  assert.equal(p('((a pr) and (b pr)) or (c pr)'), 'a pr and b pr or c pr');
  assert.equal(p('a pr and (b pr or c pr)'), 'a pr and (b pr or c pr)');
  assert.equal(p('NOT(a PR)'), 'not (a pr)');
  assert.equal(p('externalId EQ 1234abc'), 'externalId eq "1234abc"');
});

test('prints negative zero so that it reads back as negative zero', () => {
  const ast: Filter = { kind: 'compare', path: { attr: 'x' }, op: 'eq', value: -0 };
  const back = parseFilter(printFilter(ast));
  assert.ok(back.ok);
  assert.ok(back.value.kind === 'compare' && Object.is(back.value.value, -0));
});
