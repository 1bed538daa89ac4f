// The admin UI's accounts, browser sessions and one-time sign-in links. Sessions and links are stored as SHA-256
// hashes of the random tokens the browser holds, so a copy of the database opens no session.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './types.js';
import { generateToken, hashToken } from '../security/tokens.js';
import { isUniqueViolation, type Dialect } from './db.js';

export interface AdminUser {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
}

export interface AdminSession {
  tokenHash: string;
  /** null for the grant of a sign-in link used before any account existed */
  user: AdminUser | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface SessionTimes {
  /** a session unused for this long ends (ms) */
  idleMs: number;
  /** and every session ends this long after it began (ms) */
  absoluteMs: number;
}

export const DEFAULT_SESSION_TIMES: SessionTimes = { idleMs: 12 * 3600_000, absoluteMs: 7 * 24 * 3600_000 };
/** last_seen_at is written at most this often, so polling pages do not write on every request */
const TOUCH_EVERY_MS = 60_000;

/** the advisory lock key the first-run set-up holds on PostgreSQL */
const FIRST_ACCOUNT_LOCK = 726_601;

const iso = (ms: number) => new Date(ms).toISOString();

export class UsernameTakenError extends Error {
  constructor(username: string) {
    super(`an admin account named "${username}" exists already`);
    this.name = 'UsernameTakenError';
  }
}

type UserRow = Database['admin_users'];
const toUser = (r: UserRow): AdminUser => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class AdminAccounts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly times: SessionTimes = DEFAULT_SESSION_TIMES,
    private readonly now: () => number = Date.now,
  ) {}

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('admin_users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async byUsername(username: string): Promise<AdminUser | undefined> {
    const r = await this.db.selectFrom('admin_users').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
    return r && toUser(r);
  }

  /** The oldest account: whom a sign-in link signs in. */
  async first(): Promise<AdminUser | undefined> {
    const r = await this.db.selectFrom('admin_users').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
    return r && toUser(r);
  }

  /** Adds an account; `onlyIfNone` makes it the first-run set-up, which succeeds once however many browsers race. */
  async create(username: string, passwordHash: string, opts: { onlyIfNone?: boolean } = {}): Promise<AdminUser | undefined> {
    const at = iso(this.now());
    const row: UserRow = {
      id: randomUUID(),
      username: username.trim().toLowerCase(),
      password_hash: passwordHash,
      created_at: at,
      updated_at: at,
    };
    try {
      return await this.db.transaction().execute(async (tx) => {
        if (opts.onlyIfNone) {
          // Two set-ups at once: PostgreSQL serialises them on an advisory lock held to the commit; SQLite has one writer.
          if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK})`.execute(tx);
          if ((await tx.selectFrom('admin_users').select('id').limit(1).execute()).length > 0) return undefined;
        }
        await tx.insertInto('admin_users').values(row).execute();
        return toUser(row);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new UsernameTakenError(row.username);
      throw e;
    }
  }

  /** Replaces an account's password hash and ends its other sessions (all of them when `keep` is not given). */
  async setPassword(userId: string, passwordHash: string, keep?: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('admin_users')
        .set({ password_hash: passwordHash, updated_at: iso(this.now()) })
        .where('id', '=', userId)
        .execute();
      let q = tx.deleteFrom('admin_sessions').where('user_id', '=', userId);
      if (keep) q = q.where('token_hash', '!=', keep);
      await q.execute();
    });
  }

  /** Starts a session (for `user`, or a set-up grant when null); returns the token for the cookie, shown nowhere else. */
  async startSession(user: AdminUser | null): Promise<{ token: string; session: AdminSession }> {
    const token = generateToken('sess_');
    const now = this.now();
    const row = {
      token_hash: hashToken(token),
      user_id: user?.id ?? null,
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(now + this.times.idleMs),
    };
    await this.db.insertInto('admin_sessions').values(row).execute();
    return {
      token,
      session: { tokenHash: row.token_hash, user, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at },
    };
  }

  /** The live session a cookie names (its idle time renewed), or undefined; an ended one is removed. */
  async session(token: string): Promise<AdminSession | undefined> {
    const tokenHash = hashToken(token);
    const r = await this.db
      .selectFrom('admin_sessions as s')
      .leftJoin('admin_users as u', 'u.id', 's.user_id')
      .select([
        's.token_hash',
        's.user_id',
        's.created_at',
        's.last_seen_at',
        's.expires_at',
        'u.id as uid',
        'u.username',
        'u.password_hash',
        'u.created_at as ucreated',
        'u.updated_at as uupdated',
      ])
      .where('s.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!r) return undefined;
    const now = this.now();
    if (Date.parse(r.expires_at) <= now || Date.parse(r.created_at) + this.times.absoluteMs <= now || (r.user_id !== null && !r.uid)) {
      await this.endSession(token);
      return undefined;
    }
    let { last_seen_at: lastSeenAt, expires_at: expiresAt } = r;
    if (now - Date.parse(lastSeenAt) >= TOUCH_EVERY_MS) {
      lastSeenAt = iso(now);
      expiresAt = iso(Math.min(now + this.times.idleMs, Date.parse(r.created_at) + this.times.absoluteMs));
      await this.db
        .updateTable('admin_sessions')
        .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
        .where('token_hash', '=', tokenHash)
        .execute();
    }
    const user = r.uid
      ? { id: r.uid, username: r.username!, passwordHash: r.password_hash!, createdAt: r.ucreated!, updatedAt: r.uupdated! }
      : null;
    return { tokenHash, user, createdAt: r.created_at, lastSeenAt, expiresAt };
  }

  async endSession(token: string): Promise<void> {
    await this.db.deleteFrom('admin_sessions').where('token_hash', '=', hashToken(token)).execute();
  }

  /** Turns a set-up grant into a session of the account it created. */
  async bindSession(tokenHash: string, userId: string): Promise<void> {
    await this.db.updateTable('admin_sessions').set({ user_id: userId }).where('token_hash', '=', tokenHash).execute();
  }

  /** Makes a one-time sign-in link token, good for `ttlMs`; also clears links and sessions long past. */
  async createLoginLink(ttlMs: number): Promise<{ token: string; expiresAt: string }> {
    const token = generateToken('link_');
    const now = this.now();
    await this.db.deleteFrom('admin_login_links').where('expires_at', '<', iso(now)).execute();
    await this.db.deleteFrom('admin_sessions').where('expires_at', '<', iso(now)).execute();
    await this.db
      .insertInto('admin_login_links')
      .values({ token_hash: hashToken(token), created_at: iso(now), expires_at: iso(now + ttlMs), used_at: null })
      .execute();
    return { token, expiresAt: iso(now + ttlMs) };
  }

  /** Uses a sign-in link: true once, while it is fresh; a second use or a stale link is false. */
  async consumeLoginLink(token: string): Promise<boolean> {
    const now = iso(this.now());
    const r = await this.db
      .updateTable('admin_login_links')
      .set({ used_at: now })
      .where('token_hash', '=', hashToken(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
