/**
 * Rackspace Identity v2.0 beyond the login: validating and revoking tokens, a user's API key (get, reset) and
 * credentials, and a user by name — the calls credential-rotation tooling makes. Facts and sources:
 * the team's spec, "Identity: token validation, revocation and API-key rotation" (D/ = Rackspace's identity docs,
 * S/ = Rackspace's Identity server source, M/ = mimic).
 */
import { NotFound } from '../../core/errors.js';
import { empty, json, type EmulatorRequest, type EmulatorResponse } from '../../core/http.js';
import type { RouteContext } from '../../core/types.js';
import {
  authenticateIdentity,
  mayManageCredentials,
  mayRevokeTokenOf,
  mayValidateOthers,
  maySeeUser,
  notAuthorized,
  type IdentityCaller,
} from './auth.js';
import { JSON_TYPE } from './errors.js';
import { identityTypeOf, type IdentityToken, type RackspaceModel, type User } from './model.js';

type Ctx = RouteContext<RackspaceModel>;

/** The credential type in these paths: the literal `:` (pyrax sends it unescaped [code]) or `%3A` [inf]. */
export const API_KEY_CREDENTIALS = 'RAX-KSKEY:apiKeyCredentials';

const roleId = (name: string) => String([...name].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7) % 100000000);

/**
 * `access.user` of a login or a validation: the user's identity type (a role without a tenant; `identity:default`
 * has id 2 [doc]) and its product roles on its tenant.
 */
export function accessUser(user: User, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const type = identityTypeOf(user);
  const typeRole = type === 'identity:default' ? { id: '2', name: type, description: 'Default Role.' } : { id: roleId(type), name: type, description: `${type} role` };
  return {
    id: user.id,
    name: user.username,
    roles: [
      typeRole,
      ...user.roles.filter((r) => !r.startsWith('identity:')).map((name) => ({ id: roleId(name), name, description: `${name} role`, tenantId: user.tenantId })),
    ],
    'RAX-AUTH:defaultRegion': user.defaultRegion ?? 'ORD',
    ...extra,
  };
}

/** `access.token` of a login or a validation. */
export const accessToken = (token: IdentityToken) => ({
  id: token.id,
  expires: new Date(token.expiresMs).toISOString(),
  tenant: { id: token.tenantId, name: token.tenantId },
  'RAX-AUTH:authenticatedBy': token.authenticatedBy,
});

// ---------------------------------------------------------------- tokens

/** Unknown, expired, revoked, or containing whitespace → 404 `Token not found.` [code S/DefaultCloud20Service.validateTokenInternal]. */
function tokenToValidate(ctx: Ctx, id: string): { token: IdentityToken; user: User } {
  const token = /\s/.test(id) ? undefined : ctx.state.validToken(id);
  const user = token && ctx.state.users.get(token.username);
  if (!token || !user) throw new NotFound('Token not found.');
  return { token, user };
}

/**
 * `GET`/`HEAD /v2.0/tokens/{tokenId}[?belongsTo=]`: anyone validates their own token; other tokens need
 * `identity:admin`+ or `identity:validate-token-global` [code]. `belongsTo` checks the token user's roles on that
 * tenant, by id or name [code S/Validator20.java]. The answer has no serviceCatalog [doc]; HEAD has no body [doc WADL].
 */
function validate(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const caller = authenticateIdentity(request, ctx);
  const tokenId = ctx.params.tokenId;
  if (tokenId !== caller.token.id && !mayValidateOthers(caller)) throw notAuthorized();
  const { token, user } = tokenToValidate(ctx, tokenId);
  const belongsTo = ctx.query.get('belongsTo');
  if (belongsTo !== null && belongsTo !== user.tenantId)
    throw new NotFound(`Token doesn't belong to Tenant with Id/Name: '${belongsTo}'`);
  if (request.method === 'HEAD') return empty(200, { 'content-type': JSON_TYPE });
  return json({ access: { token: accessToken(token), user: accessUser(user, { 'RAX-AUTH:phonePinState': 'ACTIVE' }) } }, 200, {}, JSON_TYPE);
}

/** `DELETE /v2.0/tokens`: revokes the caller's own token at once → 204 [doc][code]; a second time it is 401. */
function revokeOwn(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const caller = authenticateIdentity(request, ctx);
  ctx.state.revokeIdentityToken(caller.token.id);
  return empty(204);
}

/**
 * `DELETE /v2.0/tokens/{tokenId}`: the caller's own token always; another's for `identity:user-admin` (users of its
 * domain), `identity:admin` and `identity:service-admin` [code]. Unknown/expired/revoked → 404 `Token not found`
 * (no final period here [code]).
 */
function revokeOther(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const caller = authenticateIdentity(request, ctx);
  const tokenId = ctx.params.tokenId;
  if (tokenId !== caller.token.id) {
    if (!mayRevokeTokenOf(caller, undefined)) throw notAuthorized();
    const token = ctx.state.validToken(tokenId);
    const owner = token && ctx.state.users.get(token.username);
    if (!token || !owner) throw new NotFound('Token not found');
    if (!mayRevokeTokenOf(caller, owner)) throw notAuthorized();
  }
  ctx.state.revokeIdentityToken(tokenId);
  return empty(204);
}

