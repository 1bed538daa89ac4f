import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from './parser.js';
import { checkElementFilter, checkFilter } from './check.js';
import { findAttr, groupResourceType, userResourceType, userSchema } from '../schemas.js';

function check(text: string, rt = userResourceType) {
  const f = parseFilter(text);
  assert.ok(f.ok, `"${text}" should parse`);
  return checkFilter(f.value, rt);
}

function refused(text: string, pattern: RegExp, rt = userResourceType) {
  const r = check(text, rt);
  assert.ok(!r.ok, `expected "${text}" to be refused`);
  assert.equal(r.error.scimType, 'invalidFilter');
  assert.match(r.error.detail, pattern);
}

test('accepts ordinary filters over known and unknown attributes', () => {
  for (const text of [
    'userName eq "x"',
    'active eq true and meta.created gt "2024-01-01T00:00:00Z"',
    'emails[type eq "work" and primary eq true]',
    'emails eq "a@b.c"',
    'shoeSize gt 42',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "boss"',
    'meta.created co "2024"',
    'nickName eq null',
  ]) {
    const r = check(text);
    assert.ok(r.ok, `${text}: ${r.ok ? '' : r.error.detail}`);
  }
});

test('refuses ordering and substring operators on booleans', () => {
  refused('active gt true', /boolean/);
  refused('active co "t"', /boolean/);
  refused('emails[primary lt true]', /boolean/);
  refused('not (active le false)', /boolean/);
});

test('refuses a dateTime comparison with a value that is not a date-time', () => {
  refused('meta.created gt "yesterday"', /not an RFC 3339 date-time/);
  refused('meta.lastModified eq 12', /not an RFC 3339 date-time/);
});

test('refuses comparing a complex attribute without a value sub-attribute as a whole', () => {
  refused('name eq "Barbara"', /complex/);
  refused('meta gt "x"', /complex/);
});

test('refuses null with an operator other than eq and ne', () => {
  refused('nickName gt null', /null/);
});

test('refuses a value filter on a simple single-valued attribute', () => {
  refused('userName[value eq "x"]', /neither complex nor multi-valued/);
  refused('displayName[value eq "x"]', /neither complex nor multi-valued/, groupResourceType);
});

test('checks PATCH value filters against the parent attribute', () => {
  const emails = findAttr(userSchema.attributes, 'emails')!;
  const bad = parseFilter('primary gt false');
  const good = parseFilter('type eq "work"');
  assert.ok(bad.ok && good.ok);
  assert.equal(checkElementFilter(bad.value, emails).ok, false);
  assert.equal(checkElementFilter(good.value, emails).ok, true);
});
