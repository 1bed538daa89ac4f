import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transform } from './document.js';
import { compilePath, readPath } from './paths.js';
import { applyTransforms, invertTransforms, type TransformContext } from './transforms.js';
import type { Value } from './values.js';

const user = {
  userName: 'ada@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada@work.example', type: 'work' }],
  phoneNumbers: [{ value: '020 7946 0018', type: 'work' }],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales' },
};
const ctx: TransformContext = {
  read: (path) => {
    const p = compilePath(path);
    return p.ok ? readPath(user, p.path) : undefined;
  },
  defaultCountry: 'GB',
};
const run = (value: Value, ...transforms: Transform[]) => {
  const r = applyTransforms(value, transforms, ctx);
  assert.ok(r.ok, `transforms should succeed: ${JSON.stringify(r)}`);
  return r.value;
};
const failure = (value: Value, ...transforms: Transform[]) => {
  const r = applyTransforms(value, transforms, ctx);
  assert.ok(!r.ok, `transforms should fail, got ${JSON.stringify(r)}`);
  return r;
};

test('lowercase, uppercase and trim change case and space, element by element in lists', () => {
  assert.equal(run('  Ada  ', { op: 'trim' }), 'Ada');
  assert.equal(run('Ada', { op: 'lowercase' }), 'ada');
  assert.equal(run('Ada', { op: 'uppercase' }), 'ADA');
  assert.deepEqual(run(['A', 'b'], { op: 'uppercase' }), ['A', 'B']);
  assert.equal(run(undefined, { op: 'uppercase' }), undefined, 'nothing stays nothing');
});

test('template reads core, filtered and extension paths and the value so far', () => {
  assert.equal(run(undefined, { op: 'template', template: '{name.givenName} {name.familyName}' }), 'Ada Lovelace');
  assert.equal(
    run(undefined, {
      op: 'template',
      template: '{emails[type eq "work"].value} / {urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department}',
    }),
    'ada@work.example / Sales',
  );
  assert.equal(run('x', { op: 'template', template: '[{$value}] {{literal}}' }), '[x] {literal}');
});

test('template tidies the gaps of missing attributes and is missing when all of them are', () => {
  assert.equal(run(undefined, { op: 'template', template: '{name.givenName} {name.middleName} {name.familyName}' }), 'Ada Lovelace');
  assert.equal(run(undefined, { op: 'template', template: 'Dr. {name.middleName}' }), undefined);
});

test('constant replaces the value, default fills only a missing one', () => {
  assert.equal(run('anything', { op: 'constant', value: 'staff' }), 'staff');
  assert.equal(run(undefined, { op: 'default', value: 'n/a' }), 'n/a');
  assert.equal(run('  ', { op: 'default', value: 'n/a' }), 'n/a', 'blank counts as missing');
  assert.equal(run('set', { op: 'default', value: 'n/a' }), 'set');
  assert.deepEqual(
    run(undefined, { op: 'default', source: 'emails[type eq "work"].value' }),
    ['ada@work.example'],
    'a multi-valued source gives a list',
  );
});

test('default with a format uses its source only when the source has that shape', () => {
  assert.equal(run(undefined, { op: 'default', source: 'userName', format: 'email' }), 'ada@example.com');
  assert.equal(run(undefined, { op: 'default', source: 'name.givenName', format: 'email' }), undefined);
  assert.deepEqual(run(undefined, { op: 'default', source: 'phoneNumbers.value', format: 'phone' }), ['020 7946 0018']);
});

test('valueMap translates, with case-insensitive keys, a default, or keeping unmapped values', () => {
  const map = { Sales: 'wholesale', Support: 'staff' };
  assert.equal(run('Sales', { op: 'valueMap', map }), 'wholesale');
  assert.equal(run('sales', { op: 'valueMap', map }), undefined, 'keys are case-sensitive unless asked');
  assert.equal(run('sales', { op: 'valueMap', map, caseInsensitive: true }), 'wholesale');
  assert.equal(run('Legal', { op: 'valueMap', map, default: 'other' }), 'other');
  assert.equal(run('Legal', { op: 'valueMap', map, keepUnmapped: true }), 'Legal');
  assert.deepEqual(run(['Sales', 'Legal', 'Support'], { op: 'valueMap', map }), ['wholesale', 'staff']);
});

