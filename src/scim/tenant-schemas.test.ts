import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTenantSchemas, validateExtensionSchemas } from './tenant-schemas.js';
import { resolveAttribute, SCHEMA, userResourceType, userResourceTypeFor } from './schemas.js';

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const acme = {
  id: ACME,
  name: 'AcmeUser',
  description: 'Acme employee data',
  attributes: [
    { name: 'badgeNumber', type: 'string', description: 'The badge on the lanyard' },
    { name: 'clearance', type: 'integer' },
    {
      name: 'contract',
      type: 'complex',
      subAttributes: [
        { name: 'kind', type: 'string', canonicalValues: ['permanent', 'temp'] },
        { name: 'ends', type: 'dateTime' },
      ],
    },
    { name: 'homepage', type: 'reference' },
  ],
};

function problems(input: unknown): string[] {
  const v = validateExtensionSchemas(input);
  assert.equal(v.ok, false, `expected problems, got ${JSON.stringify(v)}`);
  return v.ok ? [] : v.errors.map((e) => e.message);
}

test('a declared schema comes back with every RFC 7643 characteristic filled in', () => {
  const v = validateExtensionSchemas([acme]);
  assert.ok(v.ok, JSON.stringify(v));
  const [s] = v.value;
  assert.equal(s!.id, ACME);
  const badge = s!.attributes[0]!;
  assert.deepEqual(
    { ...badge },
    {
      name: 'badgeNumber',
      type: 'string',
      multiValued: false,
      description: 'The badge on the lanyard',
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    },
  );
  assert.deepEqual(s!.attributes[3]!.referenceTypes, ['external'], 'a reference without referenceTypes points outside');
  assert.equal(s!.attributes[2]!.subAttributes?.[0]?.canonicalValues?.[1], 'temp');
});

test('what GET /Schemas shows (with schemas and meta) is accepted back as written', () => {
  const shown = { schemas: [SCHEMA.schema], ...acme, meta: { resourceType: 'Schema', location: 'https://x/Schemas/' + ACME } };
  assert.ok(validateExtensionSchemas([shown]).ok);
});

test('an id that is not a URN, or that the server or RFC 7643 owns, is refused with the reason', () => {
  assert.match(problems([{ ...acme, id: 'acme-extension' }]).join(), /schemas\[0\]\.id: "acme-extension" is not a URN/);
  assert.match(problems([{ ...acme, id: SCHEMA.enterprise }]).join(), /a schema the server defines itself/);
  assert.match(
    problems([{ ...acme, id: SCHEMA.shopify.toUpperCase() }]).join(),
    /a schema the server defines itself/,
    'URNs compare without case',
  );
  assert.match(problems([{ ...acme, id: 'urn:ietf:params:scim:schemas:core:2.0:Acme' }]).join(), /namespace RFC 7643 reserves/);
  assert.match(problems([{ ...acme, id: 'urn:acme:ext"1' }]).join(), /is not a URN/);
});

test('two schemas where one URN extends the other are refused, since attribute paths would be ambiguous', () => {
  const msgs = problems([acme, { ...acme, id: `${ACME}:extra` }]);
  assert.match(msgs.join(), /schemas\[1\]\.id: .* start alike up to a colon/);
  assert.match(problems([acme, { ...acme, id: ACME.toLowerCase() }]).join(), /schemas\[1\]\.id: .* is declared twice/);
});

test('attribute names follow RFC 7643 ATTRNAME and are unique without regard to case', () => {
  const msgs = problems([
    {
      ...acme,
      attributes: [
        { name: '2fa', type: 'string' },
        { name: 'badge', type: 'string' },
        { name: 'Badge', type: 'string' },
        { name: 'has space', type: 'string' },
        {
          name: 'ok',
          type: 'complex',
          subAttributes: [
            { name: 'x', type: 'string' },
            { name: 'X', type: 'string' },
          ],
        },
      ],
    },
  ]);
  assert.ok(
    msgs.some((m) => /attributes\[0\]\.name: "2fa" is not a valid attribute name/.test(m)),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m) => /attributes\[2\]\.name: "Badge" is also attributes\[1\]/.test(m)),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m) => /attributes\[3\]\.name/.test(m)),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m) => /attributes\[4\]\.subAttributes\[1\]\.name: "X" is also subAttributes\[0\]/.test(m)),
    msgs.join('\n'),
  );
});

