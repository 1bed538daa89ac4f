// A tenant's outbound targets (settings.targets) as the merchant edits them: validated with the engine's schema,
// credentials sealed before they are stored and never shown again; a webhook secret left out is generated once.
import { randomBytes } from 'node:crypto';
import type { Tenant } from '../store/tenants.js';
import { TenantRepository } from '../store/tenants.js';
import { targetSchema, readTargets, type Target } from '../sync/targets/settings.js';
import { AddressPolicy } from '../security/ssrf.js';
import { generateWebhookSecret } from '../sync/targets/standard-webhooks.js';
import { adminErrors, issueLines } from './errors.js';
import { updateSettings, type AdminDeps } from './context.js';
import { audit, type Db } from '../store/resources.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A target as the API shows it. */
export type TargetView = Omit<Target, 'token' | 'secret'> & { token?: 'set'; secret?: 'set' };

/** The credential key of each kind. */
const SECRET_KEY = { scim: 'token', webhook: 'secret' } as const;

/** What a view and an export show instead of a credential; sent back, it means "keep the stored one". */
export const CREDENTIAL_MARKER = 'set';

/** A credential left out, empty, or the marker a view shows: the stored one is kept. */
const keepsCredential = (v: unknown) => v === undefined || v === '' || v === CREDENTIAL_MARKER;

/** How a change treated the credential, for the audit log (which never holds the credential itself). */
type CredentialChange = 'set' | 'kept' | 'generated';

function auditTarget(
  deps: AdminDeps,
  db: Db,
  tenant: Tenant,
  action: string,
  t: { id: string; kind: string },
  credential?: CredentialChange,
  extra: Obj = {},
) {
  return audit(db, {
    tenantId: tenant.id,
    actor: deps.actor,
    action,
    resourceType: 'Target',
    resourceId: t.id,
    detail: { kind: t.kind, ...(credential ? { credential } : {}), ...extra },
  });
}

/** A target as the API shows it: its credential replaced by "set". */
export function targetView(t: Target): TargetView {
  const { ...copy } = t as Obj;
  const key = SECRET_KEY[t.kind];
  if (copy[key] !== undefined) copy[key] = CREDENTIAL_MARKER;
  return copy as TargetView;
}

/** The tenant's targets, and a sentence for each stored entry that cannot be read. */
export function listTargets(tenant: Pick<Tenant, 'settings'>): { targets: TargetView[]; problems: string[] } {
  const r = readTargets(tenant.settings);
  return { targets: r.targets.map(targetView), problems: r.problems };
}

/** One target by id, or 404. */
export function getTarget(tenant: Tenant, id: string): TargetView {
  const t = readTargets(tenant.settings).targets.find((x) => x.id === id);
  if (!t) throw adminErrors.notFound(`tenant "${tenant.name}" has no target "${id}"`);
  return targetView(t);
}

function parse(input: Obj): Target {
  const r = targetSchema.safeParse(input);
  if (!r.success) {
    const lines = issueLines(r.error.issues, 'target');
    throw adminErrors.invalidTarget(`the target has ${lines.length} problem${lines.length === 1 ? '' : 's'}: ${lines.join('; ')}`, {
      errors: lines,
    });
  }
  return r.data;
}

async function checkClient(deps: AdminDeps, tenant: Tenant, t: Target): Promise<void> {
  if (t.clientId === undefined) return;
  const clients = await new TenantRepository(deps.db).listClients(tenant.id);
  if (!clients.some((c) => c.id === t.clientId)) {
    throw adminErrors.invalidTarget(`target.clientId: "${t.clientId}" is not a SCIM client of tenant "${tenant.name}" (see GET …/tokens)`);
  }
}

const publicOnly = new AddressPolicy();

/** Refuses a target whose address is on a private network (unless TARGETS_ALLOW_PRIVATE allows it), before saving. */
async function checkAddress(deps: AdminDeps, t: Target, where = 'target'): Promise<string | undefined> {
  const url = t.kind === 'scim' ? t.baseUrl : t.url;
  const problem = await (deps.addresses ?? publicOnly).urlProblem(url);
  return problem && `${where}.${t.kind === 'scim' ? 'baseUrl' : 'url'}: ${problem}`;
}

async function requireAddress(deps: AdminDeps, t: Target): Promise<void> {
  const problem = await checkAddress(deps, t);
  if (problem) throw adminErrors.invalidTarget(problem, { errors: [problem] });
}

