/**
 * Pure-JavaScript versions of what Node gives the emulator natively (node:crypto's MD5 and SHA-256, Buffer's hex and
 * base64url, constant-time comparison, `@prefactor/pfid`'s encoding), for the browser variant of the platform
 * (`./browser.ts`). Synchronous, because their callers are: digest verification and id generation run inside
 * synchronous model code, and Web Crypto is asynchronous (and has no MD5 at all). Node never loads this file;
 * test/platform.test.ts checks every function against its native counterpart.
 */

const utf8 = new TextEncoder();

// ---------------------------------------------------------------- encodings

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]];
  return out;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Base64url without padding, like `Buffer#toString('base64url')`. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64URL[n >>> 18] + B64URL[(n >>> 12) & 63] + B64URL[(n >>> 6) & 63] + B64URL[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64URL[n >>> 18] + B64URL[(n >>> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64URL[n >>> 18] + B64URL[(n >>> 12) & 63] + B64URL[(n >>> 6) & 63];
  }
  return out;
}

/** Two strings equal, in time that depends on their length only (the string form of `timingSafeEqual`). */
export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

// ---------------------------------------------------------------- MD5 (RFC 1321)

const MD5_K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32));
const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/** Message bytes, padded and length-suffixed into 32-bit words (MD5: little-endian; SHA-2: big-endian). */
function padded(bytes: Uint8Array, littleEndian: boolean): Int32Array {
  const n = bytes.length;
  const words = new Int32Array((((n + 8) >>> 6) + 1) * 16);
  const shift = (i: number) => (littleEndian ? (i & 3) * 8 : 24 - (i & 3) * 8);
  for (let i = 0; i < n; i++) words[i >> 2] |= bytes[i] << shift(i);
  words[n >> 2] |= 0x80 << shift(n);
  const lo = (n * 8) | 0;
  const hi = Math.floor(n / 0x20000000);
  if (littleEndian) [words[words.length - 2], words[words.length - 1]] = [lo, hi];
  else [words[words.length - 2], words[words.length - 1]] = [hi, lo];
  return words;
}

/** MD5 of the UTF-8 bytes of `s`, as 32 lowercase hex characters. */
export function md5Hex(s: string): string {
  const m = padded(utf8.encode(s), true);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476;
  for (let off = 0; off < m.length; off += 16) {
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) [f, g] = [(b & c) | (~b & d), i];
      else if (i < 32) [f, g] = [(d & b) | (~d & c), (5 * i + 1) & 15];
      else if (i < 48) [f, g] = [b ^ c ^ d, (3 * i + 5) & 15];
      else [f, g] = [c ^ (b | ~d), (7 * i) & 15];
      const x = (a + f + MD5_K[i] + m[off + g]) | 0;
      const s = MD5_S[((i >> 4) << 2) | (i & 3)];
      a = d;
      d = c;
      c = b;
      b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  const out = new Uint8Array(16);
  [a0, b0, c0, d0].forEach((w, i) => {
    for (let j = 0; j < 4; j++) out[i * 4 + j] = (w >>> (j * 8)) & 0xff;
  });
  return toHex(out);
}

// ---------------------------------------------------------------- SHA-256 (FIPS 180-4)

const SHA256_K = Int32Array.from(
  '428a2f98 71374491 b5c0fbcf e9b5dba5 3956c25b 59f111f1 923f82a4 ab1c5ed5 d807aa98 12835b01 243185be 550c7dc3 72be5d74 80deb1fe 9bdc06a7 c19bf174 e49b69c1 efbe4786 0fc19dc6 240ca1cc 2de92c6f 4a7484aa 5cb0a9dc 76f988da 983e5152 a831c66d b00327c8 bf597fc7 c6e00bf3 d5a79147 06ca6351 14292967 27b70a85 2e1b2138 4d2c6dfc 53380d13 650a7354 766a0abb 81c2c92e 92722c85 a2bfe8a1 a81a664b c24b8b70 c76c51a3 d192e819 d6990624 f40e3585 106aa070 19a4c116 1e376c08 2748774c 34b0bcb5 391c0cb3 4ed8aa4a 5b9cca4f 682e6ff3 748f82ee 78a5636f 84c87814 8cc70208 90befffa a4506ceb bef9a3f7 c67178f2'
    .split(' ')
    .map((h) => parseInt(h, 16)),
);

/** SHA-256 of the UTF-8 bytes of `s`, as 64 lowercase hex characters. */
export function sha256Hex(s: string): string {
  const m = padded(utf8.encode(s), false);
  const h = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Int32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < m.length; off += 16) {
    for (let i = 0; i < 16; i++) w[i] = m[off + i];
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i]) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      [hh, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => (h[i] = (h[i] + v) | 0));
  }
  let out = '';
  for (const v of h) out += (v >>> 0).toString(16).padStart(8, '0');
  return out;
}

// ---------------------------------------------------------------- PFID (@prefactor/pfid's format)

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const MAX_PARTITION = 2 ** 30 - 1;
const MAX_TIMESTAMP = 2 ** 48 - 1;

/**
 * The 20 bytes of a PFID as `@prefactor/pfid` lays them out: 48-bit timestamp (ms, big-endian), 32-bit partition
 * (30 bits used), 80 random bits.
 */
