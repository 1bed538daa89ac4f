// A small SCIM 2.0 client for the Users endpoint of another application's server: this bridge provisions into it
// with a bearer token. Every failure becomes a TargetError that says whether retrying can help.
import { targetErrors, TargetError } from './errors.js';
import { AddressRefused } from '../../security/ssrf.js';

const SCIM_JSON = 'application/scim+json';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface ScimClientOptions {
  /** e.g. https://other.example.com/scim/v2 */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface ScimAnswer {
  status: number;
  body: Record<string, unknown> | undefined;
}

export type PatchOperation = { op: 'add' | 'replace' | 'remove'; path?: string; value?: unknown };

/** RFC 7644 §3.4.2.2: a double quote or backslash inside a filter string is escaped. */
export const filterString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export class ScimClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: ScimClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.doFetch = opts.fetch ?? globalThis.fetch;
  }

  /**
   * Sends one request; answers 2xx and the statuses listed in `accept` come back, every other answer throws.
   * A body that is not JSON on a 2xx with content is an error: SCIM servers answer JSON.
   */
  async send(method: string, path: string, body?: unknown, accept: number[] = []): Promise<ScimAnswer> {
    const url = `${this.base}${path}`;
    let res: Response;
    let text: string;
    try {
      res = await this.doFetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.opts.token}`,
          accept: `${SCIM_JSON}, application/json`,
          ...(body === undefined ? {} : { 'content-type': SCIM_JSON }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const err = e as Error;
      if (err instanceof AddressRefused) throw targetErrors.addressRefused(url, err.message);
      if (err.name === 'TimeoutError' || err.name === 'AbortError') throw targetErrors.timeout(url, this.timeoutMs);
      throw targetErrors.network(url, (err.cause as Error | undefined)?.message ?? err.message);
    }
    const ok = (res.status >= 200 && res.status < 300) || accept.includes(res.status);
    if (!ok) throw targetErrors.http(method, `${this.base}${path.split('?')[0]}`, res.status, text);
    if (!text.trim()) return { status: res.status, body: undefined };
    try {
      const parsed: unknown = JSON.parse(text);
      return { status: res.status, body: parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined };
    } catch {
      if (res.status >= 300) return { status: res.status, body: undefined };
      throw targetErrors.badResponse(url, 'the body is not JSON');
    }
  }

  /** POST /Users; answers the created resource's id, or `conflict` on 409 (the userName is taken there). */
  async createUser(resource: Record<string, unknown>): Promise<{ id: string } | 'conflict'> {
    const r = await this.send('POST', '/Users', resource, [409]);
    if (r.status === 409) return 'conflict';
    const id = r.body?.id;
    if (typeof id !== 'string' || id === '') throw targetErrors.badResponse(`${this.base}/Users`, 'the created User has no id');
    return { id };
  }

  /** PUT /Users/<id>; `gone` when the remote resource no longer exists. */
  async replaceUser(id: string, resource: Record<string, unknown>): Promise<'ok' | 'gone'> {
    const r = await this.send('PUT', `/Users/${encodeURIComponent(id)}`, { ...resource, id }, [404]);
    return r.status === 404 ? 'gone' : 'ok';
  }

  /** PATCH /Users/<id> with the given operations; `gone` on 404. */
  async patchUser(id: string, operations: PatchOperation[]): Promise<'ok' | 'gone'> {
    const r = await this.send('PATCH', `/Users/${encodeURIComponent(id)}`, { schemas: [PATCH_OP], Operations: operations }, [404]);
    return r.status === 404 ? 'gone' : 'ok';
  }

  /** DELETE /Users/<id>; a resource that is already gone counts as deleted. */
  async deleteUser(id: string): Promise<void> {
    await this.send('DELETE', `/Users/${encodeURIComponent(id)}`, undefined, [404]);
  }

  /** The ids of remote users whose userName equals `userName` (case-insensitively, as SCIM defines userName). */
  async findByUserName(userName: string): Promise<string[]> {
    const q = new URLSearchParams({ filter: `userName eq ${filterString(userName)}`, attributes: 'id,userName', count: '10' });
    const r = await this.send('GET', `/Users?${q}`);
    const list = r.body?.Resources;
    if (!Array.isArray(list)) return [];
    return list.map((u) => (u as Record<string, unknown>)?.id).filter((x): x is string => typeof x === 'string');
  }
}

export { TargetError };
