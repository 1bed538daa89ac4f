// The Shopify emulator in a process of its own, as a shop is to the bridge: the budget scenario runs it here so that
// its GraphQL execution and webhook deliveries do not share the bridge's event loop. Options come as JSON in
// BENCH_EMULATOR; prints one JSON line {url, shop, accessToken, clientSecret} when it listens; SIGTERM stops it.
import { startEmulator, type EmulatorOptions } from '../../src/emulator/index.js';

const options = JSON.parse(process.env.BENCH_EMULATOR ?? '{}') as EmulatorOptions;
const emu = await startEmulator(options);
process.stdout.write(JSON.stringify({ url: emu.url, shop: emu.shop, accessToken: emu.accessToken, clientSecret: emu.clientSecret }) + '\n');
const stop = async () => {
  await emu.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