export function pfidBinary(partition: number, timestampMs: number, random: Uint8Array): Uint8Array {
  if (!Number.isInteger(partition) || partition < 0 || partition > MAX_PARTITION) throw new Error(`Invalid partition: ${partition}`);
  if (!Number.isInteger(timestampMs) || timestampMs < 0 || timestampMs > MAX_TIMESTAMP) throw new Error(`Invalid timestamp: ${timestampMs}`);
  const b = new Uint8Array(20);
  const high = Math.floor(timestampMs / 2 ** 32);
  b[0] = (high >>> 8) & 0xff;
  b[1] = high & 0xff;
  new DataView(b.buffer).setUint32(2, timestampMs >>> 0);
  new DataView(b.buffer).setUint32(6, partition);
  b.set(random.subarray(0, 10), 10);
  return b;
}

const CROCKFORD_VALUE = new Map([...CROCKFORD].map((c, i) => [c, i]));

/** The partition of a PFID (characters 10–15, 30 bits), like `extractPartition`; throws for anything else. */
export function partitionOf(pfid: string): number {
  if (!/^[0-7][0-9abcdefghjkmnpqrstvwxyz]{31}$/.test(pfid)) throw new Error(`Invalid PFID: ${pfid}`);
  let v = 0;
  for (const c of pfid.slice(10, 16)) v = v * 32 + CROCKFORD_VALUE.get(c)!;
  return v;
}

/**
 * Crockford base32 of those 160 bits the way `@prefactor/pfid` encodes them: 3 bits, nine groups of 5 (timestamp),
 * the partition's 2 unused top bits skipped, then groups of 5 (30 bits partition, 80 bits randomness): 32 characters.
 */
export function encodePfid(binary: Uint8Array): string {
  let out = '';
  let bit = 0;
  const read = (count: number) => {
    let v = 0;
    for (let i = 0; i < count; i++, bit++) v = (v << 1) | ((binary[bit >> 3] >> (7 - (bit & 7))) & 1);
    return v;
  };
  out += CROCKFORD[read(3)];
  for (let i = 0; i < 9; i++) out += CROCKFORD[read(5)];
  read(2);
  for (let i = 0; i < 22; i++) out += CROCKFORD[read(5)];
  return out;
}

// ---------------------------------------------------------------- IP subnets

/** An IPv4 address as 4 bytes: a dotted quad without leading zeros (what `inet_pton`, under node:net, accepts). */
function ipv4Bytes(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out.push(Number(p));
  }
  return out;
}

/** 16-bit groups of one side of `::`; a dotted IPv4 address may end the address (two groups). */
function ipv6Groups(part: string, last: boolean): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  const pieces = part.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
    else if (last && i === pieces.length - 1 && p.includes('.')) {
      const v4 = ipv4Bytes(p);
      if (!v4) return undefined;
      out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else return undefined;
  }
  return out;
}

/**
 * An IPv6 address as 16 bytes: hex groups, at most one `::` (one or more zero groups), an optional IPv4 tail; a
 * zone (`%eth0`) is ignored, as `inet_pton` under node:net ignores it.
 */
function ipv6Bytes(s: string): number[] | undefined {
  const zone = s.indexOf('%');
  const halves = (zone === -1 ? s : s.slice(0, zone)).split('::');
  if (halves.length > 2) return undefined;
  const head = ipv6Groups(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? ipv6Groups(halves[1], true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.flatMap((g) => [g >> 8, g & 255]);
}

type Family = 'ipv4' | 'ipv6';

const addressBytes = (address: string, family: Family): number[] | undefined =>
  typeof address !== 'string' ? undefined : family === 'ipv6' ? ipv6Bytes(address) : ipv4Bytes(address);

/** Whether the first `prefix` bits of two addresses of the same length agree. */
function samePrefix(net: readonly number[], prefix: number, addr: readonly number[]): boolean {
  let i = 0;
  for (; prefix >= 8; prefix -= 8, i++) if (net[i] !== addr[i]) return false;
  if (prefix === 0) return true;
  const mask = (0xff << (8 - prefix)) & 0xff;
  return (net[i] & mask) === (addr[i] & mask);
}

const MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/**
 * The part of node:net's `BlockList` the emulator uses (`addSubnet`, `check`), with its answers: an IPv4 address
 * is checked against IPv6 subnets as its IPv4-mapped form (`::ffff:a.b.c.d`), an IPv6 address against IPv4
 * subnets only when it is IPv4-mapped; an address that does not parse is not in the list.
 */
export class PortableBlockList {
  private readonly subnets: { bytes: number[]; prefix: number }[] = [];

  addSubnet(address: string, prefix: number, family: Family = 'ipv4'): void {
    const bytes = addressBytes(address, family);
    if (!bytes) throw new TypeError(`Invalid socket address: ${address}`);
    const bits = bytes.length * 8;
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits)
      throw new RangeError(`The value of "prefix" is out of range. It must be >= 0 && <= ${bits}. Received ${prefix}`);
    this.subnets.push({ bytes, prefix });
  }

  check(address: string, family: Family = 'ipv4'): boolean {
    const addr = addressBytes(address, family);
    if (!addr) return false;
    return this.subnets.some(({ bytes, prefix }) => {
      if (bytes.length === addr.length) return samePrefix(bytes, prefix, addr);
      if (bytes.length === 16) return samePrefix(bytes, prefix, [...MAPPED, ...addr]);
      return MAPPED.every((b, i) => addr[i] === b) && samePrefix(bytes, prefix, addr.slice(12));
    });
  }
}
