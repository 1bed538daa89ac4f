import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyTagDiff, cleanTag, diffTags, claimedTags, groupTags, managedTags, tagKey, uniqueTags } from './tags.js';

test('tags are cleaned as Shopify stores them: commas become spaces, space collapses, 255 characters at most', () => {
  assert.deepEqual(cleanTag('  Sales ,  EMEA '), {
    ok: true,
    tag: 'Sales EMEA',
    note: 'had commas, which Shopify reads as tag separators; they became spaces',
  });
  assert.deepEqual(cleanTag('vip'), { ok: true, tag: 'vip' });
  const long = cleanTag('x'.repeat(300));
  assert.ok(long.ok && long.tag.length === 255 && /cut to 255/.test(long.note ?? ''), JSON.stringify(long));
  assert.deepEqual(cleanTag(' , '), { ok: false, reason: 'is empty' });
});

test('duplicates are removed without regard to case, the first spelling kept', () => {
  assert.deepEqual(uniqueTags(['VIP', 'vip', 'Sales', 'sales', 'x']), ['VIP', 'Sales', 'x']);
  assert.deepEqual(managedTags({ tags: ['a', 'A', ' b '] }), ['a', 'b']);
});

test('group tags take the prefix and displayName, or externalId when asked and present', () => {
  const groups = [
    { id: 'g1', displayName: 'Sales', externalId: 'sales-emea' },
    { id: 'g2', displayName: 'Support' },
  ];
  assert.deepEqual(groupTags(groups, { groupPrefix: 'group:', groupTagFrom: 'displayName', groupRename: 'retag' }).byGroup, {
    g1: ['group:Sales'],
    g2: ['group:Support'],
  });
  const byExt = groupTags(groups, { groupPrefix: '', groupTagFrom: 'externalId', groupRename: 'retag' });
  assert.deepEqual(byExt.byGroup, { g1: ['sales-emea'], g2: ['Support'] });
  assert.match(byExt.notes[0], /group g2 has no externalId/);
});

test("with groupRename 'keep' a renamed group's members keep the old tag beside the new one", () => {
  const previous = { g1: ['group:Sales'] };
  const settings = { groupPrefix: 'group:', groupTagFrom: 'displayName' as const };
  assert.deepEqual(groupTags([{ id: 'g1', displayName: 'Revenue' }], { ...settings, groupRename: 'keep' }, previous).byGroup, {
    g1: ['group:Revenue', 'group:Sales'],
  });
  assert.deepEqual(groupTags([{ id: 'g1', displayName: 'Revenue' }], { ...settings, groupRename: 'retag' }, previous).byGroup, {
    g1: ['group:Revenue'],
  });
});

test("tags.groupTags chooses a group's tag by id or displayName (any case), null gives none, others keep the derived tag", () => {
  const groups = [
    { id: 'g1', displayName: 'Sales' },
    { id: 'g2', displayName: 'Support', externalId: 'sup' },
    { id: 'g3', displayName: 'Contractors' },
    { id: 'g4', displayName: 'Legal' },
  ];
  const settings = { groupPrefix: 'group:', groupTagFrom: 'displayName' as const, groupRename: 'retag' as const };
  const r = groupTags(groups, {
    ...settings,
    groupTags: { sales: 'wholesale', g2: 'team:support', Support: 'never-used', Contractors: null },
  });
  assert.deepEqual(r.byGroup, { g1: ['wholesale'], g2: ['team:support'], g3: [], g4: ['group:Legal'] });
  assert.deepEqual(r.notes, []);
  // an explicit entry wins over groupTagFrom as well
  assert.deepEqual(groupTags(groups.slice(1, 2), { ...settings, groupTagFrom: 'externalId', groupTags: { Support: 'helpdesk' } }).byGroup, {
    g2: ['helpdesk'],
  });
});

test("an explicit group tag is exactly that tag: groupRename 'keep' does not carry an old one into it", () => {
  const keep = { groupPrefix: 'group:', groupTagFrom: 'displayName' as const, groupRename: 'keep' as const };
  // the merchant re-maps the group: the old tag goes, even with 'keep'
  assert.deepEqual(
    groupTags([{ id: 'g1', displayName: 'Sales' }], { ...keep, groupTags: { Sales: 'wholesale-2' } }, { g1: ['wholesale'] }).byGroup,
    { g1: ['wholesale-2'] },
  );
  // the group is renamed at the IdP and no entry names it any more: the derived tag, and 'keep' keeps the old one
  assert.deepEqual(
    groupTags([{ id: 'g1', displayName: 'Revenue' }], { ...keep, groupTags: { Sales: 'wholesale' } }, { g1: ['wholesale'] }).byGroup,
    { g1: ['group:Revenue', 'wholesale'] },
  );
});

