import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTemplate, renderTemplate } from './template.js';

test('a template splits into text and path parts, keeping quoted braces inside a filter', () => {
  const r = parseTemplate('Hi {name.givenName}! {emails[value ew "}x"].value}');
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.parts, [
    { kind: 'text', text: 'Hi ' },
    { kind: 'path', path: 'name.givenName' },
    { kind: 'text', text: '! ' },
    { kind: 'path', path: 'emails[value ew "}x"].value' },
  ]);
});

test('doubled braces are literal braces', () => {
  const r = parseTemplate('{{x}}');
  assert.ok(r.ok);
  assert.deepEqual(r.parts, [{ kind: 'text', text: '{x}' }]);
});

test('unbalanced and empty placeholders are refused with their position', () => {
  for (const [t, re] of [
    ['a {b', /never closed/],
    ['a } b', /position 3/],
    ['{ }', /empty placeholder/],
  ] as const) {
    const r = parseTemplate(t);
    assert.ok(!r.ok && re.test(r.reason), `${t}: ${JSON.stringify(r)}`);
  }
});

test('rendering leaves no doubled spaces where values are missing', () => {
  const r = parseTemplate('{a} {b} {c}');
  assert.ok(r.ok);
  const values: Record<string, string> = { a: 'A', c: 'C' };
  assert.equal(
    renderTemplate(r.parts, (p) => values[p]),
    'A C',
  );
  assert.equal(
    renderTemplate(r.parts, () => undefined),
    undefined,
  );
});
