import type { Clock } from '../../core/clock.js';
import { objectId, randomBytes, randomHex, uuid } from '../../core/ids.js';
import { array, literal, number, object, optional, refine, SchemaError, string, type Infer } from '../../core/schema.js';
import { DerivedCache, ifPresent, Table, TrackedMap } from '../../core/store.js';
import type { PersistedCollection, VendorEnv } from '../../core/types.js';
import { isIP, parseCidr, type Cidr } from './iplist.js';
import { NonceStore } from './digest.js';

/** `desc` of an agent API key: at most 1,000 characters [doc]. */
export const DESC_MAX = 1000;

/**
 * How an agent API key came to be [doc]; keys created through this API are `PUBLIC_API`. `SERVER_POOLS` is in the
 * documented list of values too [doc: the agent API keys resource's `createdBy` field].
 */
export const CREATED_BY = ['USER', 'OLD_KEY', 'PROVISIONING', 'ATLAS', 'PUBLIC_API', 'SERVER_POOLS'] as const;
export type CreatedBy = (typeof CREATED_BY)[number];

/** `2019-01-24T16:34:57Z`: access-list dates are ISO-8601 UTC to the second [doc]. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The roles a programmatic API key can hold [doc], by scope. Kept as data: a role Ops Manager adds is a one-line change.
 * What each grants on a project is in `PROJECT_ACCESS` below.
 */
export const GROUP_ROLES = [
  'GROUP_OWNER',
  'GROUP_READ_ONLY',
  'GROUP_AUTOMATION_ADMIN',
  'GROUP_BACKUP_ADMIN',
  'GROUP_MONITORING_ADMIN',
  'GROUP_USER_ADMIN',
  'GROUP_DATA_ACCESS_ADMIN',
  'GROUP_DATA_ACCESS_READ_WRITE',
  'GROUP_DATA_ACCESS_READ_ONLY',
] as const;
export const ORG_ROLES = ['ORG_OWNER', 'ORG_READ_ONLY', 'ORG_MEMBER', 'ORG_GROUP_CREATOR', 'ORG_BILLING_ADMIN'] as const;
export const GLOBAL_ROLES = [
  'GLOBAL_OWNER',
  'GLOBAL_READ_ONLY',
  'GLOBAL_AUTOMATION_ADMIN',
  'GLOBAL_BACKUP_ADMIN',
  'GLOBAL_MONITORING_ADMIN',
  'GLOBAL_USER_ADMIN',
] as const;

export type Access = 'owner' | 'read' | 'none';

/**
 * What a role grants on a project in its scope [doc]: owner roles create and delete agent API keys, every other
 * project role lists them. `ORG_OWNER` owns and `ORG_READ_ONLY` reads every project of its org; the other org roles
 * grant no project access by themselves. `GLOBAL_OWNER` owns every project; every other global role includes
 * Global Read Only, so it lists everywhere.
 */
export function roleAccess(roleName: string): Access {
  if (roleName === 'GROUP_OWNER' || roleName === 'ORG_OWNER' || roleName === 'GLOBAL_OWNER') return 'owner';
  if (roleName.startsWith('GROUP_') || roleName.startsWith('GLOBAL_') || roleName === 'ORG_READ_ONLY') return 'read';
  return 'none';
}

const HEX24 = /^[0-9a-f]{24}$/;
const id24 = (what: string) => string({ pattern: HEX24, patternName: `a 24-hex ObjectId (${what})` });
export const isObjectId = (s: string): boolean => HEX24.test(s);

const ipAddress = string({ min: 1, description: 'an IPv4 or IPv6 address' });
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

const role = object({
  orgId: optional(id24('an org id')),
  groupId: optional(id24('a group id')),
  roleName: string({ pattern: /^(GROUP|ORG|GLOBAL)_[A-Z_]+$/, patternName: 'a role name such as GROUP_OWNER, ORG_READ_ONLY or GLOBAL_OWNER' }),
});

