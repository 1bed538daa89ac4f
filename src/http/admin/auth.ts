// How a request to the admin API proves who sent it: the ADMIN_TOKEN bearer (scripts, the CLI) or the admin UI's
// session cookie, whose writes must carry the session's CSRF token; plus the sign-in routes (set-up, sign-in with a
// rate limit on attempts, sign-out, password change, one-time links).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminAccounts, AdminSession } from '../../store/admin-accounts.js';
import { safeEqual } from '../../security/tokens.js';
import { adminErrors, type AdminError } from '../../admin/errors.js';
import type { Lockout } from '../../security/lockout.js';
import { changePassword, checkCredentials, createFirstAccount, csrfMatches, csrfTokenFor, LOGIN_LINK_PATH } from '../../admin/accounts.js';
import { MIN_PASSWORD_LENGTH } from '../../security/passwords.js';

export const SESSION_COOKIE = 'scim_admin_session';
export const CSRF_HEADER = 'x-csrf-token';

export type AdminAuth = { kind: 'bearer' } | { kind: 'session'; token: string; session: AdminSession };

declare module 'fastify' {
  interface FastifyRequest {
    adminAuth?: AdminAuth;
  }
  interface FastifyContextConfig {
    /** an admin route anyone may call (the sign-in routes, the OpenAPI document) */
    adminPublic?: boolean;
  }
}

export interface AuthOptions {
  accounts: AdminAccounts;
  adminToken?: string;
  /** ADMIN_PASSWORD is set: the `admin` account's password is managed there */
  passwordFromEnvironment: boolean;
  /** sign-in attempts (password or link) allowed per client address in each window */
  loginRateLimit: { max: number; windowMs: number };
  /** the deployment's public URL: a https one makes cookies Secure even behind a proxy that does not say so */
  publicUrl?: string;
  /** what the UI may offer on its first page (the demo's built-in emulator) */
  features: { emulator: boolean };
  /** invalid ADMIN_TOKEN bearers lock the sending address out for a while */
  lockout?: Lockout;
}

/** The 429 of an address locked out after repeated invalid admin tokens; its Retry-After is set by the error handler. */
function lockedOut(ms: number): AdminError {
  return adminErrors.rateLimited('too many invalid admin tokens from this address: try again later', {
    retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)),
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h ? /^Bearer\s+(\S+)\s*$/i.exec(h)?.[1] : undefined;
}

/**
 * Decides who sent an admin API request, or throws the 401/403/503 it gets. Public routes pass without credentials
 * (a session or bearer, when present, is still read for them).
 */
