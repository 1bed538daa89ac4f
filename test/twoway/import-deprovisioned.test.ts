// `import --create-users` never revives people the bridge deprovisioned: a customer whose SCIM user was deleted keeps
// its link metafield and stays out, a deactivated customer comes in only as an inactive user when asked, and
// `--dry-run` reports all of it without changing anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { UserRepository } from '../../src/store/users.js';
import { importCustomers, type ImportReport } from '../../src/sync/import.js';
import { startTwoWay, scimUser, type TwoWayStack } from './harness.js';

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay();
});
after(() => s?.close());

const users = new UserRepository();
const customId = (customerId: string) =>
  s.emu.control.customer(customerId)?.metafields.find((m) => m.namespace === 'shopify_scim' && m.key === 'scim_id')?.value;
const byUserName = async (userName: string) => users.byUserName(s.store.db, s.tenantId, userName);
const run = async (o: Parameters<typeof importCustomers>[2]) =>
  importCustomers({ ...s.twoWay.deps, pollIntervalMs: 20 }, await s.tenant(), o);

test('import --create-users skips deprovisioned customers, never rewrites a link naming another user, and --dry-run changes nothing', async () => {
  // A person the IdP removed: provisioned, then deleted (the default policy tags the customer and keeps it).
  const created = await s.req('POST', '/Users', scimUser('left.company@example.com'));
  assert.equal(created.status, 201, created.dump);
  const leftId = created.body.id as string;
  const leftCustomer = created.body['urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User'].customerId as string;
  assert.equal((await s.req('DELETE', `/Users/${leftId}`)).status, 204);
  await s.until("the deleted user's customer tagged", () => s.emu.control.customer(leftCustomer)?.tags.includes('scim-deactivated'));
  await s.settled();
  const leftLink = customId(leftCustomer);

  // The same email now belongs to another SCIM user, not linked yet (a rehire, say): the customer still names the old one.
  const unlinked = await users.insert(s.store.db, s.tenantId, scimUser('left.company@example.com'), null);
  // Deactivated by the bridge long ago (its tag), no SCIM user now; and an ordinary customer.
  const tagged = s.emu.control.createCustomer({
    firstName: 'Old',
    lastName: 'Contractor',
    email: 'old.contractor@example.com',
    tags: ['scim-deactivated'],
  }).customer!;
  const plain = s.emu.control.createCustomer({ firstName: 'New', lastName: 'Hire', email: 'new.hire@example.com' }).customer!;
  await s.settled();

  const progress: ImportReport[] = [];
  const dry = await run({ createUsers: true, dryRun: true, onProgress: (p) => progress.push(p), progressEvery: 1 });
  assert.deepEqual(
    { dryRun: dry.dryRun, created: dry.created, deprovisioned: dry.deprovisioned, unmatched: dry.unmatched },
    { dryRun: true, created: 1, deprovisioned: 1, unmatched: 1 },
    JSON.stringify(dry),
  );
  assert.deepEqual(
    dry.skipped.map((x) => x.customerId),
    [leftCustomer],
    JSON.stringify(dry),
  );
  assert.match(dry.skipped[0]!.reason, new RegExp(`its custom id names SCIM user ${leftId}, which no longer exists`));
  assert.deepEqual(
    progress.map((p) => p.scanned),
    Array.from({ length: dry.scanned }, (_, i) => i + 1),
    'progress after every customer read',
  );
  assert.equal(await byUserName('new.hire@example.com'), undefined, 'the dry run created nobody');
  const jobs = await s.store.db.selectFrom('outbox_jobs').select('id').where('state', '=', 'queued').execute();
  assert.equal(jobs.length, 0, 'and queued nothing');

  const real = await run({ createUsers: true });
  assert.deepEqual(
    { created: real.created, deprovisioned: real.deprovisioned, skipped: real.skipped.length },
    { created: 1, deprovisioned: 1, skipped: 1 },
    JSON.stringify(real),
  );
  assert.equal((await byUserName('new.hire@example.com'))?.data.active, true);
  assert.equal(await users.get(s.store.db, s.tenantId, leftId), undefined, 'the deleted person is not revived');
  assert.equal(await byUserName('old.contractor@example.com'), undefined, 'a deactivated customer is left out by default');
  const stillUnlinked = await s.store.db
    .selectFrom('customer_links')
    .select('customer_id')
    .where('user_id', '=', unlinked.id)
    .executeTakeFirst();
  assert.equal(stillUnlinked?.customer_id ?? null, null, 'the email match does not take a customer that names another user');
  assert.equal(real.linkedByEmail, 0);
  await s.settled();
  assert.equal(customId(leftCustomer), leftLink, 'the link metafield of the deleted user is kept');
  assert.ok(customId(plain.id), 'the imported customer gets its link');

  const inactive = await run({ createUsers: true, includeDeprovisioned: true });
  assert.equal(inactive.created, 1, JSON.stringify(inactive));
  const contractor = await byUserName('old.contractor@example.com');
  assert.equal(contractor?.data.active, false, 'imported, but inactive');
  await s.settled();
  assert.ok(s.emu.control.customer(tagged.id)?.tags.includes('scim-deactivated'), 'and its customer stays deactivated');
  assert.equal(customId(tagged.id), contractor!.id);
});
