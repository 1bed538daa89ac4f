import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScimClient, filterString } from './scim-client.js';
import { TargetError } from './errors.js';
import { eventTypeOf, remoteUserResource } from './events.js';
import type { ResourceRecord } from '../../store/resources.js';

type Call = { method: string; url: string; headers: Record<string, string>; body: unknown };

function fakeFetch(answer: (c: Call) => { status: number; body?: unknown } | Error): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const f = (async (url: string, init: RequestInit) => {
    const call = {
      method: String(init.method),
      url: String(url),
      headers: init.headers as Record<string, string>,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const a = answer(call);
    if (a instanceof Error) throw a;
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status });
  }) as unknown as typeof fetch;
  return { fetch: f, calls };
}

const rec = (data: Record<string, unknown>, version = 2): ResourceRecord => ({
  id: 'ours-1',
  data,
  createdAt: '',
  updatedAt: '',
  version,
  createdBy: null,
});

test('a userName inside a filter is quoted with its quotes and backslashes escaped', () => {
  assert.equal(filterString('a"b\\c'), '"a\\"b\\\\c"');
});

test('the client sends SCIM JSON with the bearer token and reads the created id', async () => {
  const { fetch, calls } = fakeFetch(() => ({ status: 201, body: { id: 'remote-9' } }));
  const c = new ScimClient({ baseUrl: 'https://crm.example.com/scim/v2/', token: 'tok', fetch });
  assert.deepEqual(await c.createUser({ userName: 'ada' }), { id: 'remote-9' });
  assert.equal(calls[0]!.url, 'https://crm.example.com/scim/v2/Users');
  assert.equal(calls[0]!.headers.authorization, 'Bearer tok');
  assert.equal(calls[0]!.headers['content-type'], 'application/scim+json');
});

test('409 on create, 404 on replace and patch, and 404 on delete are answers, not failures', async () => {
  const { fetch } = fakeFetch((c) => ({ status: c.method === 'POST' ? 409 : 404, body: { detail: 'x' } }));
  const c = new ScimClient({ baseUrl: 'https://crm.example.com/scim/v2', token: 't', fetch });
  assert.equal(await c.createUser({ userName: 'ada' }), 'conflict');
  assert.equal(await c.replaceUser('r1', {}), 'gone');
  assert.equal(await c.patchUser('r1', [{ op: 'replace', path: 'active', value: false }]), 'gone');
  await c.deleteUser('r1');
});

test('5xx, 429 and network failures are retryable; other 4xx and a created user without id are not', async () => {
  const cases: [ReturnType<Parameters<typeof fakeFetch>[0]>, boolean][] = [
    [{ status: 503 }, true],
    [{ status: 429 }, true],
    [Object.assign(new TypeError('fetch failed'), { cause: new Error('ECONNREFUSED') }), true],
    [{ status: 400, body: { detail: 'bad' } }, false],
    [{ status: 401 }, false],
    [{ status: 201, body: {} }, false],
  ];
  for (const [answer, retryable] of cases) {
    const { fetch } = fakeFetch(() => answer);
    const c = new ScimClient({ baseUrl: 'https://crm.example.com/scim/v2', token: 't', fetch });
    await assert.rejects(
      c.createUser({ userName: 'ada' }),
      (e: unknown) => e instanceof TargetError && e.retryable === retryable,
      JSON.stringify(answer),
    );
  }
});

test('a slow server times out as a retryable failure', async () => {
  // AbortSignal.timeout does not keep the process alive: a timer here stands for the open socket.
  const never = (async (_u: string, init: RequestInit) =>
    new Promise((_r, reject) => {
      const socket = setTimeout(() => {}, 5000);
      init.signal!.addEventListener('abort', () => (clearTimeout(socket), reject(init.signal!.reason)));
    })) as unknown as typeof fetch;
  const c = new ScimClient({ baseUrl: 'https://crm.example.com/scim/v2', token: 't', fetch: never, timeoutMs: 50 });
  await assert.rejects(c.findByUserName('ada'), (e: unknown) => e instanceof TargetError && e.code === 'TARGET_TIMEOUT' && e.retryable);
});

test('event types follow the change: created, deactivated, reactivated, updated, deleted', () => {
  const on = rec({ active: true });
  const off = rec({ active: false });
  assert.equal(eventTypeOf('create', undefined, on), 'user.created');
  assert.equal(eventTypeOf('patch', on, off), 'user.deactivated');
  assert.equal(eventTypeOf('replace', off, on), 'user.reactivated');
  assert.equal(eventTypeOf('restore', off, on), 'user.reactivated');
  assert.equal(eventTypeOf('patch', on, on), 'user.updated');
  assert.equal(eventTypeOf('delete', on, undefined), 'user.deleted');
});

test('a remote server gets our attributes with our id as externalId, never groups or the Shopify extension', () => {
  const r = remoteUserResource(
    rec({
      schemas: ['x'],
      userName: 'ada',
      externalId: 'okta-123',
      'urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User': { customerId: 'gid://shopify/Customer/1' },
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D' },
    }),
  );
  assert.deepEqual(r, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    userName: 'ada',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D' },
    externalId: 'ours-1',
  });
});
