import { jwtVerify, SignJWT } from 'jose';
import type { ApiToken } from './model.js';

/**
 * API tokens are HS256 JWTs: the docs' example header decodes to `{"alg":"HS256","typ":"JWT"}` [doc]. The claims
 * are not public [inf]: `jti` and `sub` are the token id, plus `account_id`, `token_scope`, `environment_id` /
 * `agent_id` / `agent_deployment_id` when set, `iat`, and `exp` when the token has an `expires_at`.
 */
export const JWT_ALG = 'HS256';

export async function signApiToken(secret: Uint8Array, t: ApiToken, nowMs: number): Promise<string> {
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
  return jwt.sign(secret);
}

/**
 * The token id and account of a JWT this emulator signed and that has not expired by the emulator's clock, or
 * undefined for anything else (another key, a changed byte, `alg: none`, not a JWT, expired).
 */
export async function verifyApiToken(
  secret: Uint8Array,
  jwt: string,
  nowMs: number,
): Promise<{ id: string; accountId: string } | undefined> {
  try {
    const { payload } = await jwtVerify(jwt, secret, {
      algorithms: [JWT_ALG],
      currentDate: new Date(nowMs),
      requiredClaims: ['jti', 'account_id'],
    });
    if (typeof payload.jti !== 'string' || typeof payload.account_id !== 'string') return undefined;
    if (payload.sub !== undefined && payload.sub !== payload.jti) return undefined;
    return { id: payload.jti, accountId: payload.account_id };
  } catch {
    return undefined;
  }
}
