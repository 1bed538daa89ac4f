// Outbound requests to addresses an admin typed in (SCIM and webhook targets) must not reach the bridge's own
// network: loopback, private, link-local (cloud metadata at 169.254.169.254), unique-local, CGNAT, multicast and
// reserved ranges, in IPv4 and IPv6 (IPv4-mapped and NAT64 forms included), are refused unless allowed by
// TARGETS_ALLOW_PRIVATE. A name is checked when the target is saved and again for every connection, on the address
// the connection really uses (a DNS name that later resolves to 127.0.0.1, DNS rebinding, is refused then), and
// redirects are never followed.
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (fd00:ec2::254, the AWS metadata service, is here)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address an IPv6 address carries (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d), if any. */
function embeddedIPv4(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return undefined;
}

/** True for an address outbound targets must not reach by default. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIPv4(ip);
    if (v4) return blocked.check(v4, 'ipv4');
    return blocked.check(ip, 'ipv6');
  }
  return true; // not an address at all: never connect to it
}

export type Lookup = (host: string) => Promise<string[]>;

const systemLookup: Lookup = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addrs: LookupAddress[]) =>
      err ? reject(err) : resolve(addrs.map((a) => a.address)),
    ),
  );

export class AddressRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressRefused';
  }
}

/**
 * Which addresses outbound targets may reach: public ones always; private ones only when allowed, all of them
 * (`'all'`: TARGETS_ALLOW_PRIVATE=1) or those in a list of addresses and CIDR ranges.
 */
export class AddressPolicy {
  private readonly allowed = new BlockList();
  private readonly allowAll: boolean;
  private readonly lookup: Lookup;

  constructor(allow?: 'all' | string[], opts: { lookup?: Lookup } = {}) {
    this.allowAll = allow === 'all';
    this.lookup = opts.lookup ?? systemLookup;
    if (Array.isArray(allow))
      for (const entry of allow) {
        const [addr, bits] = entry.split('/');
        const family = isIP(addr ?? '');
        if (!family) throw new Error(`TARGETS_ALLOW_PRIVATE: "${entry}" is not an address or CIDR range`);
        const type = family === 4 ? 'ipv4' : 'ipv6';
        if (bits === undefined) this.allowed.addAddress(addr!, type);
        else this.allowed.addSubnet(addr!, Number(bits), type);
      }
  }

  /** Every address allowed: the checks are skipped (TARGETS_ALLOW_PRIVATE=1). */
  get open(): boolean {
    return this.allowAll;
  }

  /** Why `ip` may not be reached, or undefined when it may. */
  problem(ip: string): string | undefined {
    if (this.allowAll || !isPrivateAddress(ip)) return undefined;
    const family = isIP(ip);
    if (family && this.allowed.check(ip, family === 4 ? 'ipv4' : 'ipv6')) return undefined;
    if (family === 6 && embeddedIPv4(ip) && this.allowed.check(embeddedIPv4(ip)!, 'ipv4')) return undefined;
    return `${ip} is a private, loopback, link-local or reserved address; outbound targets may reach it only when TARGETS_ALLOW_PRIVATE allows it`;
  }

  /**
   * Why `url` may not be a target, or undefined: its host when it is an address, else every address its name resolves
   * to now. A name that does not resolve is let through here; each connection is checked again when it is made.
   */
  async urlProblem(url: string): Promise<string | undefined> {
    if (this.allowAll) return undefined;
    let host: string;
    try {
      host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return `${url} is not a URL`;
    }
    if (isIP(host)) return this.problem(host);
    let addrs: string[];
    try {
      addrs = await this.lookup(host);
    } catch {
      return undefined;
    }
    for (const a of addrs) {
      const p = this.problem(a);
      if (p) return `${host} resolves to ${p}`;
    }
    return undefined;
  }

  /** A net lookup function that resolves like the system and refuses a connection to a disallowed address. */
  connectLookup(): LookupFunction {
    return (hostname, options, callback) => {
      this.lookup(hostname).then(
        (addrs) => {
          const family = typeof options === 'object' && options ? options.family : undefined;
          const usable = addrs.filter((a) => !family || isIP(a) === family);
          const refused = usable.map((a) => this.problem(a)).find(Boolean);
          if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
          if (refused) return callback(new AddressRefused(`${hostname} resolves to ${refused}`), '', 4);
          if (typeof options === 'object' && options?.all)
            return (callback as unknown as (e: null, a: LookupAddress[]) => void)(
              null,
              usable.map((address) => ({ address, family: isIP(address) })),
            );
          return callback(null, usable[0]!, isIP(usable[0]!));
        },
        (e: unknown) => callback(e as NodeJS.ErrnoException, '', 4),
      );
    };
  }

  /**
   * A fetch for outbound targets: node:http(s) with the checked lookup (an address literal is checked before
   * connecting), never following redirects. Answers a Response like fetch; a refused address rejects with
   * AddressRefused.
   */
  fetch(): typeof fetch {
    return (async (input: string | URL | Request, init: RequestInit = {}) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AddressRefused(`${url.protocol} is not http or https`);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host)) {
        const p = this.problem(host);
        if (p) throw new AddressRefused(p);
      }
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((v, k) => (headers[k] = v));
      const body = init.body === undefined || init.body === null ? undefined : String(init.body);
      const lib = url.protocol === 'https:' ? https : http;
      return new Promise<Response>((resolve, reject) => {
        const req = lib.request(
          url,
          { method: init.method ?? 'GET', headers, lookup: this.connectLookup(), ...(init.signal ? { signal: init.signal } : {}) },
          (res) => {
            const out = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
            const status = res.statusCode ?? 0;
            const empty = status === 204 || status === 304 || req.method === 'HEAD';
            if (empty) res.resume();
            resolve(
              new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
                status: status < 200 || status > 599 ? 502 : status,
                statusText: res.statusMessage ?? '',
                headers: out,
              }),
            );
          },
        );
        req.on('error', (e) => {
          // fetch's shape: a TypeError whose cause says what failed, or the abort itself
          if (e instanceof AddressRefused || e.name === 'AbortError' || e.name === 'TimeoutError') return reject(e);
          if (init.signal?.aborted) return reject(init.signal.reason);
          reject(Object.assign(new TypeError('fetch failed'), { cause: e }));
        });
        req.end(body);
      });
    }) as typeof fetch;
  }
}
