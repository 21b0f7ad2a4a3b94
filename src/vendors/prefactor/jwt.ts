import type { ApiToken } from './model.js';

/**
 * API tokens are HS256 JWTs: the docs' example header decodes to `{"alg":"HS256","typ":"JWT"}` [doc]. The claims
 * are not public [inf]: `jti` and `sub` are the token id, plus `account_id`, `token_scope`, `environment_id` /
 * `agent_id` / `agent_deployment_id` when set, `iat`, and `exp` when the token has an `expires_at`.
 *
 * jose signs and verifies. It is loaded on the first JWT signed or verified (not at start-up: an emulator that is
 * never asked for one never pays for it), only the two entry points used (`jose/jwt/sign`, `jose/jwt/verify`).
 */
export const JWT_ALG = 'HS256';

let signLib: Promise<typeof import('jose/jwt/sign')> | undefined;
let verifyLib: Promise<typeof import('jose/jwt/verify')> | undefined;

/**
 * The secret imported once as a WebCrypto HMAC key: jose would import a Uint8Array key again on every call (about
 * half of its cost). Keyed by the secret's identity (a model's secret is never changed in place).
 */
const KEYS = new WeakMap<Uint8Array, Promise<CryptoKey>>();

function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  let key = KEYS.get(secret);
  if (!key) {
    key = globalThis.crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    KEYS.set(secret, key);
  }
  return key;
}

export async function signApiToken(secret: Uint8Array, t: ApiToken, nowMs: number): Promise<string> {
  const { SignJWT } = await (signLib ??= import('jose/jwt/sign'));
  const claims: Record<string, unknown> = { account_id: t.account_id, token_scope: t.token_scope };
  if (t.environment_id !== null) claims.environment_id = t.environment_id;
  if (t.agent_id !== null) claims.agent_id = t.agent_id;
  if (t.agent_deployment_id !== null) claims.agent_deployment_id = t.agent_deployment_id;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
    .setJti(t.id)
    .setSubject(t.id)
    .setIssuedAt(Math.floor(nowMs / 1000));
  if (t.expires_at !== null) jwt.setExpirationTime(Math.floor(Date.parse(t.expires_at) / 1000));
  return jwt.sign(await hmacKey(secret));
}

/** What a JWT proved once its signature and claims checked out: all that is left to check later is the time. */
interface Verified {
  id: string;
  accountId: string;
  /** `nbf` and `exp` (seconds), when present; jose has checked they are numbers. */
  nbf: number | undefined;
  exp: number | undefined;
}

/** At most this many verified JWTs are remembered per secret; the oldest is forgotten first. */
export const VERIFIED_CACHE_LIMIT = 10_000;

/**
 * Per secret: JWT string → what its first successful verification proved. Only successes are remembered (a
 * tampered, unsigned, foreign or malformed JWT is checked again every time), and only what does not depend on
 * the time: each use checks `nbf` / `exp` against the clock again, exactly as jose does.
 */
const VERIFIED = new WeakMap<Uint8Array, Map<string, Verified>>();

/**
 * The token id and account of a JWT this emulator signed and that has not expired by the emulator's clock, or
 * undefined for anything else (another key, a changed byte, `alg: none`, not a JWT, expired). A JWT's signature
 * is verified once (jose, then remembered); whether the token still exists, is active, and belongs to that
 * account is for the caller to check on every request.
 */
export async function verifyApiToken(
  secret: Uint8Array,
  jwt: string,
  nowMs: number,
): Promise<{ id: string; accountId: string } | undefined> {
  let cache = VERIFIED.get(secret);
  if (!cache) VERIFIED.set(secret, (cache = new Map()));
  const known = cache.get(jwt);
  if (known) return inTime(known, nowMs) ? { id: known.id, accountId: known.accountId } : undefined;

  // jose's first check, before loading jose for something that is not a compact JWS (a mistyped bearer).
  if (jwt.split('.').length !== 3) return undefined;
  try {
    const { jwtVerify } = await (verifyLib ??= import('jose/jwt/verify'));
    const { payload } = await jwtVerify(jwt, await hmacKey(secret), {
      algorithms: [JWT_ALG],
      currentDate: new Date(nowMs),
      requiredClaims: ['jti', 'account_id'],
    });
    if (typeof payload.jti !== 'string' || typeof payload.account_id !== 'string') return undefined;
    if (payload.sub !== undefined && payload.sub !== payload.jti) return undefined;
    const verified: Verified = { id: payload.jti, accountId: payload.account_id, nbf: payload.nbf, exp: payload.exp };
    if (cache.size >= VERIFIED_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(jwt, verified);
    return { id: verified.id, accountId: verified.accountId };
  } catch {
    return undefined;
  }
}

/** jose's time checks (no clock tolerance): not before `nbf`, and before `exp`, in whole seconds of `nowMs`. */
function inTime(v: Verified, nowMs: number): boolean {
  const ms = new Date(nowMs).getTime();
  if (!Number.isFinite(ms)) return false; // jose refuses such a currentDate (TypeError)
  const now = Math.floor(ms / 1000);
  return !(v.nbf !== undefined && v.nbf > now) && !(v.exp !== undefined && v.exp <= now);
}