const apiKey = object({
  id: id24('the programmatic API key id'),
  publicKey: string({ pattern: /^[a-z]{8}$/, patternName: 'a public key of 8 lowercase letters' }),
  privateKey: string({
    pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    patternName: 'a private key in UUID form',
  }),
  desc: optional(string({ max: 250 })),
  roles: array(role),
  /** IP addresses or CIDR blocks the key may be used from; absent or empty = anywhere. */
  accessList: optional(array(string({ min: 1, description: 'an IPv4/IPv6 address or CIDR block' }))),
  /**
   * The organization the key belongs to (its `/orgs/{ORG-ID}/apiKeys`). Default: the org of its first org role, else
   * of its first project role; a key with only global roles belongs to none.
   */
  orgId: optional(id24('an org id')),
  /** When each access-list entry was added and how it has been used (snapshots keep it; optional in fixtures). */
  accessListUsage: optional(
    array(
      object({
        entry: string({ min: 1, description: 'the accessList entry, as written there' }),
        created: string({ pattern: RFC3339, patternName: 'an ISO-8601 date-time' }),
        count: number({ integer: true, min: 0 }),
        lastUsed: optional(string({ pattern: RFC3339, patternName: 'an ISO-8601 date-time' })),
        lastUsedAddress: optional(ipAddress),
      }),
    ),
  ),
});

const agentApiKey = object({
  groupId: id24('a group id'),
  _id: id24('the agent API key id'),
  key: string({
    pattern: /^(?:[0-9a-f]{56}|[0-9a-f]{32})$/,
    patternName: 'an agent API key: 56 lowercase hex (new model) or 32 hex (old keys)',
  }),
  desc: string({ max: DESC_MAX }),
  createdBy: literal(...CREATED_BY),
  createdTime: number({ integer: true, min: 0, description: 'epoch milliseconds' }),
  createdUserId: optional(id24('the creating user or API key')),
  createdIpAddr: optional(ipAddress),
});

export const fixtureSchema = refine(
  object(
    {
      orgs: optional(array(object({ id: id24('an org id'), name: string({ min: 1 }) }))),
      groups: optional(array(object({ id: id24('a group id'), orgId: id24('an org id'), name: string({ min: 1 }) }))),
      apiKeys: optional(array(apiKey)),
      agentApiKeys: optional(array(agentApiKey)),
    },
    { description: 'MongoDB Ops Manager organizations, projects (groups), programmatic API keys and agent API keys' },
  ),
  (f, path) => {
    const at = (rest: string) => (path ? `${path}.${rest}` : rest);
    const unique = <T>(items: T[] | undefined, key: (t: T) => string, list: string, field: string) => {
      const seen = new Set<string>();
      items?.forEach((t, i) => {
        const k = key(t);
        if (seen.has(k)) throw new SchemaError(at(`${list}[${i}].${field}`), `duplicate ${field} ${JSON.stringify(k)}`);
        seen.add(k);
      });
      return seen;
    };
    const orgIds = unique(f.orgs, (o) => o.id, 'orgs', 'id');
    const groupIds = unique(f.groups, (g) => g.id, 'groups', 'id');
    f.groups?.forEach((g, i) => {
      if (!orgIds.has(g.orgId)) throw new SchemaError(at(`groups[${i}].orgId`), `no org with id ${JSON.stringify(g.orgId)}`);
    });
    unique(f.apiKeys, (k) => k.id, 'apiKeys', 'id');
    unique(f.apiKeys, (k) => k.publicKey, 'apiKeys', 'publicKey');
    f.apiKeys?.forEach((k, i) => {
      k.roles.forEach((r, j) => checkRole(r, at(`apiKeys[${i}].roles[${j}]`), orgIds, groupIds));
      k.accessList?.forEach((entry, j) => {
        if (!parseCidr(entry)) throw new SchemaError(at(`apiKeys[${i}].accessList[${j}]`), `expected an IP address or CIDR block, got ${JSON.stringify(entry)}`);
      });
      if (k.orgId !== undefined && !orgIds.has(k.orgId)) throw new SchemaError(at(`apiKeys[${i}].orgId`), `no org with id ${JSON.stringify(k.orgId)}`);
      k.accessListUsage?.forEach((u, j) => {
        if (!k.accessList?.includes(u.entry))
          throw new SchemaError(at(`apiKeys[${i}].accessListUsage[${j}].entry`), `${JSON.stringify(u.entry)} is not in the key's accessList`);
        if (u.lastUsedAddress !== undefined && !isIP(u.lastUsedAddress))
          throw new SchemaError(at(`apiKeys[${i}].accessListUsage[${j}].lastUsedAddress`), `expected an IP address, got ${JSON.stringify(u.lastUsedAddress)}`);
      });
    });
    unique(f.agentApiKeys, (k) => k._id, 'agentApiKeys', '_id');
    unique(f.agentApiKeys, (k) => k.key, 'agentApiKeys', 'key');
    f.agentApiKeys?.forEach((k, i) => {
      if (!groupIds.has(k.groupId)) throw new SchemaError(at(`agentApiKeys[${i}].groupId`), `no group with id ${JSON.stringify(k.groupId)}`);
      if (k.createdIpAddr !== undefined && !isIP(k.createdIpAddr))
        throw new SchemaError(at(`agentApiKeys[${i}].createdIpAddr`), `expected an IP address, got ${JSON.stringify(k.createdIpAddr)}`);
    });
  },
);

