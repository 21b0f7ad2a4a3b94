import type { RouteContext } from '../../core/types.js';
import { challenge, expectedResponse, parseDigestHeader, REALM, sameHex } from './digest.js';
import { digestFailure, omError } from './errors.js';
import type { AccessEntry, ApiKey, Group, OpsManagerModel } from './model.js';

type Ctx = RouteContext<OpsManagerModel>;

// ---------------------------------------------------------------- IP access lists

export interface Cidr {
  family: 4 | 6;
  /** The network address, host bits cleared. */
  network: bigint;
  prefix: number;
}

/** An address as a number: IPv4 in 32 bits, IPv6 in 128 (an IPv4-mapped IPv6 address counts as IPv4). */
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * 4, 6 or 0, like `net.isIP` — without it: node:net builds its large IPv6 regular expression on first use (~7 ms,
 * at start-up, when the fixtures' access lists are checked). IPv6 is left to the URL parser.
 */
export function isIP(ip: string): 0 | 4 | 6 {
  if (IPV4.test(ip)) return 4;
  return ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip) && URL.canParse(`http://[${ip}]/`) ? 6 : 0;
}

export function parseIp(raw: string): { family: 4 | 6; value: bigint } | undefined {
  let ip = raw.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  const family = isIP(ip);
  if (family === 4) return { family: 4, value: ipv4(ip) };
  if (family !== 6) return undefined;
  let head = ip;
  let tailV4: bigint | undefined;
  const lastColon = ip.lastIndexOf(':');
  if (ip.includes('.', lastColon)) {
    tailV4 = ipv4(ip.slice(lastColon + 1));
    head = `${ip.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const l = left ? left.split(':') : [];
  const r = right === undefined ? [] : right ? right.split(':') : [];
  const groups = right === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  // ::ffff:a.b.c.d is the IPv4 client a.b.c.d (what a dual-stack socket reports).
  if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

function ipv4(ip: string): bigint {
  return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

/** `10.0.0.0/8`, `::1/128`, or a bare address (a /32 or /128). Undefined when it is neither. */
export function parseCidr(entry: string): Cidr | undefined {
  const slash = entry.indexOf('/');
  const addr = parseIp(slash === -1 ? entry : entry.slice(0, slash));
  if (!addr) return undefined;
  const max = addr.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const p = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    // The prefix length counts the bits of the address as written; an IPv4-mapped IPv6 block is the IPv4 block
    // (::ffff:10.0.0.0/104 is 10.0.0.0/8).
    const written = isIP(entry.slice(0, slash).replace(/^\[|\]$/g, '')) === 6 ? 128 : 32;
    if (prefix > written) return undefined;
    if (written === 128 && addr.family === 4) prefix = Math.max(0, prefix - 96);
  }
  return { family: addr.family, network: mask(addr.value, prefix, max), prefix };
}

function mask(value: bigint, prefix: number, bits: number): bigint {
  if (prefix === 0) return 0n;
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

export function inCidr(ip: string, cidr: Cidr): boolean {
  const a = parseIp(ip);
  if (!a || a.family !== cidr.family) return false;
  return mask(a.value, cidr.prefix, a.family === 4 ? 32 : 128) === cidr.network;
}

/**
 * No access list (or an empty one) lets the key in from anywhere [doc]: `true`. Otherwise the entry that lets `ip`
 * in, or undefined.
 */
export function allowedFrom(key: ApiKey, ip: string): AccessEntry | true | undefined {
  return key.accessList.length === 0 ? true : key.accessList.find((e) => inCidr(ip, e.cidr));
}

// ---------------------------------------------------------------- Digest authentication

/** The request-target as the server saw it (path + query), normalised like a URL so spellings compare equal. */
function normalizeTarget(target: string, base: string): string | undefined {
  try {
    const u = new URL(target, base);
    return u.pathname + u.search;
  } catch {
    return undefined;
  }
}

const NC_RE = /^[0-9a-f]{1,8}$/i;

/**
 * Authenticates the programmatic API key of a request by HTTP Digest, before anything looks at the body or the
 * content type [doc]. Any failure — no or another scheme's header, a malformed one, an unknown public key, a wrong
 * private key, a `uri` that is not this request's, a nonce we did not issue — is the bare 401 with a fresh
 * challenge; an expired nonce of ours with a right digest (or, with `strictNonceCount`, a replayed count) is the
 * same 401 with `stale=true`. Then the key's IP access list: 403 IP_ADDRESS_NOT_ON_ACCESS_LIST.
 */
export function authenticate(request: Request, ctx: Ctx): ApiKey {
  const { state } = ctx;
  const fail = (stale = false) => digestFailure(challenge(state.nonces.issue(), stale));
  const header = request.headers.get('authorization');
  if (!header) throw fail();
  const p = parseDigestHeader(header);
  if (!p) throw fail();
  const { username, realm, nonce, uri, response } = p;
  if (!username || realm !== REALM || !nonce || uri === undefined || !response || !/^[0-9a-f]{32}$/i.test(response)) throw fail();
  // `algorithm` quoted or not, any case; we offer MD5 and also accept MD5-sess.
  const algorithm = p.algorithm;
  if (algorithm !== undefined && !/^md5(-sess)?$/i.test(algorithm)) throw fail();
  // RFC 2069 (no qop) or qop=auth; we do not offer auth-int.
  const qop = p.qop;
  if (qop !== undefined && qop.toLowerCase() !== 'auth') throw fail();
  if (qop !== undefined && (!p.nc || !NC_RE.test(p.nc) || p.cnonce === undefined)) throw fail();
  if (algorithm?.toLowerCase() === 'md5-sess' && p.cnonce === undefined) throw fail();
  // The digest covers the header's `uri`; it must name this request's target (RFC 7616 §3.4.6) [inf: 401, not 400].
  const base = ctx.url.origin;
  const mine = normalizeTarget(ctx.url.pathname + ctx.url.search, base);
  if (normalizeTarget(uri, base) !== mine) throw fail();

  const key = state.apiKeysByPublicKey.get(username);
  if (!key) throw fail();
  const expected = expectedResponse({
    method: request.method,
    uri,
    username,
    realm,
    password: key.privateKey,
    nonce,
    qop,
    nc: p.nc,
    cnonce: p.cnonce,
    algorithm,
  });
  if (!sameHex(expected, response)) throw fail();
  const verdict = state.nonces.use(nonce, qop ? parseInt(p.nc!, 16) : undefined);
  if (verdict === 'unknown') throw fail();
  if (verdict !== 'ok') throw fail(true);

  ctx.locals.apiKeyId = key.id;
  const entry = allowedFrom(key, ctx.clientIp);
  if (!entry) throw omError('IP_ADDRESS_NOT_ON_ACCESS_LIST', ctx.clientIp);
  if (entry !== true) state.recordAccess(entry, ctx.clientIp);
  return key;
}

/** A 24-hex ObjectId in either case (the server parses ids as ObjectIds, so `5E22…` is `5e22…`). */
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** The ObjectId of a path segment (lowercased), or undefined when it is not one. */
export const objectIdParam = (raw: string): string | undefined => (OBJECT_ID.test(raw) ? raw.toLowerCase() : undefined);

/**
 * The project of the URL, for a key that needs `need` on it [doc]:
 * a malformed id → 404 INVALID_GROUP_ID; a project the key has no role in (or that does not exist) → 401
 * NOT_IN_GROUP, except that a key with a global role learns it does not exist (404 GROUP_NOT_FOUND); a role that
 * only reads, asked to write → 401 USER_UNAUTHORIZED.
 */
export function authorize(ctx: Ctx, key: ApiKey, need: 'read' | 'owner'): Group {
  const raw = ctx.params.groupId;
  const groupId = objectIdParam(raw);
  if (!groupId) throw omError('INVALID_GROUP_ID', raw);
  const group = ctx.state.groups.get(groupId);
  if (!group && ctx.state.hasGlobalRole(key)) throw omError('GROUP_NOT_FOUND', groupId);
  const access = ctx.state.accessTo(key, group, groupId);
  if (!group || access === 'none') throw omError('NOT_IN_GROUP');
  if (need === 'owner' && access !== 'owner') throw omError('USER_UNAUTHORIZED');
  return group;
}
