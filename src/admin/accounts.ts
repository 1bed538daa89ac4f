// Signing in to the admin UI: the first-run set-up of the admin account (or the account ADMIN_PASSWORD keeps),
// password sign-in, changing the password, one-time sign-in links, and the CSRF token each session's writes carry.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { AdminAccounts, UsernameTakenError, type AdminSession, type AdminUser } from '../store/admin-accounts.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../security/passwords.js';
import { safeEqual } from '../security/tokens.js';
import { adminErrors, issueLines } from './errors.js';

/** The account ADMIN_PASSWORD signs in. */
export const ENV_ADMIN_USERNAME = 'admin';
/** How long a printed sign-in link works. */
export const LOGIN_LINK_TTL_MS = 60 * 60_000;
/** Where a sign-in link is opened: it starts a session and sends the browser on to the UI. */
export const LOGIN_LINK_PATH = '/admin/auth/link';

/** The CSRF token of a session: derived from the cookie's token, so it needs no storage and dies with the session. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('shopify-scim admin csrf').digest('base64url');
}

/** True when a request's X-CSRF-Token header is the session's token (constant time). */
export function csrfMatches(sessionToken: string, header: string | undefined): boolean {
  return typeof header === 'string' && header.length > 0 && safeEqual(header, csrfTokenFor(sessionToken));
}

const credentials = z.strictObject({
  username: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(100, 'must be at most 100 characters')
    .regex(/^[^\s]+$/, 'must not contain spaces'),
  password: z.string(),
});

function parseCredentials(body: unknown): { username: string; password: string } {
  const r = credentials.safeParse(body ?? {});
  if (!r.success) {
    const lines = issueLines(r.error.issues, '');
    throw adminErrors.badRequest(
      `the sign-in details have ${lines.length === 1 ? 'a problem' : `${lines.length} problems`}: ${lines.join('; ')}`,
      { errors: lines },
    );
  }
  return r.data;
}

/**
 * Sets up the account ADMIN_PASSWORD names (`admin`) at start: created on first run, its hash replaced when the
 * password in the environment changed (which ends its sessions).
 */
export async function ensureEnvironmentAdmin(accounts: AdminAccounts, password: string): Promise<void> {
  const existing = await accounts.byUsername(ENV_ADMIN_USERNAME);
  if (!existing) {
    await accounts.create(ENV_ADMIN_USERNAME, await hashPassword(password));
    return;
  }
  if (!(await verifyPassword(password, existing.passwordHash))) await accounts.setPassword(existing.id, await hashPassword(password));
}

/** The account these credentials open, or a 401 that does not say which half was wrong. */
export async function checkCredentials(accounts: AdminAccounts, body: unknown): Promise<AdminUser> {
  const { username, password } = parseCredentials(body);
  const user = await accounts.byUsername(username);
  // An unknown name costs a hash too, so timing does not tell which names exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) throw adminErrors.invalidCredentials('the username or the password is not right');
  return user;
}

/** Creates the first admin account; refused once one exists. */
export async function createFirstAccount(accounts: AdminAccounts, body: unknown): Promise<AdminUser> {
  const { username, password } = parseCredentials(body);
  const problem = passwordProblem(password);
  if (problem) throw adminErrors.badRequest(problem, { errors: [`password: ${problem}`] });
  try {
    const user = await accounts.create(username, await hashPassword(password), { onlyIfNone: true });
    if (!user) throw adminErrors.setupDone('the admin account exists already: sign in with it');
    return user;
  } catch (e) {
    if (e instanceof UsernameTakenError) throw adminErrors.setupDone('the admin account exists already: sign in with it');
    throw e;
  }
}

/** Changes the signed-in account's password after checking the current one; its other sessions end. */
export async function changePassword(accounts: AdminAccounts, session: AdminSession, body: unknown, envManaged: boolean): Promise<void> {
  if (!session.user) throw adminErrors.unauthorized('create the admin account first');
  if (envManaged && session.user.username === ENV_ADMIN_USERNAME)
    throw adminErrors.badRequest("this account's password comes from ADMIN_PASSWORD: change the variable and restart the bridge");
  const b = (body ?? {}) as { currentPassword?: unknown; newPassword?: unknown };
  if (typeof b.currentPassword !== 'string' || !(await verifyPassword(b.currentPassword, session.user.passwordHash)))
    throw adminErrors.invalidCredentials('the current password is not right');
  const problem = passwordProblem(b.newPassword);
  if (problem) throw adminErrors.badRequest(problem, { errors: [`newPassword: ${problem}`] });
  await accounts.setPassword(session.user.id, await hashPassword(b.newPassword as string), session.tokenHash);
}

/** A fresh one-time sign-in link on this origin (e.g. http://127.0.0.1:8080). */
export async function issueLoginLink(
  accounts: AdminAccounts,
  origin: string,
  ttlMs = LOGIN_LINK_TTL_MS,
): Promise<{ url: string; expiresAt: string }> {
  const { token, expiresAt } = await accounts.createLoginLink(ttlMs);
  return { url: `${origin.replace(/\/+$/, '')}${LOGIN_LINK_PATH}?token=${encodeURIComponent(token)}`, expiresAt };
}