// ---------------------------------------------------------------- users and API keys

function userById(ctx: Ctx, userId: string): User {
  const user = ctx.state.usersById.get(userId);
  if (!user) throw new NotFound(`User ${userId} not found`);
  return user;
}

const apiKeyCredentials = (user: User) => ({ [API_KEY_CREDENTIALS]: { username: user.username, apiKey: user.apiKey } });

/** The `{credentialType}` segment must be `RAX-KSKEY:apiKeyCredentials` (the router hands it over decoded). */
function checkCredentialType(request: EmulatorRequest, ctx: Ctx): void {
  if (ctx.params.credentialType !== API_KEY_CREDENTIALS) throw new NotFound(`Resource not found: ${request.method} ${ctx.path}`);
}

/** The target user of a credentials call, after the caller's right to it [doc]. */
function credentialsTarget(caller: IdentityCaller, ctx: Ctx, action: 'read' | 'reset'): User {
  const target = userById(ctx, ctx.params.userId);
  mayManageCredentials(caller, target, action);
  return target;
}

/** `GET /v2.0/users/{userId}/OS-KSADM/credentials`: the API key (never the password) [doc][code]. */
function listCredentials(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const target = credentialsTarget(authenticateIdentity(request, ctx), ctx, 'read');
  return json({ credentials: [apiKeyCredentials(target)] }, 200, {}, JSON_TYPE);
}

/** `GET …/credentials/RAX-KSKEY:apiKeyCredentials`: the key in clear, on every read [doc]. */
function getApiKey(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const caller = authenticateIdentity(request, ctx);
  checkCredentialType(request, ctx);
  return json(apiKeyCredentials(credentialsTarget(caller, ctx, 'read')), 200, {}, JSON_TYPE);
}

/**
 * `POST …/RAX-KSKEY:apiKeyCredentials/RAX-AUTH/reset` (no body): a new 32-hex key → 200 with it [doc]. The old
 * key stops logging in at once; tokens already issued keep working until revoked [doc].
 */
function resetApiKey(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const caller = authenticateIdentity(request, ctx);
  checkCredentialType(request, ctx);
  const target = credentialsTarget(caller, ctx, 'reset');
  ctx.state.resetApiKey(target);
  return json(apiKeyCredentials(target), 200, {}, JSON_TYPE);
}

/** A user as `GET /v2.0/users?name=` shows it [doc D/get-list-users-v2.0.rst]. */
const userRecord = (user: User) => ({
  id: user.id,
  username: user.username,
  ...(user.email !== undefined ? { email: user.email } : {}),
  enabled: true,
  'RAX-AUTH:defaultRegion': user.defaultRegion ?? 'ORD',
  'RAX-AUTH:domainId': user.domainId,
  'RAX-AUTH:multiFactorEnabled': false,
});

/**
 * `GET /v2.0/users?name={username}` → `{"user":{…}}`, one object [doc][code]; unknown → 404 `User not found: 'x'`,
 * a user the caller may not see → 403. Without `name`: `{"users":[…]}`, the users the caller may see [doc], all on
 * one page [inf: the Link pagination header is left out].
 */
function users(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const caller = authenticateIdentity(request, ctx);
  const name = ctx.query.get('name');
  if (name === null) {
    const visible = [...ctx.state.users.values()].filter((u) => maySeeUser(caller, u));
    return json({ users: visible.map((u) => userRecord(u)) }, 200, {}, JSON_TYPE);
  }
  const user = ctx.state.users.get(name);
  if (!user) throw new NotFound(`User not found: '${name}'`);
  if (!maySeeUser(caller, user)) throw notAuthorized();
  return json({ user: userRecord(user) }, 200, {}, JSON_TYPE);
}

const USER_CREDENTIALS = '/v2.0/users/:userId/OS-KSADM/credentials';

/** The identity routes of this file, for the vendor's route table. */
export const identityRoutes = [
  { method: 'GET', path: '/v2.0/tokens/:tokenId', name: 'identity.tokens.validate', service: 'identity', handler: validate },
  { method: 'HEAD', path: '/v2.0/tokens/:tokenId', name: 'identity.tokens.check', service: 'identity', handler: validate },
  { method: 'DELETE', path: '/v2.0/tokens', name: 'identity.tokens.revokeOwn', service: 'identity', handler: revokeOwn },
  { method: 'DELETE', path: '/v2.0/tokens/:tokenId', name: 'identity.tokens.revoke', service: 'identity', handler: revokeOther },
  { method: 'GET', path: '/v2.0/users', name: 'identity.users.list', service: 'identity', handler: users },
  { method: 'GET', path: USER_CREDENTIALS, name: 'identity.credentials.list', service: 'identity', handler: listCredentials },
  { method: 'GET', path: `${USER_CREDENTIALS}/:credentialType`, name: 'identity.apiKey.get', service: 'identity', handler: getApiKey },
  {
    method: 'POST',
    path: `${USER_CREDENTIALS}/:credentialType/RAX-AUTH/reset`,
    name: 'identity.apiKey.reset',
    service: 'identity',
    handler: resetApiKey,
  },
];
