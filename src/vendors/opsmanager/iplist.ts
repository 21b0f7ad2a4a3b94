/**
 * IP access lists of programmatic API keys [doc]: entries are addresses or CIDR blocks of either family, checked
 * with node:net's `BlockList` on Node (a plain-JavaScript one with the same answers in a browser: `#platform`).
 * Entries are validated here without node:net (fixtures are checked at start-up, and node:net's address checks
 * build a large IPv6 regular expression on first use, ~7 ms); a key's `BlockList` is built on its first check.
 */
import { BlockList, type SubnetList } from '#platform';

/** A parsed access-list entry: the address as written (zone and brackets removed) and the prefix length. */
export interface Cidr {
  family: 4 | 6;
  address: string;
  prefix: number;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** 4, 6 or 0, like `net.isIP` (IPv6 is left to the URL parser). */
export function isIP(ip: string): 0 | 4 | 6 {
  if (IPV4.test(ip)) return 4;
  return ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip) && URL.canParse(`http://[${ip}]/`) ? 6 : 0;
}

/** An address as checked: brackets and zone removed; an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is its IPv4 address. */
function normalise(raw: string): { family: 4 | 6; address: string } | undefined {
  let ip = raw.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  const family = isIP(ip);
  if (family === 4) return { family, address: ip };
  if (family !== 6) return undefined;
  // The URL parser writes the canonical form: a mapped address as `::ffff:a00:1`.
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return { family: 6, address: canonical };
  const hi = parseInt(mapped[1], 16);
  const lo = parseInt(mapped[2], 16);
  return { family: 4, address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}` };
}

/** `10.0.0.0/8`, `::1/128`, or a bare address (a /32 or /128). Undefined when it is neither. */
export function parseCidr(entry: string): Cidr | undefined {
  const slash = entry.indexOf('/');
  const written = slash === -1 ? entry : entry.slice(0, slash);
  const addr = normalise(written);
  if (!addr) return undefined;
  let prefix = addr.family === 4 ? 32 : 128;
  if (slash !== -1) {
    const p = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    // The prefix length counts the bits of the address as written; an IPv4-mapped IPv6 block is the IPv4 block
    // (::ffff:10.0.0.0/104 is 10.0.0.0/8).
    const bits = isIP(written.replace(/^\[|\]$/g, '').replace(/%.*$/, '')) === 6 ? 128 : 32;
    if (prefix > bits) return undefined;
    if (bits === 128 && addr.family === 4) prefix = Math.max(0, prefix - 96);
  }
  return { family: addr.family, address: addr.address, prefix };
}

const familyName = (c: Cidr) => (c.family === 4 ? 'ipv4' : 'ipv6');

function blockListOf(cidrs: Iterable<Cidr>): SubnetList {
  const list = new BlockList();
  for (const c of cidrs) list.addSubnet(c.address, c.prefix, familyName(c));
  return list;
}

/** Up to this many entries, each is checked in turn; a longer list is checked whole first (a refusal is one check). */
const FEW = 4;

/**
 * An access list: its entries (anything carrying a parsed `cidr`), in order; who it lets in, and which entry did (to
 * count its use [doc]: the first that matches). A short list is checked entry by entry — a request let in by the
 * first entry costs one BlockList check; a longer one is checked with one BlockList of all its entries first, and
 * entry by entry only for a request it lets in. No entries: everyone [doc].
 */
export class AccessList<E extends { readonly cidr: Cidr }> {
  private static readonly cache = new WeakMap<readonly object[], AccessList<never>>();

  /**
   * The check of an entries array, built once per array: a list that changes is a new array (the model never
   * changes one in place), so a stale check cannot be found.
   */
  static of<E extends { readonly cidr: Cidr }>(entries: readonly E[]): AccessList<E> {
    let list = AccessList.cache.get(entries) as AccessList<E> | undefined;
    if (!list) AccessList.cache.set(entries, (list = new AccessList(entries)) as AccessList<never>);
    return list;
  }

  /** All entries in one BlockList (lists longer than FEW), built on first use. */
  private whole: SubnetList | undefined;
  /** One BlockList per entry, built on first use. */
  private perEntry: SubnetList[] | undefined;

  constructor(readonly entries: readonly E[]) {}

  allows(ip: string): boolean {
    return this.match(ip) !== undefined;
  }

  /** `true` when the list is empty (anyone is let in); else the first entry that lets `ip` in, or undefined. */
  match(ip: string): E | true | undefined {
    const entries = this.entries;
    if (entries.length === 0) return true;
    const a = normalise(ip);
    if (!a) return undefined;
    const family = a.family === 4 ? 'ipv4' : 'ipv6';
    if (entries.length > FEW) {
      this.whole ??= blockListOf(entries.map((e) => e.cidr));
      if (!this.whole.check(a.address, family)) return undefined;
    }
    const perEntry = (this.perEntry ??= entries.map((e) => blockListOf([e.cidr])));
    for (let i = 0; i < perEntry.length; i++) if (perEntry[i].check(a.address, family)) return entries[i];
    return undefined;
  }
}

/** Whether one entry lets `ip` in. */
export const inCidr = (ip: string, cidr: Cidr): boolean => new AccessList([{ cidr }]).allows(ip);

/** The same block: same family and prefix, and the same network (`10.0.0.1/8` is `10.0.0.0/8`). */
export const sameBlock = (a: Cidr, b: Cidr): boolean => a.family === b.family && a.prefix === b.prefix && inCidr(b.address, a);
