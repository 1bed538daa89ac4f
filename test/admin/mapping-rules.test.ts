// Mapping features end to end: a mapping saved through the admin API, users and groups written over SCIM, the
// links in the database and the customers in the emulator (which checks metafield values against their types).
// Covers the transforms and target types one rule each, templated tags at creation, the email marketing consent,
// group tags (by hand with tags.groupTags, by externalId, kept on rename) and the managedPrefix claim.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf, type TenantHandle } from './harness.js';
import { SHOPIFY_EXT } from '../helpers/http.js';

const stack = await startAdminStack();
after(() => stack.close());

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const HR = 'urn:example:params:scim:schemas:extension:hr:2.0:User';

const sorted = (tags: readonly string[] | undefined) => [...(tags ?? [])].sort();

/** A user body with the given userName (also the work email) and extra attributes. */
const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [CORE],
  userName,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
  ...extra,
});

async function createUser(t: TenantHandle, body: Record<string, unknown>) {
  const r = await stack.scim(t, 'POST', '/Users', body);
  const id = idOf(r);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
  return { id, cid: r.body[SHOPIFY_EXT].customerId as string };
}

async function createGroup(t: TenantHandle, displayName: string, extra: Record<string, unknown> = {}) {
  const g = await stack.scim(t, 'POST', '/Groups', { schemas: [GROUP], displayName, ...extra });
  assert.equal(g.status, 201, g.dump);
  return g.body.id as string;
}

async function patchGroup(t: TenantHandle, id: string, ...ops: unknown[]) {
  const r = await stack.scim(t, 'PATCH', `/Groups/${id}`, { schemas: [PATCH], Operations: ops });
  assert.ok(r.status === 200 || r.status === 204, r.dump);
}

const join = (userId: string) => ({ op: 'add', path: 'members', value: [{ value: userId }] });
const tagsOf = (cid: string) => sorted(stack.emu.control.customer(cid)?.tags);
const settleTags = (what: string, cid: string, want: string[]) =>
  stack
    .until(what, () => JSON.stringify(tagsOf(cid)) === JSON.stringify(sorted(want)) && true, 10000)
    .catch((e: Error) => {
      throw new Error(`${e.message}; tags now ${JSON.stringify(tagsOf(cid))}`);
    });

async function putTags(t: TenantHandle, tags: Record<string, unknown>) {
  const r = await stack.admin('PUT', `/tenants/${t.name}/tags`, tags);
  assert.equal(r.status, 200, r.dump);
}

async function reapply(t: TenantHandle) {
  const run = await stack.admin('POST', `/tenants/${t.name}/mapping/reapply`);
  assert.equal(run.status, 202, run.dump);
  await stack.until(
    'the re-apply',
    async () => (await stack.admin('GET', `/tenants/${t.name}/mapping/reapply/${run.body.runId}`)).body.finished,
  );
}

async function managedTagsInDb(t: TenantHandle, userId: string): Promise<string[]> {
  const row = await stack.store.db
    .selectFrom('customer_links')
    .select('managed_tags')
    .where('tenant_id', '=', t.id)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return sorted(JSON.parse(String(row.managed_tags)) as string[]);
}