function requireBox(deps: AdminDeps) {
  if (!deps.box)
    throw adminErrors.secretsUnavailable(
      'the server has no secret key, so target credentials cannot be stored; set SECRET_KEY or let the server create its key file',
    );
  return deps.box;
}

/** Creates a target; returns it, with a generated webhook secret shown this once. */
export async function createTarget(deps: AdminDeps, tenant: Tenant, input: unknown): Promise<{ target: TargetView; secret?: string }> {
  if (!isObj(input)) throw adminErrors.invalidTarget('send the target as a JSON object with "kind": "scim" or "webhook"');
  const box = requireBox(deps);
  const body: Obj = { ...input };
  if (body.id === undefined && typeof body.kind === 'string') body.id = `${body.kind}-${randomBytes(4).toString('hex')}`;
  let generated: string | undefined;
  if (body.kind === 'webhook' && (body.secret === undefined || body.secret === '')) body.secret = generated = generateWebhookSecret();
  const t = parse(body);
  await checkClient(deps, tenant, t);
  await requireAddress(deps, t);
  const key = SECRET_KEY[t.kind];
  const sealed = { ...t, [key]: box.seal((t as Obj)[key] as string) } as Target;
  await updateSettings(deps, tenant.id, async (s, tx) => {
    const list = Array.isArray(s.targets) ? (s.targets as Obj[]) : [];
    if (list.some((x) => isObj(x) && x.id === t.id))
      throw adminErrors.targetExists(`tenant "${tenant.name}" already has a target "${t.id}"`);
    s.targets = [...list, sealed];
    await auditTarget(deps, tx, tenant, 'target.create', t, generated ? 'generated' : 'set');
  });
  return { target: targetView(t), ...(generated ? { secret: generated } : {}) };
}

/** Replaces a target; a credential left out keeps the stored one. */
export async function replaceTarget(deps: AdminDeps, tenant: Tenant, id: string, input: unknown): Promise<TargetView> {
  if (!isObj(input)) throw adminErrors.invalidTarget('send the target as a JSON object with "kind": "scim" or "webhook"');
  if (input.id !== undefined && input.id !== id)
    throw adminErrors.invalidTarget(`target.id: the body names "${String(input.id)}" but the URL names "${id}"; ids cannot change`);
  const box = requireBox(deps);
  const body: Obj = { ...input, id };
  // the address is checked before the settings are held (a DNS look-up has no place inside the transaction)
  const early = targetSchema.safeParse({ ...body, token: 'x', secret: 'x' });
  if (early.success) await requireAddress(deps, early.data);
  const kind = body.kind as keyof typeof SECRET_KEY;
  const key = SECRET_KEY[kind];
  return updateSettings(deps, tenant.id, async (s, tx) => {
    const list = Array.isArray(s.targets) ? (s.targets as Obj[]) : [];
    const i = list.findIndex((x) => isObj(x) && x.id === id);
    if (i < 0) throw adminErrors.notFound(`tenant "${tenant.name}" has no target "${id}"`);
    const keep = key !== undefined && keepsCredential(body[key]) && list[i]!.kind === kind;
    if (keep) body[key] = list[i]![key];
    const t = parse(body);
    await checkClient(deps, tenant, t);
    list[i] = keep ? t : ({ ...t, [key]: box.seal((t as Obj)[key] as string) } as Obj);
    s.targets = list;
    await auditTarget(deps, tx, tenant, 'target.replace', t, keep ? 'kept' : 'set');
    return targetView(t);
  });
}

/** Removes a target; its queued deliveries stop finding it and end. */
export async function deleteTarget(deps: AdminDeps, tenant: Tenant, id: string): Promise<void> {
  await updateSettings(deps, tenant.id, async (s, tx) => {
    const list = Array.isArray(s.targets) ? (s.targets as Obj[]) : [];
    const gone = list.find((x) => isObj(x) && x.id === id);
    if (!gone) throw adminErrors.notFound(`tenant "${tenant.name}" has no target "${id}"`);
    s.targets = list.filter((x) => !(isObj(x) && x.id === id));
    await auditTarget(deps, tx, tenant, 'target.delete', { id, kind: String(gone.kind) });
  });
}

