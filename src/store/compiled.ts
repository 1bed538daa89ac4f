// Queries of a fixed shape, built and compiled by Kysely once per database and then run with new values. Building a
// query (its operation tree, frozen node by node) and compiling it to SQL cost about a tenth of the CPU of a GET by
// id, every time, for SQL text that never changes; the hot reads skip both.
import type { Compilable, CompiledQuery } from 'kysely';
import type { Db } from './resources.js';

/** Marks a parameter's place while the query is compiled; a value a caller passes can never look like it. */
const MARK = '\u0000param:';

interface Template<R> {
  compiled: CompiledQuery<R>;
  /** per compiled parameter: the index of the argument it takes, or the constant the query itself holds */
  slots: ({ arg: number } | { value: unknown })[];
}

/**
 * A query of `build`, whose `arity` string arguments are bound anew at every run. The SQL is compiled once per
 * database (a transaction shares its database's); `build` must use its arguments only as values (in `where`,
 * `values`, `set`), never to choose the query's shape.
 */
export function compiledOnce<A extends string[], R>(arity: A['length'], build: (db: Db, ...args: A) => Compilable<R>) {
  const templates = new WeakMap<object, Template<R>>();
  const template = (db: Db): Template<R> => {
    const key = db.getExecutor().adapter;
    let t = templates.get(key);
    if (!t) {
      const marks = Array.from({ length: arity }, (_, i) => `${MARK}${i}`) as A;
      const compiled = build(db, ...marks).compile();
      const slots = compiled.parameters.map((p) => {
        const arg = typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : -1;
        return arg >= 0 ? { arg } : { value: p };
      });
      const used = new Set(slots.flatMap((s) => ('arg' in s ? [s.arg] : [])));
      if (used.size !== arity) throw new Error(`a compiled query uses ${used.size} of its ${arity} arguments as values`);
      t = { compiled, slots };
      templates.set(key, t);
    }
    return t;
  };
  return async (db: Db, ...args: A): Promise<R[]> => {
    const { compiled, slots } = template(db);
    const parameters = slots.map((s) => ('arg' in s ? args[s.arg] : s.value));
    return (await db.executeQuery<R>({ ...compiled, parameters })).rows;
  };
}