test('one rule per transform and metafield type reaches the emulator as Shopify stores it, with templated tags and email consent', async () => {
  const t = await stack.tenant('rules-e2e');
  const schemas = await stack.admin('PUT', `/tenants/${t.name}/schemas`, {
    schemas: [
      {
        id: HR,
        name: 'HrUser',
        description: 'What HR keeps',
        attributes: [
          { name: 'newsletter', type: 'boolean' },
          { name: 'remote', type: 'boolean' },
          { name: 'hireDate', type: 'string' },
          { name: 'startedAt', type: 'string' },
        ],
      },
    ],
  });
  assert.equal(schemas.status, 200, schemas.dump);
  const mf = (key: string, type: string) => ({ kind: 'metafield', namespace: 'staff', key, type });
  const doc = {
    version: 1,
    rules: [
      { id: 'first', source: 'name.givenName', target: { kind: 'field', field: 'firstName' } },
      { id: 'last', source: 'name.familyName', target: { kind: 'field', field: 'lastName' } },
      { id: 'email', source: 'emails[primary eq true].value', target: { kind: 'field', field: 'email' } },
      {
        id: 'phone',
        source: 'phoneNumbers[type eq "work"].value',
        target: { kind: 'field', field: 'phone' },
        transforms: [{ op: 'phoneE164', country: 'GB' }],
      },
      {
        id: 'segment',
        source: 'userType',
        target: { kind: 'tag' },
        transforms: [{ op: 'valueMap', map: { Employee: 'staff', Contractor: 'contractor' }, default: 'other' }],
      },
      {
        id: 'note',
        target: { kind: 'field', field: 'note' },
        transforms: [{ op: 'template', template: `{title} in {${ENT}:department}` }],
      },
      { id: 'title-lc', source: 'title', target: mf('title_lc', 'single_line_text_field'), transforms: [{ op: 'lowercase' }] },
      { id: 'started', source: `${HR}:startedAt`, target: mf('started', 'date_time'), transforms: [{ op: 'date', format: 'dateTime' }] },
      { id: 'hired', source: `${HR}:hireDate`, target: mf('hired', 'date') },
      { id: 'number', source: `${ENT}:employeeNumber`, target: mf('employee_number', 'number_integer') },
      { id: 'remote', source: `${HR}:remote`, target: mf('remote', 'boolean') },
      { id: 'all-emails', source: 'emails.value', target: mf('emails', 'json') },
      { id: 'newsletter', source: `${HR}:newsletter`, target: { kind: 'emailMarketingConsent', optInLevel: 'SINGLE_OPT_IN' } },
    ],
    tags: { static: ['scim-provisioned'], templates: [`dept:{${ENT}:department}`, 'type:{userType}'] },
  };
  const saved = await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc);
  assert.equal(saved.status, 200, saved.dump);
  const defs = saved.body.definitions as { namespace: string; key: string; type: string; status: string }[];
  assert.deepEqual(
    defs
      .filter((d) => d.namespace === 'staff')
      .map((d) => `${d.key}:${d.type}`)
      .sort(),
    [
      'emails:json',
      'employee_number:number_integer',
      'hired:date',
      'remote:boolean',
      'started:date_time',
      'title_lc:single_line_text_field',
    ],
    saved.dump,
  );

  const { id, cid } = await createUser(
    t,
    user('ada.rules@example.com', {
      schemas: [CORE, ENT, HR],
      emails: [
        { value: 'ada.rules@example.com', type: 'work', primary: true },
        { value: 'ada@home.example', type: 'home' },
      ],
      phoneNumbers: [{ value: '020 7946 0018', type: 'work' }],
      userType: 'Employee',
      title: 'Account LEAD',
      [ENT]: { department: 'Sales', employeeNumber: '0042' },
      [HR]: { newsletter: true, remote: true, hireDate: '2024-03-15', startedAt: 'Tue, 1 Jul 2025 10:00:00 +0200' },
    }),
  );
  const c = stack.emu.control.customer(cid)!;
  assert.equal(c.phone, '+442079460018', 'phoneE164 read the national number with its country');
  assert.equal(c.note, 'Account LEAD in Sales', 'template');
  assert.deepEqual(
    sorted(c.tags),
    ['dept:Sales', 'scim-provisioned', 'staff', 'type:Employee'],
    'valueMap tag and templated tags at creation',
  );
  const metafield = (key: string) => c.metafields.find((m) => m.namespace === 'staff' && m.key === key);
  assert.deepEqual(
    ['title_lc', 'started', 'hired', 'employee_number', 'remote', 'emails'].map((k) => [k, metafield(k)?.type, metafield(k)?.value]),
    [
      ['title_lc', 'single_line_text_field', 'account lead'],
      ['started', 'date_time', '2025-07-01T08:00:00Z'],
      ['hired', 'date', '2024-03-15'],
      ['employee_number', 'number_integer', '42'],
      ['remote', 'boolean', 'true'],
      ['emails', 'json', JSON.stringify(['ada.rules@example.com', 'ada@home.example'])],
    ],
    JSON.stringify(c.metafields),
  );
  assert.deepEqual(
    [c.emailMarketingConsent?.marketingState, c.emailMarketingConsent?.marketingOptInLevel],
    ['SUBSCRIBED', 'SINGLE_OPT_IN'],
    JSON.stringify(c.emailMarketingConsent),
  );
  assert.deepEqual(await managedTagsInDb(t, id), ['dept:Sales', 'scim-provisioned', 'staff', 'type:Employee']);

  // A change at the IdP: the templated and mapped tags follow, the consent is withdrawn, the merchant's tag stays.
  stack.emu.control.addTags(cid, ['vip']);
  const p = await stack.scim(t, 'PATCH', `/Users/${id}`, {
    schemas: [PATCH],
    Operations: [
      { op: 'replace', path: 'userType', value: 'Intern' },
      { op: 'replace', path: `${ENT}:department`, value: 'Legal' },
      { op: 'replace', path: `${HR}:newsletter`, value: false },
    ],
  });
  assert.equal(p.status, 200, p.dump);
  assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
  const after = stack.emu.control.customer(cid)!;
  assert.deepEqual(
    sorted(after.tags),
    ['dept:Legal', 'other', 'scim-provisioned', 'type:Intern', 'vip'],
    'valueMap default; old templated tags replaced',
  );
  assert.equal(after.note, 'Account LEAD in Legal');
  assert.equal(after.emailMarketingConsent?.marketingState, 'UNSUBSCRIBED', JSON.stringify(after.emailMarketingConsent));
});

