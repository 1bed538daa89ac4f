// `shopify-scim admin link`: prints a fresh one-time sign-in link to the admin UI (the first account is made with it,
// or it signs the admin in), for when the one printed at start was used or has expired.
import { Command } from 'commander';
import { configOrExit } from './env.js';
import { openStore } from '../store/db.js';
import { AdminAccounts } from '../store/admin-accounts.js';
import { issueLoginLink } from '../admin/accounts.js';
import type { Bridge } from '../server.js';

/** What `serve` and `demo` print about the admin UI: its address, and a sign-in link while no account can sign in. */
export async function adminSignIn(
  bridge: Pick<Bridge, 'store'>,
  origin: string,
  opts: { always?: boolean } = {},
): Promise<{ url: string; loginUrl: string | null; setupRequired: boolean }> {
  const accounts = new AdminAccounts(bridge.store.db, bridge.store.dialect);
  const setupRequired = (await accounts.count()) === 0;
  const loginUrl = setupRequired || opts.always ? (await issueLoginLink(accounts, origin)).url : null;
  return { url: `${origin}/admin`, loginUrl, setupRequired };
}

export function adminCommand(): Command {
  const admin = new Command('admin').description('the admin web UI');
  admin
    .command('link')
    .description('print a one-time sign-in link to the admin UI (valid for an hour)')
    .option('--url <origin>', 'the address the bridge is reached at (default PUBLIC_URL, else http://127.0.0.1:PORT)')
    .action(async (o: { url?: string }) => {
      const config = configOrExit();
      const store = await openStore({ url: config.databaseUrl, preparedStatements: config.pgPreparedStatements });
      try {
        const origin = o.url ?? config.publicUrl ?? `http://127.0.0.1:${config.port}`;
        const { url } = await issueLoginLink(new AdminAccounts(store.db, store.dialect), origin);
        console.log(url);
      } finally {
        await store.close();
      }
    });
  return admin;
}
