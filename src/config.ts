// Reads and validates the process configuration from the environment (and a .env file), once, at start.
// Each mistake gets a sentence naming the variable; nothing else in the code reads process.env.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { SHOPIFY_API_VERSION_DEFAULT } from './shopify/version.js';

/** A whole number in [min, max], with one sentence for every way it can be wrong. */
function wholeNumber(min: number, max?: number) {
  const range = max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  const n = z.coerce
    .number({ message: `must be ${range}` })
    .int({ message: `must be ${range}` })
    .min(min, { message: `must be ${range}` });
  return max === undefined ? n : n.max(max, { message: `must be ${range}` });
}
const port = wholeNumber(0, 65535);
const optionalUrl = z.url({ message: 'must be an absolute URL such as https://scim.example.com' }).optional();

const schema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).optional(),
  PUBLIC_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/i, 'must start with sqlite: or postgres://')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ADMIN_PASSWORD: z
    .string()
    .refine((v) => [...v].length >= 12, 'must be at least 12 characters')
    .refine((v) => v.length <= 1024, 'must be at most 1024 characters')
    .optional(),
  SHOPIFY_SHOP: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i, 'must be the shop domain, e.g. my-store.myshopify.com')
    .optional(),
  SHOPIFY_ACCESS_TOKEN: z.string().min(1).optional(),
  SHOPIFY_CLIENT_ID: z.string().min(1).optional(),
  SHOPIFY_CLIENT_SECRET: z.string().min(1).optional(),
  SHOPIFY_WEBHOOK_SECRET: z.string().min(1).optional(),
  SHOPIFY_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}$|^unstable$/, 'must look like 2026-10')
    .default(SHOPIFY_API_VERSION_DEFAULT),
  SHOPIFY_API_BASE_URL: optionalUrl,
  SYNC_WAIT_MS: wholeNumber(0, 30000).default(3000),
  PG_PREPARED_STATEMENTS: wholeNumber(0, 10000).default(256),
  RECONCILE_INTERVAL_MS: wholeNumber(0).default(15 * 60_000),
  BULK_CREATE_THRESHOLD: wholeNumber(0).default(100),
  MAX_BODY_BYTES: wholeNumber(1024).default(1048576),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PUBLIC: z.enum(['0', '1', 'true', 'false'], 'must be 1 or 0').optional(),
  SHUTDOWN_TIMEOUT_MS: wholeNumber(100, 600_000).default(15_000),
  JOB_LEASE_MS: wholeNumber(1000, 3_600_000).default(30_000),
  READYZ_SHOPIFY_CACHE_MS: wholeNumber(0).default(15_000),
  SCIM_RATE_LIMIT: wholeNumber(0).default(200),
  LOCKOUT_FAILURES: wholeNumber(0).default(20),
  LOCKOUT_SECONDS: wholeNumber(1, 86400).default(300),
  ADMIN_RATE_LIMIT: wholeNumber(0).default(600),
  WEBHOOK_MAX_AGE_SECONDS: wholeNumber(0).default(48 * 3600),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(0|1|true|false|[\w.:/,\s]+)$/,
      'must be 1, 0, or a comma-separated list of proxy addresses, CIDR ranges or loopback/linklocal/uniquelocal',
    )
    .optional(),
  TARGETS_ALLOW_PRIVATE: z
    .string()
    .regex(
      /^(0|1|true|false|[0-9a-fA-F.:/,\s]+)$/,
      'must be 1 (every private address), 0, or a comma-separated list of addresses or CIDR ranges',
    )
    .optional(),
});

/** Rules between variables, checked even when single values are wrong so that every mistake is reported at once. */
function crossFieldProblems(v: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  if (v.SHOPIFY_CLIENT_ID && !v.SHOPIFY_CLIENT_SECRET) out.push('SHOPIFY_CLIENT_SECRET is required with SHOPIFY_CLIENT_ID');
  if (v.SHOPIFY_CLIENT_SECRET && !v.SHOPIFY_CLIENT_ID) out.push('SHOPIFY_CLIENT_ID is required with SHOPIFY_CLIENT_SECRET');
  if ((v.SHOPIFY_ACCESS_TOKEN || v.SHOPIFY_CLIENT_ID) && !v.SHOPIFY_SHOP)
    out.push('SHOPIFY_SHOP is required when Shopify credentials are set');
  if (v.SHOPIFY_ACCESS_TOKEN && !v.SHOPIFY_WEBHOOK_SECRET)
    out.push(
      "SHOPIFY_WEBHOOK_SECRET is required with SHOPIFY_ACCESS_TOKEN: the custom app's API secret key, which signs Shopify's webhooks (without it no change made in Shopify reaches the bridge)",
    );
  if (v.SHOPIFY_SHOP && !v.SHOPIFY_ACCESS_TOKEN && !v.SHOPIFY_CLIENT_ID)
    out.push('SHOPIFY_ACCESS_TOKEN (or SHOPIFY_CLIENT_ID with SHOPIFY_CLIENT_SECRET) is required with SHOPIFY_SHOP');
  return out;
}

