/**
 * HTTP Digest access authentication (RFC 7616 / RFC 2617, MD5) as the Ops Manager Public API speaks it, on
 * node:crypto: the challenge, parsing an `Authorization: Digest …` header, the expected `response`, and the nonces
 * we issued with their lifetime on the emulator's clock. MD5 and the constant-time comparison come from the platform
 * (node:crypto on Node).
 */
import { md5Hex, sameText } from '#platform';
import type { Clock } from '../../core/clock.js';
import { randomBase64Url } from '../../core/ids.js';

/** The realm of every challenge [cap]. */
export const REALM = 'MMS Public API';

/** How long a nonce we issued stays usable (with a rising `nc`) [inf: not documented; 5 minutes like Spring's default]. */
export const NONCE_TTL_MS = 5 * 60_000;

/**
 * How long after issuing it we still recognise a nonce as ours, so an expired one is answered `stale=true` rather
 * than as unknown [inf]. Bounded by `MAX_NONCES` too, so a flood of challenges cannot grow the store without end.
 */
export const NONCE_MEMORY_MS = 24 * 60 * 60_000;
export const MAX_NONCES = 20_000;

/**
 * `WWW-Authenticate` exactly as the real server words it [cap]:
 * `Digest realm="MMS Public API", domain="", nonce="<32 chars>", algorithm=MD5, qop="auth", stale=false`.
 */
export function challenge(nonce: string, stale: boolean): string {
  return `Digest realm="${REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;
}

export const md5 = md5Hex;

/** The parameters of an `Authorization: Digest …` header, names lowercased, values unquoted (literal otherwise). */
export type DigestParams = Record<string, string>;

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses `Digest name=value, name="quoted \"value\"", …` (RFC 7235 auth-params; unquoted values may be any run of
 * characters other than whitespace, `,` and `"`, since clients send `algorithm=MD5`, `nc=00000001`, `qop=auth`
 * bare). Returns undefined for another scheme or a malformed header (unterminated quote, a parameter twice, …).
 */
export function parseDigestHeader(header: string): DigestParams | undefined {
  const s = header;
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && TCHAR.test(s[i])) i++;
    return s.slice(start, i);
  };
  ws();
  if (token().toLowerCase() !== 'digest') return undefined;
  if (i < s.length && s[i] !== ' ' && s[i] !== '\t') return undefined;
  const out: DigestParams = {};
  for (;;) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
    if (i >= s.length) break;
    const name = token().toLowerCase();
    if (!name) return undefined;
    ws();
    if (s[i] !== '=') return undefined;
    i++;
    ws();
    let value = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const c = s[i++];
        if (c === '\\') {
          if (i >= s.length) return undefined;
          value += s[i++];
        } else if (c === '"') {
          closed = true;
          break;
        } else value += c;
      }
      if (!closed) return undefined;
    } else {
      const start = i;
      while (i < s.length && !/[\s,"]/.test(s[i])) i++;
      value = s.slice(start, i);
      if (!value) return undefined;
    }
    if (Object.prototype.hasOwnProperty.call(out, name)) return undefined;
    out[name] = value;
    ws();
    if (i < s.length && s[i] !== ',') return undefined;
  }
  return Object.keys(out).length ? out : undefined;
}

export interface ResponseInput {
  method: string;
  /** The `uri` of the header, literally (HA2 is computed over it, not over our idea of the URL). */
  uri: string;
  username: string;
  realm: string;
  password: string;
  nonce: string;
  /** `auth`, or undefined for an RFC 2069 response. */
  qop?: string;
  /** The nonce count exactly as sent (one real client sends `nc=1`, unpadded). */
  nc?: string;
  cnonce?: string;
  /** `MD5` (default) or `MD5-sess`. */
  algorithm?: string;
}

/** The `response` a client with the right password computes (lowercase hex). */
export function expectedResponse(p: ResponseInput): string {
  let ha1 = md5(`${p.username}:${p.realm}:${p.password}`);
  if (p.algorithm?.toUpperCase() === 'MD5-SESS') ha1 = md5(`${ha1}:${p.nonce}:${p.cnonce ?? ''}`);
  const ha2 = md5(`${p.method}:${p.uri}`);
  return p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
}

export function sameHex(a: string, b: string): boolean {
  return sameText(a.toLowerCase(), b.toLowerCase());
}

export type NonceVerdict = 'ok' | 'unknown' | 'stale' | 'replayed';

interface NonceRecord {
  issuedAt: number;
  /** Highest nonce count accepted so far (-1: none yet). */
  maxNc: number;
}

/**
 * The nonces we issued. Each lives `ttlMs` on the emulator's clock (so `clock.advance` expires it) and may be reused
 * meanwhile: a client that authenticates pre-emptively (digest-fetch) sends the same nonce with nc=2, 3, …
 *
 * Nonce counts [inf: the real server's rule is undocumented]: by default any count is accepted, rising or not,
 * because real clients need it: digest-fetch shares one counter between concurrent requests (two requests in flight
 * send the same `nc` and `cnonce`), and urllib counts process-wide, so its first `nc` on a fresh nonce is arbitrary.
 * With `strictNonceCount` a count must rise above the highest one seen for that nonce (RFC 7616's replay check);
 * a replay is answered like an expired nonce (401, `stale=true`), so a client retries with a fresh nonce.
 */
export class NonceStore {
  private readonly records = new Map<string, NonceRecord>();
  readonly ttlMs: number;
  readonly strict: boolean;

  constructor(
    private readonly clock: Clock,
    opts: { ttlMs?: number; strictNonceCount?: boolean } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? NONCE_TTL_MS;
    this.strict = opts.strictNonceCount ?? false;
  }

  get size(): number {
    return this.records.size;
  }

  /** A fresh nonce: 32 characters, like the real ones [cap]. */
  issue(): string {
    const now = this.clock.now();
    this.prune(now);
    let nonce: string;
    do nonce = randomBase64Url(24);
    while (this.records.has(nonce));
    this.records.set(nonce, { issuedAt: now, maxNc: -1 });
    return nonce;
  }

  /**
   * Checks a nonce of a response whose digest was right. `nc` is the nonce count (a number) of a `qop=auth`
   * response, undefined for an RFC 2069 one.
   */
  use(nonce: string, nc: number | undefined): NonceVerdict {
    const r = this.records.get(nonce);
    if (!r) return 'unknown';
    // A clock moved backwards makes a nonce younger, never invalid.
    if (this.clock.now() - r.issuedAt >= this.ttlMs) return 'stale';
    if (nc !== undefined) {
      if (this.strict && nc <= r.maxNc) return 'replayed';
      if (nc > r.maxNc) r.maxNc = nc;
    }
    return 'ok';
  }

  private prune(now: number): void {
    // Insertion order is issue order (unless the clock moved back, which only delays pruning).
    for (const [nonce, r] of this.records) {
      if (this.records.size >= MAX_NONCES || now - r.issuedAt > NONCE_MEMORY_MS) this.records.delete(nonce);
      else break;
    }
  }
}
