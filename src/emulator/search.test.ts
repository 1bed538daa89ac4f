import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearch } from './search.js';
import { customerSearch } from './customer-search.js';
import type { CustomerRecord } from './state.js';

function customer(over: Partial<CustomerRecord>): CustomerRecord {
  return {
    id: 1,
    firstName: null,
    lastName: null,
    email: null,
    phone: null,
    note: null,
    locale: 'en',
    tags: [],
    state: 'DISABLED',
    verifiedEmail: true,
    taxExempt: false,
    taxExemptions: [],
    multipassIdentifier: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    addresses: [],
    defaultAddressId: null,
    emailMarketingConsent: null,
    smsMarketingConsent: null,
    metafields: [],
    orders: [],
    dataSaleOptOut: false,
    erasureRequestedAt: null,
    ...over,
  };
}

const ada = customer({
  id: 10,
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: '+16135550101',
  tags: ['VIP', 'scim'],
  state: 'ENABLED',
  updatedAt: '2026-03-01T10:00:00Z',
});
const bob = customer({ id: 20, firstName: 'Bob', email: 'bob@example.org', tags: ['scim-deactivated'], updatedAt: '2026-02-01T00:00:00Z' });
const carl = customer({ id: 30, lastName: 'Carl Smith', phone: '+447700900123', updatedAt: '2026-04-01T00:00:00Z' });
const all = [ada, bob, carl];
const ids = (q: string) => all.filter((c) => customerSearch(q, Date.parse('2026-05-01T00:00:00Z')).matches(c)).map((c) => c.id);

test('parses implicit AND, OR, NOT, negation, parentheses and quoted values', () => {
  assert.deepEqual(parseSearch('email:a@b.c tag:x'), {
    kind: 'and',
    items: [
      { kind: 'term', field: 'email', op: ':', value: 'a@b.c', quoted: false },
      { kind: 'term', field: 'tag', op: ':', value: 'x', quoted: false },
    ],
  });
  const q = parseSearch('(tag:"big spender" OR -state:enabled) AND NOT updated_at:>=2026-01-01');
  assert.equal(q.kind, 'and');
  assert.deepEqual(JSON.parse(JSON.stringify(q)).items[0].items[0], {
    kind: 'term',
    field: 'tag',
    op: ':',
    value: 'big spender',
    quoted: true,
  });
  assert.deepEqual(JSON.parse(JSON.stringify(q)).items[1].item, {
    kind: 'term',
    field: 'updated_at',
    op: '>=',
    value: '2026-01-01',
    quoted: false,
  });
});

test('matches email case-insensitively and by prefix with a trailing star', () => {
  assert.deepEqual(ids('email:ADA@example.com'), [10]);
  assert.deepEqual(ids('email:bob*'), [20]);
  assert.deepEqual(ids('email:*'), [10, 20]);
});

test('matches phone by its digits whatever the formatting', () => {
  assert.deepEqual(ids('phone:"+1 613-555-0101"'), [10]);
  assert.deepEqual(ids('phone:447700900123'), [30]);
});

test('tag and tag_not compare whole tags case-insensitively', () => {
  assert.deepEqual(ids('tag:vip'), [10]);
  assert.deepEqual(ids('tag:scim'), [10], 'scim-deactivated is another tag');
  assert.deepEqual(ids('tag_not:scim-deactivated'), [10, 30]);
});

test('state and updated_at comparisons', () => {
  assert.deepEqual(ids('state:enabled'), [10]);
  assert.deepEqual(ids('updated_at:>2026-02-01T00:00:00Z'), [10, 30]);
  assert.deepEqual(ids('updated_at:>=2026-02-01T00:00:00Z'), [10, 20, 30]);
  assert.deepEqual(ids("updated_at:<'2026-03-01T10:00:00Z'"), [20]);
  assert.deepEqual(ids('updated_at:<=2026-03-01T10:00:00Z'), [10, 20]);
  assert.deepEqual(ids('updated_at:2026-03-01'), [10], 'a bare date means that day');
});

test('id comparisons accept numbers and GIDs', () => {
  assert.deepEqual(ids('id:>15'), [20, 30]);
  assert.deepEqual(ids('id:gid://shopify/Customer/20'), [20]);
});

test('OR, NOT and bare terms combine', () => {
  assert.deepEqual(ids('tag:vip OR email:bob@example.org'), [10, 20]);
  assert.deepEqual(ids('NOT tag:vip'), [20, 30]);
  assert.deepEqual(ids('-tag:vip -state:disabled'), []);
  assert.deepEqual(ids('smith'), [30]);
  assert.deepEqual(ids('"Ada Lovelace"'), [10]);
});

test('unknown fields are reported and ignored rather than matching nothing', () => {
  const s = customerSearch('foo:bar tag:vip', 0);
  assert.deepEqual(s.unknownFields, ['foo']);
  assert.deepEqual(
    all.filter((c) => s.matches(c)).map((c) => c.id),
    [10],
  );
});
