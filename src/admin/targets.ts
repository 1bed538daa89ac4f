// A tenant's outbound targets (settings.targets) as the merchant edits them: validated with the engine's schema,
// credentials sealed before they are stored and never shown again; a webhook secret left out is generated once.
import { randomBytes } from 'node:crypto';
import type { Tenant } from '../store/tenants.js';
import { TenantRepository } from '../store/tenants.js';
import { targetSchema, readTargets, type Target } from '../sync/targets/settings.js';
import { generateWebhookSecret } from '../sync/targets/standard-webhooks.js';
import { adminErrors, issueLines } from './errors.js';
import { updateSettings, type AdminDeps } from './context.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A target as the API shows it. */
export type TargetView = Omit<Target, 'token' | 'secret'> & { token?: 'set'; secret?: 'set' };

/** The credential key of each kind. */
const SECRET_KEY = { scim: 'token', webhook: 'secret' } as const;

/** A target as the API shows it: its credential replaced by "set". */
export function targetView(t: Target): TargetView {
  const { ...copy } = t as Obj;
  const key = SECRET_KEY[t.kind];
  if (copy[key] !== undefined) copy[key] = 'set';
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
    throw adminErrors.invalidTarget(`the target has ${lines.length} problem${lines.length === 1 ? '' : 's'}: ${lines.join('; ')}`, { errors: lines });
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

function requireBox(deps: AdminDeps) {
  if (!deps.box) throw adminErrors.secretsUnavailable('the server has no secret key, so target credentials cannot be stored; set SECRET_KEY or let the server create its key file');
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
  const key = SECRET_KEY[t.kind];
  const sealed = { ...t, [key]: box.seal((t as Obj)[key] as string) } as Target;
  await updateSettings(deps, tenant.id, (s) => {
    const list = Array.isArray(s.targets) ? (s.targets as Obj[]) : [];
    if (list.some((x) => isObj(x) && x.id === t.id)) throw adminErrors.targetExists(`tenant "${tenant.name}" already has a target "${t.id}"`);
    s.targets = [...list, sealed];
  });
  return { target: targetView(t), ...(generated ? { secret: generated } : {}) };
}

/** Replaces a target; a credential left out keeps the stored one. */
export async function replaceTarget(deps: AdminDeps, tenant: Tenant, id: string, input: unknown): Promise<TargetView> {
  if (!isObj(input)) throw adminErrors.invalidTarget('send the target as a JSON object with "kind": "scim" or "webhook"');
  if (input.id !== undefined && input.id !== id) throw adminErrors.invalidTarget(`target.id: the body names "${String(input.id)}" but the URL names "${id}"; ids cannot change`);
  const box = requireBox(deps);
  const body: Obj = { ...input, id };
  const kind = body.kind as keyof typeof SECRET_KEY;
  const key = SECRET_KEY[kind];
  return updateSettings(deps, tenant.id, async (s) => {
    const list = Array.isArray(s.targets) ? (s.targets as Obj[]) : [];
    const i = list.findIndex((x) => isObj(x) && x.id === id);
    if (i < 0) throw adminErrors.notFound(`tenant "${tenant.name}" has no target "${id}"`);
    const keep = key !== undefined && (body[key] === undefined || body[key] === '') && list[i]!.kind === kind;
    if (keep) body[key] = list[i]![key];
    const t = parse(body);
    await checkClient(deps, tenant, t);
    list[i] = keep ? t : ({ ...t, [key]: box.seal((t as Obj)[key] as string) } as Obj);
    s.targets = list;
    return targetView(t);
  });
}

/** Removes a target; its queued deliveries stop finding it and end. */
export async function deleteTarget(deps: AdminDeps, tenant: Tenant, id: string): Promise<void> {
  await updateSettings(deps, tenant.id, (s) => {
    const list = Array.isArray(s.targets) ? (s.targets as Obj[]) : [];
    if (!list.some((x) => isObj(x) && x.id === id)) throw adminErrors.notFound(`tenant "${tenant.name}" has no target "${id}"`);
    s.targets = list.filter((x) => !(isObj(x) && x.id === id));
  });
}
