// The emulator's state file holds the emulated shop's customers (personal data in demo mode): owner-only, 0600.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadState, saveState } from './persist.js';
import { startEmulator } from './index.js';

test('the state file is written 0600 under a permissive umask, and read back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emu-modes-'));
  const old = process.umask(0o022);
  try {
    const file = join(dir, 'emulator.json');
    const emu = await startEmulator({ persistFile: file });
    await emu.close();
    assert.equal((statSync(file).mode & 0o777).toString(8), '600');
    const state = loadState(file);
    saveState(file, state);
    assert.equal((statSync(file).mode & 0o777).toString(8), '600', 'rewritten, still 0600');
  } finally {
    process.umask(old);
    rmSync(dir, { recursive: true, force: true });
  }
});
