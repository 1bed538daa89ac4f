// A catalogue of hostile requests, each with the answer it must get, sent byte for byte to a running bridge (real
// HTTP, real database, the emulator behind): oversized and deeply nested bodies, huge arrays, invalid UTF-8,
// prototype keys, SQL and filter injection, odd ids, request smuggling, unknown methods and media types, bad
// percent-encoding and over-long URLs. Every answer on a SCIM route is in the SCIM error schema, none is a 500, the
// process keeps answering, and the store (users, emails, groups, members, jobs, links) is exactly as before each one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBridgeStack,
  connectedTenant,
  scrapeMetrics,
  TEST_METRICS_TOKEN,
  type BridgeStack,
  type ConnectedTenant,
} from '../helpers/stack.js';
import { until } from '../helpers/http.js';
import { rawRequest, type RawAnswer } from './raw-http.js';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const MAX_BODY = 65536;

let s: BridgeStack;
let t: ConnectedTenant;
let port: number;
let userId: string;
let groupId: string;

/** Everything a SCIM write could leave behind, for the tenant: compared before and after each hostile request. */
async function snapshot(): Promise<string> {
  const db = s.store.db;
  const tid = t.tenant.id;
  const [users, emails, groups, members, jobs, links] = await Promise.all([
    db.selectFrom('users').select(['id', 'version', 'data', 'user_name']).where('tenant_id', '=', tid).orderBy('id').execute(),
    db
      .selectFrom('user_emails')
      .select(['user_id', 'value_lc'])
      .where('tenant_id', '=', tid)
      .orderBy('user_id')
      .orderBy('value_lc')
      .execute(),
    db.selectFrom('groups').select(['id', 'version', 'data']).where('tenant_id', '=', tid).orderBy('id').execute(),
    db
      .selectFrom('group_members')
      .select(['group_id', 'member_id'])
      .where('tenant_id', '=', tid)
      .orderBy('group_id')
      .orderBy('member_id')
      .execute(),
    db.selectFrom('outbox_jobs').select(['id', 'kind']).where('tenant_id', '=', tid).orderBy('id').execute(),
    db.selectFrom('customer_links').select(['user_id']).where('tenant_id', '=', tid).orderBy('user_id').execute(),
  ]);
  return JSON.stringify({ users, emails, groups, members, jobs, links });
}

interface Hostile {
  name: string;
  /** request line and headers (no Connection, no blank line); `AUTH` is replaced by the tenant's bearer header */
  head: string;
  body?: Buffer | string;
  /** the expected status, or the statuses that are each a right answer */
  status: number | number[];
  scimType?: string;
  /** a SCIM route: the answer must be in the SCIM error schema (default true) */
  scim?: boolean;
  /** an extra check of the answer */
  check?: (r: RawAnswer) => void;
}

