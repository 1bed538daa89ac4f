// The command line as an operator runs it: `node src/cli/main.ts …` as a process against a scratch DATA_DIR (SQLite),
// its --json answers, exit status 1 with a clear message on bad input, the audit entries it leaves (actor "cli"), and
// targets exported without credentials and imported back keeping them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabase } from '../helpers/db.js';
import { openStore } from '../../src/store/db.js';
import { SecretBox, loadOrCreateKey } from '../../src/security/secrets.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scim-cli-proc-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// The commands open the deployment's own database; a scratch DATA_DIR gives them SQLite, so one run covers them.
const skip = testDatabase === 'postgres' ? 'the commands run on SQLite in a scratch DATA_DIR (covered by the SQLite run)' : false;

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs `shopify-scim …args` as its own process and waits for it to end. */
function cli(...args: string[]): Promise<Run> {
  const env = {
    ...process.env,
    DATA_DIR: dir,
    DATABASE_URL: '',
    PUBLIC_URL: 'https://scim.example.com',
    LOG_LEVEL: 'silent',
    SHOPIFY_SHOP: '',
    SHOPIFY_ACCESS_TOKEN: '',
    ADMIN_TOKEN: '',
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: root, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, out: stdout.trim(), err: stderr.trim() });
      },
    );
  });
}

const json = (r: Run) => {
  try {
    return JSON.parse(r.out);
  } catch {
    throw new Error(`not one JSON object (exit ${r.code}): ${r.out}\n${r.err}`);
  }
};

async function auditOf(tenant: string): Promise<{ actor: string; action: string; at: string; detail: string }[]> {
  const store = await openStore({ url: `sqlite:${join(dir, 'shopify-scim.sqlite')}`, migrate: false });
  try {
    const t = await store.db.selectFrom('tenants').select('id').where('name', '=', tenant).executeTakeFirstOrThrow();
    return await store.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'at', 'detail'])
      .where('tenant_id', '=', t.id)
      .orderBy('id')
      .execute();
  } finally {
    await store.close();
  }
}

test('migrate --json reports what it applied, then nothing', { skip }, async () => {
  const first = await cli('migrate', '--json');
  assert.equal(first.code, 0, first.err);
  const applied = json(first).applied as string[];
  assert.ok(applied.length >= 5 && applied[0]!.startsWith('0001'), first.out);
  const again = await cli('migrate', '--json');
  assert.deepEqual(json(again), { applied: [] });
});

test(
  'tenant create, token create and token revoke answer JSON, refuse bad input with exit 1, and are audited as cli',
  { skip },
  async () => {
    const created = await cli('tenant', 'create', 'acme', '--display-name', 'Acme Store', '--json');
    assert.equal(created.code, 0, created.err);
    const t = json(created);
    assert.deepEqual(
      { ...t, id: typeof t.id },
      {
        id: 'string',
        name: 'acme',
        displayName: 'Acme Store',
        scimBaseUrl: 'https://scim.example.com/scim/v2/acme',
        scimBaseUrlSource: 'PUBLIC_URL',
      },
    );

    const badName = await cli('tenant', 'create', 'Not A Slug');
    assert.equal(badName.code, 1);
    assert.match(badName.err, /^error: tenant name "Not A Slug" must be 1-63 lower-case letters, digits or dashes/);
    const twice = await cli('tenant', 'create', 'acme', '--json');
    assert.equal(twice.code, 1);
    assert.deepEqual(json(twice), { error: 'TENANT_EXISTS', message: 'a tenant named "acme" already exists' });

    const issued = await cli('token', 'create', '--tenant', 'acme', '--label', 'signup form', '--json');
    assert.equal(issued.code, 0, issued.err);
    const tok = json(issued);
    assert.match(tok.token, /^scim_/);
    assert.equal(tok.scimBaseUrl, 'https://scim.example.com/scim/v2/acme');
    assert.deepEqual(Object.keys(tok.examples).sort(), ['curl', 'fetch']);
    for (const s of Object.values(tok.examples) as string[])
      assert.ok(s.includes('https://scim.example.com/scim/v2/acme/Users') && s.includes(tok.token), s);

    const text = await cli('token', 'create', '--tenant', 'acme', '--label', 'okta');
    assert.equal(text.code, 0, text.err);
    const textToken = /^(scim_\S+)$/m.exec(text.out)?.[1];
    assert.ok(textToken, text.out);
    assert.ok(
      text.out.includes(`curl -sS -X POST 'https://scim.example.com/scim/v2/acme/Users'`) &&
        text.out.includes(`-H 'Authorization: Bearer ${textToken}'`),
      text.out,
    );
    assert.ok(text.out.includes(`await fetch("https://scim.example.com/scim/v2/acme/Users"`), text.out);

    const noTenant = await cli('token', 'create', '--tenant', 'nobody', '--label', 'x', '--json');
    assert.equal(noTenant.code, 1);
    assert.deepEqual(json(noTenant), { error: 'TENANT_NOT_FOUND', message: 'no tenant named "nobody"' });

    const revoked = await cli('token', 'revoke', '--tenant', 'acme', tok.clientId, '--json');
    assert.equal(revoked.code, 0, revoked.err);
    assert.deepEqual(json(revoked), { revoked: 1 });
    const again = await cli('token', 'revoke', '--tenant', 'acme', 'signup form');
    assert.equal(again.code, 1);
    assert.match(again.err, /^error: no active token "signup form" in this tenant/);

    const log = await auditOf('acme');
    assert.deepEqual(
      log.map((e) => [e.actor, e.action]),
      [
        ['cli', 'tenant.create'],
        ['cli', 'token.create'],
        ['cli', 'token.create'],
        ['cli', 'token.revoke'],
      ],
    );
    for (const e of log) {
      assert.ok(!Number.isNaN(Date.parse(e.at)), e.at);
      for (const secret of [tok.token, textToken!]) assert.ok(!e.detail.includes(secret), `a token reached the audit log: ${e.action}`);
    }
  },
);

