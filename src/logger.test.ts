import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { serializeError, logSerializers } from './logger.js';

test('logged errors keep type, code and message but lose personal values and database details', () => {
  const e = Object.assign(new Error('duplicate key value violates unique constraint "users_user_name" for jane.doe@acme.test'), {
    code: '23505',
    detail: 'Key (tenant_id, user_name_lc)=(t1, jane.doe@acme.test) already exists.',
  });
  const out = serializeError(e);
  assert.equal(out.code, '23505');
  assert.equal(out.type, 'Error');
  assert.ok(!JSON.stringify(out).includes('jane.doe'), JSON.stringify(out));
  assert.equal(out.detail, undefined);
});

test('a logger built with these serializers writes no e-mail address or phone number', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
  const log = pino({ serializers: logSerializers }, sink);
  log.error({ err: new Error('Phone +1 415 555 0123 is invalid for ann@example.com') }, 'sync failed');
  const text = lines.join('');
  assert.match(text, /sync failed/);
  assert.ok(!text.includes('ann@example.com') && !text.includes('555 0123'), text);
});
