import { randomHex } from '../../core/ids.js';
import { expectedResponse, REALM } from './digest.js';
import { CREATED_BY, DESC_MAX, type AgentApiKey, type ApiKey, type CreatedBy, type OpsManagerModel } from './model.js';

/** An agent API key as `POST …/agentapikeys` answers it (key unmasked), plus its project. */
export type AgentApiKeyRecord = AgentApiKey;

/**
 * `emulator.opsmanager`: seed and inspect Ops Manager state from test code. Input is checked like the API and the
 * fixtures check it (a TypeError says what is wrong).
 */
export interface OpsManagerApi {
  /** The underlying model (Maps and tables), for anything the helpers below do not cover. */
  readonly model: OpsManagerModel;
  readonly agentApiKeys: {
    /** Creates a key as the API would (`createdBy` PUBLIC_API by default); `createdTime` is the emulator's now. */
    create(input: { groupId: string; desc?: string; createdBy?: CreatedBy; createdUserId?: string; createdIpAddr?: string }): AgentApiKeyRecord;
    get(id: string): AgentApiKeyRecord | undefined;
    /** A project's keys, unmasked, in the list endpoint's order. */
    list(groupId: string): AgentApiKeyRecord[];
    delete(id: string): boolean;
  };
  readonly apiKeys: {
    /** A programmatic API key by its id or its public key. */
    get(idOrPublicKey: string): Readonly<ApiKey> | undefined;
    list(): Readonly<ApiKey>[];
  };
  /**
   * A valid `Authorization: Digest …` header for one request by a programmatic API key (a nonce is issued for it,
   * qop=auth, nc=00000001), for tests that want to skip the challenge round trip.
   */
  authorization(method: string, url: string, publicKey: string): string;
}

const copy = (k: AgentApiKey): AgentApiKeyRecord => ({ ...k });

export function opsManagerApi(model: OpsManagerModel): OpsManagerApi {
  return {
    model,
    agentApiKeys: {
      create({ groupId, desc = '', createdBy = 'PUBLIC_API', createdUserId, createdIpAddr }) {
        if (!model.groups.has(groupId)) throw new TypeError(`groupId: no group with id ${JSON.stringify(groupId)}`);
        if (typeof desc !== 'string' || desc.length > DESC_MAX) throw new TypeError(`desc: expected at most ${DESC_MAX} characters`);
        if (!CREATED_BY.includes(createdBy)) throw new TypeError(`createdBy: expected one of ${CREATED_BY.join(', ')}`);
        if (createdUserId !== undefined && !/^[0-9a-f]{24}$/.test(createdUserId)) throw new TypeError('createdUserId: expected a 24-hex ObjectId');
        return copy(model.addAgentApiKey({ groupId, desc, createdBy, createdUserId, createdIpAddr }));
      },
      get(id) {
        const k = model.agentApiKeys.get(id);
        return k && copy(k);
      },
      list: (groupId) => model.agentKeysOf(groupId).map(copy),
      delete: (id) => model.agentApiKeys.delete(id) !== undefined,
    },
    apiKeys: {
      get: (idOrPublicKey) => model.apiKeys.get(idOrPublicKey) ?? model.apiKeysByPublicKey.get(idOrPublicKey),
      list: () => [...model.apiKeys.values()],
    },
    authorization(method, url, publicKey) {
      const key = model.apiKeysByPublicKey.get(publicKey);
      if (!key) throw new TypeError(`no programmatic API key with public key ${JSON.stringify(publicKey)}`);
      const u = new URL(url);
      const uri = u.pathname + u.search;
      const nonce = model.nonces.issue();
      const cnonce = randomHex(16);
      const m = method.toUpperCase();
      const response = expectedResponse({ method: m, uri, username: publicKey, realm: REALM, password: key.privateKey, nonce, qop: 'auth', nc: '00000001', cnonce });
      return `Digest username="${publicKey}", realm="${REALM}", nonce="${nonce}", uri="${uri}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}", response="${response}"`;
    },
  };
}
