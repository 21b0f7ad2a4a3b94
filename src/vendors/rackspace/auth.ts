import type { EmulatorRequest } from '../../core/http.js';
import { Forbidden, Unauthorized } from '../../core/errors.js';
import type { RouteContext } from '../../core/types.js';
import { LEVEL_FOR_METHOD, ROLE_LEVEL, type IdentityToken, type RackspaceModel, type User } from './model.js';

export interface Caller {
  token: IdentityToken;
  user: User;
  tenantId: string;
}

/**
 * Monitoring authentication: `X-Auth-Token` must be a live identity token of the URL's tenant, and the user's
 * roles must allow the method (observer reads, creator also writes, admin also deletes) [doc].
 * 401 answers carry `WWW-Authenticate: Keystone uri=…` [inf].
 */
export function authenticate(request: EmulatorRequest, ctx: RouteContext<RackspaceModel>): Caller {
  const { state, params } = ctx;
  const tenantId = params.tenantId;
  const challenge = { 'www-authenticate': `Keystone uri="${ctx.serviceOrigin('identity')}/v2.0"` };
  const raw = request.headers.get('x-auth-token')?.trim();
  if (!raw) throw new Unauthorized('No auth token supplied', undefined, 'The X-Auth-Token header is missing or empty', challenge);
  const token = state.validToken(raw);
  const user = token && state.users.get(token.username);
  if (!token || !user)
    throw new Unauthorized('Authentication failed', undefined, 'The X-Auth-Token is invalid or has expired', challenge);
  if (token.tenantId !== tenantId)
    throw new Unauthorized(
      'Authentication failed',
      undefined,
      `The X-Auth-Token is not valid for tenant '${tenantId}'`,
      challenge,
    );
  // Only an authenticated tenant is counted for X-RateLimit-* (the documented budget): no state for strangers' requests.
  ctx.subject = tenantId;
  const level = Math.max(0, ...user.roles.map((r) => ROLE_LEVEL[r] ?? 0));
  const needed = LEVEL_FOR_METHOD[request.method] ?? 3;
  if (level < needed) {
    const role = user.roles.find((r) => ROLE_LEVEL[r] === level) ?? 'no monitoring role';
    throw new Forbidden(
      'Forbidden',
      undefined,
      `User '${user.username}' with ${role === 'no monitoring role' ? role : `role '${role}'`} may not perform ${request.method} on agent tokens`,
    );
  }
  return { token, user, tenantId };
}
