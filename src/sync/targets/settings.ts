// The outbound targets of a tenant (`settings.targets`): another application's SCIM server, or an endpoint that
// receives signed JSON events. Parsed leniently: a broken entry is reported and skipped, never breaks the others.
import { z } from 'zod';

/** The events a webhook target can subscribe to. */
export const USER_EVENTS = ['user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'user.deleted'] as const;
export type UserEventType = (typeof USER_EVENTS)[number];

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

const common = {
  id,
  label: z.string().optional(),
  enabled: z.boolean().default(true),
  /** The SCIM client (its id) this target stands for: changes that client made are never sent back to it. */
  clientId: z.string().optional(),
};

export const scimTargetSchema = z.object({
  ...common,
  kind: z.literal('scim'),
  /** e.g. https://other.example.com/scim/v2 (no trailing /Users) */
  baseUrl: httpUrl,
  /** bearer token, sealed with the tenant secret box */
  token: z.string().min(1),
  /** what a SCIM DELETE here becomes there */
  onDelete: z.enum(['delete', 'deactivate']).default('delete'),
  timeoutMs: z.number().int().min(1000).max(120_000).default(15_000),
});

export const webhookTargetSchema = z.object({
  ...common,
  kind: z.literal('webhook'),
  url: httpUrl,
  /** `whsec_…` secret, sealed */
  secret: z.string().min(1),
  /** event types to send; `*` or omitted for all, `user.*` also works */
  events: z.array(z.string()).default(['*']),
  timeoutMs: z.number().int().min(1000).max(120_000).default(15_000),
});

export const targetSchema = z.discriminatedUnion('kind', [scimTargetSchema, webhookTargetSchema]);
export type ScimTarget = z.output<typeof scimTargetSchema>;
export type WebhookTarget = z.output<typeof webhookTargetSchema>;
export type Target = ScimTarget | WebhookTarget;

/** The targets of a tenant's settings and a sentence for each entry that could not be read. */
export function readTargets(settings: Record<string, unknown>): { targets: Target[]; problems: string[] } {
  const raw = settings.targets;
  if (raw === undefined || raw === null) return { targets: [], problems: [] };
  if (!Array.isArray(raw)) return { targets: [], problems: ['settings.targets must be a list'] };
  const targets: Target[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  raw.forEach((entry, i) => {
    const r = targetSchema.safeParse(entry);
    if (!r.success) {
      problems.push(`target ${i + 1}: ${r.error.issues.map((x) => `${x.path.join('.') || 'entry'} ${x.message}`).join('; ')}`);
      return;
    }
    if (seen.has(r.data.id)) {
      problems.push(`target ${i + 1}: the id "${r.data.id}" is used twice`);
      return;
    }
    seen.add(r.data.id);
    targets.push(r.data);
  });
  return { targets, problems };
}

/** The target with this id, or undefined (also when the settings no longer hold it). */
export function findTarget(settings: Record<string, unknown>, targetId: string): Target | undefined {
  return readTargets(settings).targets.find((t) => t.id === targetId);
}

/** True when a webhook target subscribed to `type` (exact, `*`, or a `prefix.*` pattern). */
export function wantsEvent(target: WebhookTarget, type: string): boolean {
  return target.events.some((e) => e === '*' || e === type || (e.endsWith('.*') && type.startsWith(e.slice(0, -1))));
}

/** The outbox queue of a target: each target retries and dead-letters on its own. */
export const targetQueue = (targetId: string): string => `target:${targetId}`;
