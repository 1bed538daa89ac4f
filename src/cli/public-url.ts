// Which address the commands print for a tenant's SCIM base URL: PUBLIC_URL of this shell, else what the running
// bridge recorded in the database (its PUBLIC_URL, or the address it listens on), else a guess that says it is one.
import type { Kysely } from 'kysely';
import type { Database } from '../store/types.js';
import type { Config } from '../config.js';
import { readBridgeAddress } from '../store/deployment.js';

export interface ResolvedUrl {
  url: string;
  /** `PUBLIC_URL`: this shell's; `bridge`: the running bridge's PUBLIC_URL; `listen`: where it listens; `guess`: none known */
  source: 'PUBLIC_URL' | 'bridge' | 'listen' | 'guess';
  /** a sentence for a person when the address may not be the one clients reach; absent when it is */
  note?: string;
}

/** The bridge's public address as best known to a command run beside it. */
export async function resolvePublicUrl(config: Pick<Config, 'publicUrl' | 'port'>, db: Kysely<Database>): Promise<ResolvedUrl> {
  if (config.publicUrl) return { url: config.publicUrl, source: 'PUBLIC_URL' };
  const recorded = await readBridgeAddress(db).catch(() => undefined);
  if (recorded?.publicUrl) return { url: recorded.publicUrl, source: 'bridge' };
  if (recorded)
    return {
      url: recorded.listenUrl,
      source: 'listen',
      note: `the address the bridge listens on (recorded when it started, ${recorded.recordedAt}); it has no PUBLIC_URL, so clients on other machines may need another one`,
    };
  return {
    url: `http://localhost:${config.port}`,
    source: 'guess',
    note: 'a guess: no bridge has started against this database yet and PUBLIC_URL is not set here; start the bridge (it records its address) or set PUBLIC_URL',
  };
}
