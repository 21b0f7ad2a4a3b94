import type { EmulatorRequest } from '../../core/http.js';
import type { RouteContext } from '../../core/types.js';
import { badAuthtoken, notAuthenticated, notPermitted } from './errors.js';
import { verifyApiToken } from './jwt.js';
import type { ApiToken, PrefactorModel } from './model.js';

export interface Caller {
  token: ApiToken;
  accountId: string;
  /** Set for environment- and agent-deployment-scoped tokens: what they may reach is limited to it. */
  environmentId: string | null;
}

/**
 * `Authorization: Bearer <token>` [code]. No bearer → 401 `not_authenticated`; a bearer that is not a live token
 * (unknown, tampered, unsigned, signed with another key, expired, suspended, revoked) → 401 `bad_authtoken` [doc].
 * A fixture token's literal string is looked up; anything else must be a JWT this emulator signed, checked with
 * the emulator's clock. Each authenticated request sets the token's `last_used_at` [doc] — also when the request
 * then fails for another reason (the token was used) [inf].
 */
export async function authenticate(request: EmulatorRequest, ctx: RouteContext<PrefactorModel>): Promise<Caller> {
  const state = ctx.state;
  const header = request.headers.get('authorization');
  const m = header ? /^Bearer(?:[ \t]+(.*))?$/i.exec(header.trim()) : null;
  const bearer = m?.[1]?.trim();
  if (!bearer) throw notAuthenticated();

  let id = state.bearers.get(bearer);
  if (id === undefined) {
    const claims = await verifyApiToken(state.secret, bearer, ctx.clock.now());
    if (!claims) throw badAuthtoken('the token is not valid');
    const t = state.apiTokens.get(claims.id);
    if (!t || t.account_id !== claims.accountId) throw badAuthtoken('the token is not valid');
    id = t.id;
  }
  const token = state.apiTokens.get(id);
  if (!token) throw badAuthtoken('the token is not valid');
  if (token.status !== 'active') throw badAuthtoken(`the token is ${token.status}`);
  if (state.isExpired(token)) throw badAuthtoken('the token has expired');

  state.touch(token);
  ctx.subject = token.account_id;
  return { token, accountId: token.account_id, environmentId: token.environment_id };
}

/**
 * What a caller may reach [inf]: its own account, and for a token bound to an environment (scope `environment`
 * or `agent_deployment`) only tokens of that environment. Anything else → 403 `not_permitted`.
 */
export function assertCanReach(caller: Caller, target: { account_id: string; environment_id: string | null }): void {
  if (target.account_id !== caller.accountId) throw notPermitted('This API token may not access another account');
  if (caller.environmentId !== null && target.environment_id !== caller.environmentId)
    throw notPermitted('This API token is limited to its environment');
}