export interface Config {
  port: number;
  host: string;
  /** false when HOST was not set: serve listens on every interface, demo mode only on loopback */
  hostGiven: boolean;
  publicUrl?: string;
  dataDir: string;
  databaseUrl: string;
  logLevel: string;
  secretKey?: string;
  adminToken?: string;
  /** the password of the admin UI's `admin` account, set (or reset) at every start */
  adminPassword?: string;
  shopify?: {
    shop: string;
    accessToken?: string;
    clientId?: string;
    clientSecret?: string;
    /** the app's secret that signs its webhooks (the client secret; for a static token, the custom app's API secret) */
    webhookSecret?: string;
    apiVersion: string;
    apiBaseUrl?: string;
  };
  shopifyApiVersion: string;
  syncWaitMs: number;
  /** PostgreSQL: how many distinct statements run as named prepared statements (0: none, e.g. behind an old PgBouncer) */
  pgPreparedStatements: number;
  /** how often each tenant is reconciled with its shop; 0 turns the schedule off */
  reconcileIntervalMs: number;
  /** from this many users waiting for a first customer, one Shopify bulk mutation creates them; 0 turns it off */
  bulkCreateThreshold: number;
  maxBodyBytes: number;
  /** the bearer token /metrics asks for */
  metricsToken?: string;
  /** /metrics answers without a token (METRICS_PUBLIC=1); unset: only demo mode on loopback is public */
  metricsPublic?: boolean;
  /** how long a SIGTERM may take: in-flight requests and running jobs get most of it, then leases go back and the process exits */
  shutdownTimeoutMs: number;
  /** how long a job's lease lasts without a heartbeat: after a crash, another instance takes the job over this much later */
  jobLeaseMs: number;
  /** how long /readyz reuses its check of each shop's Admin API (each check is one small query); 0: every probe */
  readyzShopifyCacheMs: number;
  /** SCIM requests per second per token (0: unlimited) */
  scimRateLimit: number;
  /** invalid bearer tokens (SCIM or admin) per minute from one address that lock it out (0: never), and for how long */
  lockout: { maxFailures: number; lockSeconds: number };
  /** admin API requests per minute per client address (0: unlimited); sign-in attempts have their own, lower limit */
  adminRateLimit: number;
  /** Shopify webhook deliveries triggered longer ago than this are acknowledged and ignored (0: no age check) */
  webhookMaxAgeSeconds: number;
  /** whose X-Forwarded-For/-Proto to believe (Fastify's trustProxy): true, false, or addresses and ranges */
  trustProxy: boolean | string;
  /** outbound targets may reach these private addresses: 'all', or a list of addresses and CIDR ranges */
  targetsAllowPrivate?: 'all' | string[];
}

/**
 * Forwarded headers are believed only from a proxy on this host or a private network (nginx beside the bridge, a
 * container network, a cloud load balancer's private side): a client on the internet cannot pick its own address for
 * the rate limits and lock-outs by sending X-Forwarded-For.
 */
export const DEFAULT_TRUST_PROXY = 'loopback,linklocal,uniquelocal';

function privateTargets(v: string | undefined): { targetsAllowPrivate?: 'all' | string[] } {
  if (v === undefined || v === '0' || v === 'false') return {};
  if (v === '1' || v === 'true') return { targetsAllowPrivate: 'all' };
  return {
    targetsAllowPrivate: v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates an environment (process.env by default) into a Config, or throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? 'configuration')} ${i.message}`);
  problems.push(...crossFieldProblems(cleaned));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const v = parsed.data;
  const dataDir = resolve(v.DATA_DIR);
  return {
    port: v.PORT,
    host: v.HOST ?? '0.0.0.0',
    hostGiven: v.HOST !== undefined,
    publicUrl: v.PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir,
    databaseUrl: v.DATABASE_URL ?? `sqlite:${join(dataDir, 'shopify-scim.sqlite')}`,
    logLevel: v.LOG_LEVEL,
    secretKey: v.SECRET_KEY,
    adminToken: v.ADMIN_TOKEN,
    adminPassword: v.ADMIN_PASSWORD,
    shopify: v.SHOPIFY_SHOP
      ? {
          shop: v.SHOPIFY_SHOP.toLowerCase(),
          accessToken: v.SHOPIFY_ACCESS_TOKEN,
          clientId: v.SHOPIFY_CLIENT_ID,
          clientSecret: v.SHOPIFY_CLIENT_SECRET,
          webhookSecret: v.SHOPIFY_WEBHOOK_SECRET ?? v.SHOPIFY_CLIENT_SECRET,
          apiVersion: v.SHOPIFY_API_VERSION,
          apiBaseUrl: v.SHOPIFY_API_BASE_URL,
        }
      : undefined,
    shopifyApiVersion: v.SHOPIFY_API_VERSION,
    syncWaitMs: v.SYNC_WAIT_MS,
    pgPreparedStatements: v.PG_PREPARED_STATEMENTS,
    reconcileIntervalMs: v.RECONCILE_INTERVAL_MS,
    bulkCreateThreshold: v.BULK_CREATE_THRESHOLD,
    maxBodyBytes: v.MAX_BODY_BYTES,
    metricsToken: v.METRICS_TOKEN,
    metricsPublic: v.METRICS_PUBLIC === undefined ? undefined : v.METRICS_PUBLIC === '1' || v.METRICS_PUBLIC === 'true',
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    jobLeaseMs: v.JOB_LEASE_MS,
    readyzShopifyCacheMs: v.READYZ_SHOPIFY_CACHE_MS,
    scimRateLimit: v.SCIM_RATE_LIMIT,
    lockout: { maxFailures: v.LOCKOUT_FAILURES, lockSeconds: v.LOCKOUT_SECONDS },
    adminRateLimit: v.ADMIN_RATE_LIMIT,
    webhookMaxAgeSeconds: v.WEBHOOK_MAX_AGE_SECONDS,
    trustProxy:
      v.TRUST_PROXY === undefined
        ? DEFAULT_TRUST_PROXY
        : /^(1|true)$/.test(v.TRUST_PROXY)
          ? true
          : /^(0|false)$/.test(v.TRUST_PROXY)
            ? false
            : v.TRUST_PROXY,
    ...privateTargets(v.TARGETS_ALLOW_PRIVATE),
  };
}
