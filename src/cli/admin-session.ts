// What the commands built on the admin operations share (mapping, policies, targets, jobs): the deployment's database
// (and secret box) opened from the environment with actor 'cli', and one way to run a command body and report an
// AdminError: its message (and each listed detail) on stderr, or its JSON with --json, exit code 1; a bad
// configuration exits 2.
import { loadConfig, ConfigError } from '../config.js';
import { AddressPolicy } from '../security/ssrf.js';
import { openStore } from '../store/db.js';
import { secretBoxFor } from '../sync/connect.js';
import { AdminError } from '../admin/errors.js';
import type { AdminDeps } from '../admin/context.js';

export interface AdminSession {
  deps: AdminDeps;
  close(): Promise<void>;
}

export interface AdminCommandOptions {
  /** opens the deployment's database (and secret box); default: from the environment, as every command does */
  open?: () => Promise<AdminSession>;
  /** where results go; default stdout */
  print?: (text: string) => void;
  /** where problems go; default stderr */
  printErr?: (text: string) => void;
  /** how a failure ends the command; default: exit code 1 (2 for a bad configuration) once the command returns */
  exit?: (code: number) => void;
}

async function openFromEnv(): Promise<AdminSession> {
  const config = loadConfig();
  const store = await openStore({ url: config.databaseUrl, preparedStatements: config.pgPreparedStatements });
  const deps = {
    db: store.db,
    dialect: store.dialect,
    box: secretBoxFor(config),
    actor: 'cli',
    addresses: new AddressPolicy(config.targetsAllowPrivate),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  };
  return { deps, close: () => store.close() };
}

/** Error codes whose details list one problem per line (shown under the message in text output). */
const LISTED = new Set(['INVALID_MAPPING', 'INVALID_POLICIES', 'INVALID_TARGET']);

/** The options with their defaults, and `run`, which wraps a command body with the session and error reporting. */
export function adminCommandKit(opts: AdminCommandOptions = {}) {
  const print = opts.print ?? ((s: string) => console.log(s));
  const printErr = opts.printErr ?? ((s: string) => console.error(s));
  const exit = opts.exit ?? ((code: number) => void (process.exitCode = code));
  const open = opts.open ?? openFromEnv;

  const run = (json: boolean | undefined, body: (deps: AdminDeps) => Promise<void>) => async () => {
    let session: AdminSession | undefined;
    try {
      session = await open();
      await body(session.deps);
    } catch (e) {
      if (e instanceof ConfigError) {
        printErr(e.message);
        return exit(2);
      }
      if (!(e instanceof AdminError)) throw e;
      if (json) print(JSON.stringify(e.toJSON()));
      else {
        const errs = LISTED.has(e.code) ? (e.details as { errors?: (string | { message: string })[] } | undefined)?.errors : undefined;
        printErr(`error: ${errs ? e.message.replace(/: .*$/, ':') : e.message}`);
        for (const x of errs ?? []) printErr(`  - ${typeof x === 'string' ? x : x.message}`);
      }
      exit(1);
    } finally {
      await session?.close();
    }
  };
  return { print, printErr, exit, run };
}