const base = '/scim/v2/acme';
const json = (v: unknown) => JSON.stringify(v);
const post = (path: string, body: Buffer | string, type = 'application/scim+json', auth = true) =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\n${auth ? 'AUTH\r\n' : ''}Content-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}`;
const req = (method: string, path: string, body: Buffer | string, type = 'application/scim+json') =>
  `${method} ${path} HTTP/1.1\r\nHost: x\r\nAUTH\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}`;
const get = (path: string, auth = true) => `GET ${path} HTTP/1.1\r\nHost: x${auth ? '\r\nAUTH' : ''}`;
const nested = (depth: number, open = '{"a":', close = '}') => open.repeat(depth) + '"x"' + close.repeat(depth);
const user = (extra: Record<string, unknown> = {}) => ({ schemas: [USER], userName: 'hostile@example.test', ...extra });
const patch = (ops: unknown[]) => json({ schemas: [PATCH], Operations: ops });
const q = (v: string) => encodeURIComponent(v);

function catalogue(): Hostile[] {
  const list: Hostile[] = [];
  const add = (h: Hostile) => list.push(h);
  const big = 'x'.repeat(MAX_BODY + 1);
  const users = `${base}/Users`;
  const one = `${base}/Users/${userId}`;
  const group = `${base}/Groups/${groupId}`;

  // Oversized bodies: 413 once authenticated, 401 first without a token (the body is never read).
  for (const [method, path] of [
    ['POST', users],
    ['PUT', one],
    ['PATCH', one],
    ['POST', `${base}/Groups`],
    ['PATCH', group],
    ['POST', `${base}/Bulk`],
  ] as const) {
    add({ name: `oversized ${method} ${path}`, head: req(method, path, json({ big })), body: json({ big }), status: 413 });
    add({
      name: `oversized ${method} without a token`,
      head: `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\nContent-Length: ${big.length + 10}`,
      body: json({ big }),
      status: 401,
    });
  }
  add({
    name: 'oversized chunked body',
    head: `POST ${users} HTTP/1.1\r\nHost: x\r\nAUTH\r\nContent-Type: application/scim+json\r\nTransfer-Encoding: chunked`,
    body: `${(MAX_BODY + 100).toString(16)}\r\n${'{'.padEnd(MAX_BODY + 100, ' ')}\r\n0\r\n\r\n`,
    status: 413,
  });
  add({
    name: 'a wrong token with a body',
    head: post(users, json(user()), 'application/scim+json', false).replace('Host: x', 'Host: x\r\nAuthorization: Bearer nope'),
    body: json(user()),
    status: 401,
  });

  // Deep nesting: refused before any recursive walk (Bulk bulkIds, PATCH engine, rendering).
  for (const depth of [65, 1000, 10000]) {
    add({
      name: `user nested ${depth} deep`,
      head: post(users, `{"schemas":["${USER}"],"userName":"deep","name":${nested(depth)}}`),
      body: `{"schemas":["${USER}"],"userName":"deep","name":${nested(depth)}}`,
      status: 400,
      scimType: 'invalidSyntax',
    });
    const bulk = `{"schemas":["${BULK}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":${nested(depth)}}]}`;
    add({ name: `Bulk data nested ${depth} deep`, head: post(`${base}/Bulk`, bulk), body: bulk, status: 400, scimType: 'invalidSyntax' });
    const arr = `{"schemas":["${PATCH}"],"Operations":[{"op":"add","path":"emails","value":${nested(depth, '[', ']')}}]}`;
    add({
      name: `PATCH value arrays nested ${depth} deep`,
      head: req('PATCH', one, arr),
      body: arr,
      status: 400,
      scimType: 'invalidSyntax',
    });
  }
  const brackets = json({ schemas: [USER], displayName: '['.repeat(30000) });
  add({
    name: 'a string holding 30,000 brackets is not nesting (refused for its missing userName)',
    head: post(users, brackets),
    body: brackets,
    status: 400,
    scimType: 'invalidValue',
  });

  // Huge arrays and counts.
  const ops = Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/none-${i}` }));
  add({
    name: 'Bulk with 1001 operations',
    head: post(`${base}/Bulk`, json({ schemas: [BULK], Operations: ops })),
    body: json({ schemas: [BULK], Operations: ops }),
    status: 413,
  });
  const members = json({
    schemas: [GROUP],
    displayName: 'many',
    members: Array.from({ length: 1500 }, (_, i) => ({ value: `no-such-${i}` })),
  });
  add({ name: 'group with 1500 unknown members', head: post(`${base}/Groups`, members), body: members, status: 400 });
  const orFilter = Array.from({ length: 2000 }, (_, i) => `userName eq "u${i}"`).join(' or ');
  const search = json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: orFilter });
  add({
    name: 'search with a filter of 2000 or-terms',
    head: post(`${users}/.search`, search),
    body: search,
    status: [200, 400],
    check: (r) => void (r.status === 200 && assert.equal(r.body.totalResults, 0, r.dump)),
  });
  const notFilter = Array.from({ length: 300 }, () => 'not (userName pr)').join(' and ');
  add({ name: 'filter of 300 not-terms', head: get(`${users}?filter=${q(notFilter)}`), status: [200, 400] });
  add({
    name: 'count far above maxResults is clamped',
    head: get(`${users}?count=99999999999999999999`),
    status: 200,
    check: (r) => assert.equal(r.body.totalResults, 1, r.dump),
  });
  add({ name: 'startIndex NaN', head: get(`${users}?startIndex=NaN`), status: 400 });
  add({ name: 'count negative', head: get(`${users}?count=-5&startIndex=1e400`), status: 400 });
  const manyOps = patch(
    Array.from({ length: 800 }, () => ({ op: 'replace', path: 'displayName', value: 'x' })).concat([
      { op: 'bogus', path: 'x', value: '1' },
    ]),
  );
  add({ name: 'PATCH of 800 good operations and one bad: nothing applied', head: req('PATCH', one, manyOps), body: manyOps, status: 400 });

  // Invalid UTF-8 and odd encodings.
  for (const [label, bytes] of [
    ['a lone continuation byte', [0x80]],
    ['a truncated two-byte sequence', [0xc3, 0x28]],
    ['an overlong slash', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a byte above F4', [0xf5, 0x80, 0x80, 0x80]],
  ] as const) {
    const body = Buffer.concat([Buffer.from(`{"schemas":["${USER}"],"userName":"`), Buffer.from(bytes), Buffer.from('"}')]);
    add({ name: `invalid UTF-8: ${label}`, head: post(users, body), body, status: 400, scimType: 'invalidSyntax' });
  }
  const utf16 = Buffer.from(json(user()), 'utf16le');
  add({ name: 'a UTF-16 body', head: post(users, utf16, 'application/scim+json; charset=utf-16'), body: utf16, status: 400 });
  add({ name: 'truncated JSON', head: post(users, '{"schemas":["x"'), body: '{"schemas":["x"', status: 400, scimType: 'invalidSyntax' });
  for (const v of ['null', '[]', '"user"', '42', 'true', '{}']) add({ name: `a body of ${v}`, head: post(users, v), body: v, status: 400 });
  add({ name: 'an empty POST body', head: post(users, ''), body: '', status: 400 });

  // Prototype keys: refused, never merged into any object.
  for (const [label, body] of [
    ['__proto__ at the top', `{"__proto__":{"polluted":"yes"},"schemas":["${USER}"],"userName":"proto1@example.test"}`],
    ['__proto__ in name', `{"schemas":["${USER}"],"userName":"proto2@example.test","name":{"__proto__":{"polluted":"yes"}}}`],
    [
      '__proto__ in an email',
      `{"schemas":["${USER}"],"userName":"proto3@example.test","emails":[{"value":"a@b.test","__proto__":{"primary":true}}]}`,
    ],
    ['constructor.prototype', `{"schemas":["${USER}"],"userName":"proto4@example.test","constructor":{"prototype":{"polluted":"yes"}}}`],
  ])
    add({ name: `body with ${label}`, head: post(users, body), body, status: 400, scimType: 'invalidSyntax' });
  for (const path of [
    '__proto__.polluted',
    'constructor.prototype.polluted',
    'name.__proto__.polluted',
    '__proto__',
    'emails[__proto__ eq "x"].value',
    'prototype',
  ])
    for (const op of ['add', 'replace', 'remove']) {
      const body = patch([{ op, path, value: 'yes' }]);
      add({ name: `PATCH ${op} ${path}`, head: req('PATCH', one, body), body, status: 400 });
    }
  const valueProto = `{"schemas":["${PATCH}"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":"yes"}}}]}`;
  add({
    name: 'PATCH value with __proto__',
    head: req('PATCH', one, valueProto),
    body: valueProto,
    status: 400,
    scimType: 'invalidSyntax',
  });
  const bulkProto = `{"schemas":["${BULK}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"p","data":{"__proto__":{"x":1},"userName":"b"}}]}`;
  add({ name: 'Bulk data with __proto__', head: post(`${base}/Bulk`, bulkProto), body: bulkProto, status: 400 });
  for (const f of ['__proto__ eq "x"', '__proto__.polluted pr'])
    add({ name: `filter ${f}`, head: get(`${users}?filter=${q(f)}`), status: 400, scimType: 'invalidFilter' });
  // Names of Object.prototype's members are attributes no user has: they match nothing, never every user.
  for (const f of [
    'constructor eq "x"',
    'constructor.name eq "Object"',
    'toString pr',
    'hasOwnProperty pr',
    'valueOf pr',
    'name.constructor pr',
  ])
    add({
      name: `filter ${f} matches nothing`,
      head: get(`${users}?filter=${q(f)}`),
      status: 200,
      check: (r) => assert.equal(r.body.totalResults, 0, r.dump),
    });
  for (const qs of ['sortBy=__proto__', 'sortBy=constructor.name'])
    add({ name: `query ${qs}`, head: get(`${users}?${qs}`), status: 400, scimType: 'invalidValue' });
  for (const qs of [
    'attributes=__proto__,constructor',
    'excludedAttributes=__proto__',
    '__proto__[polluted]=yes',
    'constructor[prototype][polluted]=yes',
  ])
    add({
      name: `query ${qs}: listed, nothing added`,
      head: get(`${users}?${qs}`),
      status: 200,
      check: (r) => {
        assert.equal(r.body.totalResults, 1, r.dump);
        assert.ok(!/polluted/.test(r.text), r.dump);
      },
    });

  // SQL and filter injection: text stays text.
  for (const v of [
    `x' OR '1'='1`,
    `x" or userName pr or userName eq "y`,
    `'; DROP TABLE users; --`,
    `%' OR 1=1 --`,
    `\\" or 1=1 --`,
    `x\u0000y`,
  ])
    add({
      name: `filter value ${JSON.stringify(v)}`,
      head: get(`${users}?filter=${q(`userName eq ${JSON.stringify(v)}`)}`),
      status: 200,
      check: (r) => assert.equal(r.body.totalResults, 0, r.dump),
    });
  for (const f of [`userName eq "x") OR (1=1`, `userName sw "%"`, `userName co "_"`, `userName ew "\\\\"`])
    add({
      name: `filter ${f} matches nothing or is refused`,
      head: get(`${users}?filter=${q(f)}`),
      status: f.includes(') OR (') ? 400 : 200,
      check: (r) => {
        if (r.status === 200) assert.equal(r.body.totalResults, 0, r.dump);
      },
    });
  for (const f of [
    'userName eq',
    'userName xx "a"',
    '(userName eq "a"',
    'userName eq "a" and',
    'emails[value eq "a"',
    'not',
    '"a" eq userName',
  ])
    add({ name: `malformed filter ${f}`, head: get(`${users}?filter=${q(f)}`), status: 400, scimType: 'invalidFilter' });
  for (const f of ['userName eq 1=1', 'userName gt {}', 'userName eq "a" or 1 eq 1'])
    add({
      name: `filter ${f} matches nothing or is refused`,
      head: get(`${users}?filter=${q(f)}`),
      status: [200, 400],
      check: (r) => void (r.status === 200 && assert.equal(r.body.totalResults, 0, r.dump)),
    });
  for (const sortBy of ['userName; DROP TABLE users', 'user_name', '1', "userName' --", 'data->>userName'])
    add({ name: `sortBy ${sortBy}`, head: get(`${users}?sortBy=${q(sortBy)}`), status: 400, scimType: 'invalidValue' });
  add({ name: 'sortOrder injection', head: get(`${users}?sortBy=userName&sortOrder=${q('asc; DROP TABLE users')}`), status: 400 });
  for (const a of ['id,(select 1)', 'userName;--', '*', '../../etc'])
    add({
      name: `attributes ${a}: nothing unknown answered`,
      head: get(`${users}?attributes=${q(a)}`),
      status: 200,
      check: (r) => assert.equal(r.body.totalResults, 1, r.dump),
    });
  add({ name: 'filter given twice', head: get(`${users}?filter=${q('userName pr')}&filter=${q('userName pr')}`), status: 400 });

  // NUL: PostgreSQL cannot hold it in text, so it is refused wherever it comes (it was a 500 there).
  for (const p of [
    `${base}/Users/%00`,
    `${base}/Users/${userId}%00`,
    `${users}?filter=${q('userName eq "a')}%00${q('b"')}`,
    `${base}/Groups/%00`,
  ])
    for (const method of ['GET', 'DELETE'])
      add({
        name: `${method} ${p.replace(userId, '{id}')}`,
        head: `${method} ${p} HTTP/1.1\r\nHost: x\r\nAUTH`,
        status: 400,
        scimType: 'invalidSyntax',
      });
  for (const [label, body, method, path] of [
    ['userName', json(user({ userName: 'nul\u0000@example.test' })), 'POST', users],
    ['a key', `{"schemas":["${USER}"],"userName":"nulkey@example.test","name":{"given\\u0000Name":"x"}}`, 'POST', users],
    ['a PUT', json(user({ userName: 'ada@example.test', displayName: 'a\u0000' })), 'PUT', one],
    ['a PATCH value', patch([{ op: 'replace', path: 'displayName', value: 'x\u0000' }]), 'PATCH', one],
    ['a PATCH path', patch([{ op: 'replace', path: 'display\u0000Name', value: 'x' }]), 'PATCH', one],
    ['a group member', json({ schemas: [GROUP], displayName: 'Staff', members: [{ value: `${userId}\u0000` }] }), 'PUT', group],
  ] as const)
    add({ name: `NUL in ${label}`, head: req(method, path, body), body, status: 400, scimType: 'invalidValue' });

  // Odd ids: unknown resources, never another tenant's or a file.
  for (const id of [
    `'%20OR%201=1%20--`,
    '..%2F..%2Fadmin',
    '%2e%2e',
    '..',
    'a%0d%0aSet-Cookie:%20x=1',
    '%E2%80%AE',
    '*',
    '%25',
    `${userId}'--`,
    'null',
    'undefined',
    '__proto__',
    'constructor',
  ])
    for (const method of ['GET', 'DELETE'])
      add({
        name: `${method} /Users/${id}`,
        head: `${method} ${base}/Users/${id} HTTP/1.1\r\nHost: x\r\nAUTH`,
        status: 404,
        check: (r) => assert.equal(r.headers['set-cookie'], undefined, r.dump),
      });
  for (const path of [
    `${base}/../../admin/api/tenants`,
    `${base}/Users/../../../admin/api/tenants`,
    `/scim/v2/../admin/api/tenants`,
    `${base}/Users/${userId}/..`,
    `${base}//Users`,
    `${base}/Users/${userId}/extra`,
  ])
    add({ name: `GET ${path}`, head: get(path), status: 404 });
  add({ name: 'another tenant in the path', head: get('/scim/v2/other/Users'), status: 404 });
  add({ name: 'upper-case /SCIM/V2 without a token', head: get('/SCIM/V2/acme/USERS', false), status: 401 });
  add({ name: 'upper-case /SCIM/V2 with a bad id', head: get(`/SCIM/V2/acme/Users/${'a'.repeat(101)}`), status: 414 });
  add({ name: 'tenant with traversal', head: get('/scim/v2/..%2Facme/Users'), status: 404 });

  // Request smuggling: the parser refuses, the connection closes, nothing behind is read.
  const smuggled = `GET ${base}/Users HTTP/1.1\r\nHost: x\r\n\r\n`;
  for (const [label, headers, body] of [
    ['two Content-Length headers', 'Content-Length: 2\r\nContent-Length: 40', '{}'],
    ['Content-Length and Transfer-Encoding', `Content-Length: 4\r\nTransfer-Encoding: chunked`, `0\r\n\r\n${smuggled}`],
    ['Transfer-Encoding twice', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: identity', `0\r\n\r\n`],
    ['Transfer-Encoding: xchunked', 'Transfer-Encoding: xchunked', '{}'],
    ['Transfer-Encoding: chunked, identity', 'Transfer-Encoding: chunked, identity', '0\r\n\r\n'],
    ['a negative Content-Length', 'Content-Length: -1', '{}'],
    ['a bad chunk size', 'Transfer-Encoding: chunked', 'zz\r\n{}\r\n0\r\n\r\n'],
    ['an obs-fold header', 'Content-Length: 2\r\n X-Folded: yes', '{}'],
    ['a space before the colon', 'Content-Length : 2', '{}'],
  ] as const)
    add({
      name: `smuggling: ${label}`,
      head: `POST ${users} HTTP/1.1\r\nHost: x\r\nAUTH\r\nContent-Type: application/scim+json\r\n${headers}`,
      body,
      status: 400,
      check: (r) => assert.equal(r.raw.match(/^HTTP\/1\.1 \d{3}/gm)?.length, 1, `one answer only: ${r.dump}`),
    });
  add({ name: 'a request line without a version (HTTP/0.9)', head: `GET ${users}`, status: [400, 401] });
  add({ name: 'a NUL in a header value', head: `GET ${users} HTTP/1.1\r\nHost: x\r\nAUTH\r\nX-Bad: a\u0000b`, status: 400 });

  // Methods and media types.
  for (const method of ['TRACE', 'OPTIONS', 'PROPFIND', 'MKCOL', 'LOCK'])
    add({ name: `${method} /Users`, head: `${method} ${users} HTTP/1.1\r\nHost: x\r\nAUTH`, status: 404 });
  for (const method of ['DELETE', 'PUT', 'PATCH'])
    add({ name: `${method} on the /Users collection`, head: req(method, users, '{}'), body: '{}', status: 405 });
  for (const [method, path] of [
    ['POST', one],
    ['DELETE', `${base}/ServiceProviderConfig`],
    ['POST', `${base}/Schemas`],
    ['GET', `${base}/Bulk`],
  ] as const)
    add({ name: `${method} ${path.replace(userId, '{id}')}`, head: req(method, path, '{}'), body: '{}', status: 404 });
  for (const type of [
    'text/plain',
    'text/plain;charset=UTF-8',
    'text/xml',
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonx',
    'image/png',
    'application/octet-stream',
  ])
    add({ name: `content type ${type}`, head: post(users, json(user()), type), body: json(user()), status: 415 });

  // Bad percent-encoding and over-long URLs.
  for (const p of [
    `${base}/Users/%zz`,
    `${base}/Users/%E0%A4%A`,
    `${base}/Users/%C0%AF`,
    `${base}/Users/%`,
    `/scim/v2/%ff/Users`,
    `${base}/Groups/%ED%A0%80`,
  ])
    add({ name: `GET ${p}`, head: get(p), status: 400, scimType: 'invalidSyntax' });
  add({
    name: 'bad percent-encoding in the filter',
    head: get(`${users}?filter=userName%20eq%20%22%zz%22`),
    status: 400,
    scimType: 'invalidFilter',
  });
  add({ name: 'an id of 101 characters', head: get(`${base}/Users/${'a'.repeat(101)}`), status: 414 });
  add({ name: 'a tenant name of 101 characters', head: get(`/scim/v2/${'t'.repeat(101)}/Users`), status: 414 });
  add({ name: 'a URL of 16,385 characters', head: get(`${users}?filter=${'a'.repeat(16385)}`), status: 414 });
  add({ name: 'a URL of 20,000 characters without a token', head: get(`${users}?filter=${'a'.repeat(20000)}`, false), status: 414 });
  add({ name: 'a URL of 70,000 characters (over maxHeaderSize)', head: get(`${users}?filter=${'a'.repeat(70000)}`), status: 431 });
  add({ name: 'a header of 70,000 characters', head: `${get(users)}\r\nX-Big: ${'b'.repeat(70000)}`, status: 431 });
  return list;
}

describe('hostile requests', () => {
  before(async () => {
    s = await startBridgeStack({ env: { MAX_BODY_BYTES: String(MAX_BODY) } });
    t = await connectedTenant(s, 'acme');
    port = Number(new URL(s.bridge.url).port);
    const auth = { authorization: `Bearer ${t.token}`, 'content-type': 'application/scim+json' };
    const u = await fetch(`${s.bridge.url}${base}/Users`, {
      method: 'POST',
      headers: auth,
      body: json(user({ userName: 'ada@example.test', emails: [{ value: 'ada@example.test', primary: true }] })),
    });
    userId = ((await u.json()) as { id: string }).id;
    const g = await fetch(`${s.bridge.url}${base}/Groups`, {
      method: 'POST',
      headers: auth,
      body: json({ schemas: [GROUP], displayName: 'Staff', members: [{ value: userId }] }),
    });
    groupId = ((await g.json()) as { id: string }).id;
    // Let the sync of the set-up settle, so the snapshots compare only what hostile requests could change.
    await until('set-up synced', async () => {
      const open = await s.store.db.selectFrom('outbox_jobs').select('id').where('state', 'in', ['queued', 'running']).execute();
      return open.length === 0;
    });
  });
  after(async () => s?.close());

  it('answers every request of the catalogue as expected, in the SCIM error schema, with the store unchanged', async () => {
    const cases = catalogue();
    const auth = `Authorization: Bearer ${t.token}`;
    const failures: string[] = [];
    const protoKeys = Object.getOwnPropertyNames(Object.prototype).join();
    let before = await snapshot();
    for (const c of cases) {
      const r = await rawRequest(port, c.head.replace('AUTH', auth), c.body, c.name);
      const problems: string[] = [];
      const expected = Array.isArray(c.status) ? c.status : [c.status];
      if (!expected.includes(r.status)) problems.push(`status ${r.status}, expected ${expected.join(' or ')}`);
      if (r.status >= 500) problems.push('a 5xx');
      if (r.status >= 400 && c.scim !== false) {
        if (!/^application\/scim\+json/.test(r.headers['content-type'] ?? '')) problems.push(`content-type ${r.headers['content-type']}`);
        if (JSON.stringify(r.body?.schemas) !== JSON.stringify([ERROR])) problems.push('not the SCIM error schema');
        if (r.body?.status !== String(r.status)) problems.push('status is not the HTTP status as a string');
        if (typeof r.body?.detail !== 'string' || !r.body.detail) problems.push('no detail');
        if (c.scimType && r.body?.scimType !== c.scimType) problems.push(`scimType ${r.body?.scimType}, expected ${c.scimType}`);
      }
      try {
        c.check?.(r);
      } catch (e) {
        problems.push((e as Error).message.split('\n')[0]!);
      }
      const after = await snapshot();
      if (after !== before) problems.push('the store changed');
      before = after;
      if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}\n    ${r.dump.slice(0, 400)}`);
    }
    assert.equal(Object.getOwnPropertyNames(Object.prototype).join(), protoKeys, 'Object.prototype is untouched');
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no polluted property on plain objects');
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} hostile requests were answered wrongly:\n${failures.join('\n')}`);
    // The bridge still answers, with the data it had.
    const r = await fetch(`${s.bridge.url}${base}/Users/${userId}`, { headers: { authorization: `Bearer ${t.token}` } });
    assert.equal(r.status, 200);
    console.log(`# ${cases.length} hostile requests answered as catalogued`);
  });

  it('stores a user with 7,000 emails by POST, PUT and PATCH (written 500 rows at a time), and finds it by any of them', async () => {
    const auth = { authorization: `Bearer ${t.token}`, 'content-type': 'application/scim+json' };
    const emails = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ value: `${tag}${i}@many.test`, type: 'work' }));
    // 7,000 emails are ~300 KB: past this suite's body limit, so a bridge with the default 1 MiB limit runs them.
    const big = await startBridgeStack({ store: s.store });
    try {
      const url = `${big.bridge.url}${base}`;
      const created = await fetch(`${url}/Users`, {
        method: 'POST',
        headers: auth,
        body: json(user({ userName: 'many@many.test', emails: emails(7000, 'p') })),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const id = ((await created.json()) as { id: string }).id;
      const count = async () =>
        Number(
          (
            await s.store.db
              .selectFrom('user_emails')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('user_id', '=', id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      assert.equal(await count(), 7000);
      const put = await fetch(`${url}/Users/${id}`, {
        method: 'PUT',
        headers: auth,
        body: json(user({ userName: 'many@many.test', emails: emails(7200, 'u') })),
      });
      assert.equal(put.status, 200, await put.clone().text());
      assert.equal(await count(), 7200);
      const patched = await fetch(`${url}/Users/${id}`, {
        method: 'PATCH',
        headers: auth,
        body: patch([{ op: 'add', path: 'emails', value: emails(6600, 'a') }]),
      });
      assert.equal(patched.status, 200, await patched.clone().text());
      assert.equal(await count(), 13800);
      const found = await fetch(`${url}/Users?filter=${q('emails.value eq "a6599@many.test"')}`, { headers: auth });
      assert.equal(((await found.json()) as { totalResults: number }).totalResults, 1);
      const del = await fetch(`${url}/Users/${id}`, { method: 'DELETE', headers: auth });
      assert.equal(del.status, 204);
      assert.equal(await count(), 0);
    } finally {
      await big.close();
    }
  });

  it('guards /metrics: no token or a wrong one is 401, METRICS_TOKEN is 200 and names the tenant', async () => {
    const none = await fetch(`${s.bridge.url}/metrics`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /Bearer/);
    assert.doesNotMatch(await none.text(), /acme/);
    assert.equal((await scrapeMetrics(s.bridge.url, 'wrong-token-wrong-token')).status, 401);
    assert.equal((await scrapeMetrics(s.bridge.url, t.token)).status, 401, 'a SCIM token is no metrics token');
    const ok = await scrapeMetrics(s.bridge.url, TEST_METRICS_TOKEN);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /scim_sync_users\{tenant="acme"/);
  });
});
