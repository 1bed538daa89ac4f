// What every resolver can reach during one GraphQL request: the shop, the app's identity and scopes, the
// services behind mutations (bulk runner, base URL), and where search warnings are collected for `extensions`.
import type { Shop } from '../shop.js';
import type { BulkRunner } from '../bulk.js';
import type { BulkMutationRunner } from '../bulk-mutation.js';
import type { StagedUploads } from '../staged-uploads.js';

export interface SearchWarning {
  path: Array<string | number>;
  query: string;
  warnings: Array<{ field: string; message: string }>;
}

export interface ExecContext {
  shop: Shop;
  apiVersion: string;
  scopes: string[];
  /** base URL of the emulator, for bulk result URLs */
  baseUrl: string;
  bulk: BulkRunner;
  /** bulk mutations and the staged uploads that carry their variables */
  bulkMutations: BulkMutationRunner;
  uploads: StagedUploads;
  /** true while a bulk operation runs its query: connections need no first/last and have no page limit */
  unbounded: boolean;
  searchWarnings: SearchWarning[];
}
