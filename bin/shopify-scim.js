#!/usr/bin/env node
// Entry point of the `shopify-scim` command; the compiled CLI lives in dist/ (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('shopify-scim is not built yet: run `npm run build` (npm install does it for you).');
  process.exit(1);
}
await import(main);
