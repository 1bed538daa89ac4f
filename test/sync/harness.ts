// The whole stack for end-to-end sync tests: a fresh database, the Shopify emulator, the bridge listening on a real
// port with the engine, one tenant connected to the emulator and a SCIM token; requests go over HTTP with fetch.
import type { TestStore } from '../helpers/db.js';
import type { Emulator, CustomerSnapshot, EmulatorOptions } from '../../src/emulator/index.js';
import type { Bridge } from '../../src/server.js';
import type { SecretBox } from '../../src/security/secrets.js';
import type { EngineOptions } from '../../src/sync/engine.js';
import { call, until, type Check, type Res } from '../helpers/http.js';
import { startBridgeStack, connectedTenant, customerOf, mergeSettings, type BridgeStackOptions } from '../helpers/stack.js';

export { SHOPIFY_EXT } from '../helpers/http.js';
export type { Res } from '../helpers/http.js';

export interface Stack {
  store: TestStore;
  emu: Emulator;
  bridge: Bridge;
  tenantId: string;
  token: string;
  base: string;
  box: SecretBox;
  req(method: string, path: string, body?: unknown): Promise<Res>;
  /** the customer linked to a SCIM user, per the emulator */
  customerOf(userId: string): Promise<CustomerSnapshot | null>;
  setSettings(settings: Record<string, unknown>): Promise<void>;
  /** resolves when `check` holds (polled), or fails with `what` after `ms` */
  until<T>(what: string, check: Check<T>, ms?: number): Promise<T>;
  close(): Promise<void>;
}

export interface StackOptions {
  settings?: Record<string, unknown>;
  syncWaitMs?: number;
  worker?: EngineOptions['worker'];
  shopClient?: EngineOptions['shopClient'];
  store?: TestStore;
  /** the emulator's shop (default: a bucket of 4,000 points restoring 1,000 a second) */
  emulator?: EmulatorOptions;
  /** bulk creates' scan pace and initial-load judgement */
  bulk?: BridgeStackOptions['bulk'];
}

/** A user body as Okta sends it, with the given userName and email. */
export function oktaUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const stack = await startBridgeStack({
    store: o.store,
    emulator: { bucketSize: 4000, restoreRate: 1000, ...o.emulator },
    env: { SYNC_WAIT_MS: String(o.syncWaitMs ?? 5000) },
    worker: o.worker,
    ...(o.bulk ? { bulk: o.bulk } : {}),
    shopClient: { timeoutMs: 1500, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 }, ...o.shopClient },
  });
  const { store, emu, bridge, box } = stack;
  const { tenant, token } = await connectedTenant(stack, 'acme', { settings: o.settings });
  const base = `${bridge.url}/scim/v2/acme`;

  return {
    store,
    emu,
    bridge,
    tenantId: tenant.id,
    token,
    base,
    box,
    req: (method, path, body) =>
      call(method, base + path, { headers: { authorization: `Bearer ${token}` }, body, contentType: 'application/scim+json', label: path }),
    customerOf: (userId) => customerOf(stack, tenant.id, userId),
    setSettings: (settings) => mergeSettings(store, tenant.id, settings),
    until,
    close: () => stack.close(),
  };
}
