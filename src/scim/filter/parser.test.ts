import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, parsePatchPath } from './parser.js';
import type { Filter, PatchPath } from './ast.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function parsed(text: string): Filter {
  const r = parseFilter(text);
  assert.ok(r.ok, `expected "${text}" to parse, got ${r.ok ? '' : r.error.detail}`);
  return r.value;
}

function refused(text: string, limits?: Parameters<typeof parseFilter>[1]): string {
  const r = parseFilter(text, limits);
  assert.ok(!r.ok, `expected "${text.slice(0, 80)}" to be refused, got ${JSON.stringify(r.ok && r.value)}`);
  assert.equal(r.error.scimType, 'invalidFilter');
  assert.equal(r.error.status, 400);
  return r.error.detail;
}

test('parses a simple equality with a JSON string', () => {
  assert.deepEqual(parsed('userName eq "bjensen"'), { kind: 'compare', path: { attr: 'userName' }, op: 'eq', value: 'bjensen' });
});

test('reads operators and logical keywords in any case', () => {
  assert.deepEqual(parsed('userName EQ "x" AND active Eq TRUE'), {
    kind: 'and',
    left: { kind: 'compare', path: { attr: 'userName' }, op: 'eq', value: 'x' },
    right: { kind: 'compare', path: { attr: 'active' }, op: 'eq', value: true },
  });
});

test('parses every comparison operator and pr', () => {
  for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']) {
    assert.deepEqual(parsed(`title ${op} "x"`), { kind: 'compare', path: { attr: 'title' }, op, value: 'x' });
  }
  assert.deepEqual(parsed('title pr'), { kind: 'present', path: { attr: 'title' } });
});

test('binds not tighter than and, and tighter than or', () => {
  assert.deepEqual(parsed('a pr or b pr and not (c pr)'), {
    kind: 'or',
    left: { kind: 'present', path: { attr: 'a' } },
    right: {
      kind: 'and',
      left: { kind: 'present', path: { attr: 'b' } },
      right: { kind: 'not', filter: { kind: 'present', path: { attr: 'c' } } },
    },
  });
});

test('lets parentheses override precedence', () => {
  assert.deepEqual(parsed('(a pr or b pr) and c pr'), {
    kind: 'and',
    left: { kind: 'or', left: { kind: 'present', path: { attr: 'a' } }, right: { kind: 'present', path: { attr: 'b' } } },
    right: { kind: 'present', path: { attr: 'c' } },
  });
});

test('groups chains of the same operator from the left', () => {
  const f = parsed('a pr and b pr and c pr');
  assert.equal(f.kind, 'and');
  assert.deepEqual(f.kind === 'and' && f.right, { kind: 'present', path: { attr: 'c' } });
});

test('parses a value filter with a logical expression inside', () => {
  assert.deepEqual(parsed('emails[type eq "work" and value co "@x.com"]'), {
    kind: 'valuePath',
    path: { attr: 'emails' },
    filter: {
      kind: 'and',
      left: { kind: 'compare', path: { attr: 'type' }, op: 'eq', value: 'work' },
      right: { kind: 'compare', path: { attr: 'value' }, op: 'co', value: '@x.com' },
    },
  });
});

test('parses sub-attributes and URN-qualified names whose URN contains dots', () => {
  assert.deepEqual(parsed('name.givenName sw "B"'), { kind: 'compare', path: { attr: 'name', sub: 'givenName' }, op: 'sw', value: 'B' });
  assert.deepEqual(parsed(`${ENTERPRISE}:department eq "Sales"`), {
    kind: 'compare',
    path: { uri: ENTERPRISE, attr: 'department' },
    op: 'eq',
    value: 'Sales',
  });
  assert.deepEqual(parsed(`${ENTERPRISE}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`), {
    kind: 'compare',
    path: { uri: ENTERPRISE, attr: 'manager', sub: 'value' },
    op: 'eq',
    value: '26118915-6090-4610-87e4-49d8ca9f808d',
  });
});

test('decodes JSON escapes in string literals', () => {
  const f = parsed('displayName eq "Ren\\u00e9e \\"Bob\\" \\\\ O\'Neil"');
  assert.equal(f.kind === 'compare' && f.value, 'Renée "Bob" \\ O\'Neil');
});

test('types numbers, booleans and null, and keeps quoted look-alikes as strings', () => {
  const value = (t: string) => {
    const f = parsed(`x eq ${t}`);
    return f.kind === 'compare' ? f.value : undefined;
  };
  assert.equal(value('42'), 42);
  assert.equal(value('-1.5e3'), -1500);
  assert.equal(value('true'), true);
  assert.equal(value('false'), false);
  assert.equal(value('null'), null);
  assert.equal(value('"42"'), '42');
  assert.equal(value('"true"'), 'true');
});