export function checkRole(r: Infer<typeof role>, path: string, orgIds: Set<string>, groupIds: Set<string>): void {
  const scope = r.roleName.split('_', 1)[0];
  const known: readonly string[] = scope === 'GROUP' ? GROUP_ROLES : scope === 'ORG' ? ORG_ROLES : GLOBAL_ROLES;
  if (!known.includes(r.roleName))
    throw new SchemaError(`${path}.roleName`, `unknown ${scope.toLowerCase()} role ${JSON.stringify(r.roleName)} (known: ${known.join(', ')})`);
  if (scope === 'GROUP') {
    if (r.groupId === undefined || r.orgId !== undefined) throw new SchemaError(path, `${r.roleName} takes a groupId (and no orgId)`);
    if (!groupIds.has(r.groupId)) throw new SchemaError(`${path}.groupId`, `no group with id ${JSON.stringify(r.groupId)}`);
  } else if (scope === 'ORG') {
    if (r.orgId === undefined || r.groupId !== undefined) throw new SchemaError(path, `${r.roleName} takes an orgId (and no groupId)`);
    if (!orgIds.has(r.orgId)) throw new SchemaError(`${path}.orgId`, `no org with id ${JSON.stringify(r.orgId)}`);
  } else if (r.orgId !== undefined || r.groupId !== undefined) {
    throw new SchemaError(path, `${r.roleName} is global: it takes neither orgId nor groupId`);
  }
}

export type OpsManagerFixture = Infer<typeof fixtureSchema>;
export type Org = { id: string; name: string };
export type Group = { id: string; orgId: string; name: string };
export type Role = Infer<typeof role>;
/** A programmatic API key in the fixture format. */
type ApiKeyFixture = Infer<typeof apiKey>;
/**
 * One entry of a programmatic key's IP access list [doc]: added as an `ipAddress` (then `cidrBlock` is it with /32 or
 * /128) or as a `cidrBlock`; parsed once; with its use (each request the entry lets in counts).
 */
export interface AccessEntry {
  readonly cidrBlock: string;
  readonly ipAddress: string | null;
  readonly cidr: Cidr;
  createdMs: number;
  /**
   * Set while `createdMs` is only when the emulator loaded a fixture entry that recorded no creation time [inf]: such
   * an entry is exported without a usage row until it is used, so a snapshot of the fixtures is the fixtures, whenever
   * it is taken.
   */
  createdAtLoad?: boolean;
  count: number;
  lastUsedMs?: number;
  lastUsedAddress?: string;
}
/**
 * A programmatic API key (the digest credentials), with its organization and its access list: never changed in
 * place, replaced by `OpsManagerModel.setAccessList` (its check, `AccessList.of`, is kept per array).
 */
export type ApiKey = Omit<Infer<typeof apiKey>, 'accessList' | 'accessListUsage' | 'orgId'> & {
  orgId?: string;
  readonly accessList: readonly AccessEntry[];
};

