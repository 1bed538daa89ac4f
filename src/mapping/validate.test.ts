import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, type SchemaDef } from '../scim/schemas.js';
import { validateMapping } from './validate.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const first = { id: 'first', source: 'name.givenName', target: { kind: 'field', field: 'firstName' } };
const mapping = (...rules: unknown[]) => ({ version: 1, rules: [first, ...rules] });

/** Validates and returns the error messages, asserting there is at least one. */
const errorsOf = (doc: unknown, opts = {}) => {
  const v = validateMapping(doc, opts);
  assert.ok(!v.ok, `should be refused: ${JSON.stringify(v)}`);
  return v.errors.map((e) => e.message);
};
const has = (messages: string[], re: RegExp) =>
  assert.ok(
    messages.some((m) => re.test(m)),
    `expected ${re} among ${JSON.stringify(messages, null, 1)}`,
  );

test('a minimal mapping is valid and gets the defaults filled in', () => {
  const v = validateMapping(mapping());
  assert.ok(v.ok, JSON.stringify(v));
  assert.equal(v.value.rules[0].direction, 'toShopify');
  assert.deepEqual(v.value.customIdMetafield, { namespace: 'shopify_scim', key: 'scim_id' });
  assert.equal(v.value.tags.deactivatedTag, 'scim-deactivated');
  assert.equal(v.value.tags.groupPrefix, 'group:');
});

test('shape errors name the rule and the field', () => {
  const msgs = errorsOf(
    mapping(
      { id: 'mail', source: 'emails.value', target: { kind: 'field', field: 'mail' } },
      { id: 'x', target: { kind: 'tag' }, transforms: [{ op: 'shout' }] },
    ),
  );
  has(msgs, /^rule "mail": target\.field: .*"email"/);
  has(msgs, /^rule "x": transforms\[0\]\.op: /);
});

test('unknown keys and a wrong version are refused', () => {
  has(errorsOf({ version: 2, rules: [first] }), /^version: /);
  has(errorsOf({ ...mapping(), extra: true }), /Unrecognized key: "extra"/);
  has(errorsOf(mapping({ ...first, id: 'y', sauce: 1 })), /^rule "y": .*Unrecognized key/);
});

test('source paths must exist on the User resource, extension schemas included', () => {
  has(
    errorsOf(mapping({ id: 'typo', source: 'name.givenNme', target: { kind: 'field', field: 'lastName' } })),
    /^rule "typo": source "name.givenNme": "name" has no sub-attribute "givenNme"/,
  );
  has(
    errorsOf(mapping({ id: 'ent', source: `${ENT}:dept`, target: { kind: 'tag' } })),
    /^rule "ent": source .*"dept" is not an attribute in schema/,
  );
  has(errorsOf(mapping({ id: 'filt', source: 'emails[type eq "work"', target: { kind: 'tag' } })), /^rule "filt": source .*invalid path/);
  const acme: SchemaDef = {
    id: 'urn:acme:params:scim:schemas:extension:acme:2.0:User',
    name: 'Acme',
    description: '',
    attributes: [attr('tier', 'string')],
  };
  const doc = mapping({ id: 'tier', source: `${acme.id}:tier`, target: { kind: 'tag' } });
  has(errorsOf(doc), /^rule "tier": source/);
  assert.ok(validateMapping(doc, { schemas: [acme] }).ok, 'declared extension schemas make their attributes valid sources');
});

test('a rule needs a source unless it starts with template, constant or default', () => {
  has(errorsOf(mapping({ id: 'nothing', target: { kind: 'tag' }, transforms: [{ op: 'trim' }] })), /^rule "nothing": has no source/);
  assert.ok(validateMapping(mapping({ id: 'const', target: { kind: 'tag' }, transforms: [{ op: 'constant', value: 'staff' }] })).ok);
});

test('templates must parse and name real attributes', () => {
  has(
    errorsOf(
      mapping({ id: 't1', target: { kind: 'field', field: 'note' }, transforms: [{ op: 'template', template: '{name.givenName' }] }),
    ),
    /^rule "t1": template has a '\{' .* never closed/,
  );
  has(
    errorsOf(mapping({ id: 't2', target: { kind: 'field', field: 'note' }, transforms: [{ op: 'template', template: '{nickname2}' }] })),
    /^rule "t2": template placeholder \{nickname2\}/,
  );
  has(errorsOf({ ...mapping(), tags: { templates: ['dept:{dept}'] } }), /^tags\.templates\[0\]: template placeholder \{dept\}/);
});

