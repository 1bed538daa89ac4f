// The mapping and policies commands against a real database: export and import round-trip, an invalid file refused
// with the admin API's messages (and nothing saved), presets in one step, policies read and replaced.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { openTestStore } from '../helpers/db.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { configCommands } from '../../src/cli/config-commands.js';
import { readPolicies } from '../../src/settings/policies.js';
import { getPreset } from '../../src/mapping/index.js';

const store = await openTestStore();
const dir = mkdtempSync(join(tmpdir(), 'scim-cli-'));
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
const tenants = new TenantRepository(store.db);
await tenants.create('cli-a');
await tenants.create('cli-b');

/** Runs one command line; returns what it printed and the exit code it asked for. */
async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = new Command('shopify-scim').exitOverride();
  const cmds = configCommands({
    open: async () => ({ deps: { db: store.db, dialect: store.dialect, actor: 'cli' }, close: async () => {} }),
    print: (s) => out.push(s),
    printErr: (s) => err.push(s),
    exit: (c) => void (code = c),
  });
  for (const c of cmds) program.addCommand(c);
  await program.parseAsync(['node', 'shopify-scim', ...args]);
  return { out: out.join('\n'), err: err.join('\n'), code };
}

const file = (name: string, value: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
};

test('mapping export prints the document in force; import saves it elsewhere as the next version', async () => {
  const exported = await cli('mapping', 'export', '--tenant', 'cli-a');
  assert.equal(exported.code, 0, exported.err);
  assert.deepEqual(JSON.parse(exported.out), getPreset('default'), 'a tenant without a saved mapping exports the default preset');
  const path = join(dir, 'a.json');
  const toFile = await cli('mapping', 'export', '--tenant', 'cli-a', '--file', path);
  assert.match(toFile.out, /written to/);
  const imported = await cli('mapping', 'import', '--tenant', 'cli-b', '--file', path, '--comment', 'copied from a');
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /saved mapping version 1/);
  const versions = await cli('mapping', 'versions', '--tenant', 'cli-b', '--json');
  const list = JSON.parse(versions.out).versions;
  assert.deepEqual([list[0].version, list[0].source, list[0].savedBy, list[0].comment], [1, 'import', 'cli', 'copied from a']);
  assert.deepEqual(JSON.parse((await cli('mapping', 'export', '--tenant', 'cli-b')).out), JSON.parse(readFileSync(path, 'utf8')));
});

test('an invalid mapping file is refused with one line per problem naming the rule, and nothing is saved', async () => {
  const bad = file('bad.json', {
    version: 1,
    rules: [
      { id: 'first', source: 'name.givenName', target: { kind: 'field', field: 'fistName' } },
      { id: 'mf', source: 'title', target: { kind: 'metafield', namespace: 'x', key: 'title', type: 'single_line_text_field' } },
    ],
  });
  const r = await cli('mapping', 'import', '--tenant', 'cli-a', '--file', bad);
  assert.equal(r.code, 1);
  assert.match(r.err, /^error: the mapping has 2 problems:/);
  assert.match(r.err, /\n {2}- rule "first": target\.field: Invalid option/, r.err);
  assert.match(r.err, /\n {2}- rule "mf": target\.namespace: a metafield namespace is 3-255 characters/, r.err);
  const json = await cli(
    'mapping',
    'import',
    '--tenant',
    'cli-a',
    '--file',
    file(
      'worse.json',
      '{"version": 1, "rules": [{"id": "first", "source": "name.givenNme", "target": {"kind": "field", "field": "firstName"}}]}',
    ),
    '--json',
  );
  assert.equal(JSON.parse(json.out).error, 'INVALID_MAPPING');
  assert.match(JSON.parse(json.out).details.errors[0].message, /rule "first": source "name\.givenNme"/);
  const notJson = await cli('mapping', 'import', '--tenant', 'cli-a', '--file', file('nojson.json', '{ rules: '));
  assert.match(notJson.err, /is not valid JSON/);
  assert.match((await cli('mapping', 'versions', '--tenant', 'cli-a')).out, /no saved versions/, 'nothing was saved');
});

test('mapping preset saves a preset in one step; an unknown name lists the presets', async () => {
  const r = await cli('mapping', 'preset', '--tenant', 'cli-a', 'jumpcloud');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse((await cli('mapping', 'export', '--tenant', 'cli-a')).out).preset, 'jumpcloud');
  const bad = await cli('mapping', 'preset', '--tenant', 'cli-a', 'ping');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /choose one of default, okta, entra, onelogin, jumpcloud, google, custom/);
  const noTenant = await cli('mapping', 'preset', '--tenant', 'nobody', 'okta');
  assert.match(noTenant.err, /no tenant named "nobody"/);
});

test('policies get shows the defaults; set replaces them from a file, refusing a wrong value by name', async () => {
  const got = await cli('policies', 'get', '--tenant', 'cli-a');
  assert.equal(JSON.parse(got.out).deprovision, 'tag');
  assert.equal(JSON.parse(got.out).applyUserNameChanges, true);
  const set = await cli(
    'policies',
    'set',
    '--tenant',
    'cli-a',
    '--file',
    file('p.json', { deprovision: 'erase', eraseGraceMs: 3600000, adoption: 'off', applyUserNameChanges: false }),
    '--json',
  );
  assert.equal(set.code, 0, set.err);
  assert.equal(JSON.parse(set.out).eraseGraceMs, 3600000);
  const row = await store.db.selectFrom('tenants').select('settings').where('name', '=', 'cli-a').executeTakeFirstOrThrow();
  assert.equal(readPolicies(JSON.parse(row.settings)).deprovision, 'erase', 'the engine reads what the command saved');
  assert.equal(readPolicies(JSON.parse(row.settings)).applyUserNameChanges, false);
  const bad = await cli(
    'policies',
    'set',
    '--tenant',
    'cli-a',
    '--file',
    file('pb.json', { deprovision: 'disable', applyUserNameChanges: 'no' }),
  );
  assert.equal(bad.code, 1);
  assert.match(bad.err, /- policies\.deprovision: /);
  assert.match(bad.err, /- policies\.applyUserNameChanges: /);
  const out = join(dir, 'policies.json');
  await cli('policies', 'get', '--tenant', 'cli-a', '--file', out);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).adoption, 'off', 'the previous policies stand');
});