test('a rule reading the user’s groups is refused over HTTP, naming the rule, and the saved mapping stays as it was', async () => {
  const t = await stack.tenant('groups-rule');
  const before = await stack.admin('GET', `/tenants/${t.name}/mapping`);
  const doc = structuredClone(before.body.document);
  doc.rules.push({ id: 'team-tag', source: 'groups.display', target: { kind: 'tag' } });
  const r = await stack.admin('PUT', `/tenants/${t.name}/mapping`, doc);
  assert.equal(r.status, 400, r.dump);
  assert.match(r.text, /rule \\?"team-tag\\?": source \\?"groups.display\\?" reads the user's groups[^"]*tags.groupTags/);
  const now = await stack.admin('GET', `/tenants/${t.name}/mapping`);
  assert.equal(now.body.version, before.body.version);
  assert.ok(!JSON.stringify(now.body.document).includes('team-tag'));
});

test('tags.groupTags gives groups hand-picked tags (by displayName or id, null for none); a re-mapped tag replaces only what the bridge set', async () => {
  const t = await stack.tenant('group-tags');
  const sales = await createGroup(t, 'Sales');
  const support = await createGroup(t, 'Support');
  const contractors = await createGroup(t, 'Contractors');
  const legal = await createGroup(t, 'Legal');
  await putTags(t, { static: ['scim-provisioned'], groupTags: { sales: 'wholesale', [support]: 'helpdesk', Contractors: null } });

  const member = await createUser(t, user('member@example.com'));
  const other = await createUser(t, user('other@example.com'));
  // the merchant tags both customers, one of them with the very tag the Sales group gives
  stack.emu.control.addTags(member.cid, ['vip']);
  stack.emu.control.addTags(other.cid, ['wholesale']);
  for (const g of [sales, support, contractors, legal]) await patchGroup(t, g, join(member.id));
  await settleTags('the hand-picked and derived group tags', member.cid, [
    'scim-provisioned',
    'vip',
    'wholesale',
    'helpdesk',
    'group:Legal',
  ]);
  assert.deepEqual(await managedTagsInDb(t, member.id), ['group:Legal', 'helpdesk', 'scim-provisioned', 'wholesale']);

  // the merchant re-maps Sales and lets Contractors tag its members after all; re-applied to every customer
  await putTags(t, { static: ['scim-provisioned'], groupTags: { Sales: 'trade', [support]: 'helpdesk', Contractors: 'contractor' } });
  await reapply(t);
  await settleTags('the re-mapped tags', member.cid, ['scim-provisioned', 'vip', 'trade', 'helpdesk', 'contractor', 'group:Legal']);
  assert.deepEqual(
    tagsOf(other.cid),
    ['scim-provisioned', 'wholesale'],
    'a merchant tag named like the old group tag stays where the bridge never set it',
  );
  assert.deepEqual(await managedTagsInDb(t, member.id), ['contractor', 'group:Legal', 'helpdesk', 'scim-provisioned', 'trade']);

  // a renamed group named by its id keeps its tag; leaving a group takes its hand-picked tag away
  await patchGroup(t, support, { op: 'replace', path: 'displayName', value: 'Customer Care' });
  await patchGroup(t, sales, { op: 'remove', path: `members[value eq "${member.id}"]` });
  await settleTags('the tag of the group left removed', member.cid, ['scim-provisioned', 'vip', 'helpdesk', 'contractor', 'group:Legal']);
});

test("groupTagFrom 'externalId' and groupRename 'keep': members get the externalId tag and keep a renamed group's old tag until they leave", async () => {
  const t = await stack.tenant('group-keep');
  await putTags(t, { static: [], groupTagFrom: 'externalId', groupRename: 'keep' });
  const sales = await createGroup(t, 'Sales', { externalId: 'ext-sales' });
  const support = await createGroup(t, 'Support');
  const u = await createUser(t, user('keeper@example.com'));
  await patchGroup(t, sales, join(u.id));
  await patchGroup(t, support, join(u.id));
  await settleTags('externalId tag, displayName for the group without one', u.cid, ['group:ext-sales', 'group:Support']);

  // a display name change does not change an externalId tag; a new externalId does, and the old tag is kept
  await patchGroup(t, sales, { op: 'replace', path: 'displayName', value: 'Field Sales' });
  await patchGroup(t, sales, { op: 'replace', path: 'externalId', value: 'ext-field-sales' });
  await patchGroup(t, support, { op: 'replace', path: 'displayName', value: 'Helpdesk' });
  await settleTags('new tags beside the kept old ones', u.cid, [
    'group:ext-sales',
    'group:ext-field-sales',
    'group:Support',
    'group:Helpdesk',
  ]);

  await patchGroup(t, sales, { op: 'remove', path: `members[value eq "${u.id}"]` });
  await settleTags('leaving the group takes its tags, old and new', u.cid, ['group:Support', 'group:Helpdesk']);
});

test('without managedPrefix no merchant tag is ever removed; with it, exactly the tags under the prefix are claimed', async () => {
  const t = await stack.tenant('managed-prefix');
  await putTags(t, { static: ['scim-provisioned'] });
  const u = await createUser(t, user('prefix@example.com'));
  const merchant = ['scim:legacy', 'SCIM:Upper', 'scim-own', 'xscim:a', 'vip'];
  stack.emu.control.addTags(u.cid, merchant);

  const p = await stack.scim(t, 'PATCH', `/Users/${u.id}`, {
    schemas: [PATCH],
    Operations: [{ op: 'replace', path: 'title', value: 'Lead' }],
  });
  assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
  await putTags(t, { static: ['scim:member'] });
  await reapply(t);
  assert.deepEqual(tagsOf(u.cid), sorted([...merchant, 'scim:member']), 'only the bridge’s old static tag went');

  await putTags(t, { static: ['scim:member'], managedPrefix: 'scim:' });
  await reapply(t);
  assert.deepEqual(
    tagsOf(u.cid),
    sorted(['scim-own', 'xscim:a', 'vip', 'scim:member']),
    'every scim: tag not wanted is claimed, any case; nothing else',
  );
});
