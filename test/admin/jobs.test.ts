// Dead letters end to end: while Shopify answers errors a user's sync runs out of attempts and is dead-lettered, and the
// user shows `failed` with the reason (counted so by /metrics); the admin API lists it (paged, no personal data) and,
// once Shopify is back, a retry through HTTP makes the user pending and then synced. The `jobs` commands do the same
// from the command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { startAdminStack, idOf, type AdminStack, type TenantHandle } from './harness.js';
import { SHOPIFY_EXT } from '../helpers/http.js';
import { scrapeMetrics } from '../helpers/stack.js';
import { jobsCommand } from '../../src/cli/jobs-commands.js';

let s: AdminStack;
let t: TenantHandle;
let other: TenantHandle;
before(async () => {
  s = await startAdminStack({ syncWaitMs: 200, worker: { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 } } });
  t = await s.tenant('dl');
  other = await s.tenant('dl-other');
});
after(async () => {
  await s?.close();
});

const user = (email: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: email,
  name: { givenName: 'Grace', familyName: 'Hopper' },
  emails: [{ value: email, primary: true }],
});

/** Creates users while every Shopify call fails, and waits until each one's sync is dead-lettered. */
async function deadUsers(emails: string[]): Promise<string[]> {
  s.emu.control.setFaults({ errorRate: 1, status: 503 });
  const ids: string[] = [];
  for (const e of emails) {
    const r = await s.scim(t, 'POST', '/Users', user(e));
    assert.equal(r.body?.[SHOPIFY_EXT]?.syncState, 'pending', r.dump);
    ids.push(idOf(r));
  }
  await s.until(
    `${emails.length} dead-lettered job(s)`,
    async () => {
      const r = await s.admin('GET', `/tenants/${t.name}/jobs/dead?limit=500`);
      return ids.every((id) => r.body.jobs.some((j: { key: string }) => j.key === `user:${id}`));
    },
    30_000,
  );
  return ids;
}

const syncState = async (id: string) => (await s.scim(t, 'GET', `/Users/${id}`)).body?.[SHOPIFY_EXT]?.syncState;

/** The tenant's `scim_sync_users` samples from /metrics, as state -> value. */
async function syncUserGauge(tenant: string): Promise<Record<string, number>> {
  const text = await (await scrapeMetrics(s.bridge.url)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^scim_sync_users\{([^}]*)\} (\d+)$/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (labels.tenant === tenant) out[labels.state!] = Number(m[2]);
  }
  return out;
}

