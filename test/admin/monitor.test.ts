// The admin UI's watching pages over real HTTP: the dashboard's figures (each one against the database) and the
// shop's API budget after Shopify calls; the activity log and its CSV with each filter, CSV escaping, and personal
// data masked when the admin chose so; the privacy setting; the jobs list (queued, running, dead) and discarding a
// dead letter. Bad input is a 400 that changes nothing, and one tenant never sees another's users or activity.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf, type AdminStack, type TenantHandle } from './harness.js';
import { SHOPIFY_EXT, PATCH_OP } from '../helpers/http.js';

let s: AdminStack;
let t: TenantHandle;
let other: TenantHandle;
let entra: { id: string; token: string };
const ids: Record<string, string> = {};

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const person = (userName: string, given: string, family: string) => ({
  schemas: [USER],
  userName,
  name: { givenName: given, familyName: family },
  emails: [{ value: userName, primary: true }],
});
const scimAs = (token: string, tenant: TenantHandle, method: string, path: string, body?: unknown) =>
  s.scim({ ...tenant, token }, method, path, body);

before(async () => {
  s = await startAdminStack({ syncWaitMs: 3000, worker: { retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50 } } });
  t = await s.tenant('watch');
  other = await s.tenant('watch-other');
  const tok = await s.admin('POST', `/tenants/${t.name}/tokens`, { label: 'entra' });
  entra = { id: tok.body.id, token: tok.body.token };
  ids.ada = idOf(await s.scim(t, 'POST', '/Users', person('ada.lovelace@example.com', 'Ada', 'Lovelace')));
  ids.grace = idOf(await scimAs(entra.token, t, 'POST', '/Users', person('grace.hopper@example.com', 'Grace', 'Hopper')));
  ids.nameless = idOf(await s.scim(t, 'POST', '/Users', { schemas: [USER], userName: 'bjensen' }));
  ids.leaver = idOf(await s.scim(t, 'POST', '/Users', person('leaver@example.com', 'Lee', 'Ver')));
  await s.scim(t, 'PATCH', `/Users/${ids.leaver}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
  await s.scim(t, 'POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Staff',
    members: [{ value: ids.ada }],
  });
  ids.outsider = idOf(await s.scim(other, 'POST', '/Users', person('outsider@example.net', 'Otto', 'Outsider')));
  for (const k of ['ada', 'grace', 'leaver'])
    await s.until(`${k} synced`, async () => (await s.scim(t, 'GET', `/Users/${ids[k]}`)).body?.[SHOPIFY_EXT]?.syncState === 'synced');
});
after(async () => {
  await s?.close();
});

const activity = (query: string, tenant = t) => s.admin('GET', `/tenants/${tenant.name}/activity${query}`);
type Entry = {
  id: number;
  actor: string;
  action: string;
  kind: string;
  outcome: string;
  user: string | null;
  resourceId: string | null;
  result: { action: string } | null;
};
const entriesOf = (r: { body: any }) => r.body.entries as Entry[];

/** RFC 4180 rows of a CSV text. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(cell), (cell = ''));
    else if (c === '\r' && text[i + 1] === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''), i++);
    else cell += c;
  }
  if (cell || row.length) (row.push(cell), rows.push(row));
  return rows;
}

test("the dashboard's counts are the database's, and an unconnected tenant shows none of this one's", async () => {
  const r = await s.admin('GET', `/tenants/${t.name}/dashboard`);
  assert.equal(r.status, 200, r.dump);
  const db = s.store.db;
  const count = async (q: Promise<{ n: unknown } | undefined>) => Number((await q)?.n);
  const users = await count(
    db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('tenant_id', '=', t.id)
      .executeTakeFirst(),
  );
  const active = await count(
    db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('tenant_id', '=', t.id)
      .where('active', '=', 1 as never)
      .executeTakeFirst(),
  );
  const groups = await count(
    db
      .selectFrom('groups')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('tenant_id', '=', t.id)
      .executeTakeFirst(),
  );
  const state = (st: string) =>
    count(
      db
        .selectFrom('customer_links')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', t.id)
        .where('sync_state', '=', st as never)
        .executeTakeFirst(),
    );
  assert.deepEqual([r.body.users, r.body.activeUsers, r.body.groups], [users, active, groups]);
  assert.deepEqual([users, active, groups], [4, 3, 1], 'the figures describe what was provisioned');
  assert.deepEqual(r.body.syncStates, { synced: await state('synced'), pending: await state('pending'), failed: await state('failed') });
  assert.deepEqual(r.body.syncStates, { synced: 3, pending: 0, failed: 1 });
  assert.equal(r.body.tokens, 2);
  assert.deepEqual(r.body.jobs, { queued: 0, running: 0, dead: 0, retrying: 0 });
  assert.deepEqual([r.body.shop.connected, r.body.shop.shop], [true, s.emu.shop]);
  assert.equal(r.body.webhooks.received, 0);

  const o = await s.admin('GET', `/tenants/${other.name}/dashboard`);
  assert.deepEqual(
    [o.body.users, o.body.groups, o.body.syncStates.synced + o.body.syncStates.pending + o.body.syncStates.failed],
    [1, 0, 1],
    o.dump,
  );
});

test("the dashboard's budget shows the Shopify calls made, their cost and the bucket Shopify reported", async () => {
  const r = await s.admin('GET', `/tenants/${t.name}/dashboard`);
  const series = r.body.budget.series as { at: string; calls: number; cost: number; available: number | null; maximum: number | null }[];
  assert.equal(series.length, 180, 'half an hour in 10-second slots');
  const calls = series.reduce((n, x) => n + x.calls, 0);
  const counters = s.emu.control.counters() as unknown as Record<string, number>;
  assert.ok(calls > 0 && series.reduce((n, x) => n + x.cost, 0) > 0, r.dump.slice(0, 500));
  assert.ok(calls <= (counters.graphqlRequests ?? Infinity), `no more calls than the emulator answered: ${JSON.stringify(counters)}`);
  const sampled = series.filter((x) => x.available !== null);
  assert.ok(
    sampled.length > 0 && sampled.every((x) => x.maximum === 4000 && x.available! <= 4000),
    'the bucket as the emulator reports it',
  );
  assert.deepEqual([r.body.budget.latest.maximum, r.body.budget.latest.restoreRate], [4000, 1000]);
  const before = calls;
  await s.admin('POST', `/tenants/${t.name}/users/${ids.ada}/sync`);
  await s.until('the sync to show in the budget', async () => {
    const d = await s.admin('GET', `/tenants/${t.name}/dashboard`);
    return (d.body.budget.series as { calls: number }[]).reduce((n, x) => n + x.calls, 0) > before;
  });
});

test('the activity log filters by user, SCIM client, kind and outcome, and pages with before', async () => {
  const byUser = entriesOf(await activity('?user=lovelace'));
  assert.ok(byUser.length >= 2 && byUser.every((e) => e.resourceId === ids.ada), JSON.stringify(byUser));
  assert.ok(
    byUser.some((e) => e.action === 'user.create' && e.result?.action === 'shopify.customer.created'),
    'the SCIM request with its Shopify result',
  );

  const byClient = entriesOf(await activity(`?client=${entra.id}`));
  assert.deepEqual(
    byClient.map((e) => [e.action, e.resourceId, e.actor]),
    [['user.create', ids.grace, `client:${entra.id}`]],
  );

  for (const kind of ['scim', 'shopify', 'admin', 'system'] as const) {
    const list = entriesOf(await activity(`?kind=${kind}&limit=200`));
    if (kind !== 'system') assert.ok(list.length > 0, kind);
    assert.ok(
      list.every((e) => e.kind === kind),
      kind,
    );
  }
  const writes = entriesOf(await activity('?action=user.&limit=200')).filter((e) =>
    ['user.create', 'user.patch', 'user.resync'].includes(e.action),
  );
  assert.ok(writes.length >= 5);
  for (const w of writes) assert.ok((w as Entry & { job: unknown }).job, `each write shows the job that carried it: ${JSON.stringify(w)}`);
  assert.ok(entriesOf(await activity('?kind=scim&limit=200')).every((e) => e.actor.startsWith('client:')));
  assert.ok(entriesOf(await activity('?kind=admin&limit=200')).some((e) => e.action === 'token.create'));

  const failed = entriesOf(await activity('?outcome=failed&limit=200'));
  assert.ok(failed.length >= 2 && failed.every((e) => e.outcome === 'failed'));
  assert.ok(
    failed.every((e) => e.resourceId === ids.nameless),
    `only the user Shopify refused: ${JSON.stringify(failed)}`,
  );
  assert.ok(entriesOf(await activity('?outcome=ok&limit=200')).every((e) => e.outcome === 'ok' && e.resourceId !== ids.nameless));

  const all = entriesOf(await activity('?limit=500'));
  const first = await activity('?limit=3');
  assert.deepEqual(
    entriesOf(first).map((e) => e.id),
    all.slice(0, 3).map((e) => e.id),
  );
  const second = await activity(`?limit=3&before=${first.body.next}`);
  assert.deepEqual(
    entriesOf(second).map((e) => e.id),
    all.slice(3, 6).map((e) => e.id),
    'the next page follows on, newest first',
  );
  const last = await activity(`?limit=500&before=${all[all.length - 1]!.id}`);
  assert.deepEqual([entriesOf(last), last.body.next], [[], null]);
});

test('bad activity filters are 400s naming the parameter', async () => {
  const cases: [string, RegExp][] = [
    ['?kind=everything', /^kind must be one of scim, shopify, admin, system/],
    ['?outcome=maybe', /^outcome must be one of ok, pending, retrying, failed/],
    ['?client=not%20an%20id', /^client must be a SCIM client's id/],
    ['?limit=0', /^limit must be a whole number from 1 to (500|10000)/],
    ['?limit=10001', /^limit must be a whole number from 1 to (500|10000)/],
    ['?before=yesterday', /^before must be a whole number/],
    [`?user=${'u'.repeat(201)}`, /^user must be text of at most 200 characters/],
    ['?kind=scim&kind=admin', /^kind must be one of/],
    ['?action=%3Bdrop', /^action must be the start of an action name/],
  ];
  for (const [query, message] of cases) {
    for (const path of ['activity', 'activity.csv']) {
      const r = await s.admin('GET', `/tenants/${t.name}/${path}${query}`);
      assert.equal(r.status, 400, `${path}${query}: ${r.dump}`);
      assert.equal(r.body.error, 'BAD_REQUEST');
      assert.match(r.body.message, message, r.dump);
    }
  }
});

test("one tenant's activity never shows another's users", async () => {
  const mine = await activity('?limit=500');
  assert.ok(!mine.text.includes('outsider') && !mine.text.includes(ids.outsider!), 'nothing of the other tenant');
  assert.deepEqual(entriesOf(await activity('?user=outsider')), []);
  const theirs = entriesOf(await activity('?limit=500', other));
  assert.ok(
    theirs.length > 0 &&
      theirs.every(
        (e) =>
          e.resourceId === null ||
          e.resourceId === ids.outsider ||
          e.action.startsWith('token.') ||
          e.action.startsWith('shop.') ||
          e.action === 'tenant.create',
      ),
    JSON.stringify(theirs),
  );
  assert.ok(!JSON.stringify(theirs).includes('lovelace'));
  const csv = await s.admin('GET', `/tenants/${other.name}/activity.csv`);
  assert.ok(!csv.text.includes('lovelace') && csv.text.includes('outsider@example.net'));
});

test('the CSV export has the same rows as the log, and quotes, defuses and escapes what a spreadsheet would misread', async () => {
  const tricky = '=HYPERLINK("http://evil.example","click"),now@example.com';
  ids.tricky = idOf(
    await s.scim(t, 'POST', '/Users', { schemas: [USER], userName: tricky, name: { givenName: 'Line\nBreak', familyName: 'Quote"d' } }),
  );
  const r = await s.admin('GET', `/tenants/${t.name}/activity.csv`);
  assert.equal(r.status, 200, r.dump);
  assert.match(r.headers.get('content-type')!, /^text\/csv; charset=utf-8/);
  assert.match(r.headers.get('content-disposition')!, /^attachment; filename="activity-watch-\d{4}-\d{2}-\d{2}\.csv"$/);
  const rows = parseCsv(r.text);
  const header = rows[0]!;
  assert.deepEqual(header.slice(0, 7), ['time', 'kind', 'who', 'action', 'user', 'resource', 'outcome']);
  assert.ok(
    rows.every((row) => row.length === header.length),
    'every row has every column',
  );
  const log = entriesOf(await activity('?limit=500'));
  assert.equal(rows.length - 1, log.length, 'one row per entry');
  assert.deepEqual(
    rows.slice(1).map((row) => row[3]),
    log.map((e) => e.action),
    'in the same order',
  );
  const row = rows.find((x) => x[5] === ids.tricky && x[3] === 'user.create')!;
  assert.equal(row[4], `'${tricky}`, 'a leading = is defused, quotes and commas survive the round trip');
  assert.ok(r.text.includes(`"'=HYPERLINK(""http://evil.example"",""click""),now@example.com"`), 'quoted, with quotes doubled');
  assert.ok(r.text.endsWith('\r\n'));

  assert.equal(parseCsv((await s.admin('GET', `/tenants/${t.name}/activity.csv?limit=2`)).text).length, 3, 'limit caps the rows');
  const filtered = parseCsv((await s.admin('GET', `/tenants/${t.name}/activity.csv?client=${entra.id}`)).text);
  assert.deepEqual(
    filtered.slice(1).map((x) => [x[3], x[5]]),
    [['user.create', ids.grace]],
    'the filters apply to the export',
  );
  const failed = parseCsv((await s.admin('GET', `/tenants/${t.name}/activity.csv?outcome=failed&kind=shopify`)).text);
  assert.ok(failed.length > 1 && failed.slice(1).every((x) => x[6] === 'failed' && x[1] === 'shopify'));
});