test('accepts an unquoted value that is not a number or literal as a string, as Entra sends it', () => {
  assert.deepEqual(parsed('externalId eq 1234abc'), { kind: 'compare', path: { attr: 'externalId' }, op: 'eq', value: '1234abc' });
  const leadingZero = parsed('externalId eq 00123');
  assert.equal(leadingZero.kind === 'compare' && leadingZero.value, '00123');
});

test('accepts tabs and repeated spaces between tokens', () => {
  assert.deepEqual(parsed('  userName\teq   "x"  '), parsed('userName eq "x"'));
});

test('refuses malformed filters with a position in the detail', () => {
  assert.match(refused('userName eq'), /position 12.*expected a value/);
  assert.match(refused('userName "x"'), /expected an operator/);
  assert.match(refused('userName zz "x"'), /expected an operator/);
  assert.match(refused('(userName pr'), /expected "\)"/);
  assert.match(refused('userName pr)'), /unexpected "\)"/);
  assert.match(refused('userName eq "x" and'), /expected an attribute name/);
  assert.match(refused('userName eq "unterminated'), /unterminated string/);
  assert.match(refused('userName eq "bad \\x escape"'), /invalid string literal/);
  assert.match(refused('emails[]'), /cannot be empty/);
  assert.match(refused('emails[type eq "work"'), /expected "\]"/);
  assert.match(refused('1userName eq "x"'), /not a valid attribute path/);
  assert.match(refused('a.b.c eq "x"'), /not a valid attribute path/);
  assert.match(refused(''), /empty/);
  assert.match(refused('   '), /empty/);
});

test('refuses nested value filters and a sub-attribute after a value filter', () => {
  assert.match(refused('emails[type eq "work" and x[y pr]]'), /cannot be nested/);
  assert.match(refused('emails[type eq "work"].value eq "x"'), /only allowed in PATCH paths/);
  assert.match(refused('name.givenName[x pr]'), /not to the sub-attribute/);
});

test('refuses a filter longer than the length limit', () => {
  assert.match(refused(`userName eq "${'a'.repeat(5000)}"`), /longer than 4096/);
  assert.match(refused('userName eq "abcdef"', { maxLength: 10 }), /longer than 10/);
});

test('refuses deep nesting without exhausting the stack', () => {
  const deep = '('.repeat(200_000) + 'a pr' + ')'.repeat(200_000);
  assert.match(refused(deep, { maxLength: 1_000_000 }), /deeper than 32/);
  assert.match(refused('not '.repeat(100_000) + '(a pr)', { maxLength: 1_000_000 }), /deeper than 32/);
  assert.ok(parseFilter('('.repeat(32) + 'a pr' + ')'.repeat(32)).ok, 'nesting exactly at the limit is accepted');
});

test('refuses filters with more terms than the node limit', () => {
  const many = Array.from({ length: 200 }, (_, i) => `a${i} pr`).join(' or ');
  assert.match(refused(many), /more than 256 terms/);
  assert.ok(parseFilter(Array.from({ length: 100 }, (_, i) => `a${i} pr`).join(' or ')).ok);
});

test('treats "not" followed by an operator as an attribute name', () => {
  assert.deepEqual(parsed('not eq "x"'), { kind: 'compare', path: { attr: 'not' }, op: 'eq', value: 'x' });
});

function path(text: string): PatchPath {
  const r = parsePatchPath(text);
  assert.ok(r.ok, `expected path "${text}" to parse, got ${r.ok ? '' : r.error.detail}`);
  return r.value;
}

test('parses PATCH attribute paths', () => {
  assert.deepEqual(path('displayName'), { path: { attr: 'displayName' } });
  assert.deepEqual(path('name.givenName'), { path: { attr: 'name', sub: 'givenName' } });
  assert.deepEqual(path(`${ENTERPRISE}:manager.value`), { path: { uri: ENTERPRISE, attr: 'manager', sub: 'value' } });
});

test('parses PATCH value paths with and without a trailing sub-attribute', () => {
  assert.deepEqual(path('members[value eq "2819c223"]'), {
    path: { attr: 'members' },
    filter: { kind: 'compare', path: { attr: 'value' }, op: 'eq', value: '2819c223' },
  });
  assert.deepEqual(path('emails[type eq "work"].value'), {
    path: { attr: 'emails' },
    filter: { kind: 'compare', path: { attr: 'type' }, op: 'eq', value: 'work' },
    subAfterFilter: 'value',
  });
  assert.deepEqual(path('addresses[type eq "work"].Formatted').subAfterFilter, 'Formatted');
});

test('refuses malformed PATCH paths as invalidPath', () => {
  for (const bad of [
    '',
    'emails[type eq "work"',
    'emails[type eq "work"]value',
    'emails[type eq "work"].',
    'emails[type eq "work"].value.x',
    'a b',
    'name.givenName[x pr]',
    'emails[type eq]',
  ]) {
    const r = parsePatchPath(bad);
    assert.ok(!r.ok, `expected path "${bad}" to be refused`);
    assert.equal(r.error.scimType, 'invalidPath', r.error.detail);
  }
});