test(
  'a sync that runs out of attempts is listed as dead and shows failed with its reason; a retry through HTTP makes it pending, then synced once Shopify is back',
  { timeout: 60_000 },
  async () => {
    let userId: string;
    try {
      [userId] = await deadUsers(['dead.letter@example.com']);
    } finally {
      s.emu.control.clearFaults();
    }
    const list = await s.admin('GET', `/tenants/${t.name}/jobs/dead`);
    assert.equal(list.status, 200, list.dump);
    assert.equal(list.body.total, 1, list.dump);
    const [job] = list.body.jobs;
    assert.deepEqual(
      Object.keys(job).sort(),
      ['attempts', 'createdAt', 'deadAt', 'id', 'key', 'kind', 'lastError', 'lastErrorCode', 'queue'],
      'no payload is shown',
    );
    assert.deepEqual([job.kind, job.key, job.queue, job.attempts], ['user.sync', `user:${userId!}`, 'shopify', 3], list.dump);
    assert.equal(typeof job.lastErrorCode, 'string');
    assert.match(job.lastError, /^gave up after 3 attempts: .*503/, list.dump);
    assert.doesNotMatch(list.text, /dead\.letter|example\.com|Grace|Hopper/, 'no personal data in the list');
    assert.ok(!Number.isNaN(Date.parse(job.deadAt)) && job.deadAt >= job.createdAt, list.dump);
    assert.equal(list.body.nextBefore, null);
    const gaveUp = await s.scim(t, 'GET', `/Users/${userId!}`);
    const ext = gaveUp.body?.[SHOPIFY_EXT];
    assert.equal(ext?.syncState, 'failed', `the bridge has given up on the user: ${gaveUp.dump}`);
    assert.equal(ext.syncError, `gave up after 3 attempts; the last error was ${job.lastErrorCode}`, gaveUp.dump);
    assert.doesNotMatch(ext.syncError, /dead\.letter|example\.com|Grace|Hopper/, 'no personal data in the reason');
    assert.equal(await s.customerOf(t, userId!), null, 'no customer while Shopify failed');
    assert.deepEqual(await syncUserGauge(t.name), { pending: 0, synced: 0, failed: 1 }, '/metrics counts the user as failed');
    const audited = await s.store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'shopify.customer.failed')
      .where('resource_id', '=', userId!)
      .execute();
    assert.deepEqual(
      audited.map((a) => JSON.parse(a.detail)),
      [{ code: job.lastErrorCode, reason: ext.syncError, attempts: 3 }],
    );

    // Shopify answers again, slowly: the retried sync is seen pending while it runs, then synced.
    s.emu.control.setFaults({ latencyMs: 600 });
    try {
      const retried = await s.admin('POST', `/tenants/${t.name}/jobs/dead/${job.id}/retry`);
      assert.equal(retried.status, 200, retried.dump);
      assert.deepEqual(retried.body, { retried: 1, ids: [job.id] });
      assert.equal(await syncState(userId!), 'pending', 'pending again once retried');
      assert.deepEqual(await syncUserGauge(t.name), { pending: 1, synced: 0, failed: 0 });
      await s.until('the retried user to be synced', async () => (await syncState(userId!)) === 'synced', 30_000);
    } finally {
      s.emu.control.clearFaults();
    }
    assert.equal((await s.scim(t, 'GET', `/Users/${userId!}`)).body?.[SHOPIFY_EXT]?.syncError, undefined, 'the reason is cleared');
    assert.deepEqual(await syncUserGauge(t.name), { pending: 0, synced: 1, failed: 0 });
    assert.equal((await s.customerOf(t, userId!))?.email, 'dead.letter@example.com', 'the customer exists in Shopify');
    assert.equal((await s.admin('GET', `/tenants/${t.name}/jobs/dead`)).body.total, 0, 'nothing dead any more');
    const again = await s.admin('POST', `/tenants/${t.name}/jobs/dead/${job.id}/retry`);
    assert.deepEqual([again.status, again.body.error], [404, 'NOT_FOUND'], again.dump);
    const retry = (await s.admin('GET', `/tenants/${t.name}/audit?action=job.retry`)).body.entries;
    assert.deepEqual(
      retry.map((e: { actor: string; resourceType: string; resourceId: string; detail: { job: number } }) => [
        e.actor,
        e.resourceType,
        e.resourceId,
        e.detail.job,
      ]),
      [['admin', 'User', userId!, job.id]],
      'the retry is audited, about its user',
    );
    const trail = (await s.admin('GET', `/tenants/${t.name}/activity?user=dead.letter`)).body.entries;
    const shown = trail.find((e: { action: string }) => e.action === 'job.retry');
    assert.deepEqual(
      [shown?.outcome, shown?.job?.id, shown?.result?.action],
      ['ok', job.id, 'shopify.customer.created'],
      'the activity log shows the retry and what Shopify made of it',
    );
  },
);

