// Which database errors mean "cannot reach the database right now" (answered 503 with Retry-After) and which are
// real failures (a constraint, a bug: answered as they are).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDatabaseUnavailable } from './db.js';

const err = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);

test('a refused, reset or timed-out connection and a server shutting down are unavailable', () => {
  for (const e of [
    err('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }),
    err('read ECONNRESET', { code: 'ECONNRESET' }),
    err('Connection terminated unexpectedly'),
    err('timeout exceeded when trying to connect'),
    err('terminating connection due to administrator command', { code: '57P01' }),
    err('the database system is starting up', { code: '57P03' }),
    err('connection failure', { code: '08006' }),
    err('database is locked', { code: 'SQLITE_BUSY' }),
    // Node's happy-eyeballs connect fails with an AggregateError of the tries
    Object.assign(new AggregateError([err('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' })], ''), {}),
    err('query failed', { cause: err('socket closed', { code: 'EPIPE' }) }),
  ])
    assert.equal(isDatabaseUnavailable(e), true, e.message || 'aggregate');
});

test('constraint violations, syntax errors and other failures are not', () => {
  for (const e of [
    err('duplicate key value violates unique constraint', { code: '23505' }),
    err('UNIQUE constraint failed: users.user_name', { code: 'SQLITE_CONSTRAINT_UNIQUE' }),
    err('syntax error at or near "selec"', { code: '42601' }),
    err('deadlock detected', { code: '40P01' }),
    err('something else'),
    'a string',
    undefined,
  ])
    assert.equal(isDatabaseUnavailable(e), false, String(e instanceof Error ? e.message : e));
});
