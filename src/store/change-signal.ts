// Tells a cache in this process whether the tenants and their tokens may have changed since it read them: every
// change made through this process's repositories bumps a counter, and on SQLite `PRAGMA data_version` tells of a
// commit by any other process (a CLI command beside a running bridge). PostgreSQL has no such cheap question; a cache
// there also bounds how long it keeps what it read.

let generation = 0;
const elsewhere = new WeakMap<object, () => number>();

/** A change to tenants or tokens has been committed by this process (or is about to be): cached copies are stale. */
export function tenantsChanged(): void {
  generation++;
}

/** Registers how to ask a database whether another connection committed since the last time (SQLite). */
export function watchOtherWriters(db: object, dataVersion: () => number): void {
  elsewhere.set(db, dataVersion);
}

/**
 * A stamp of what the caller can see now: equal stamps mean nothing that concerns tenants changed in this process and
 * no other process committed to the database in between. Undefined parts are not known (PostgreSQL: only a time
 * bound helps).
 */
export function changeStamp(db: object): string {
  const other = elsewhere.get(db);
  return other ? `${generation}:${other()}` : `${generation}:?`;
}
