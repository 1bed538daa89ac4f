// `shopify-scim key rotate`: a new encryption key for the secrets at rest (Shopify credentials, target tokens and
// secrets). Every sealed value of every tenant is opened with the current key and sealed with the new one in one
// transaction; then the key file is swapped (the old key kept beside it as secret.key.previous), or, when the key
// comes from SECRET_KEY, the new key is printed once to be put there. Stop the bridge first and start it after.
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { configOrExit } from './env.js';
import { openStore } from '../store/db.js';
import { TenantRepository } from '../store/tenants.js';
import { SecretBox, loadOrCreateKey, resealDeep, stageKeyFile } from '../security/secrets.js';

export function keyCommand(): Command {
  const key = new Command('key').description('manage the key that encrypts secrets at rest');
  key
    .command('rotate')
    .description('re-encrypt every stored secret under a new key (stop the bridge first, start it after)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const cfg = configOrExit();
      const store = await openStore({ url: cfg.databaseUrl, preparedStatements: cfg.pgPreparedStatements });
      try {
        const from = new SecretBox(loadOrCreateKey(cfg.dataDir, cfg.secretKey));
        const fresh = randomBytes(32);
        const to = new SecretBox(fresh);
        // With a key file, the new key is on disk before the database changes: no moment where secrets have no key.
        const staged = cfg.secretKey ? undefined : stageKeyFile(cfg.dataDir, fresh);
        let secrets = 0;
        let tenants: number;
        try {
          tenants = await new TenantRepository(store.db, 'cli').rewriteAllSettings((settings, t) => {
            let r: ReturnType<typeof resealDeep>;
            try {
              r = resealDeep(settings, from, to);
            } catch {
              throw new Error(`a secret of tenant "${t.name}" does not open with the current key; nothing was changed`);
            }
            secrets += r.count;
            return r.count > 0 ? (r.value as Record<string, unknown>) : undefined;
          });
        } catch (e) {
          staged?.abandon();
          throw e;
        }
        staged?.commit();
        const where = cfg.secretKey
          ? 'SECRET_KEY: set it to the new key below on every instance, then start the bridge'
          : 'secret.key in the data directory (the previous key is kept as secret.key.previous until you delete it)';
        const newKey = cfg.secretKey ? fresh.toString('hex') : undefined;
        if (o.json)
          console.log(JSON.stringify({ tenants, secrets, keyFrom: cfg.secretKey ? 'SECRET_KEY' : 'file', ...(newKey ? { newKey } : {}) }));
        else
          console.log(
            `re-encrypted ${secrets} secret(s) of ${tenants} tenant(s); the new key is in ${where}${newKey ? `\n${newKey}` : ''}`,
          );
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (o.json) console.log(JSON.stringify({ error: 'KEY_ROTATION_FAILED', message }));
        else console.error(`error: ${message}`);
        process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
  return key;
}
