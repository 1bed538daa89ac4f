// The HTTP edge below the routes: how request bodies become JSON (media type, strict UTF-8, no prototype keys,
// bounded nesting) and what a request Node's HTTP parser refuses is answered with, in the SCIM error schema.
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { errors, ScimError } from '../scim/errors.js';
import { MAX_JSON_DEPTH } from '../scim/depth.js';
import { SCIM_CONTENT_TYPE } from './scim/reply.js';

const JSON_TYPE = /^application\/([\w.+-]*\+)?json\b/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The deepest nesting of arrays and objects in JSON text, stopping once past `limit` (strings skipped). */
function textDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * `__proto__` would become an object's prototype wherever a body is copied with assignment, and
 * `constructor.prototype` reaches a class's prototype: bodies carrying either are refused, as Fastify's own parser does.
 * U+0000 is refused in keys and strings: PostgreSQL cannot store it in text, and no SCIM value needs it.
 */
function refuseHostileKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')))
    throw errors.invalidSyntax(`the request body may not contain the key "${key === '__proto__' ? key : 'constructor.prototype'}"`);
  if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000')))
    throw errors.invalidValue('the request body may not contain the character U+0000 (NUL)');
  return value;
}

/** A request body as JSON, or the SCIM error (400 invalidSyntax, 415) that refuses it; an empty body is undefined. */
export function parseJsonBody(contentType: string, body: Buffer): unknown {
  const type = contentType.toLowerCase().trim();
  if (type && !JSON_TYPE.test(type))
    throw errors.unsupportedMediaType(
      `content type "${type.split(';')[0]}" is not accepted; send application/scim+json or application/json`,
    );
  if (body.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw errors.invalidSyntax('the request body is not valid UTF-8');
  }
  if (textDepthExceeds(text, MAX_JSON_DEPTH))
    throw errors.invalidSyntax(`the request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`);
  try {
    return JSON.parse(text, refuseHostileKeys);
  } catch (e) {
    if (e instanceof ScimError) throw e;
    throw errors.invalidSyntax(`the request body is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Answers what Node's HTTP parser refuses before any route runs: a request over maxHeaderSize is 431, a timeout 408,
 * anything else (two Content-Length headers, Content-Length with Transfer-Encoding, a malformed request line) 400.
 * The connection is closed after the answer, so nothing smuggled behind it is read.
 */
export function answerClientError(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let e: ScimError;
  if (err.code === 'HPE_HEADER_OVERFLOW') e = errors.headersTooLarge('the request line and headers are larger than the server accepts');
  else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') e = errors.requestTimeout('the request took too long to arrive');
  else {
    const framing = /CONTENT_LENGTH|TRANSFER_ENCODING/.test(err.code ?? '')
      ? ': send one Content-Length or Transfer-Encoding: chunked, not both'
      : '';
    e = errors.invalidSyntax(`the request is not valid HTTP/1.1 (${err.code ?? 'parse error'})${framing}`);
  }
  const head = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, 64).toString('latin1') : '';
  const scim = !/^[A-Z]+ \//.test(head) || /^[A-Z]+ \/scim\//i.test(head);
  const body = scim ? JSON.stringify(e.toJSON()) : JSON.stringify({ error: e.code, message: e.detail, status: e.status });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\nContent-Type: ${scim ? SCIM_CONTENT_TYPE : 'application/json; charset=utf-8'}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
