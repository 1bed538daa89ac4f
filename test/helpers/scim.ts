// Starts the real HTTP app on a fresh test database with one tenant and token, and sends SCIM requests through
// Fastify's inject (no sockets). Responses come back parsed, with a `dump` for assertion messages.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { TenantRepository } from '../../src/store/tenants.js';
import type { ProvisioningHook } from '../../src/provisioning.js';
import { openTestStore, type TestStore } from './db.js';
import { SUITE_SCIM_SECURITY } from './security.js';

export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
  /** for assertion messages */
  dump: string;
}

export interface ScimHarness {
  app: FastifyInstance;
  store: TestStore;
  tenantName: string;
  tenantId: string;
  token: string;
  base: string;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  /** Same, with another token (or none). */
  reqAs(token: string | undefined, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Res>;
  /** Replaces the tenant's policies (as the admin API stores them); `{}` is every default. */
  setPolicies(policies: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function startScim(
  opts: { hook?: ProvisioningHook; tenant?: string; maxBodyBytes?: number; maxInMemoryMatches?: number; store?: TestStore } = {},
): Promise<ScimHarness> {
  const store = opts.store ?? (await openTestStore());
  const app = await buildApp({
    store,
    hook: opts.hook,
    publicUrl: 'https://scim.example.test',
    maxBodyBytes: opts.maxBodyBytes,
    maxInMemoryMatches: opts.maxInMemoryMatches,
    scimSecurity: SUITE_SCIM_SECURITY,
  });
  const tenants = new TenantRepository(store.db);
  const tenantName = opts.tenant ?? 'acme';
  const tenant = await tenants.create(tenantName, 'Acme Employee Store');
  const { token } = await tenants.createToken(tenant.id, 'okta');
  const base = `/scim/v2/${tenantName}`;
  const reqAs: ScimHarness['reqAs'] = async (tok, method, path, body, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (tok !== undefined) h.authorization = `Bearer ${tok}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/scim+json';
    }
    const r = await app.inject({
      method: method as any,
      url: path.startsWith('/') && !path.startsWith(base) && !path.startsWith('/scim') ? base + path : path,
      payload,
      headers: h,
    });
    let parsed: unknown;
    try {
      parsed = r.body ? JSON.parse(r.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return {
      status: r.statusCode,
      headers: r.headers as Res['headers'],
      body: parsed,
      text: r.body,
      dump: `${method} ${path} -> ${r.statusCode} ${r.body.slice(0, 2000)}`,
    };
  };
  return {
    app,
    store,
    tenantName,
    tenantId: tenant.id,
    token,
    base,
    req: (m, p, b, h) => reqAs(token, m, p, b, h),
    reqAs,
    async setPolicies(policies) {
      await tenants.changeSettings(tenant.id, (s) => {
        s.policies = policies;
      });
    },
    async close() {
      await app.close();
      if (!opts.store) await store.close();
    },
  };
}

/** A realistic user body as most IdPs send it. */
export function userBody(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const [given = 'Test', family = 'User'] = userName.split('@')[0]!.split('.');
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: given, familyName: family },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}
