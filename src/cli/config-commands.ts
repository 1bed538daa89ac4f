// `shopify-scim mapping …`, `policies …` and `targets …`: a tenant's mapping, policies and outbound targets exported,
// imported and chosen from the command line, through the same checks and messages as the admin API.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { adminErrors } from '../admin/errors.js';
import { requireTenant } from '../admin/context.js';
import { adminCommandKit, type AdminCommandOptions } from './admin-session.js';
import { currentMapping, listVersions, saveMapping, selectPreset, type SaveResult } from '../admin/mapping.js';
import { getPolicies, putPolicies } from '../admin/policies.js';
import { listTargets, importTargets } from '../admin/targets.js';

export type ConfigCommandOptions = AdminCommandOptions;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw adminErrors.badRequest(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw adminErrors.badRequest(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A JSON document to stdout, or to a file (the path is then printed). */
function emit(print: (s: string) => void, value: unknown, file?: string): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  if (file) {
    writeFileSync(file, text);
    print(`written to ${file}`);
  } else print(text.trimEnd());
}

function describeSave(r: SaveResult): string {
  const lines = [`saved mapping version ${r.version}`];
  for (const w of r.warnings) lines.push(`warning: ${w.message}`);
  for (const d of r.definitions ?? [])
    lines.push(`metafield definition ${d.namespace}.${d.key} (${d.type}): ${d.status}${d.message ? ` — ${d.message}` : ''}`);
  return lines.join('\n');
}

/** Builds the `mapping`, `policies` and `targets` commands. */
export function configCommands(opts: ConfigCommandOptions = {}): Command[] {
  const { print, printErr, run } = adminCommandKit(opts);

  const mapping = new Command('mapping').description("a tenant's attribute mapping: export, import, choose a preset, list versions");
  mapping
    .command('export')
    .description('print the current mapping document (JSON), or write it to a file')
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--file <path>', 'write to this file instead of printing')
    .action((o: { tenant: string; file?: string }) =>
      run(false, async (deps) => {
        const cur = await currentMapping(deps, await requireTenant(deps, o.tenant));
        emit(print, cur.document, o.file);
      })(),
    );
  mapping
    .command('import')
    .description('validate a mapping document and save it as the next version')
    .requiredOption('--tenant <name>', 'tenant name')
    .requiredOption('--file <path>', 'the mapping document (JSON)')
    .option('--comment <text>', 'a note kept with the version')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; file: string; comment?: string; json?: boolean }) =>
      run(o.json, async (deps) => {
        const doc = readJson(o.file);
        const r = await saveMapping(deps, await requireTenant(deps, o.tenant), doc, {
          source: 'import',
          ...(o.comment ? { comment: o.comment } : {}),
        });
        print(o.json ? JSON.stringify({ version: r.version, warnings: r.warnings, definitions: r.definitions ?? null }) : describeSave(r));
      })(),
    );
  mapping
    .command('preset')
    .description('save a preset (default, okta, entra, onelogin, jumpcloud, google, custom) as the next version')
    .requiredOption('--tenant <name>', 'tenant name')
    .argument('<name>', 'the preset')
    .option('--json', 'print JSON')
    .action((name: string, o: { tenant: string; json?: boolean }) =>
      run(o.json, async (deps) => {
        const r = await selectPreset(deps, await requireTenant(deps, o.tenant), name);
        print(o.json ? JSON.stringify({ version: r.version, preset: name, definitions: r.definitions ?? null }) : describeSave(r));
      })(),
    );
  mapping
    .command('versions')
    .description('list the saved versions, newest first')
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; json?: boolean }) =>
      run(o.json, async (deps) => {
        const list = await listVersions(deps, await requireTenant(deps, o.tenant));
        if (o.json) print(JSON.stringify({ versions: list.map(({ document, ...v }) => ({ ...v, preset: document.preset ?? null })) }));
        else
          print(
            list.map((v) => `${v.version}\t${v.savedAt}\t${v.savedBy}\t${v.source}${v.comment ? `\t${v.comment}` : ''}`).join('\n') ||
              'no saved versions: the default preset applies',
          );
      })(),
    );

  const policies = new Command('policies').description("a tenant's provisioning policies: show or replace");
  policies
    .command('get')
    .description('print the policies in force (defaults filled in), or write them to a file')
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--file <path>', 'write to this file instead of printing')
    .action((o: { tenant: string; file?: string }) =>
      run(false, async (deps) => {
        const view = getPolicies(await requireTenant(deps, o.tenant));
        if (view.problem) printErr(`warning: ${view.problem}`);
        emit(print, view.policies, o.file);
      })(),
    );
  policies
    .command('set')
    .description('replace the policies with those in a file (keys left out take their defaults)')
    .requiredOption('--tenant <name>', 'tenant name')
    .requiredOption('--file <path>', 'the policies (JSON)')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; file: string; json?: boolean }) =>
      run(o.json, async (deps) => {
        const view = await putPolicies(deps, await requireTenant(deps, o.tenant), readJson(o.file));
        print(o.json ? JSON.stringify(view.policies) : `policies saved:\n${JSON.stringify(view.policies, null, 2)}`);
      })(),
    );

  const targets = new Command('targets').description("a tenant's outbound targets: export, import (credentials never leave in clear)");
  targets
    .command('export')
    .description('print the targets (JSON) with each credential shown as "set", or write them to a file')
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--file <path>', 'write to this file instead of printing')
    .action((o: { tenant: string; file?: string }) =>
      run(false, async (deps) => {
        const t = await requireTenant(deps, o.tenant);
        const out = listTargets(t); // each credential shows as "set": none leaves in clear
        for (const p of out.problems) printErr(`warning: a stored target cannot be read and is left out: ${p}`);
        emit(print, { targets: out.targets }, o.file);
      })(),
    );
  targets
    .command('import')
    .description('create or replace the targets of a file by id; a credential left out or "set" keeps the stored one')
    .requiredOption('--tenant <name>', 'tenant name')
    .requiredOption('--file <path>', 'the targets (JSON, as export writes them)')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; file: string; json?: boolean }) =>
      run(o.json, async (deps) => {
        const r = await importTargets(deps, await requireTenant(deps, o.tenant), readJson(o.file));
        if (o.json) return print(JSON.stringify(r));
        const lines = [`created: ${r.created.join(', ') || 'none'}`, `replaced: ${r.replaced.join(', ') || 'none'}`];
        for (const [id, secret] of Object.entries(r.secrets))
          lines.push(`webhook secret of "${id}" (shown once, give it to the receiver): ${secret}`);
        print(lines.join('\n'));
      })(),
    );

  return [mapping, policies, targets];
}
