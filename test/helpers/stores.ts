// Fresh stores for the tests of one file, each test with its own database, all closed when the file ends (the hook
// is registered on the file's root when this module is imported).
import { after } from 'node:test';
import { openTestStore, type TestStore } from './db.js';

const open: TestStore[] = [];
after(async () => {
  for (const s of open) await s.close();
});

/** A fresh, migrated store, closed when the test file ends. */
export async function freshStore(): Promise<TestStore> {
  const s = await openTestStore();
  open.push(s);
  return s;
}
