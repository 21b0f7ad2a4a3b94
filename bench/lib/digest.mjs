// HTTP Digest (RFC 7616 / 2617, MD5) client side, as the real Ops Manager clients do it: one 401 challenge,
// then the same nonce reused with a rising nonce count (digest-fetch sends nc=00000002, 00000003, …).
import { createHash, randomBytes } from 'node:crypto';

const md5 = (s) => createHash('md5').update(s).digest('hex');

/** Parses `Digest realm="…", nonce="…", qop="auth", algorithm=MD5` (quoted or bare values). */
export function parseChallenge(header) {
  if (!header || !/^\s*Digest\s/i.test(header)) return undefined;
  const out = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of header.replace(/^\s*Digest\s+/i, '').matchAll(re)) out[m[1].toLowerCase()] = m[2] ?? m[3];
  return out;
}

/**
 * One digest session (one client): `next(method, uri)` returns the Authorization value of the next request,
 * nc rising from 1. HA1 and HA2 are computed once; each request costs one MD5.
 */
export function digestSession(username, password, challenge) {
  const realm = challenge.realm ?? '';
  const nonce = challenge.nonce;
  const qop = challenge.qop ? (challenge.qop.split(',').map((s) => s.trim()).includes('auth') ? 'auth' : undefined) : undefined;
  const algorithm = challenge.algorithm ?? 'MD5';
  const opaque = challenge.opaque;
  const cnonce = randomBytes(8).toString('hex');
  const ha1 = md5(`${username}:${realm}:${password}`);
  const ha2Cache = new Map();
  let nc = 0;
  return {
    get nc() {
      return nc;
    },
    next(method, uri) {
      const key = `${method} ${uri}`;
      let ha2 = ha2Cache.get(key);
      if (!ha2) ha2Cache.set(key, (ha2 = md5(`${method}:${uri}`)));
      nc++;
      const ncHex = nc.toString(16).padStart(8, '0');
      const response = qop ? md5(`${ha1}:${nonce}:${ncHex}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
      let h = `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, response="${response}"`;
      if (qop) h += `, qop=${qop}, nc=${ncHex}, cnonce="${cnonce}"`;
      if (opaque !== undefined) h += `, opaque="${opaque}"`;
      return h;
    },
  };
}