/** An access-list entry from what a fixture or a client wrote (`10.0.0.0/8`, `192.0.2.7`); undefined when it is neither. */
export function accessEntry(written: string, createdMs: number): AccessEntry | undefined {
  const cidr = parseCidr(written);
  if (!cidr) return undefined;
  const isAddress = !written.includes('/');
  return {
    cidrBlock: isAddress ? `${written}/${cidr.family === 4 ? 32 : 128}` : written,
    ipAddress: isAddress ? written : null,
    cidr,
    createdMs,
    count: 0,
  };
}
/** An entry with something to record beside the fixture: a creation time of its own, or a use. */
const hasUsage = (e: AccessEntry): boolean => !e.createdAtLoad || e.count > 0;

/** An agent API key exactly as the API shows it (unmasked), plus its project. */
export type AgentApiKey = Infer<typeof agentApiKey>;

export interface OpsManagerOptions {
  /** How long a digest nonce stays valid, in ms of the emulator's clock (default `NONCE_TTL_MS`). */
  nonceTtlMs?: number;
  /** Refuse a nonce count that does not rise (default false: see `NonceStore`). */
  strictNonceCount?: boolean;
}

export class OpsManagerModel {
  readonly orgs = new TrackedMap<Org>();
  readonly groups = new TrackedMap<Group>();
  readonly apiKeys = new TrackedMap<ApiKey>();
  readonly apiKeysByPublicKey = new Map<string, ApiKey>();
  /** Agent API keys by `_id`, partitioned by project. */
  /** Serialised list answers, reused while a project's keys are unchanged (keys are never edited in place). */
  readonly listBodies = new DerivedCache<string>();
  readonly agentApiKeys = new Table<AgentApiKey>(
    (k) => k._id,
    (k) => k.groupId,
  );
  readonly nonces: NonceStore;
  readonly options: OpsManagerOptions;
  readonly clock: Clock;

  constructor(fixture: OpsManagerFixture, env: VendorEnv) {
    this.clock = env.clock;
    this.options = readOptions(env.options);
    this.nonces = new NonceStore(env.clock, { ttlMs: this.options.nonceTtlMs, strictNonceCount: this.options.strictNonceCount });
    for (const o of fixture.orgs ?? []) this.orgs.set(o.id, { ...o });
    for (const g of fixture.groups ?? []) this.groups.set(g.id, { ...g });
    const now = this.clock.now();
    for (const { accessList, accessListUsage, orgId, ...k } of fixture.apiKeys ?? []) {
      const entries = (accessList ?? []).map((written) => {
        const entry = accessEntry(written, now)!;
        const usage = accessListUsage?.find((u) => u.entry === written);
        if (!usage) entry.createdAtLoad = true;
        else {
          entry.createdMs = Date.parse(usage.created);
          entry.count = usage.count;
          if (usage.lastUsed !== undefined) entry.lastUsedMs = Date.parse(usage.lastUsed);
          if (usage.lastUsedAddress !== undefined) entry.lastUsedAddress = usage.lastUsedAddress;
        }
        return entry;
      });
      const key: ApiKey = { ...k, roles: k.roles.map((r) => ({ ...r })), accessList: entries };
      const owner = orgId ?? this.defaultOrgOf(key);
      if (owner !== undefined) key.orgId = owner;
      this.apiKeys.set(key.id, key);
      this.apiKeysByPublicKey.set(key.publicKey, key);
    }
    this.agentApiKeys.load((fixture.agentApiKeys ?? []).map((a) => ({ ...a })));
  }

  export(): OpsManagerFixture {
    return {
      orgs: [...this.orgs.values()].map((o) => ({ ...o })),
      groups: [...this.groups.values()].map((g) => ({ ...g })),
      apiKeys: [...this.apiKeys.values()].map(this.exportApiKey),
      agentApiKeys: [...this.agentApiKeys.values()].map((a) => ({ ...a })),
    };
  }

  /** Each collection of the fixture format, record by record (`--persist` writes changes as they happen). */
  persisted(): Record<string, PersistedCollection> {
    const copy = <T extends object>(v: T) => ({ ...v });
    const byId = (r: { id: string }) => r.id;
    return {
      orgs: { source: this.orgs, export: (id) => ifPresent(this.orgs.get(id), copy), idOf: byId },
      groups: { source: this.groups, export: (id) => ifPresent(this.groups.get(id), copy), idOf: byId },
      apiKeys: { source: this.apiKeys, export: (id) => ifPresent(this.apiKeys.get(id), this.exportApiKey), idOf: byId },
      agentApiKeys: { source: this.agentApiKeys, export: (id) => ifPresent(this.agentApiKeys.get(id), copy), idOf: (a: AgentApiKey) => a._id },
    };
  }