test('conditions must be filters over attributes the User has', () => {
  has(
    errorsOf(mapping({ id: 'c1', target: { kind: 'tag' }, transforms: [{ op: 'constant', value: 'x' }], when: 'dept eq "Sales"' })),
    /^rule "c1": condition names "dept", which is not a User attribute/,
  );
  has(
    errorsOf(mapping({ id: 'c2', target: { kind: 'tag' }, transforms: [{ op: 'constant', value: 'x' }], when: 'emails[kind eq "work"]' })),
    /^rule "c2": condition names "kind" inside emails/,
  );
  has(
    errorsOf(mapping({ id: 'c3', target: { kind: 'tag' }, transforms: [{ op: 'constant', value: 'x' }], when: 'userName eq' })),
    /^rule "c3": condition is not a valid filter/,
  );
  assert.ok(
    validateMapping(
      mapping({
        id: 'ok',
        target: { kind: 'tag' },
        transforms: [{ op: 'constant', value: 'x' }],
        when: `${ENT}:department eq "Sales" and emails[type eq "work"]`,
      }),
    ).ok,
  );
});

test('metafield namespace and key must be what Shopify accepts, and not the custom id metafield', () => {
  const mf = (namespace: string, key: string) =>
    mapping({ id: 'mf', source: 'title', target: { kind: 'metafield', namespace, key, type: 'single_line_text_field' } });
  has(errorsOf(mf('hr', 'title')), /^rule "mf": target\.namespace: a metafield namespace is 3-255 characters/);
  has(errorsOf(mf('acme', 'job title')), /^rule "mf": target\.key: a metafield key is 2-64 characters/);
  has(errorsOf(mf('shopify_scim', 'scim_id')), /^rule "mf": metafield shopify_scim\.scim_id is the custom id metafield/);
  has(
    errorsOf(mapping({ id: 'mt', source: 'title', target: { kind: 'metafield', namespace: 'acme', key: 'title', type: 'color' } })),
    /^rule "mt": target\.type: /,
  );
});

test('two unconditional rules for one single-valued target are refused, naming both', () => {
  const msgs = errorsOf(mapping({ id: 'first-again', source: 'nickName', target: { kind: 'field', field: 'firstName' } }));
  has(msgs, /rules "first", "first-again" all set firstName; only the first would ever apply/);
  const conditional = validateMapping({
    version: 1,
    rules: [
      { ...first, when: 'userType eq "staff"' },
      { ...first, id: 'fallback', source: 'nickName' },
    ],
  });
  assert.ok(conditional.ok, 'a conditional rule followed by a fallback is allowed');
  assert.match(conditional.warnings[0].message, /the first whose condition holds wins/);
});

test('rule ids must be unique', () => {
  has(
    errorsOf(mapping({ ...first, source: 'nickName', target: { kind: 'field', field: 'lastName' } })),
    /^rule "first": the id is also used by rules\[0\]/,
  );
});

test('rules mapped back to SCIM need a writable source, once', () => {
  has(
    errorsOf(mapping({ id: 'ro', source: 'meta.created', target: { kind: 'field', field: 'note' }, direction: 'both' })),
    /^rule "ro": maps back to "meta.created", which is read-only/,
  );
  has(
    errorsOf(
      mapping({ id: 'const', target: { kind: 'field', field: 'note' }, transforms: [{ op: 'constant', value: 'x' }], direction: 'toScim' }),
    ),
    /^rule "const": maps back to SCIM but has no source/,
  );
  has(
    errorsOf({
      version: 1,
      rules: [
        { ...first, direction: 'both' },
        { id: 'again', source: 'Name.GivenName', target: { kind: 'address', field: 'firstName' }, direction: 'toScim' },
      ],
    }),
    /^rule "again": writes back to the same attribute as rule "first"/,
  );
  const w = validateMapping(
    mapping({
      id: 'tpl',
      source: 'displayName',
      target: { kind: 'field', field: 'note' },
      transforms: [{ op: 'template', template: '{name.givenName}' }],
      direction: 'both',
    }),
  );
  assert.ok(w.ok && w.warnings.some((x) => /template transform cannot be undone/.test(x.message)), JSON.stringify(w));
});

test('transform options are checked: default needs one of value or source, valueMap needs entries', () => {
  has(
    errorsOf(mapping({ id: 'd', source: 'title', target: { kind: 'field', field: 'note' }, transforms: [{ op: 'default' }] })),
    /^rule "d": default needs exactly one of value or source/,
  );
  has(
    errorsOf(
      mapping({
        id: 'd2',
        source: 'title',
        target: { kind: 'field', field: 'note' },
        transforms: [{ op: 'default', value: 'x', format: 'email' }],
      }),
    ),
    /format applies only with source/,
  );
  has(
    errorsOf(
      mapping({ id: 'd3', source: 'title', target: { kind: 'field', field: 'note' }, transforms: [{ op: 'default', source: 'titel' }] }),
    ),
    /^rule "d3": default source: "titel"/,
  );
  has(
    errorsOf(mapping({ id: 'vm', source: 'title', target: { kind: 'tag' }, transforms: [{ op: 'valueMap', map: {} }] })),
    /^rule "vm": valueMap has an empty map/,
  );
});