test(
  'targets export shows credentials only as "set"; import creates, keeps stored credentials by id, and refuses what it cannot keep',
  { skip },
  async () => {
    for (const name of ['tgt-a', 'tgt-b']) assert.equal((await cli('tenant', 'create', name)).code, 0);
    const file = (name: string, value: unknown) => {
      const p = join(dir, name);
      writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
      return p;
    };
    const first = await cli(
      'targets',
      'import',
      '--tenant',
      'tgt-a',
      '--json',
      '--file',
      file('t1.json', {
        targets: [
          { id: 'crm', kind: 'scim', baseUrl: 'https://crm.example.com/scim/v2', token: 'remote-token-abc-123' },
          { id: 'hook', kind: 'webhook', url: 'https://hooks.example.com/in', events: ['user.*'] },
        ],
      }),
    );
    assert.equal(first.code, 0, first.err);
    const r1 = json(first);
    assert.deepEqual([r1.created, r1.replaced, Object.keys(r1.secrets)], [['crm', 'hook'], [], ['hook']]);
    const generated = r1.secrets.hook as string;
    assert.match(generated, /^whsec_/);

    const exportPath = join(dir, 'export.json');
    const exported = await cli('targets', 'export', '--tenant', 'tgt-a', '--file', exportPath);
    assert.equal(exported.code, 0, exported.err);
    const text = readFileSync(exportPath, 'utf8');
    for (const secret of ['remote-token-abc-123', generated]) assert.ok(!text.includes(secret), 'no credential leaves in clear');
    const doc = JSON.parse(text) as { targets: Record<string, unknown>[] };
    assert.deepEqual(
      doc.targets.map((t) => [t.id, t.token ?? t.secret]),
      [
        ['crm', 'set'],
        ['hook', 'set'],
      ],
    );

    // Edited and imported back: the credentials marked "set" (or left out) stay what they were.
    doc.targets[0]!.baseUrl = 'https://crm.example.com/scim/v3';
    delete doc.targets[1]!.secret;
    const back = await cli('targets', 'import', '--tenant', 'tgt-a', '--file', file('t2.json', doc));
    assert.equal(back.code, 0, back.err);
    assert.match(back.out, /created: none\nreplaced: crm, hook/);
    const store = await openStore({ url: `sqlite:${join(dir, 'shopify-scim.sqlite')}`, migrate: false });
    const box = new SecretBox(loadOrCreateKey(dir));
    const stored = async (tenant: string) =>
      JSON.parse((await store.db.selectFrom('tenants').select('settings').where('name', '=', tenant).executeTakeFirstOrThrow()).settings)
        .targets as Record<string, string>[] | undefined;
    try {
      const [crm, hook] = (await stored('tgt-a'))!;
      assert.deepEqual(
        [crm!.baseUrl, box.open(crm!.token!), box.open(hook!.secret!)],
        ['https://crm.example.com/scim/v3', 'remote-token-abc-123', generated],
      );

      // Another tenant has no stored token for "crm": the import names the problem and saves nothing, not even "hook".
      const elsewhere = await cli('targets', 'import', '--tenant', 'tgt-b', '--file', exportPath);
      assert.equal(elsewhere.code, 1);
      assert.match(
        elsewhere.err,
        /^error: the targets have 1 problem:\n {2}- targets\[0\] \("crm"\): no token in the file and none stored for this target in tenant "tgt-b"; add "token" to the entry$/,
      );
      assert.equal(await stored('tgt-b'), undefined, 'nothing was saved');
      const invalid = await cli(
        'targets',
        'import',
        '--tenant',
        'tgt-b',
        '--json',
        '--file',
        file('t3.json', [
          { id: 'x', kind: 'webhook', url: 'ftp://nope' },
          { id: 'x', kind: 'scim' },
        ]),
      );
      assert.equal(invalid.code, 1);
      assert.deepEqual(json(invalid).details.errors, ['targets[0].url: must be an http(s) URL', 'targets[1]: the id "x" is used twice']);
      const notJson = await cli('targets', 'import', '--tenant', 'tgt-b', '--file', file('t4.json', '{ targets: '));
      assert.equal(notJson.code, 1);
      assert.match(notJson.err, /t4\.json is not valid JSON/);
      assert.equal(await stored('tgt-b'), undefined, 'nothing was saved');
      const log = await store.db
        .selectFrom('audit_log')
        .innerJoin('tenants', 'tenants.id', 'audit_log.tenant_id')
        .select(['actor', 'action', 'detail'])
        .where('tenants.name', '=', 'tgt-a')
        .where('action', 'like', 'target.%')
        .orderBy('audit_log.id')
        .execute();
      assert.deepEqual(
        log.map((e) => [e.actor, e.action, JSON.parse(e.detail).credential]),
        [
          ['cli', 'target.create', 'set'],
          ['cli', 'target.create', 'generated'],
          ['cli', 'target.replace', 'kept'],
          ['cli', 'target.replace', 'kept'],
        ],
      );
      assert.ok(log.every((e) => !e.detail.includes('remote-token-abc-123') && !e.detail.includes(generated)));
    } finally {
      await store.close();
    }
  },
);