  /**
   * A key in the fixture format: `orgId` only when it is not the default one, and the access list as written with
   * each entry's creation and use beside it (`accessListUsage`).
   */
  private readonly exportApiKey = ({ accessList, orgId, ...k }: ApiKey): ApiKeyFixture => ({
    ...k,
    roles: k.roles.map((r) => ({ ...r })),
    ...(orgId !== undefined && orgId !== this.defaultOrgOf(k) ? { orgId } : {}),
    ...(accessList.length ? { accessList: accessList.map((e) => e.ipAddress ?? e.cidrBlock) } : {}),
    ...(accessList.some(hasUsage)
      ? {
          accessListUsage: accessList.filter(hasUsage).map((e) => ({
            entry: e.ipAddress ?? e.cidrBlock,
            created: isoSeconds(e.createdMs),
            count: e.count,
            ...(e.lastUsedMs !== undefined ? { lastUsed: isoSeconds(e.lastUsedMs) } : {}),
            ...(e.lastUsedAddress !== undefined ? { lastUsedAddress: e.lastUsedAddress } : {}),
          })),
        }
      : {}),
  });

  /** What `key` may do on project `group`, from its group, org and global roles. */
  accessTo(key: ApiKey, group: Group | undefined, groupId: string): Access {
    let best: Access = 'none';
    for (const r of key.roles) {
      const applies =
        r.roleName.startsWith('GLOBAL_') ||
        (r.groupId !== undefined && r.groupId === groupId) ||
        (r.orgId !== undefined && group !== undefined && r.orgId === group.orgId);
      if (!applies) continue;
      const a = roleAccess(r.roleName);
      if (a === 'owner') return 'owner';
      if (a === 'read') best = 'read';
    }
    return best;
  }

  /** The org a key belongs to when its fixture names none: its first org role's, else its first project's. */
  defaultOrgOf(key: Pick<ApiKey, 'roles'>): string | undefined {
    const org = key.roles.find((r) => r.orgId !== undefined)?.orgId;
    if (org !== undefined) return org;
    const group = key.roles.find((r) => r.groupId !== undefined)?.groupId;
    return group === undefined ? undefined : this.groups.get(group)?.orgId;
  }

  /**
   * What `key` may do on organization `orgId` [doc]: `ORG_OWNER`/`GLOBAL_OWNER` own it; any other org or global role
   * reads it, and so does every key of the org (a key holding only project roles is still a member of it [inf]).
   */
  orgAccessTo(key: ApiKey, orgId: string): Access {
    let best: Access = key.orgId === orgId ? 'read' : 'none';
    for (const r of key.roles) {
      if (r.roleName === 'GLOBAL_OWNER' || (r.roleName === 'ORG_OWNER' && r.orgId === orgId)) return 'owner';
      if (r.roleName.startsWith('GLOBAL_') || r.orgId === orgId) best = 'read';
    }
    return best;
  }

