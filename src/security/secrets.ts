// Encrypts secrets at rest (Shopify tokens and client secrets, target credentials) with AES-256-GCM.
// The key comes from SECRET_KEY or from a key file created with mode 0600 in the data directory at first start.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const VERSION = 'v1';

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  /** Encrypts text to `v1:<iv>:<tag>:<ciphertext>` (base64url parts). */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [VERSION, iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
  }

  /** Decrypts what seal() made; throws when the value was tampered with or sealed with another key. */
  open(sealed: string): string {
    const [v, iv, tag, body] = sealed.split(':');
    if (v !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }

  static isSealed(value: string): boolean {
    return value.startsWith(VERSION + ':');
  }
}

/** Parses SECRET_KEY (64 hex chars or base64 of 32 bytes). */
export function parseKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('SECRET_KEY must be 32 bytes');
  return key;
}

/** The key from SECRET_KEY, else from `<dataDir>/secret.key`, creating that file (0600) on first use. */
export function loadOrCreateKey(dataDir: string, secretKey?: string): Buffer {
  if (secretKey) return parseKey(secretKey);
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return parseKey(readFileSync(file, 'utf8').trim());
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** The exact shape seal() makes: a 12-byte IV and a 16-byte tag, so no other text starting with `v1:` is taken for one. */
const SEALED = /^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]*$/;

/**
 * Re-encrypts every sealed string inside `value` (objects and lists walked deeply) from one key to another; plain
 * values are left as they are. Throws when a sealed value does not open with `from`, so nothing half-rotated is kept.
 */
export function resealDeep(value: unknown, from: SecretBox, to: SecretBox): { value: unknown; count: number } {
  let count = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && SEALED.test(v)) {
      count++;
      return to.seal(from.open(v));
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value), count };
}

/**
 * Puts a new key in `<dataDir>/secret.key` (0600), keeping the one before as `secret.key.previous` (0600). `stage`
 * writes `secret.key.next` first; `commit` swaps it in once the database holds secrets sealed with it.
 */
export function stageKeyFile(dataDir: string, key: Buffer): { commit(): void; abandon(): void } {
  const file = join(dataDir, 'secret.key');
  const next = file + '.next';
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(next, key.toString('hex') + '\n', { mode: 0o600, flag: 'w' });
  return {
    commit() {
      if (existsSync(file)) renameSync(file, file + '.previous');
      renameSync(next, file);
    },
    abandon() {
      renameSync(next, file + '.abandoned');
    },
  };
}
