import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from './parser.js';
import { matchesElement, matchesFilter } from './evaluate.js';
import { findAttr, groupResourceType, userResourceType, userSchema } from '../schemas.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const barbara = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'Bjensen-7',
  userName: 'BJensen@Example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  displayName: 'Babs Jensen',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [{ value: '+15555550100', type: 'mobile' }],
  meta: { resourceType: 'User', created: '2024-03-01T10:00:00.000Z', lastModified: '2024-06-15T08:30:00.000Z' },
  [ENTERPRISE]: { department: 'Sales', manager: { value: 'boss-1', displayName: 'The Boss' } },
};

function matches(filter: string, resource: Record<string, unknown> = barbara, rt = userResourceType): boolean {
  const r = parseFilter(filter);
  assert.ok(r.ok, `"${filter}" should parse: ${r.ok ? '' : r.error.detail}`);
  return matchesFilter(r.value, resource, rt);
}

const yes = (f: string, res?: Record<string, unknown>) => assert.equal(matches(f, res), true, `expected a match for ${f}`);
const no = (f: string, res?: Record<string, unknown>) => assert.equal(matches(f, res), false, `expected no match for ${f}`);

test('compares userName case-insensitively and id, externalId case-exactly', () => {
  yes('userName eq "bjensen@example.com"');
  yes('USERNAME eq "BJENSEN@EXAMPLE.COM"');
  yes('externalId eq "Bjensen-7"');
  no('externalId eq "bjensen-7"');
  no('id eq "2819C223-7F76-453A-919D-413861904646"');
});

test('applies co, sw and ew to strings', () => {
  yes('userName co "jensen@"');
  yes('userName sw "bjen"');
  yes('userName ew ".COM"');
  no('userName sw "jensen"');
  yes('externalId co "sen-"');
  no('externalId co "SEN-"');
});

test('orders strings by code point after case folding', () => {
  yes('userName gt "bj"');
  yes('userName lt "bk"');
  yes('userName ge "bjensen@example.com"');
  yes('userName le "BJENSEN@EXAMPLE.COM"');
  no('userName lt "b"');
  // U+1F600 sorts after U+FFFD by code point, although its first UTF-16 unit is smaller
  yes('displayName gt "\\ufffd"', { ...barbara, displayName: '\u{1F600}' });
});

test('matches sub-attributes and multi-valued attributes when any element matches', () => {
  yes('name.givenName eq "barbara"');
  yes('emails.value eq "babs@jensen.org"');
  yes('emails.type eq "HOME"');
  no('emails.type eq "other"');
  yes('emails eq "bjensen@example.com"');
  yes('emails co "@jensen"');
});

test('treats ne as the negation of eq, so an absent attribute matches ne', () => {
  no('emails.type ne "work"');
  yes('emails.type ne "other"');
  yes('nickName ne "x"');
  const { externalId: _, ...withoutExternalId } = barbara;
  yes('externalId ne "x"', withoutExternalId);
  no('externalId eq "x"', withoutExternalId);
});

test('evaluates value filters against one element at a time', () => {
  yes('emails[type eq "work" and value co "@example.com"]');
  no('emails[type eq "home" and value co "@example.com"]');
  yes('emails[type eq "home" or primary eq true]');
  yes('emails[not (type eq "work")]');
  no('phoneNumbers[type eq "work"]');
});

test('finds extension attributes under their schema URN, with or without the URN in the filter', () => {
  yes(`${ENTERPRISE}:department eq "sales"`);
  yes('department eq "Sales"');
  yes(`${ENTERPRISE}:manager.value eq "boss-1"`);
  yes(`${ENTERPRISE}:manager eq "boss-1"`);
  yes(`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bj"`);
  no(`${ENTERPRISE}:department eq "Marketing"`);
});

test('reads keys case-insensitively when a stored resource is not in canonical case', () => {
  yes('userName eq "x"', { UserName: 'X' });
  yes('emails[type eq "work"]', { Emails: [{ Type: 'work', Value: 'a@b.c' }] });
});