test('a re-mapped group tag is removed as a managed tag, and a merchant tag of the old name stays on customers the bridge never gave it', () => {
  const settings = { groupPrefix: 'group:', groupTagFrom: 'displayName' as const, groupRename: 'retag' as const };
  const before = groupTags([{ id: 'g1', displayName: 'Sales' }], { ...settings, groupTags: { Sales: 'wholesale' } }).byGroup.g1;
  const after = groupTags([{ id: 'g1', displayName: 'Sales' }], { ...settings, groupTags: { Sales: 'trade' } }).byGroup.g1;
  // a member the bridge tagged 'wholesale' earlier: it is replaced, the merchant's 'vip' stays
  assert.deepEqual(applyTagDiff(['vip', 'wholesale'], diffTags(['vip', 'wholesale'], before, after)), ['vip', 'trade']);
  // a customer the merchant tagged 'wholesale' herself, whose managed tags never held it: it stays
  assert.deepEqual(applyTagDiff(['wholesale'], diffTags(['wholesale'], ['group:Sales'], after)), ['wholesale', 'trade']);
});

test('the diff adds missing managed tags and removes only tags the bridge managed before', () => {
  const d = diffTags(['vip', 'group:Sales', 'scim-deactivated', 'newsletter'], ['group:Sales', 'scim-deactivated'], ['group:Support']);
  assert.deepEqual(d, { add: ['group:Support'], remove: ['group:Sales', 'scim-deactivated'] });
});

test('the diff compares without case and removes with the spelling the customer has', () => {
  assert.deepEqual(diffTags(['Group:SALES'], ['group:sales'], ['GROUP:sales']), { add: [], remove: [] });
  assert.deepEqual(diffTags(['Group:SALES'], ['group:sales'], []), { add: [], remove: ['Group:SALES'] });
});

test('a managedPrefix claims tags the bridge lost track of, and nothing else', () => {
  const d = diffTags(['scim:old', 'SCIM:older', 'merchant'], [], ['scim:new'], { managedPrefix: 'scim:' });
  assert.deepEqual(d, { add: ['scim:new'], remove: ['scim:old', 'SCIM:older'] });
});

test('without a managedPrefix a tag the bridge never applied stays, whatever it looks like; with one the claim is exactly the prefix', () => {
  const current = ['scim:merchant', 'scim-merchant', 'scim', 'xscim:a', 'Scim:Other'];
  assert.deepEqual(diffTags(current, [], []), { add: [], remove: [] });
  assert.deepEqual(diffTags(current, ['group:gone'], ['group:new']).remove, []);
  assert.deepEqual(diffTags(current, [], [], { managedPrefix: 'scim:' }).remove, ['scim:merchant', 'Scim:Other']);
});

// Tags drawn from a small alphabet with mixed case, so collisions (the interesting cases) are frequent.
const tag = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', ':', 'g'), minLength: 1, maxLength: 4 });
const tags = fc.array(tag, { maxLength: 12 });

test('property: a tag neither previously managed nor under the managed prefix is never removed', () => {
  fc.assert(
    fc.property(
      tags,
      tags,
      tags,
      fc.option(fc.constantFrom('g:', 'G'), { nil: undefined }),
      (current, previous, desired, managedPrefix) => {
        const d = diffTags(current, previous, desired, managedPrefix ? { managedPrefix } : {});
        const owned = new Set(previous.map(tagKey));
        for (const t of d.remove) {
          assert.ok(current.includes(t), `removes only tags the customer has: ${t}`);
          assert.ok(
            owned.has(tagKey(t)) || (managedPrefix && tagKey(t).startsWith(tagKey(managedPrefix))),
            `removed an unmanaged tag ${t}`,
          );
        }
        const after = new Set(applyTagDiff(current, d).map(tagKey));
        for (const t of current) {
          const k = tagKey(t);
          const claimed = owned.has(k) || (managedPrefix && k.startsWith(tagKey(managedPrefix)));
          if (!claimed) assert.ok(after.has(k), `unmanaged tag ${t} must survive`);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: after the diff every desired tag is present and no stale managed tag remains', () => {
  fc.assert(
    fc.property(tags, tags, tags, (current, previous, desired) => {
      const d = diffTags(current, previous, desired);
      const after = new Set(applyTagDiff(current, d).map(tagKey));
      for (const t of desired) assert.ok(after.has(tagKey(t)), `desired ${t} missing`);
      const wanted = new Set(desired.map(tagKey));
      for (const t of previous) if (!wanted.has(tagKey(t))) assert.ok(!after.has(tagKey(t)), `stale managed ${t} kept`);
      // nothing is added that is already there, nothing removed that is wanted
      for (const t of d.add) assert.ok(!current.some((c) => tagKey(c) === tagKey(t)), `re-adds ${t}`);
      for (const t of d.remove) assert.ok(!wanted.has(tagKey(t)), `removes wanted ${t}`);
    }),
    { numRuns: 2000 },
  );
});

test('property: applying the diff twice changes nothing the second time', () => {
  fc.assert(
    fc.property(tags, tags, tags, (current, previous, desired) => {
      const once = applyTagDiff(current, diffTags(current, previous, desired));
      assert.deepEqual(diffTags(once, desired, desired), { add: [], remove: [] });
    }),
  );
});

test('claimedTags leaves a desired tag the customer already had to its owner, unless the bridge set it before', () => {
  assert.deepEqual(claimedTags(['VIP', 'other'], [], ['vip', 'group:Sales']), ['group:Sales']);
  assert.deepEqual(claimedTags(['vip', 'group:Sales'], ['group:sales'], ['vip', 'group:Sales']), ['group:Sales']);
  assert.deepEqual(claimedTags([], [], ['vip']), ['vip']);
});