test(
  'the dead-letter list pages newest first; bad input is refused and changes nothing; retry-all requeues every one',
  { timeout: 60_000 },
  async () => {
    let ids: string[];
    try {
      ids = await deadUsers(['page1@example.com', 'page2@example.com', 'page3@example.com']);
    } finally {
      s.emu.control.clearFaults();
    }
    const first = await s.admin('GET', `/tenants/${t.name}/jobs/dead?limit=2`);
    assert.equal(first.status, 200, first.dump);
    assert.equal(first.body.total, 3);
    assert.deepEqual(
      first.body.jobs.map((j: { key: string }) => j.key),
      [`user:${ids![2]}`, `user:${ids![1]}`],
      'newest first',
    );
    assert.equal(first.body.nextBefore, first.body.jobs[1].id);
    const rest = await s.admin('GET', first.body.next.replace('/admin/api', ''));
    assert.deepEqual(
      rest.body.jobs.map((j: { key: string }) => j.key),
      [`user:${ids![0]}`],
      rest.dump,
    );
    assert.equal(rest.body.next, null);
    const jobId = rest.body.jobs[0].id;

    for (const q of ['limit=0', 'limit=abc', 'limit=501', 'before=-1', 'queue=']) {
      const r = await s.admin('GET', `/tenants/${t.name}/jobs/dead?${q}`);
      assert.deepEqual([r.status, r.body.error], [400, 'BAD_REQUEST'], r.dump);
    }
    const badId = await s.admin('POST', `/tenants/${t.name}/jobs/dead/abc/retry`);
    assert.deepEqual([badId.status, badId.body.error], [400, 'BAD_REQUEST'], badId.dump);
    assert.match(badId.body.message, /job id must be a whole number/);
    const otherTenant = await s.admin('POST', `/tenants/${other.name}/jobs/dead/${jobId}/retry`);
    assert.deepEqual([otherTenant.status, otherTenant.body.error], [404, 'NOT_FOUND'], "another tenant's job is not found");
    const noTenant = await s.admin('GET', '/tenants/nobody/jobs/dead');
    assert.deepEqual([noTenant.status, noTenant.body.error], [404, 'TENANT_NOT_FOUND']);
    const noToken = await s.admin('POST', `/tenants/${t.name}/jobs/dead/retry`, undefined, { token: null });
    assert.equal(noToken.status, 401);
    assert.equal((await s.admin('GET', `/tenants/${t.name}/jobs/dead`)).body.total, 3, 'still dead after the refused requests');
    assert.equal((await s.admin('GET', `/tenants/${other.name}/jobs/dead`)).body.total, 0, 'the other tenant has none');

    const all = await s.admin('POST', `/tenants/${t.name}/jobs/dead/retry`);
    assert.equal(all.status, 200, all.dump);
    assert.equal(all.body.retried, 3);
    await s.until('every retried user to be synced', async () => (await Promise.all(ids!.map(syncState))).every((x) => x === 'synced'));
    for (const [i, id] of ids!.entries()) assert.equal((await s.customerOf(t, id))?.email, `page${i + 1}@example.com`);
  },
);

/** Runs one `jobs` command line against the stack's database. */
async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = new Command('shopify-scim').exitOverride();
  program.addCommand(
    jobsCommand({
      open: async () => ({ deps: { db: s.store.db, dialect: s.store.dialect, actor: 'cli' }, close: async () => {} }),
      print: (x) => out.push(x),
      printErr: (x) => err.push(x),
      exit: (c) => void (code = c),
    }),
  );
  await program.parseAsync(['node', 'shopify-scim', ...args]);
  return { out: out.join('\n'), err: err.join('\n'), code };
}

test(
  'jobs dead lists the dead letters and jobs retry requeues them; the worker picks them up at its next poll',
  { timeout: 60_000 },
  async () => {
    let userId: string;
    try {
      [userId] = await deadUsers(['cli.dead@example.com']);
    } finally {
      s.emu.control.clearFaults();
    }
    const json = await cli('jobs', 'dead', '--tenant', t.name, '--json');
    assert.equal(json.code, 0, json.err);
    const page = JSON.parse(json.out);
    assert.equal(page.total, 1);
    const job = page.jobs[0];
    assert.equal(job.key, `user:${userId!}`);
    const text = await cli('jobs', 'dead', '--tenant', t.name);
    assert.match(text.out, new RegExp(`^${job.id}\\t\\S+\\tuser\\.sync\\tuser:${userId!}\\t3 attempt\\(s\\)\\t`, 'm'), text.out);
    assert.match(text.out, /1 of 1 dead-lettered job\(s\)$/);

    const neither = await cli('jobs', 'retry', '--tenant', t.name);
    assert.equal(neither.code, 1);
    assert.match(neither.err, /--id <n>, or all of them with --all/);
    const missing = await cli('jobs', 'retry', '--tenant', t.name, '--id', String(job.id + 1000), '--json');
    assert.equal(missing.code, 1);
    assert.equal(JSON.parse(missing.out).error, 'NOT_FOUND');
    const noTenant = await cli('jobs', 'dead', '--tenant', 'nobody');
    assert.deepEqual([noTenant.code, noTenant.err], [1, 'error: no tenant named "nobody"']);
    assert.equal(await syncState(userId!), 'failed', 'nothing was retried by the refused commands');

    const r = await cli('jobs', 'retry', '--tenant', t.name, '--id', String(job.id));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `requeued 1 job(s): ${job.id}`);
    await s.until('the user retried from the command line to be synced', async () => (await syncState(userId!)) === 'synced');
    assert.equal((await cli('jobs', 'retry', '--tenant', t.name, '--all')).out, 'no dead-lettered jobs to retry');
  },
);
