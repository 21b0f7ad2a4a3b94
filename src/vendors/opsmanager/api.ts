import { randomHex } from '../../core/ids.js';
import { expectedResponse, REALM } from './digest.js';
import { accessEntry, checkRole, type AccessEntry, CREATED_BY, DESC_MAX, type AgentApiKey, type ApiKey, type CreatedBy, type OpsManagerModel, type Role } from './model.js';

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
    /**
     * Creates a programmatic key as `POST /orgs/{ORG-ID}/apiKeys` would (any mix of org, project and global roles,
     * checked like fixtures) and returns it with its private key; `orgId` defaults to its first role's org.
     */
    create(input: { desc: string; roles: Role[]; orgId?: string; accessList?: string[] }): Readonly<ApiKey>;
    /** Deletes a key (by id or public key): the next request signed with it is refused. */
    delete(idOrPublicKey: string): boolean;
    /** Replaces a key's IP access list (addresses or CIDR blocks; empty = anywhere). */
    setAccessList(idOrPublicKey: string, entries: string[]): void;
  };
  /**
   * A valid `Authorization: Digest …` header for one request by a programmatic API key (a nonce is issued for it,
   * qop=auth, nc=00000001), for tests that want to skip the challenge round trip.
   */
  authorization(method: string, url: string, publicKey: string): string;
}

const copy = (k: AgentApiKey): AgentApiKeyRecord => ({ ...k });

const findKey = (model: OpsManagerModel, idOrPublicKey: string) => model.apiKeys.get(idOrPublicKey) ?? model.apiKeysByPublicKey.get(idOrPublicKey);

/** Access-list entries from what a test wrote, all checked before anything changes. */
function accessEntries(model: OpsManagerModel, written: string[]): AccessEntry[] {
  const now = model.clock.now();
  return written.map((w, i) => {
    const entry = typeof w === 'string' ? accessEntry(w, now) : undefined;
    if (!entry) throw new TypeError(`accessList[${i}]: expected an IP address or CIDR block, got ${JSON.stringify(w)}`);
    return entry;
  });
}

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
      get: (idOrPublicKey) => findKey(model, idOrPublicKey),
      list: () => [...model.apiKeys.values()],
      create({ desc, roles, orgId, accessList = [] }) {
        if (typeof desc !== 'string' || desc.length < 1 || desc.length > 250) throw new TypeError('desc: expected 1–250 characters');
        if (!Array.isArray(roles)) throw new TypeError('roles: expected an array of roles');
        roles.forEach((r, i) => {
          try {
            checkRole(r, `roles[${i}]`, new Set(model.orgs.keys()), new Set(model.groups.keys()));
          } catch (e) {
            throw new TypeError((e as Error).message);
          }
        });
        const org = orgId ?? model.defaultOrgOf({ roles });
        if (org !== undefined && !model.orgs.has(org)) throw new TypeError(`orgId: no org with id ${JSON.stringify(org)}`);
        const entries = accessEntries(model, accessList);
        const key = model.createApiKey(org, desc, roles.map((r) => ({ ...r })));
        model.setAccessList(key, entries);
        return key;
      },
      delete(idOrPublicKey) {
        const key = findKey(model, idOrPublicKey);
        if (key) model.deleteApiKey(key);
        return key !== undefined;
      },
      setAccessList(idOrPublicKey, entries) {
        const key = findKey(model, idOrPublicKey);
        if (!key) throw new TypeError(`no programmatic API key ${JSON.stringify(idOrPublicKey)}`);
        model.setAccessList(key, accessEntries(model, entries));
      },
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