test('complex attributes need flat sub-attributes, and only complex attributes have them', () => {
  const msgs = problems([
    {
      ...acme,
      attributes: [
        { name: 'empty', type: 'complex' },
        { name: 'nested', type: 'complex', subAttributes: [{ name: 'inner', type: 'complex' }] },
        { name: 'flat', type: 'string', subAttributes: [{ name: 'x', type: 'string' }] },
        { name: 'link', type: 'string', referenceTypes: ['User'] },
      ],
    },
  ]);
  assert.ok(
    msgs.some((m) => /attributes\[0\]\.subAttributes: a complex attribute needs its sub-attributes/.test(m)),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m) => /attributes\[1\]\.subAttributes\[0\]\.type: a sub-attribute cannot be complex/.test(m)),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m) => /attributes\[2\]\.subAttributes: only complex attributes/.test(m)),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m) => /attributes\[3\]\.referenceTypes: only reference attributes/.test(m)),
    msgs.join('\n'),
  );
});

test('characteristics the server cannot honour are refused: uniqueness it does not enforce, readOnly', () => {
  const msgs = problems([
    {
      ...acme,
      attributes: [
        { name: 'a', type: 'string', uniqueness: 'server' },
        { name: 'b', type: 'string', mutability: 'readOnly' },
      ],
    },
  ]);
  assert.ok(
    msgs.some((m) => /attributes\[0\]\.uniqueness: the server does not enforce uniqueness/.test(m)),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m) => /attributes\[1\]\.mutability: readOnly/.test(m)),
    msgs.join('\n'),
  );
});

test('mistakes of shape are all reported at once: an unknown type, a misspelt characteristic', () => {
  const msgs = problems([
    {
      ...acme,
      attributes: [
        { name: 'c', type: 'text' },
        { name: 'd', type: 'string', mutablity: 'readWrite' },
      ],
    },
  ]);
  assert.ok(
    msgs.some((m) => /attributes\[0\]\.type/.test(m)),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m) => /attributes\[1\]/.test(m) && /mutablity/.test(m)),
    `a misspelt characteristic is named: ${msgs.join('\n')}`,
  );
});

test('the list itself must be an array of at most 20 schemas', () => {
  assert.match(problems({ id: ACME }).join(), /^schemas: /);
  assert.match(problems(Array.from({ length: 21 }, (_, i) => ({ ...acme, id: `${ACME}${i}` }))).join(), /schemas: /);
});

test('reading settings keeps the valid entries, returns the same array for the same text, and nothing when none', () => {
  const settings = { schemas: [acme, { id: 'broken', name: 'x', attributes: [] }] };
  const a = readTenantSchemas(settings);
  assert.deepEqual(
    a.map((s) => s.id),
    [ACME],
    'a broken entry is left out, the good one kept',
  );
  assert.equal(readTenantSchemas(JSON.parse(JSON.stringify(settings))), a, 'the same settings text gives the same array (cached)');
  assert.deepEqual(readTenantSchemas({}), []);
});

test("a tenant's User type resolves the declared attributes, and only that type does", () => {
  const schemas = readTenantSchemas({ schemas: [acme] });
  const rt = userResourceTypeFor(schemas);
  assert.equal(userResourceTypeFor(schemas), rt, 'the same schemas give the same type object');
  assert.equal(userResourceTypeFor([]), userResourceType);
  assert.equal(resolveAttribute(rt, ACME, 'badgeNumber')?.def.type, 'string');
  assert.equal(resolveAttribute(rt, ACME, 'contract', 'kind')?.sub?.name, 'kind');
  assert.equal(resolveAttribute(userResourceType, ACME, 'badgeNumber'), undefined);
});