export interface ImportResult {
  created: string[];
  replaced: string[];
  /** webhook secrets generated for new targets that came without one, shown this once */
  secrets: Record<string, string>;
}

/**
 * Creates or replaces each target of an export (`{"targets": […]}` or a list), matched by id; targets the file does not
 * name are left alone. A credential left out or given as "set" keeps the stored one of the target with that id (and
 * kind); a new webhook target gets a generated secret; a new SCIM target must bring its token. Every entry is checked
 * before anything is written: one problem and nothing changes.
 */
export async function importTargets(deps: AdminDeps, tenant: Tenant, input: unknown): Promise<ImportResult> {
  const raw = isObj(input) && 'targets' in input ? input.targets : input;
  if (!Array.isArray(raw)) throw adminErrors.invalidTarget('send {"targets": […]} as the export writes it, or a list of targets');
  const box = requireBox(deps);
  const clients = new Set((await new TenantRepository(deps.db).listClients(tenant.id)).map((c) => c.id));
  // every address is checked before the settings are held (a DNS look-up has no place inside the transaction)
  const addressProblems: string[] = [];
  for (const [n, entry] of raw.entries()) {
    const early = targetSchema.safeParse(isObj(entry) ? { ...entry, token: 'x', secret: 'x' } : entry);
    const p = early.success ? await checkAddress(deps, early.data, `targets[${n}]`) : undefined;
    if (p) addressProblems.push(p);
  }
  if (addressProblems.length)
    throw adminErrors.invalidTarget(
      `the targets have ${addressProblems.length} problem${addressProblems.length === 1 ? '' : 's'}: ${addressProblems.join('; ')}`,
      { errors: addressProblems },
    );
  return updateSettings(deps, tenant.id, async (s, tx) => {
    const list = Array.isArray(s.targets) ? [...(s.targets as Obj[])] : [];
    const problems: string[] = [];
    const seen = new Set<string>();
    const writes: { index: number; stored: Obj; target: Target; credential: CredentialChange }[] = [];
    const secrets: Record<string, string> = {};
    raw.forEach((entry, n) => {
      const where = `targets[${n}]`;
      if (!isObj(entry) || typeof entry.id !== 'string' || typeof entry.kind !== 'string') {
        problems.push(`${where}: each target needs its "id" and "kind"`);
        return;
      }
      const id = entry.id;
      if (seen.has(id)) return void problems.push(`${where}: the id "${id}" is used twice`);
      seen.add(id);
      const key = SECRET_KEY[entry.kind as keyof typeof SECRET_KEY] as string | undefined;
      const index = list.findIndex((x) => isObj(x) && x.id === id);
      const body: Obj = { ...entry };
      let credential: CredentialChange = 'set';
      if (key && keepsCredential(body[key])) {
        if (index >= 0 && list[index]!.kind === entry.kind) {
          body[key] = list[index]![key];
          credential = 'kept';
        } else if (entry.kind === 'webhook') {
          body[key] = secrets[id] = generateWebhookSecret();
          credential = 'generated';
        } else {
          return void problems.push(
            `${where} ("${id}"): no ${key} in the file and none stored for this target in tenant "${tenant.name}"; add "${key}" to the entry`,
          );
        }
      }
      const r = targetSchema.safeParse(body);
      if (!r.success) return void problems.push(...issueLines(r.error.issues, where));
      const t = r.data;
      if (t.clientId !== undefined && !clients.has(t.clientId))
        return void problems.push(`${where} ("${id}"): clientId "${t.clientId}" is not a SCIM client of tenant "${tenant.name}"`);
      const k = SECRET_KEY[t.kind];
      writes.push({
        index,
        target: t,
        credential,
        stored: credential === 'kept' ? (t as Obj) : { ...t, [k]: box.seal((t as Obj)[k] as string) },
      });
    });
    if (problems.length) {
      throw adminErrors.invalidTarget(
        `the targets have ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
        { errors: problems },
      );
    }
    const result: ImportResult = { created: [], replaced: [], secrets };
    for (const w of writes) {
      if (w.index >= 0) list[w.index] = w.stored;
      else list.push(w.stored);
      (w.index >= 0 ? result.replaced : result.created).push(w.target.id);
      await auditTarget(deps, tx, tenant, w.index >= 0 ? 'target.replace' : 'target.create', w.target, w.credential, { via: 'import' });
    }
    s.targets = list;
    return result;
  });
}