  /** The programmatic keys of an org, oldest first (ObjectIds sort by creation time). */
  apiKeysOfOrg(orgId: string): ApiKey[] {
    return [...this.apiKeys.values()].filter((k) => k.orgId === orgId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The programmatic keys with a role in a project, oldest first. */
  apiKeysOfGroup(groupId: string): ApiKey[] {
    return [...this.apiKeys.values()].filter((k) => k.roles.some((r) => r.groupId === groupId)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * A new programmatic key [doc]: `id` an ObjectId, `publicKey` 8 lowercase letters, `privateKey` a UUID (shown once,
   * by the create answer).
   */
  createApiKey(orgId: string | undefined, desc: string, roles: Role[]): ApiKey {
    const now = this.clock.now();
    let id: string;
    do id = objectId(now);
    while (this.apiKeys.has(id));
    let publicKey: string;
    do publicKey = [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
    while (this.apiKeysByPublicKey.has(publicKey));
    const key: ApiKey = { id, publicKey, privateKey: uuid(), desc, roles, accessList: [] };
    if (orgId !== undefined) key.orgId = orgId;
    this.apiKeys.set(id, key);
    this.apiKeysByPublicKey.set(publicKey, key);
    return key;
  }

  /** Deletes a programmatic key: the very next request signed with it is a digest failure (401) [inf]. */
  deleteApiKey(key: ApiKey): void {
    this.apiKeys.delete(key.id);
    this.apiKeysByPublicKey.delete(key.publicKey);
  }

  /**
   * Changes a key's description or roles (the record changes in place: persistence hears of it). Takes effect on
   * the key's next request: nothing about a key is cached between requests [inf].
   */
  updateApiKey(key: ApiKey, changes: { desc?: string; roles?: Role[] }): void {
    if (changes.desc !== undefined) key.desc = changes.desc;
    if (changes.roles !== undefined) key.roles = changes.roles;
    this.apiKeys.changedInPlace(key.id);
  }

  /** Replaces a key's access list (a new array: see `ApiKey`); applies to the next request [doc]. */
  setAccessList(key: ApiKey, entries: readonly AccessEntry[]): void {
    (key as { accessList: readonly AccessEntry[] }).accessList = [...entries];
    this.apiKeys.changedInPlace(key.id);
  }

  /** Counts a request let in by one of the key's access-list entries [doc]. */
  recordAccess(key: ApiKey, entry: AccessEntry, ip: string): void {
    entry.count++;
    entry.lastUsedMs = this.clock.now();
    entry.lastUsedAddress = ip;
    this.apiKeys.changedInPlace(key.id);
  }

  hasGlobalRole(key: ApiKey): boolean {
    return key.roles.some((r) => r.roleName.startsWith('GLOBAL_'));
  }

  /** Agent API keys of a project, oldest first (ObjectIds sort by creation time). */
  agentKeysOf(groupId: string): AgentApiKey[] {
    return this.agentApiKeys.pageAt(groupId, 0, this.agentApiKeys.count(groupId));
  }

  /**
   * A new agent API key: `_id` an ObjectId; `key` in the new model, 56 lowercase hex = an ObjectId then 32 random
   * hex [cap]; `createdTime` now on the emulator's clock.
   */
  addAgentApiKey(fields: Pick<AgentApiKey, 'groupId' | 'desc' | 'createdBy' | 'createdUserId' | 'createdIpAddr'>): AgentApiKey {
    const now = this.clock.now();
    let _id: string;
    do _id = objectId(now);
    while (this.agentApiKeys.has(_id));
    const record: AgentApiKey = { groupId: fields.groupId, _id, key: objectId(now) + randomHex(32), desc: fields.desc, createdBy: fields.createdBy, createdTime: now };
    if (fields.createdUserId !== undefined) record.createdUserId = fields.createdUserId;
    if (fields.createdIpAddr !== undefined) record.createdIpAddr = fields.createdIpAddr;
    return this.agentApiKeys.set(record);
  }

  /** What `POST …/agentapikeys` creates: `PUBLIC_API`, the calling key's id and the caller's address. */
  createAgentApiKey(groupId: string, desc: string, creator: ApiKey, clientIp: string): AgentApiKey {
    return this.addAgentApiKey({ groupId, desc, createdBy: 'PUBLIC_API', createdUserId: creator.id, createdIpAddr: clientIp });
  }
}

function readOptions(raw: Record<string, unknown>): OpsManagerOptions {
  const out: OpsManagerOptions = {};
  const positive = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TypeError(`opsmanager option ${name} must be a positive number, got ${String(v)}`);
    return v;
  };
  if (raw.nonceTtlMs !== undefined) out.nonceTtlMs = positive('nonceTtlMs', raw.nonceTtlMs);
  if (raw.strictNonceCount !== undefined) {
    if (typeof raw.strictNonceCount !== 'boolean') throw new TypeError('opsmanager option strictNonceCount must be a boolean');
    out.strictNonceCount = raw.strictNonceCount;
  }
  const known = new Set(['nonceTtlMs', 'strictNonceCount']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new TypeError(`unknown opsmanager option ${JSON.stringify(k)} (known: ${[...known].join(', ')})`);
  return out;
}
