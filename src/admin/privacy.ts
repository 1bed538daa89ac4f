// What the admin chose to hide in the activity log and its CSV export: with maskPersonalData on, userNames and
// e-mail addresses show only their first characters. Kept in the tenant's settings (settings.privacy).
import { z } from 'zod';
import type { Tenant } from '../store/tenants.js';
import { audit } from '../store/resources.js';
import { adminErrors, issueLines } from './errors.js';
import { updateSettings, type AdminDeps } from './context.js';

export interface Privacy {
  maskPersonalData: boolean;
}

const schema = z.strictObject({ maskPersonalData: z.boolean() });

/** The tenant's choice; masking is off until an admin turns it on. */
export function readPrivacy(settings: Record<string, unknown>): Privacy {
  const r = schema.safeParse(settings.privacy);
  return r.success ? r.data : { maskPersonalData: false };
}

/** Replaces the choice (audit: privacy.replace). */
export async function putPrivacy(deps: AdminDeps, t: Tenant, body: unknown): Promise<Privacy> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const lines = issueLines(r.error.issues, 'privacy');
    throw adminErrors.badRequest(
      `the privacy settings have ${lines.length === 1 ? 'a problem' : `${lines.length} problems`}: ${lines.join('; ')}`,
      { errors: lines },
    );
  }
  await updateSettings(deps, t.id, async (s, tx) => {
    s.privacy = r.data;
    await audit(tx, {
      tenantId: t.id,
      actor: deps.actor,
      action: 'privacy.replace',
      resourceType: 'Tenant',
      resourceId: t.id,
      detail: { ...r.data },
    });
  });
  return r.data;
}

/** `ada.lovelace@example.com` -> `ad…@ex…`; other text keeps its first two characters. */
export function maskPersonal(value: string): string {
  const at = value.indexOf('@');
  if (at > 0) return `${value.slice(0, Math.min(2, at))}…@${value.slice(at + 1, at + 3)}…`;
  return value.length <= 2 ? '…' : `${value.slice(0, 2)}…`;
}
