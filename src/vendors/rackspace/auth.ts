import type { EmulatorRequest } from '../../core/http.js';
import { Forbidden, Unauthorized } from '../../core/errors.js';
import type { RouteContext } from '../../core/types.js';
import {
  identityRank,
  identityTypeOf,
  LEVEL_FOR_METHOD,
  ROLE_LEVEL,
  type IdentityToken,
  type IdentityType,
  type RackspaceModel,
  type User,
} from './model.js';

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

// ---------------------------------------------------------------- Identity v2.0 callers and what they may do

export interface IdentityCaller {
  token: IdentityToken;
  user: User;
  type: IdentityType;
  rank: number;
}

/** Identity's 403 for a role or domain check [code S/…]: `{"forbidden":{"code":403,"message":"Not Authorized"}}`. */
export const notAuthorized = (message = 'Not Authorized') => new Forbidden(message);

/**
 * The caller of an Identity admin call: a live `X-Auth-Token` [code S/AuthenticationFilter.java]; a missing,
 * unknown, expired or revoked one → 401 with the server's wording [code].
 */
export function authenticateIdentity(request: EmulatorRequest, ctx: RouteContext<RackspaceModel>): IdentityCaller {
  const raw = request.headers.get('x-auth-token')?.trim();
  const token = raw ? ctx.state.validToken(raw) : undefined;
  const user = token && ctx.state.users.get(token.username);
  if (!token || !user) throw new Unauthorized("No valid token provided. Please use the 'X-Auth-Token' header with a valid token.");
  const type = identityTypeOf(user);
  return { token, user, type, rank: identityRank(type) };
}

const ADMIN = identityRank('identity:admin');
const USER_ADMIN = identityRank('identity:user-admin');

/**
 * Whether `identity:user-admin` may validate other users' tokens: the docs say "Identity user account
 * administrators" may, the 2019 server code answers them 403 [code] — the code is followed; flip this to follow the docs.
 */
export const USER_ADMIN_VALIDATES_OTHER_TOKENS = false;

/** Validating someone else's token: `identity:admin`+ or the role `identity:validate-token-global` [code]. */
export function mayValidateOthers(caller: IdentityCaller): boolean {
  if (caller.rank >= ADMIN || caller.user.roles.includes('identity:validate-token-global')) return true;
  return USER_ADMIN_VALIDATES_OTHER_TOKENS && caller.type === 'identity:user-admin';
}

/**
 * Revoking another user's token [code]: `identity:admin`/`identity:service-admin` any; `identity:user-admin` those of
 * users in its own domain. `owner` undefined asks whether the caller may revoke anyone's at all.
 */
export function mayRevokeTokenOf(caller: IdentityCaller, owner: User | undefined): boolean {
  if (caller.rank >= ADMIN) return true;
  if (caller.type !== 'identity:user-admin') return false;
  return owner === undefined || owner.domainId === caller.user.domainId;
}

/**
 * Reading or resetting a user's API key (and listing its credentials) [doc D/…/users]: oneself; a service-admin
 * anyone below it; an admin user-admins and their sub-users; a user-admin or user-manage the `identity:default`
 * users of its own domain. Throws the documented 403s [code].
 */
export function mayManageCredentials(caller: IdentityCaller, target: User, action: 'read' | 'reset'): void {
  if (caller.user === target) return;
  const targetRank = identityRank(identityTypeOf(target));
  if (caller.type === 'identity:default' && action === 'reset') throw notAuthorized('This user can only reset their own apiKey');
  if (caller.rank >= ADMIN) {
    if (targetRank < caller.rank) return;
    if (action === 'reset' && identityTypeOf(target) === 'identity:service-admin')
      throw notAuthorized('This user cannot set or reset Service Admin apiKey.');
    throw notAuthorized();
  }
  if (caller.rank >= identityRank('identity:user-manage') && targetRank === 0 && target.domainId === caller.user.domainId) return;
  throw notAuthorized();
}

/**
 * Who a caller may look up [doc][code]: itself; user-admins their domain; user-manage the `identity:default` users of
 * their domain; admins everyone.
 */
export function maySeeUser(caller: IdentityCaller, user: User): boolean {
  if (caller.user === user || caller.rank >= ADMIN) return true;
  if (user.domainId !== caller.user.domainId) return false;
  if (caller.rank === USER_ADMIN) return true;
  return caller.type === 'identity:user-manage' && identityTypeOf(user) === 'identity:default';
}