test('pr is false for null, empty string, empty array and empty object', () => {
  yes('title pr', { title: 'Boss' });
  for (const v of [null, '', [], {}, [{}], { givenName: '' }]) {
    no('title pr', { title: v });
  }
  no('name pr', { name: {} });
  yes('name pr', { name: { givenName: 'B' } });
  no('emails pr', { emails: [] });
  yes('emails pr');
  no('nickName pr');
});

test('treats an empty string as absent in comparisons too', () => {
  no('nickName eq ""', { nickName: '' });
  no('nickName sw ""', { nickName: '' });
  yes('nickName sw ""', { nickName: 'x' });
  yes('nickName ne "x"', { nickName: '' });
});

test('compares booleans as booleans, accepting "true"/"false" strings in the filter', () => {
  yes('active eq true');
  yes('active eq "True"');
  no('active eq false');
  yes('active ne false');
  yes('active eq false', { active: false });
  no('active eq true', { active: 'true' });
  no('active eq "yes"');
});

test('compares dateTime attributes as instants, not as text', () => {
  yes('meta.created eq "2024-03-01T10:00:00Z"');
  yes('meta.created eq "2024-03-01T11:00:00+01:00"');
  yes('meta.created gt "2024-01-01"');
  yes('meta.lastModified lt "2024-06-15T08:30:00.001Z"');
  no('meta.lastModified gt "2024-06-15T09:30:00+00:00"');
  yes('meta.created ge "2024-03-01T10:00:00.000Z"');
  no('meta.created gt "not a date"');
});

test('compares a number in the filter with a string attribute as its text', () => {
  yes('externalId eq 1234', { externalId: '1234' });
  no('externalId eq 1234', { externalId: '01234' });
});

test('eq null matches an absent attribute and ne null a present one', () => {
  yes('nickName eq null');
  no('userName eq null');
  yes('userName ne null');
});

test('unknown attributes never match, whatever the operator', () => {
  no('shoeSize eq "42"');
  no('shoeSize ne "42"');
  no('shoeSize pr');
  no('urn:example:unknown:schema:department eq "Sales"');
  yes('not (shoeSize eq "42")');
});

test('evaluates group attributes, including members.value', () => {
  const group = { id: 'g1', displayName: 'Admins', members: [{ value: 'u1', type: 'User' }, { value: 'u2' }] };
  assert.equal(matches('members.value eq "U2"', group, groupResourceType), true);
  assert.equal(matches('members[value eq "u3"]', group, groupResourceType), false);
  assert.equal(matches('displayName eq "admins"', group, groupResourceType), true);
  assert.equal(matches('userName pr', group, groupResourceType), false);
});

test('matchesElement applies a PATCH value filter to one element', () => {
  const emails = findAttr(userSchema.attributes, 'emails')!;
  const f = parseFilter('type eq "work" and value ew "@example.com"');
  assert.ok(f.ok);
  assert.equal(matchesElement(f.value, { type: 'Work', value: 'b@EXAMPLE.com' }, emails), true);
  assert.equal(matchesElement(f.value, { type: 'home', value: 'b@example.com' }, emails), false);
  assert.equal(matchesElement(f.value, { value: 'b@example.com' }, emails), false);
  const unknownSub = parseFilter('colour eq "red"');
  assert.ok(unknownSub.ok);
  assert.equal(matchesElement(unknownSub.value, { type: 'work' }, emails), false);
});

test('answers the example filters of RFC 7644 §3.4.2.2', () => {
  const employee = { ...barbara, userType: 'Employee', title: 'Tour Guide', ims: [{ type: 'xmpp', value: 'babs@foo.com' }] };
  const cases: [string, boolean][] = [
    ['userName Eq "bjensen@example.com"', true],
    ['name.familyName co "O\'Malley"', false],
    ['userName sw "J"', false],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b"', true],
    ['title pr', true],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', false],
    ['title pr and userType eq "Employee"', true],
    ['title pr or userType eq "Intern"', true],
    [`schemas eq "${ENTERPRISE}"`, true],
    ['schemas eq "urn:example:other"', false],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false],
    ['userType eq "Employee" and (emails.type eq "work")', true],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', true],
  ];
  for (const [text, expected] of cases) assert.equal(matches(text, employee), expected, text);
});
