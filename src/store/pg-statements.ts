// PostgreSQL named prepared statements for the statements the bridge runs again and again. An unnamed statement is
// parsed and planned by the server on every execution; a named one is parsed once per connection and then only bound
// and executed, which halves the cost of the short queries a SCIM read is made of (a GET by id is three of them).
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

export interface NamedStatementOptions {
  /** how many distinct statements get a name (each connection prepares at most this many); 0 turns naming off */
  max: number;
  /** a statement is named from its n-th execution on, so one-off statements (an IN list of a rare length) stay unnamed */
  after: number;
}

export const DEFAULT_NAMED_STATEMENTS: NamedStatementOptions = { max: 256, after: 3 };

/** Only single data statements are named: DDL, transaction control and multi-statement scripts run as they are. */
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** The names given so far, by SQL text, and the executions counted for texts not named yet. */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  private next = 0;

  constructor(private readonly opts: NamedStatementOptions) {}

  /** The name to run this SQL under, or undefined to run it unnamed. */
  nameFor(sqlText: string): string | undefined {
    const named = this.names.get(sqlText);
    if (named !== undefined) return named;
    if (this.opts.max <= 0 || this.names.size >= this.opts.max || !NAMEABLE.test(sqlText) || sqlText.includes(';')) return undefined;
    const n = (this.counts.get(sqlText) ?? 0) + 1;
    if (n < this.opts.after) {
      // The counts are a sieve, not a record: when many different texts pass through, start over.
      if (this.counts.size >= this.opts.max * 8) this.counts.clear();
      this.counts.set(sqlText, n);
      return undefined;
    }
    this.counts.delete(sqlText);
    return this.rename(sqlText);
  }

  /** Gives the text a new name, so every connection prepares it afresh (its old plan no longer fits the tables). */
  rename(sqlText: string): string {
    const name = `scim_${(this.next++).toString(36)}`;
    this.names.set(sqlText, name);
    return name;
  }

  get size(): number {
    return this.names.size;
  }
}

/**
 * The server refuses a named statement whose tables changed shape since it was prepared (0A000, "cached plan must not
 * change result type": a migration ran meanwhile), no longer knows it (26000) or already has another of that name
 * (42P05): the last two when a pooler in between hands the session's statements to another client. The code alone
 * decides (messages are translated with lc_messages): a genuine 0A000 fails again unnamed and is thrown then.
 */
function isStalePlan(err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? '');
  return code === '0A000' || code === '26000' || code === '42P05';
}

/**
 * The pool Kysely is given: the same connections, whose queries run as named prepared statements once they are seen
 * to repeat. A statement whose plan went stale (the tables changed under a running process) gets a new name; outside
 * a transaction it is also run again at once, unnamed (inside one the server has aborted the transaction already).
 */
export function namingStatements(pool: pg.Pool, opts: NamedStatementOptions = DEFAULT_NAMED_STATEMENTS): PostgresPool {
  const names = new StatementNames(opts);
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let inTransaction = false;
    const run = async <R>(sqlText: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
      if (/^\s*(begin|start\s+transaction)\b/i.test(sqlText)) inTransaction = true;
      else if (/^\s*(commit|rollback|end)\s*$/i.test(sqlText)) inTransaction = false;
      const name = names.nameFor(sqlText);
      if (name === undefined) return (await client.query(sqlText, [...parameters])) as unknown as PostgresQueryResult<R>;
      try {
        return (await client.query({ name, text: sqlText, values: [...parameters] })) as unknown as PostgresQueryResult<R>;
      } catch (err) {
        if (!isStalePlan(err)) throw err;
        names.rename(sqlText);
        if (inTransaction) throw err;
        return (await client.query(sqlText, [...parameters])) as unknown as PostgresQueryResult<R>;
      }
    };
    const w = {
      query(sqlOrCursor: string | PostgresCursor<unknown>, parameters?: ReadonlyArray<unknown>) {
        if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor as unknown as pg.Submittable);
        return run(sqlOrCursor, parameters ?? []);
      },
      release(destroy?: boolean) {
        inTransaction = false;
        client.release(destroy);
      },
    } as unknown as PostgresPoolClient;
    return w;
  };
  return {
    async connect() {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) {
        w = wrap(client);
        wrapped.set(client, w);
      }
      return w;
    },
    end: () => pool.end(),
  };
}