test('phoneE164 uses its own country, else the mapping default, and rejects impossible numbers', () => {
  assert.equal(run('020 7946 0018', { op: 'phoneE164' }), '+442079460018');
  assert.equal(run('(415) 555-0100', { op: 'phoneE164', country: 'US' }), '+14155550100');
  const f = failure('12', { op: 'trim' }, { op: 'phoneE164' });
  assert.equal(f.step, 1);
  assert.equal(f.op, 'phoneE164');
  assert.match(f.reason, /^the value has 2 digits/);
});

test('date formats to YYYY-MM-DD or an ISO date-time and fails on non-dates', () => {
  assert.equal(run('2025-07-01T10:00:00+02:00', { op: 'date', format: 'date' }), '2025-07-01');
  assert.equal(run('2025-07-01T10:00:00+02:00', { op: 'date', format: 'dateTime' }), '2025-07-01T08:00:00Z');
  assert.match(failure('soon', { op: 'date', format: 'date' }).reason, /not an ISO 8601/);
});

test('split makes a trimmed list or picks one part; join makes one string', () => {
  assert.deepEqual(run('a, b,, c', { op: 'split', separator: ',' }), ['a', 'b', 'c']);
  assert.equal(run('1 Main St\nSuite 5', { op: 'split', separator: '\n', index: 1 }), 'Suite 5');
  assert.equal(run('1 Main St', { op: 'split', separator: '\n', index: 1 }), undefined);
  assert.equal(run(['a', 'b'], { op: 'join', separator: ' | ' }), 'a | b');
  assert.equal(run('a', { op: 'join', separator: ',' }), 'a');
});

test('truncate counts characters, not UTF-16 units; prefix and suffix add text', () => {
  assert.equal(run('Lovelace', { op: 'truncate', length: 4 }), 'Love');
  assert.equal(run('😀😀😀', { op: 'truncate', length: 2 }), '😀😀');
  assert.equal(run('Sales', { op: 'prefix', value: 'dept:' }), 'dept:Sales');
  assert.equal(run('Sales', { op: 'suffix', value: '-team' }), 'Sales-team');
});

test('transforms run in order, each on the result of the one before', () => {
  assert.equal(
    run(' Sales ', { op: 'trim' }, { op: 'lowercase' }, { op: 'prefix', value: 'dept:' }, { op: 'truncate', length: 7 }),
    'dept:sa',
  );
});

const invert = (value: Value, ...transforms: Transform[]) => {
  const r = invertTransforms(value, transforms);
  assert.ok(r.ok, `should invert: ${JSON.stringify(r)}`);
  return r;
};

test('inverting passes values through normalising transforms and says so', () => {
  const r = invert('Ada', { op: 'trim' }, { op: 'uppercase' }, { op: 'phoneE164' });
  assert.equal(r.value, 'Ada');
  assert.deepEqual(r.notes, [
    'phoneE164: passed through unchanged',
    'uppercase: passed through unchanged',
    'trim: passed through unchanged',
  ]);
});

test('inverting strips prefix and suffix and undoes split with join', () => {
  assert.equal(invert('dept:Sales-team', { op: 'prefix', value: 'dept:' }, { op: 'suffix', value: '-team' }).value, 'Sales');
  assert.equal(invert(['a', 'b'], { op: 'split', separator: ',' }).value, 'a,b');
  assert.deepEqual(invert('a | b', { op: 'join', separator: '|' }).value, ['a', 'b']);
});

test('inverting a valueMap looks the value up backwards when exactly one source maps to it', () => {
  assert.equal(invert('wholesale', { op: 'valueMap', map: { Sales: 'wholesale', Support: 'staff' } }).value, 'Sales');
  const ambiguous = invertTransforms('staff', [{ op: 'valueMap', map: { Support: 'staff', Ops: 'staff' } }]);
  assert.ok(!ambiguous.ok && /several sources/.test(ambiguous.reason), JSON.stringify(ambiguous));
  const unknown = invertTransforms('vip', [{ op: 'valueMap', map: { Sales: 'wholesale' } }]);
  assert.ok(!unknown.ok && /no source/.test(unknown.reason), JSON.stringify(unknown));
});

test('template, constant and a split that keeps one part cannot be inverted', () => {
  for (const t of [
    { op: 'template', template: '{name.givenName}' },
    { op: 'constant', value: 'x' },
    { op: 'split', separator: '\n', index: 0 },
  ] as Transform[]) {
    const r = invertTransforms('x', [t]);
    assert.ok(!r.ok && r.op === t.op, `${t.op} should not invert: ${JSON.stringify(r)}`);
  }
});
