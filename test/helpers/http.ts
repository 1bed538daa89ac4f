// What every end-to-end suite does over real HTTP: send a request and read the answer back parsed (with a `dump` for
// assertion messages), wait for a condition by polling, and find a free port for a server that must know its address.
import { createServer, type AddressInfo } from 'node:net';

export interface Res {
  status: number;
  headers: Headers;
  body: any;
  text: string;
  /** for assertion messages */
  dump: string;
}

export const SHOPIFY_EXT = 'urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface CallOptions {
  headers?: Record<string, string>;
  /** sent as JSON (a string as it is); absent: no body and no content-type */
  body?: unknown;
  /** default application/json */
  contentType?: string;
  /** how the request is named in `dump`; default: the URL's path */
  label?: string;
  /** how much of the answer `dump` shows */
  dumpChars?: number;
}

/** Sends one request and reads the whole answer; a body that is not JSON comes back as `body: undefined`, `text` as sent. */
export async function call(method: string, url: string, o: CallOptions = {}): Promise<Res> {
  const r = await fetch(url, {
    method,
    headers: { ...o.headers, ...(o.body !== undefined ? { 'content-type': o.contentType ?? 'application/json' } : {}) },
    body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
  });
  const text = await r.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const label = o.label ?? new URL(url).pathname;
  return {
    status: r.status,
    headers: r.headers,
    body: parsed,
    text,
    dump: `${method} ${label} -> ${r.status} ${text.slice(0, o.dumpChars ?? 1500)}`,
  };
}

/** What `until` polls: anything truthy ends the wait and is returned. */
export type Check<T> = () => Promise<T | undefined | null | false> | T | undefined | null | false;

/** Resolves with the first truthy value of `check` (polled), or fails naming `what` and the last value after `ms`. */
export async function until<T>(what: string, check: Check<T>, ms = 30000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A TCP port on the loopback interface that is free right now, for a server that must know its own address before it listens. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
