import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, type SchemaDef } from '../scim/schemas.js';
import { compilePath, readPath, userTypeWith, writePath } from './paths.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user = {
  id: 'u1',
  userName: 'ada@example.com',
  name: { givenName: 'Ada' },
  emails: [
    { value: 'home@example.com', type: 'home' },
    { value: 'work@example.com', type: 'work', primary: true },
  ],
  phoneNumbers: [{ value: '+15550001', type: 'mobile' }],
  [ENT]: { department: 'Sales', manager: 'boss-id' },
  'urn:example:params:scim:schemas:extension:acme:2.0:User': { badge: 'B-7', skills: ['a', 'b'] },
};

const read = (path: string, u: Record<string, unknown> = user, schemas: SchemaDef[] = []) => {
  const p = compilePath(path, userTypeWith(schemas));
  assert.ok(p.ok, `${path} should compile: ${JSON.stringify(p)}`);
  return readPath(u, p.path);
};

const acme: SchemaDef = {
  id: 'urn:example:params:scim:schemas:extension:acme:2.0:User',
  name: 'Acme',
  description: '',
  attributes: [attr('badge', 'string'), attr('skills', 'string', { multiValued: true })],
};

test('core and complex sub-attribute paths read single values', () => {
  assert.equal(read('userName'), 'ada@example.com');
  assert.equal(read('name.givenName'), 'Ada');
  assert.equal(read('NAME.GIVENNAME'), 'Ada', 'names are case-insensitive');
  assert.equal(read('name.familyName'), undefined);
});

test('multi-valued paths read every element, the primary one first', () => {
  assert.deepEqual(read('emails.value'), ['work@example.com', 'home@example.com']);
  assert.deepEqual(read('emails'), ['work@example.com', 'home@example.com'], 'a complex attribute reads its value');
});

test('value-filtered paths read only the matching elements', () => {
  assert.deepEqual(read('emails[type eq "home"].value'), ['home@example.com']);
  assert.deepEqual(read('emails[primary eq true].value'), ['work@example.com']);
  assert.equal(read('emails[type eq "other"].value'), undefined);
});

test('extension attributes read by URN, and a manager sent as a plain string is its value', () => {
  assert.equal(read(`${ENT}:department`), 'Sales');
  assert.equal(read(`${ENT}:manager.value`), 'boss-id');
  assert.equal(read(`${ENT}:manager`), 'boss-id');
  assert.equal(read('department'), 'Sales', 'like SCIM filters, a unique extension attribute name resolves without its URN');
});

test("a tenant's own extension schema resolves when declared, and only then", () => {
  assert.equal(read('urn:example:params:scim:schemas:extension:acme:2.0:User:badge', user, [acme]), 'B-7');
  assert.deepEqual(read('urn:example:params:scim:schemas:extension:acme:2.0:User:skills', user, [acme]), ['a', 'b']);
  const p = compilePath('urn:example:params:scim:schemas:extension:acme:2.0:User:badge');
  assert.ok(!p.ok && /not an attribute in schema/.test(p.reason), JSON.stringify(p));
});

test('paths the User resource cannot have are refused with the reason', () => {
  const cases: [string, RegExp][] = [
    ['nickname2', /"nickname2" is not an attribute/],
    ['name.nope', /no sub-attribute "nope"/],
    ['userName[type eq "x"]', /cannot take a \[filter\]/],
    ['name', /is complex: name one of its sub-attributes/],
    ['emails[type eq "work"', /invalid path/],
  ];
  for (const [path, re] of cases) {
    const p = compilePath(path);
    assert.ok(!p.ok && re.test(p.reason), `${path}: ${JSON.stringify(p)}`);
  }
});

test('the write-back path of a filtered source is the source, canonically spelled', () => {
  const p = compilePath('Emails[type eq "work"].Value');
  assert.ok(p.ok);
  assert.equal(writePath(p.path), 'emails[type eq "work"].value');
  const q = compilePath(`${ENT}:Department`);
  assert.ok(q.ok);
  assert.equal(writePath(q.path), `${ENT}:department`);
});

test('an unfiltered multi-valued source writes back to the element it was read from', () => {
  const p = compilePath('emails.value');
  assert.ok(p.ok);
  assert.equal(writePath(p.path, user), 'emails[type eq "work"].value');
  assert.equal(writePath(p.path, { emails: [{ value: 'x@example.com' }] }), 'emails[primary eq true].value');
  assert.equal(writePath(p.path), 'emails[primary eq true].value');
});
