// The configuration every command reads from the environment (and .env): a bad one ends the command at once with
// its message and exit code 2, before anything is opened or started.
import { loadConfig, ConfigError, type Config } from '../config.js';

/** The configuration, or the process ends with the configuration's error message and exit code 2. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
