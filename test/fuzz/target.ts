// The bridge the route fuzzing runs against: the real app on a fresh test database (no sync engine, so nothing
// changes the store behind the requests' backs), one tenant with a user in a group, a SCIM token and ADMIN_TOKEN.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startBridge } from '../../src/server.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { openTestStore } from '../helpers/db.js';
import { newSecretBox } from '../helpers/stack.js';
import type { RouteTarget } from './routes.js';

const ADMIN_TOKEN = 'adm_fuzz_0123456789abcdef';

export async function startRouteTarget(): Promise<RouteTarget & { close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-fuzz-'));
  const store = await openTestStore();
  const { secretKey } = newSecretBox();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent', SECRET_KEY: secretKey, ADMIN_TOKEN });
  const bridge = await startBridge({ config, store, engine: false, listen: false });
  const tenants = new TenantRepository(store.db);
  const tenant = await tenants.create('fuzz', 'Fuzz store');
  const { token } = await tenants.createToken(tenant.id, 'okta');
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  const u = await bridge.app.inject({
    method: 'POST',
    url: '/scim/v2/fuzz/Users',
    headers: auth,
    payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ann@example.test' },
  });
  const userId = (u.json() as { id: string }).id;
  const g = await bridge.app.inject({
    method: 'POST',
    url: '/scim/v2/fuzz/Groups',
    headers: auth,
    payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Staff', members: [{ value: userId }] },
  });
  const groupId = (g.json() as { id: string }).id;
  return {
    app: bridge.app,
    store,
    tenant,
    scimToken: token,
    adminToken: ADMIN_TOKEN,
    userId,
    groupId,
    async close() {
      await bridge.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
