/**
 * A small HTTP Digest client for the tests, written from RFC 7616 independently of the emulator's code, with knobs
 * to send what real (and broken) clients send: RFC 2069 without qop, an unpadded or replayed `nc`, a quoted
 * `algorithm`, MD5-sess, another `uri`, a wrong password.
 */
import { createHash, randomBytes } from 'node:crypto';

export const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** The parameters of a `WWW-Authenticate: Digest …` challenge. */
export function parseChallenge(header: string | null): Record<string, string> {
  if (!header?.startsWith('Digest ')) throw new Error(`not a digest challenge: ${header}`);
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) out[m[1]] = m[2] ?? m[3];
  return out;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface DigestOptions {
  /** `auth` (default) or `none` for an RFC 2069 response without qop, nc and cnonce. */
  qop?: 'auth' | 'none';
  /** The nonce count, sent and hashed literally (`1`, `00000001`, …); default 1 padded to 8 digits. */
  nc?: string | number;
  cnonce?: string;
  /** `MD5` (default, unquoted), `"MD5"` to quote it, `MD5-sess`, or null to leave the parameter out. */
  algorithm?: string | null;
  /** The `uri` to sign and send (default: the request's path and query). */
  uri?: string;
  realm?: string;
}

export function digestAuthorization(
  method: string,
  url: string,
  creds: Credentials,
  challenge: Record<string, string>,
  opts: DigestOptions = {},
): string {
  const u = new URL(url);
  const uri = opts.uri ?? u.pathname + u.search;
  const realm = opts.realm ?? challenge.realm;
  const nonce = challenge.nonce;
  const qop = opts.qop === 'none' ? undefined : 'auth';
  const nc = typeof opts.nc === 'number' ? opts.nc.toString(16).padStart(8, '0') : (opts.nc ?? '00000001');
  const cnonce = opts.cnonce ?? randomBytes(8).toString('hex');
  const algorithm = opts.algorithm === undefined ? 'MD5' : opts.algorithm;
  const bareAlgorithm = algorithm?.replace(/"/g, '');
  let ha1 = md5(`${creds.username}:${realm}:${creds.password}`);
  if (bareAlgorithm?.toUpperCase() === 'MD5-SESS') ha1 = md5(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = qop ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  const parts = [`username="${creds.username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`];
  if (algorithm !== null) parts.push(`algorithm=${algorithm}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  parts.push(`response="${response}"`);
  return `Digest ${parts.join(', ')}`;
}

/** Asks for a challenge (a request without credentials) and returns its parameters. */
export async function getChallenge(url: string, method = 'GET'): Promise<Record<string, string>> {
  const res = await fetch(url, { method });
  await res.arrayBuffer();
  if (res.status !== 401) throw new Error(`expected a 401 challenge from ${method} ${url}, got ${res.status}`);
  return parseChallenge(res.headers.get('www-authenticate'));
}

export interface SendInit {
  method?: string;
  body?: string | object;
  headers?: Record<string, string>;
}

/** Sends one request with a digest computed for `challenge` (JSON body when `body` is an object). */
export function sendWith(url: string, creds: Credentials, challenge: Record<string, string>, init: SendInit = {}, opts: DigestOptions = {}) {
  const method = init.method ?? 'GET';
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  return fetch(url, {
    method,
    headers: {
      authorization: digestAuthorization(method, url, creds, challenge, opts),
      ...(typeof init.body === 'object' ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body,
  });
}

/** The usual two legs: a challenge, then the request signed for it. */
export async function digestFetch(url: string, creds: Credentials, init: SendInit = {}, opts: DigestOptions = {}): Promise<Response> {
  const challenge = await getChallenge(url, init.method);
  return sendWith(url, creds, challenge, init, opts);
}