export async function authenticate(req: FastifyRequest, o: AuthOptions): Promise<void> {
  const isPublic = req.routeOptions.config?.adminPublic === true;
  if (req.headers.authorization !== undefined) {
    if (!o.adminToken) {
      if (isPublic) return;
      throw adminErrors.disabled(
        'bearer tokens are off for the admin API: set ADMIN_TOKEN (at least 16 characters) and restart the bridge, or sign in at /admin',
      );
    }
    // A locked-out address is refused before its token is compared, so guessing on costs nothing and tells nothing.
    const locked = o.lockout?.lockedFor(req.ip) ?? 0;
    if (locked > 0) throw lockedOut(locked);
    const token = bearer(req);
    if (!token) throw adminErrors.unauthorized('an "Authorization: Bearer <ADMIN_TOKEN>" header is required');
    if (!safeEqual(token, o.adminToken)) {
      const now = o.lockout?.fail(req.ip) ?? 0;
      if (now > 0) throw lockedOut(now);
      throw adminErrors.unauthorized('the admin token is not valid');
    }
    o.lockout?.succeed(req.ip);
    req.adminAuth = { kind: 'bearer' };
    return;
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  const session = cookie ? await o.accounts.session(cookie) : undefined;
  if (session && cookie) req.adminAuth = { kind: 'session', token: cookie, session };
  if (isPublic) {
    if (session && cookie && !SAFE_METHODS.has(req.method) && !csrfMatches(cookie, header(req, CSRF_HEADER))) {
      throw adminErrors.csrf(`this write needs the session's CSRF token in the ${CSRF_HEADER} header`);
    }
    return;
  }
  if (!session || !cookie) throw adminErrors.unauthorized('sign in at /admin, or send an "Authorization: Bearer <ADMIN_TOKEN>" header');
  if (!session.user) throw adminErrors.setupRequired('create the admin account first');
  if (!SAFE_METHODS.has(req.method) && !csrfMatches(cookie, header(req, CSRF_HEADER))) {
    throw adminErrors.csrf(`this write needs the session's CSRF token in the ${CSRF_HEADER} header`);
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function secure(req: FastifyRequest, publicUrl?: string): boolean {
  return req.protocol === 'https' || /^https:/i.test(publicUrl ?? '');
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure over https, scoped to /admin. */
export function setSessionCookie(reply: FastifyReply, req: FastifyRequest, token: string, expiresAt: string, publicUrl?: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/admin',
    httpOnly: true,
    sameSite: 'strict',
    secure: secure(req, publicUrl),
    expires: new Date(expiresAt),
  });
}

function clearSessionCookie(reply: FastifyReply, req: FastifyRequest, publicUrl?: string): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/admin', httpOnly: true, sameSite: 'strict', secure: secure(req, publicUrl) });
}

/** What GET /session answers: who is signed in, whether the first account is still to be made, the CSRF token. */
async function sessionView(o: AuthOptions, auth: AdminAuth | undefined) {
  const accounts = await o.accounts.count();
  const session = auth?.kind === 'session' ? auth.session : undefined;
  return {
    authenticated: auth?.kind === 'bearer' || !!session?.user,
    via: auth?.kind ?? null,
    user: session?.user ? { username: session.user.username } : null,
    setupRequired: accounts === 0,
    /** a session may create the first account (it came from a sign-in link), or the request has the admin token */
    setupAllowed: accounts === 0 && (auth?.kind === 'bearer' || (!!session && !session.user)),
    csrfToken: auth?.kind === 'session' ? csrfTokenFor(auth.token) : null,
    expiresAt: session?.expiresAt ?? null,
    passwordFromEnvironment: o.passwordFromEnvironment,
    minPasswordLength: MIN_PASSWORD_LENGTH,
    features: o.features,
  };
}

/** Registers the sign-in routes under /admin/api/session, /admin/api/setup, /admin/api/account and the link route. */
export async function authRoutes(app: FastifyInstance, o: AuthOptions): Promise<void> {
  const limited = { rateLimit: { max: o.loginRateLimit.max, timeWindow: o.loginRateLimit.windowMs } };

  app.get('/admin/api/session', { config: { adminPublic: true } }, async (req) => sessionView(o, req.adminAuth));

  app.post('/admin/api/session', { config: { adminPublic: true, ...limited } }, async (req, reply) => {
    const user = await checkCredentials(o.accounts, req.body);
    if (req.adminAuth?.kind === 'session') await o.accounts.endSession(req.adminAuth.token);
    const { token, session } = await o.accounts.startSession(user);
    setSessionCookie(reply, req, token, session.expiresAt, o.publicUrl);
    return sessionView(o, { kind: 'session', token, session });
  });

  app.delete('/admin/api/session', { config: { adminPublic: true } }, async (req, reply) => {
    if (req.adminAuth?.kind === 'session') await o.accounts.endSession(req.adminAuth.token);
    clearSessionCookie(reply, req, o.publicUrl);
    return reply.code(204).send();
  });

  app.post('/admin/api/setup', { config: { adminPublic: true, ...limited } }, async (req, reply) => {
    const auth = req.adminAuth;
    const grant = auth?.kind === 'bearer' || (auth?.kind === 'session' && !auth.session.user);
    if (!grant) {
      if ((await o.accounts.count()) > 0) throw adminErrors.setupDone('the admin account exists already: sign in with it');
      throw adminErrors.unauthorized('open the one-time sign-in link the bridge printed at start to create the admin account');
    }
    const user = await createFirstAccount(o.accounts, req.body);
    let view;
    if (auth?.kind === 'session') {
      await o.accounts.bindSession(auth.session.tokenHash, user.id);
      view = await sessionView(o, { ...auth, session: { ...auth.session, user } });
    } else {
      const { token, session } = await o.accounts.startSession(user);
      setSessionCookie(reply, req, token, session.expiresAt, o.publicUrl);
      view = await sessionView(o, { kind: 'session', token, session });
    }
    return reply.code(201).send(view);
  });

  app.post('/admin/api/account/password', { config: limited }, async (req, reply) => {
    const auth = req.adminAuth;
    if (auth?.kind !== 'session') throw adminErrors.badRequest('the password is changed from a signed-in browser session');
    await changePassword(o.accounts, auth.session, req.body, o.passwordFromEnvironment);
    return reply.code(204).send();
  });

  // A one-time link (printed at start) opens a session: the first account's, or before there is one, a grant to create it.
  app.get<{ Querystring: { token?: string } }>(LOGIN_LINK_PATH, { config: limited }, async (req, reply) => {
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!token || !(await o.accounts.consumeLoginLink(token))) return reply.redirect('/admin/?signin=link-expired', 303);
    const user = (await o.accounts.first()) ?? null;
    if (req.cookies?.[SESSION_COOKIE]) await o.accounts.endSession(req.cookies[SESSION_COOKIE]!);
    const { token: sessionToken, session } = await o.accounts.startSession(user);
    setSessionCookie(reply, req, sessionToken, session.expiresAt, o.publicUrl);
    return reply.redirect(user ? '/admin/' : '/admin/setup', 303);
  });
}
