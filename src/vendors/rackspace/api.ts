import { LABEL_MAX, type AgentToken, type IdentityToken, type RackspaceModel, type User } from './model.js';

/** An agent token exactly as the API shows it. */
export interface AgentTokenRecord {
  id: string;
  token: string;
  label: string | null;
}

/**
 * `emulator.rackspace`: seed and inspect Rackspace state from test code, in the wire format. Input is checked like
 * the API checks it (a TypeError says what is wrong).
 */
export interface RackspaceApi {
  /** The underlying model (Maps and tables), for anything the helpers below do not cover. */
  readonly model: RackspaceModel;
  readonly agentTokens: {
    create(input: { tenantId: string; label?: string | null }): AgentTokenRecord;
    get(id: string): AgentTokenRecord | undefined;
    /** A tenant's tokens in id order (the list endpoint's order). */
    list(tenantId: string): AgentTokenRecord[];
    delete(id: string): boolean;
  };
  readonly users: {
    get(username: string): Readonly<User> | undefined;
    list(): Readonly<User>[];
    /** Resets the user's API key as `POST …/RAX-AUTH/reset` does and returns the new one (issued tokens keep working). */
    resetApiKey(username: string): string;
  };
  readonly identityTokens: {
    /** A live (issued, unexpired, unrevoked) `X-Auth-Token`, or undefined. */
    get(id: string): Readonly<IdentityToken> | undefined;
    /** A user's live tokens. */
    list(username: string): Readonly<IdentityToken>[];
    /** Revokes a token as `DELETE /v2.0/tokens/{id}` does; false when it was not live. */
    revoke(id: string): boolean;
  };
  /** Logs a user in as `POST /v2.0/tokens` would and returns the `X-Auth-Token`. */
  login(username: string): string;
}

const wire = (t: AgentToken): AgentTokenRecord => ({ id: t.id, token: t.token, label: t.label });

export function rackspaceApi(model: RackspaceModel): RackspaceApi {
  return {
    model,
    agentTokens: {
      create({ tenantId, label = null }) {
        if (typeof tenantId !== 'string' || !tenantId || /[/?#\s]/.test(tenantId)) throw new TypeError('tenantId: expected a tenant id');
        if (label !== null && (typeof label !== 'string' || label.length < 1 || [...label].length > LABEL_MAX))
          throw new TypeError(`label: expected null or 1–${LABEL_MAX} characters`);
        return wire(model.createAgentToken(tenantId, label));
      },
      get(id) {
        const t = model.agentTokens.get(id);
        return t && wire(t);
      },
      list(tenantId) {
        return model.agentTokens.pageFrom(tenantId, undefined, Number.MAX_SAFE_INTEGER).items.map(wire);
      },
      delete(id) {
        return model.agentTokens.delete(id) !== undefined;
      },
    },
    users: {
      get: (username) => model.users.get(username),
      list: () => [...model.users.values()],
      resetApiKey(username) {
        const user = model.users.get(username);
        if (!user) throw new TypeError(`no Rackspace user named ${JSON.stringify(username)}`);
        return model.resetApiKey(user);
      },
    },
    identityTokens: {
      get: (id) => model.validToken(id),
      list: (username) => [...model.identityTokens.values()].filter((t) => t.username === username && model.validToken(t.id)),
      revoke: (id) => model.validToken(id) !== undefined && model.revokeIdentityToken(id),
    },
    login(username) {
      const user = model.users.get(username);
      if (!user) throw new TypeError(`no Rackspace user named ${JSON.stringify(username)}`);
      return model.issueIdentityToken(user, user.tenantId, 'APIKEY').id;
    },
  };
}