test('with personal data masked, the log and its export show no e-mail address or name; a bad privacy setting changes nothing', async () => {
  for (const bad of [{ maskPersonalData: 'yes' }, { maskPersonalData: true, extra: 1 }, [], 'true']) {
    const r = await s.admin('PUT', `/tenants/${t.name}/privacy`, bad);
    assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${r.dump}`);
    assert.equal(r.body.error, 'BAD_REQUEST');
    assert.match(r.body.message, /privacy/);
  }
  assert.deepEqual(
    (await s.admin('GET', `/tenants/${t.name}/privacy`)).body,
    { maskPersonalData: false },
    'the refused writes changed nothing',
  );
  assert.ok((await activity('?limit=500')).text.includes('ada.lovelace@example.com'), 'shown until the admin masks it');

  const on = await s.admin('PUT', `/tenants/${t.name}/privacy`, { maskPersonalData: true });
  assert.deepEqual([on.status, on.body], [200, { maskPersonalData: true }], on.dump);
  assert.deepEqual((await s.admin('GET', `/tenants/${t.name}/privacy`)).body, { maskPersonalData: true });
  const audit = await s.admin('GET', `/tenants/${t.name}/audit?action=privacy.replace`);
  assert.deepEqual(
    audit.body.entries.map((e: { actor: string; detail: unknown }) => [e.actor, e.detail]),
    [['admin', { maskPersonalData: true }]],
  );

  const personal = [/@example\.com/i, /lovelace/i, /hopper/i, /bjensen/i, /\bAda\b/, /\bGrace\b/, /leaver/i, /HYPERLINK/];
  const json = await activity('?limit=500');
  assert.equal(json.body.masked, true);
  const csv = await s.admin('GET', `/tenants/${t.name}/activity.csv`);
  const page = await activity(`?user=lovelace`);
  for (const [what, text] of [
    ['log', json.text],
    ['CSV', csv.text],
    ['filtered log', page.text],
  ] as const) {
    for (const re of personal) assert.doesNotMatch(text, re, `${what} is masked`);
  }
  const ada = entriesOf(page).find((e) => e.action === 'user.create')!;
  assert.equal(ada.user, 'ad…@ex…', 'the user still reads as someone, without the address');
  assert.equal((await s.admin('PUT', `/tenants/${t.name}/privacy`, { maskPersonalData: false })).status, 200);
});

test('the jobs list shows queued, running and dead jobs by state, refuses bad filters, and a discarded dead letter is gone and audited', async () => {
  // a tenant without a shop keeps its sync queued
  const idle = await s.tenant('watch-idle', { connect: false });
  const waiting = idOf(await s.scim(idle, 'POST', '/Users', person('waiting@example.com', 'Wai', 'Ting')));
  const queued = await s.until('a queued job', async () => {
    const r = await s.admin('GET', `/tenants/${idle.name}/jobs`);
    return r.body.jobs.length ? r : undefined;
  });
  assert.deepEqual(
    queued.body.jobs.map((j: { state: string; userId: string; userName: string; kind: string }) => [j.state, j.kind, j.userId, j.userName]),
    [['queued', 'user.sync', waiting, 'waiting@example.com']],
  );
  assert.deepEqual((await s.admin('GET', `/tenants/${idle.name}/jobs?state=dead`)).body.jobs, []);

  // Slower than the sync wait (3 s), so the POST answers while its one Shopify call is still in flight.
  s.emu.control.setFaults({ latencyMs: 5000 });
  let slow: string;
  try {
    slow = idOf(await s.scim(t, 'POST', '/Users', person('slow@example.com', 'Slow', 'Poke')));
    const running = await s.until('a running job', async () => {
      const r = await s.admin('GET', `/tenants/${t.name}/jobs?state=running`);
      return r.body.jobs.find((j: { userId: string }) => j.userId === slow);
    });
    assert.equal(running.state, 'running');
  } finally {
    s.emu.control.clearFaults();
  }
  await s.until(
    'the slow user synced',
    async () => (await s.admin('GET', `/tenants/${t.name}/users/${slow!}`)).body.link?.syncState === 'synced',
  );

  s.emu.control.setFaults({ errorRate: 1, status: 503 });
  let doomed: string;
  let dead: { id: number; state: string; userId: string; lastErrorCode: string };
  try {
    doomed = idOf(await s.scim(t, 'POST', '/Users', person('doomed@example.com', 'Doo', 'Med')));
    dead = await s.until(
      'a dead letter',
      async () => {
        const r = await s.admin('GET', `/tenants/${t.name}/jobs?state=dead`);
        return r.body.jobs.find((j: { userId: string }) => j.userId === doomed);
      },
      30_000,
    );
  } finally {
    s.emu.control.clearFaults();
  }
  assert.deepEqual([dead.state, dead.lastErrorCode], ['dead', 'HTTP_5XX']);
  const dash = await s.admin('GET', `/tenants/${t.name}/dashboard`);
  assert.equal(dash.body.jobs.dead, 1, 'the dashboard counts the dead letter');

  for (const [query, message] of [
    ['?state=done', /^state must be one of queued, running, dead/],
    ['?queue=no%20queue', /^queue must name a queue/],
    ['?limit=0', /^limit must be/],
    ['?before=x', /^before must be/],
  ] as const) {
    const r = await s.admin('GET', `/tenants/${t.name}/jobs${query}`);
    assert.deepEqual([r.status, r.body.error], [400, 'BAD_REQUEST'], r.dump);
    assert.match(r.body.message, message);
  }

  const count = async () => (await s.store.db.selectFrom('outbox_jobs').select('id').where('state', '=', 'dead').execute()).length;
  const deadBefore = await count();
  const badId = await s.admin('DELETE', `/tenants/${t.name}/jobs/dead/abc`);
  assert.deepEqual([badId.status, badId.body.error], [400, 'BAD_REQUEST']);
  const queuedId = queued.body.jobs[0].id;
  const notDead = await s.admin('DELETE', `/tenants/${idle.name}/jobs/dead/${queuedId}`);
  assert.deepEqual([notDead.status, notDead.body.error], [404, 'NOT_FOUND'], 'only a dead letter can be discarded');
  const foreign = await s.admin('DELETE', `/tenants/${other.name}/jobs/dead/${dead.id}`);
  assert.deepEqual(
    [foreign.status, foreign.body.error],
    [404, 'NOT_FOUND'],
    "another tenant's dead letter cannot be discarded through this one",
  );
  assert.equal(await count(), deadBefore, 'the refused discards changed nothing');

  const gone = await s.admin('DELETE', `/tenants/${t.name}/jobs/dead/${dead.id}`);
  assert.deepEqual([gone.status, gone.body], [200, { discarded: dead.id }], gone.dump);
  assert.equal(await count(), deadBefore - 1);
  assert.ok(!(await s.admin('GET', `/tenants/${t.name}/jobs?state=dead`)).body.jobs.some((j: { id: number }) => j.id === dead.id));
  assert.equal((await s.admin('DELETE', `/tenants/${t.name}/jobs/dead/${dead.id}`)).status, 404, 'once');
  const audit = await s.admin('GET', `/tenants/${t.name}/audit?action=job.discard`);
  assert.deepEqual(
    audit.body.entries.map((e: { actor: string; resourceId: string; detail: { key: string; lastErrorCode: string } }) => [
      e.actor,
      e.resourceId,
      e.detail.key,
      e.detail.lastErrorCode,
    ]),
    [['admin', String(dead.id), `user:${doomed!}`, 'HTTP_5XX']],
  );
  const user = await s.admin('GET', `/tenants/${t.name}/users/${doomed!}`);
  assert.equal(user.body.link.syncState, 'failed', 'the user keeps its state');
});
