import { signApiToken } from './jwt.js';
import {
  SCOPE_FIELDS,
  TOKEN_SCOPES,
  TOKEN_STATUSES,
  parseRfc3339,
  rfc3339,
  type PrefactorModel,
  type TokenScope,
  type TokenStatus,
} from './model.js';
import { details } from './wire.js';

/** ApiToken_Details exactly as the API answers it. */
export type ApiTokenDetails = ReturnType<typeof details>;

export interface PrefactorCreateInput {
  account_id: string;
  token_scope?: TokenScope;
  environment_id?: string | null;
  agent_id?: string | null;
  expires_at?: string | null;
  /** A literal bearer string for the token (default: a signed JWT, as the API issues). */
  token?: string;
}

/**
 * `emulator.prefactor`: seed and inspect Prefactor state from test code, in the wire format. Input is checked like
 * the API checks it (a TypeError says what is wrong).
 */
export interface PrefactorApi {
  /** The underlying model, for anything the helpers below do not cover. */
  readonly model: PrefactorModel;
  readonly apiTokens: {
    /** Creates an active token; resolves to `{ details, token }` like `POST /api/v1/api_token`. */
    create(input: PrefactorCreateInput): Promise<{ details: ApiTokenDetails; token: string }>;
    get(id: string): ApiTokenDetails | undefined;
    /** An account's tokens in id (creation) order. */
    list(accountId: string): ApiTokenDetails[];
    /** Sets a status directly (no lifecycle check: seeding may need any state). */
    setStatus(id: string, status: TokenStatus): ApiTokenDetails;
    delete(id: string): boolean;
  };
}

export function prefactorApi(model: PrefactorModel): PrefactorApi {
  const find = (id: string) => {
    const t = model.apiTokens.get(id);
    if (!t) throw new TypeError(`no Prefactor API token with id ${JSON.stringify(id)}`);
    return t;
  };
  return {
    model,
    apiTokens: {
      async create(input) {
        const scope = input.token_scope ?? 'account';
        if (!TOKEN_SCOPES.includes(scope)) throw new TypeError(`token_scope: expected one of ${TOKEN_SCOPES.join(', ')}`);
        if (!model.accounts.has(input.account_id)) throw new TypeError(`account_id: no account ${JSON.stringify(input.account_id)}`);
        const environment_id = input.environment_id ?? null;
        const agent_id = input.agent_id ?? null;
        const rules = SCOPE_FIELDS[scope];
        if ((rules.environment_id === 'required') !== (environment_id !== null))
          throw new TypeError(`environment_id: ${rules.environment_id === 'required' ? 'required' : 'must be absent'} for scope ${scope}`);
        if ((rules.agent_id === 'required') !== (agent_id !== null))
          throw new TypeError(`agent_id: ${rules.agent_id === 'required' ? 'required' : 'must be absent'} for scope ${scope}`);
        if (environment_id !== null && model.environments.get(environment_id)?.account_id !== input.account_id)
          throw new TypeError(`environment_id: no environment ${JSON.stringify(environment_id)} in that account`);
        let expires_at: string | null = null;
        if (input.expires_at != null) {
          const ms = parseRfc3339(input.expires_at);
          if (!Number.isFinite(ms)) throw new TypeError('expires_at: expected an RFC 3339 date-time');
          expires_at = rfc3339(ms);
        }
        if (input.token !== undefined && (typeof input.token !== 'string' || !input.token || model.bearers.has(input.token)))
          throw new TypeError('token: expected a non-empty bearer string not used by another token');
        const t = model.prepareToken({ account_id: input.account_id, token_scope: scope, environment_id, agent_id, expires_at });
        if (input.token !== undefined) {
          t.bearer = input.token;
          model.bearers.set(input.token, t.id);
        } else t.bearer = await signApiToken(model.secret, t, model.clock.now());
        model.insertToken(t);
        return { details: details(t), token: t.bearer };
      },
      get(id) {
        const t = model.apiTokens.get(id);
        return t && details(t);
      },
      list(accountId) {
        return model.apiTokens.pageAt(accountId, 0, Number.MAX_SAFE_INTEGER).map(details);
      },
      setStatus(id, status) {
        if (!TOKEN_STATUSES.includes(status)) throw new TypeError(`status: expected one of ${TOKEN_STATUSES.join(', ')}`);
        return details(model.setStatus(find(id), status));
      },
      delete(id) {
        const t = model.apiTokens.get(id);
        if (!t) return false;
        model.deleteToken(t);
        return true;
      },
    },
  };
}