test("a rule reading the user's groups is refused, naming the rule and pointing at the group tag settings", () => {
  const constant = { target: { kind: 'tag' }, transforms: [{ op: 'constant', value: 'x' }] };
  has(
    errorsOf(mapping({ id: 'grp', source: 'groups.display', target: { kind: 'tag' } })),
    /^rule "grp": source "groups.display" reads the user's groups, .*tags\.groupTags/,
  );
  has(
    errorsOf(mapping({ id: 'grp2', source: 'Groups[type eq "direct"].value', target: { kind: 'field', field: 'note' } })),
    /^rule "grp2": source .* reads the user's groups/,
  );
  has(
    errorsOf(mapping({ id: 'grp3', ...constant, when: 'groups[display eq "Sales"]' })),
    /^rule "grp3": condition reads the user's groups/,
  );
  has(
    errorsOf(
      mapping({ id: 'grp4', target: { kind: 'field', field: 'note' }, transforms: [{ op: 'template', template: 'in {groups.display}' }] }),
    ),
    /^rule "grp4": template placeholder \{groups.display\} reads the user's groups/,
  );
  has(
    errorsOf(
      mapping({
        id: 'grp5',
        source: 'title',
        target: { kind: 'field', field: 'note' },
        transforms: [{ op: 'default', source: 'groups.value' }],
      }),
    ),
    /^rule "grp5": default source "groups.value" reads the user's groups/,
  );
  has(
    errorsOf({ ...mapping(), tags: { templates: ['team:{groups.display}'] } }),
    /^tags\.templates\[0\]: template placeholder \{groups.display\} reads the user's groups/,
  );
  // an extension attribute that happens to be called groups is an ordinary attribute
  const ext: SchemaDef = {
    id: 'urn:acme:params:scim:schemas:extension:acme:2.0:User',
    name: 'Acme',
    description: '',
    attributes: [attr('groups', 'string')],
  };
  assert.ok(validateMapping(mapping({ id: 'extg', source: `${ext.id}:groups`, target: { kind: 'tag' } }), { schemas: [ext] }).ok);
});

test('tags.groupTags entries must name a group and give a tag Shopify keeps as written, or null', () => {
  const v = validateMapping({
    ...mapping(),
    tags: { groupTags: { Sales: 'wholesale', 'f3a1-group-id': 'team:support', Contractors: null } },
  });
  assert.ok(v.ok, JSON.stringify(v));
  assert.deepEqual(v.value.tags.groupTags, { Sales: 'wholesale', 'f3a1-group-id': 'team:support', Contractors: null });
  has(errorsOf({ ...mapping(), tags: { groupTags: { Sales: 'a,b' } } }), /^tags\.groupTags\["Sales"\]: the tag "a,b" had commas/);
  has(errorsOf({ ...mapping(), tags: { groupTags: { Sales: ' ' } } }), /^tags\.groupTags\["Sales"\]: the tag is empty/);
  has(errorsOf({ ...mapping(), tags: { groupTags: { ' ': 'x' } } }), /^tags\.groupTags\[" "\]: name a group/);
  has(
    errorsOf({ ...mapping(), tags: { groupTags: { Sales: 'x', SALES: 'y' } } }),
    /^tags\.groupTags\["SALES"\]: names the same group as "Sales"/,
  );
  has(errorsOf({ ...mapping(), tags: { groupTags: { Sales: 42 } } }), /^tags\.groupTags\.Sales: /);
});

test('tag settings must be tags Shopify keeps as written', () => {
  has(errorsOf({ ...mapping(), tags: { static: ['a,b'] } }), /^tags\.static\[0\]: the tag "a,b" had commas/);
  has(errorsOf({ ...mapping(), tags: { static: ['  '] } }), /^tags\.static\[0\]: the tag is empty/);
  has(errorsOf({ ...mapping(), tags: { groupPrefix: 'g,' } }), /groupPrefix: commas/);
  has(errorsOf({ ...mapping(), tags: { managedPrefix: 'x' } }), /managedPrefix: too short/);
});

test('a mapping that can never give a customer a name, email or phone is refused', () => {
  has(
    errorsOf({ version: 1, rules: [{ id: 'note', source: 'title', target: { kind: 'field', field: 'note' } }] }),
    /no rule sets firstName, lastName, email or phone/,
  );
});

test('phone rules without any country to read national numbers get a warning', () => {
  const v = validateMapping(mapping({ id: 'phone', source: 'phoneNumbers.value', target: { kind: 'field', field: 'phone' } }));
  assert.ok(v.ok && v.warnings.some((w) => w.ruleId === 'phone' && /defaultCountry/.test(w.message)), JSON.stringify(v));
  const withCountry = validateMapping({
    ...mapping({ id: 'phone', source: 'phoneNumbers.value', target: { kind: 'field', field: 'phone' } }),
    defaultCountry: 'GB',
  });
  assert.ok(withCountry.ok && withCountry.warnings.length === 0, JSON.stringify(withCountry));
});

test('anything that is not a mapping document is refused without throwing', () => {
  for (const junk of [null, 42, 'mapping', [], { rules: 'all' }]) has(errorsOf(junk), /./);
});
