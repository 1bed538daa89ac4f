// Optional persistence of the emulated shop to one JSON file: loaded at start, written shortly after each
// change (debounced) and on close, atomically (temporary file then rename) so a crash never leaves half a file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyShop, type ShopData } from './state.js';

export interface PersistedState {
  version: 1;
  shop: ShopData;
  /** client-credentials tokens and their expiry (ms), so they survive a restart as Shopify's do */
  tokens: Array<[string, number]>;
}

/** Reads a state file; a missing file is an empty shop, an unreadable one is an error naming the file. */
export function loadState(file: string): PersistedState {
  if (!existsSync(file)) return { version: 1, shop: emptyShop(), tokens: [] };
  let parsed: Partial<PersistedState>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PersistedState>;
  } catch (e) {
    throw new Error(`Cannot read the emulator state file ${file}: ${(e as Error).message}`);
  }
  return { version: 1, shop: { ...emptyShop(), ...(parsed.shop ?? {}) }, tokens: parsed.tokens ?? [] };
}

/** Writes a state file atomically. */
export function saveState(file: string, state: PersistedState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  // The shop's customers are personal data: readable by the owner only (the rename keeps the mode).
  writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Calls `save` at most once per `delayMs` after changes; `flush` saves now if a change is waiting. */
export function debounced(save: () => void, delayMs: number) {
  let timer: NodeJS.Timeout | null = null;
  return {
    schedule(): void {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        save();
      }, delayMs);
    },
    flush(): void {
      if (!timer) return;
      clearTimeout(timer);
      timer = null;
      save();
    },
  };
}
