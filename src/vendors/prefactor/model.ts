import { pfidLibrary, randomBytes } from '#platform';
import type { Clock } from '../../core/clock.js';
import { array, boolean, literal, nullable, object, optional, refine, SchemaError, string, type Infer } from '../../core/schema.js';
import { ifPresent, Table, TrackedMap } from '../../core/store.js';
import type { PersistedCollection, VendorEnv } from '../../core/types.js';

const exportToken = ({ bearer, ...t }: ApiToken) => ({
  ...t,
  type: 'api_token' as const,
  available_actions: availableActions(t.status),
  token: bearer,
});

// ---------------------------------------------------------------- vocabulary

/**
 * Token scopes. `account` and `environment` are the seed's API; `account` and `agent_deployment` today's [code].
 * Both generations are served side by side.
 */
export const TOKEN_SCOPES = ['account', 'environment', 'agent_deployment'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Which of the optional ids each scope needs (`required`) or refuses (`absent`) [code]. */
export const SCOPE_FIELDS: Record<TokenScope, { environment_id: 'required' | 'absent'; agent_id: 'required' | 'absent' }> = {
  account: { environment_id: 'absent', agent_id: 'absent' },
  environment: { environment_id: 'required', agent_id: 'absent' },
  agent_deployment: { environment_id: 'required', agent_id: 'required' },
};

export const TOKEN_STATUSES = ['active', 'suspended', 'revoked'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

export const ACTIONS = ['activate', 'delete', 'revoke', 'suspend'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * The lifecycle [doc]: which statuses allow each action and where it leads (`null` = the token is gone).
 * `available_actions` is derived from this table, and a call that it refuses answers 409 `invalid_action`
 * [inf: the doc gives the actions per status, not what a refused call answers].
 */
export const TRANSITIONS: Record<Action, { from: readonly TokenStatus[]; to: TokenStatus | null }> = {
  suspend: { from: ['active'], to: 'suspended' },
  activate: { from: ['suspended'], to: 'active' },
  revoke: { from: ['active', 'suspended'], to: 'revoked' },
  delete: { from: ['revoked'], to: null },
};

export type AvailableActions = Record<Action, boolean>;

export function availableActions(status: TokenStatus): AvailableActions {
  return {
    activate: TRANSITIONS.activate.from.includes(status),
    delete: TRANSITIONS.delete.from.includes(status),
    revoke: TRANSITIONS.revoke.from.includes(status),
    suspend: TRANSITIONS.suspend.from.includes(status),
  };
}

/** `idempotency_key` is at most 64 characters [code]. */
export const IDEMPOTENCY_KEY_MAX = 64;

/**
 * `created_by_admin_user_id` of a token created through the API: the caller is an API token, not an admin user,
 * so it is null [inf: the field is nullable, and nothing says what an API-created token records].
 */
export const CREATED_BY_VIA_API: string | null = null;

// ---------------------------------------------------------------- ids and timestamps

export const PFID_PATTERN = /^[0-7][0-9abcdefghjkmnpqrstvwxyz]{31}$/;
const PFID_WORDS = 'a PFID (32 lowercase Crockford base32 characters, the first one 0-7)';
export const RFC3339_PATTERN = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/** The same test as `isPfid` of `@prefactor/pfid` (which checks exactly this pattern), without loading the package. */
export const looksLikePfid = (v: unknown): v is string => typeof v === 'string' && PFID_PATTERN.test(v);


/** A timestamp as the API shows it: RFC 3339, UTC, whole seconds (`2024-01-01T00:00:00Z`, like the docs' example). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds of an RFC 3339 string, or NaN when it is not one (including dates like February 30). */
export function parseRfc3339(s: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:Z|[+-](\d\d):(\d\d))$/i.exec(s);
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return NaN;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return NaN;
  return Date.parse(s);
}

const MAX_PFID_TIMESTAMP = 2 ** 48 - 1;

/** A new PFID in `partition` stamped with the emulator's clock. */
function pfidAt(partition: number, nowMs: number): string {
  return pfidLibrary().generateWithTimestamp(partition, Math.min(MAX_PFID_TIMESTAMP, Math.max(0, Math.floor(nowMs))));
}

// ---------------------------------------------------------------- fixtures

const pfid = string({ pattern: PFID_PATTERN, patternName: PFID_WORDS });
const timestamp = string({ pattern: RFC3339_PATTERN, patternName: 'an RFC 3339 date-time (2024-01-01T00:00:00Z)' });
/** A bearer string travels in a header: visible ASCII, no spaces. */
const bearer = string({ min: 1, max: 8192, pattern: /^[\x21-\x7e]+$/, patternName: 'visible ASCII characters without spaces' });

const account = object({ id: pfid, name: string({ min: 1 }) });
const environment = object({ id: pfid, account_id: pfid, name: string({ min: 1 }) });
const adminUser = object({ id: pfid, account_id: pfid, email: string({ pattern: /^[^@\s]+@[^@\s]+$/, patternName: 'an email address' }) });

const apiToken = object({
  id: pfid,
  type: optional(literal('api_token')),
  account_id: pfid,
  token_scope: literal(...TOKEN_SCOPES),
  /** Default `active`. */
  status: optional(literal(...TOKEN_STATUSES)),
  environment_id: optional(nullable(pfid)),
  agent_id: optional(nullable(pfid)),
  /** For `agent_deployment` tokens; generated when omitted. */
  agent_deployment_id: optional(nullable(pfid)),
  created_by_admin_user_id: optional(nullable(pfid)),
  expires_at: optional(nullable(timestamp)),
  last_used_at: optional(nullable(timestamp)),
  /** Default: the emulator's clock when the fixture is loaded. */
  inserted_at: optional(timestamp),
  updated_at: optional(timestamp),
  /** Derived from `status`; when given it must agree with it. */
  available_actions: optional(object({ activate: boolean(), delete: boolean(), revoke: boolean(), suspend: boolean() })),
  /** The literal bearer string that authenticates this token (need not be a JWT). */
  token: bearer,
});

export const fixtureSchema = refine(
  object(
    {
      accounts: optional(array(account)),
      environments: optional(array(environment)),
      adminUsers: optional(array(adminUser)),
      apiTokens: optional(array(apiToken)),
    },
    { description: 'Prefactor accounts, environments, admin users and API tokens' },
  ),
  (f, path) => {
    const at = (coll: string, i: number, field: string) => `${path}.${coll}[${i}].${field}`;
    const unique = <T extends { id: string }>(coll: string, items: T[] | undefined): Map<string, T> => {
      const seen = new Map<string, T>();
      items?.forEach((x, i) => {
        if (seen.has(x.id)) throw new SchemaError(at(coll, i, 'id'), `duplicate id ${JSON.stringify(x.id)}`);
        seen.set(x.id, x);
      });
      return seen;
    };
    const accounts = unique('accounts', f.accounts);
    const environments = unique('environments', f.environments);
    const admins = unique('adminUsers', f.adminUsers);
    unique('apiTokens', f.apiTokens);
    const needAccount = (coll: string, i: number, id: string) => {
      if (!accounts.has(id)) throw new SchemaError(at(coll, i, 'account_id'), `no account with id ${JSON.stringify(id)}`);
    };
    f.environments?.forEach((e, i) => needAccount('environments', i, e.account_id));
    f.adminUsers?.forEach((u, i) => needAccount('adminUsers', i, u.account_id));

    const bearers = new Set<string>();
    const deployments = new Map<string, string>();
    f.apiTokens?.forEach((t, i) => {
      needAccount('apiTokens', i, t.account_id);
      if (bearers.has(t.token)) throw new SchemaError(at('apiTokens', i, 'token'), 'duplicate bearer token string');
      bearers.add(t.token);
      const rules = SCOPE_FIELDS[t.token_scope];
      for (const field of ['environment_id', 'agent_id'] as const) {
        const has = t[field] != null;
        if (rules[field] === 'required' && !has)
          throw new SchemaError(at('apiTokens', i, field), `is required when token_scope is "${t.token_scope}"`);
        if (rules[field] === 'absent' && has)
          throw new SchemaError(at('apiTokens', i, field), `must be null or absent when token_scope is "${t.token_scope}"`);
      }
      if (t.token_scope !== 'agent_deployment' && t.agent_deployment_id != null)
        throw new SchemaError(at('apiTokens', i, 'agent_deployment_id'), `must be null or absent when token_scope is "${t.token_scope}"`);
      if (t.environment_id != null) {
        const env = environments.get(t.environment_id);
        if (!env) throw new SchemaError(at('apiTokens', i, 'environment_id'), `no environment with id ${JSON.stringify(t.environment_id)}`);
        if (env.account_id !== t.account_id)
          throw new SchemaError(at('apiTokens', i, 'environment_id'), `environment ${t.environment_id} belongs to another account`);
      }
      if (t.agent_deployment_id != null) {
        const key = `${t.agent_id}/${t.environment_id}`;
        const known = deployments.get(key);
        if (known !== undefined && known !== t.agent_deployment_id)
          throw new SchemaError(at('apiTokens', i, 'agent_deployment_id'), 'differs from another token of the same agent and environment');
        deployments.set(key, t.agent_deployment_id);
      }
      if (t.created_by_admin_user_id != null) {
        const admin = admins.get(t.created_by_admin_user_id);
        if (!admin)
          throw new SchemaError(at('apiTokens', i, 'created_by_admin_user_id'), `no admin user with id ${JSON.stringify(t.created_by_admin_user_id)}`);
        if (admin.account_id !== t.account_id)
          throw new SchemaError(at('apiTokens', i, 'created_by_admin_user_id'), 'the admin user belongs to another account');
      }
      for (const field of ['expires_at', 'last_used_at', 'inserted_at', 'updated_at'] as const) {
        const v = t[field];
        if (typeof v === 'string' && !Number.isFinite(parseRfc3339(v)))
          throw new SchemaError(at('apiTokens', i, field), `not a valid date-time: ${JSON.stringify(v)}`);
      }
      if (t.available_actions) {
        const expected = availableActions(t.status ?? 'active');
        for (const a of ACTIONS)
          if (t.available_actions[a] !== expected[a])
            throw new SchemaError(
              at('apiTokens', i, `available_actions.${a}`),
              `must be ${expected[a]} for status "${t.status ?? 'active'}"`,
            );
      }
    });
  },
);

export type PrefactorFixture = Infer<typeof fixtureSchema>;
export type Account = Infer<typeof account>;
export type Environment = Infer<typeof environment>;
export type AdminUser = Infer<typeof adminUser>;

/** One API token as the model keeps it: every ApiToken_Details field but the derived ones, plus its bearer. */
export interface ApiToken {
  id: string;
  account_id: string;
  token_scope: TokenScope;
  status: TokenStatus;
  environment_id: string | null;
  agent_id: string | null;
  agent_deployment_id: string | null;
  created_by_admin_user_id: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  inserted_at: string;
  updated_at: string;
  /** The bearer string that authenticates it: a fixture's literal, or the JWT issued when it was created. */
  bearer: string;
}

export interface CreateTokenInput {
  account_id: string;
  token_scope: TokenScope;
  environment_id: string | null;
  agent_id: string | null;
  expires_at: string | null;
}

export type SortField = 'id' | 'inserted_at' | 'updated_at' | 'expires_at' | 'last_used_at' | 'status' | 'token_scope';
export interface Sorting {
  field: SortField;
  direction: 'asc' | 'desc';
  nulls: 'first' | 'last' | 'auto';
}

// ---------------------------------------------------------------- the model

/**
 * The JWT secret of each emulator. `createState` runs again on every reset/restore; keying the random secret on
 * the emulator's clock (one per emulator) keeps it "per emulator", as issued JWTs of a restored snapshot expect.
 */
const RANDOM_SECRETS = new WeakMap<Clock, Uint8Array>();

function secretFor(env: VendorEnv): Uint8Array {
  const configured = env.options.jwtSecret;
  if (configured !== undefined) {
    if (typeof configured === 'string' && configured.length > 0) return new TextEncoder().encode(configured);
    if (configured instanceof Uint8Array && configured.byteLength > 0) return new Uint8Array(configured);
    throw new TypeError('vendorOptions.prefactor.jwtSecret must be a non-empty string or Uint8Array');
  }
  let secret = RANDOM_SECRETS.get(env.clock);
  if (!secret) RANDOM_SECRETS.set(env.clock, (secret = randomBytes(32)));
  return secret;
}

/**
 * `expires_at` of a token created without one. The docs type it as a non-null `date-time` [doc: ApiToken_Details],
 * Prefactor's SDK and CLI type it as a string [code: typescript-sdk `ApiToken.expires_at: string`], and the admin UI
 * creates tokens without asking for a date yet lists an "Expires" for every token [doc: admin-ui/account/api-tokens]:
 * the server sets one. How far ahead is published nowhere we found, so the period is inferred [inf]: one year.
 * `vendorOptions.prefactor.defaultTokenLifetimeMs` changes it; `null` there gives `expires_at: null` (never expires).
 */
export const DEFAULT_TOKEN_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;

function lifetimeFor(env: VendorEnv): number | null {
  const v = env.options.defaultTokenLifetimeMs;
  if (v === undefined) return DEFAULT_TOKEN_LIFETIME_MS;
  if (v === null || (typeof v === 'number' && Number.isFinite(v) && v > 0)) return v;
  throw new TypeError('vendorOptions.prefactor.defaultTokenLifetimeMs must be a positive number of milliseconds or null');
}

export class PrefactorModel {
  readonly accounts = new TrackedMap<Account>();
  readonly environments = new TrackedMap<Environment>();
  readonly adminUsers = new TrackedMap<AdminUser>();
  /** Tokens partitioned by account, ids kept sorted. */
  readonly apiTokens = new Table<ApiToken>(
    (t) => t.id,
    (t) => t.account_id,
  );
  /** Literal bearer strings of fixture tokens → token id. API-issued JWTs are verified instead. */
  readonly bearers = new Map<string, string>();
  /** `agent_id/environment_id` → agent_deployment_id [inf: one deployment per agent and environment]. */
  readonly deployments = new Map<string, string>();
  /** Per account: idempotency key → fingerprint of the create request and the token it made. */
  readonly idempotency = new Map<string, Map<string, { fingerprint: string; tokenId: string }>>();
  /** The HS256 key API tokens are signed with. */
  readonly secret: Uint8Array;
  readonly clock: Clock;
  /** See `DEFAULT_TOKEN_LIFETIME_MS`. */
  readonly defaultLifetimeMs: number | null;

  constructor(fixture: PrefactorFixture, env: VendorEnv) {
    this.clock = env.clock;
    this.secret = secretFor(env);
    this.defaultLifetimeMs = lifetimeFor(env);
    const now = this.nowString();
    for (const a of fixture.accounts ?? []) this.accounts.set(a.id, { ...a });
    for (const e of fixture.environments ?? []) this.environments.set(e.id, { ...e });
    for (const u of fixture.adminUsers ?? []) this.adminUsers.set(u.id, { ...u });
    const records: ApiToken[] = [];
    for (const t of fixture.apiTokens ?? []) {
      const norm = (v: string | null | undefined) => (v == null ? null : rfc3339(Date.parse(v)));
      const environment_id = t.environment_id ?? null;
      const agent_id = t.agent_id ?? null;
      const record: ApiToken = {
        id: t.id,
        account_id: t.account_id,
        token_scope: t.token_scope,
        status: t.status ?? 'active',
        environment_id,
        agent_id,
        agent_deployment_id:
          t.token_scope === 'agent_deployment'
            ? this.deploymentFor(t.account_id, agent_id!, environment_id!, t.agent_deployment_id ?? undefined)
            : null,
        created_by_admin_user_id: t.created_by_admin_user_id ?? null,
        expires_at: norm(t.expires_at),
        last_used_at: norm(t.last_used_at),
        inserted_at: norm(t.inserted_at) ?? now,
        updated_at: norm(t.updated_at) ?? norm(t.inserted_at) ?? now,
        bearer: t.token,
      };
      records.push(record);
      this.bearers.set(t.token, t.id);
    }
    this.apiTokens.load(records);
  }

  export(): PrefactorFixture {
    return {
      accounts: [...this.accounts.values()].map((a) => ({ ...a })),
      environments: [...this.environments.values()].map((e) => ({ ...e })),
      adminUsers: [...this.adminUsers.values()].map((u) => ({ ...u })),
      apiTokens: [...this.apiTokens.values()].map(exportToken),
    };
  }

  /** Each collection of the fixture format, record by record (`--persist` writes changes as they happen). */
  persisted(): Record<string, PersistedCollection> {
    const copy = <T extends object>(v: T) => ({ ...v });
    const byId = (r: { id: string }) => r.id;
    return {
      accounts: { source: this.accounts, export: (id) => ifPresent(this.accounts.get(id), copy), idOf: byId },
      environments: { source: this.environments, export: (id) => ifPresent(this.environments.get(id), copy), idOf: byId },
      adminUsers: { source: this.adminUsers, export: (id) => ifPresent(this.adminUsers.get(id), copy), idOf: byId },
      apiTokens: { source: this.apiTokens, export: (id) => ifPresent(this.apiTokens.get(id), exportToken), idOf: byId },
    };
  }

  nowString(): string {
    return rfc3339(this.clock.now());
  }

  /** True when the token has an `expires_at` at or before the emulator's clock. */
  isExpired(t: ApiToken): boolean {
    return t.expires_at !== null && Date.parse(t.expires_at) <= this.clock.now();
  }

  /** The agent deployment of `agent_id` in `environment_id`, made on first use in the account's partition. */
  deploymentFor(accountId: string, agentId: string, environmentId: string, given?: string): string {
    const key = `${agentId}/${environmentId}`;
    let id = this.deployments.get(key);
    if (!id) this.deployments.set(key, (id = given ?? this.newId(accountId)));
    return id;
  }

  /** A new PFID in the account's partition (or a random one, for an account id that is not a PFID). */
  newId(accountId: string): string {
    const { extractPartition, generatePartition } = pfidLibrary();
    const partition = looksLikePfid(accountId) ? extractPartition(accountId) : generatePartition();
    let id: string;
    do id = pfidAt(partition, this.clock.now());
    while (this.apiTokens.has(id));
    return id;
  }

  /** A new active token, not stored yet: the caller signs its JWT into `bearer`, then calls `insertToken`. */
  prepareToken(input: CreateTokenInput): ApiToken {
    const now = this.nowString();
    return {
      id: this.newId(input.account_id),
      account_id: input.account_id,
      token_scope: input.token_scope,
      status: 'active',
      environment_id: input.environment_id,
      agent_id: input.agent_id,
      agent_deployment_id:
        input.token_scope === 'agent_deployment' ? this.deploymentFor(input.account_id, input.agent_id!, input.environment_id!) : null,
      created_by_admin_user_id: CREATED_BY_VIA_API,
      // Filled here, after the idempotency fingerprint (of the request as sent) was taken.
      expires_at: input.expires_at ?? (this.defaultLifetimeMs === null ? null : rfc3339(this.clock.now() + this.defaultLifetimeMs)),
      last_used_at: null,
      inserted_at: now,
      updated_at: now,
      bearer: '',
    };
  }

  insertToken(t: ApiToken): ApiToken {
    return this.apiTokens.set(t);
  }

  /** Applies an allowed status change (the caller has checked `TRANSITIONS`). */
  setStatus(t: ApiToken, status: TokenStatus): ApiToken {
    t.status = status;
    t.updated_at = this.nowString();
    this.apiTokens.changedInPlace(t.id);
    return t;
  }

  deleteToken(t: ApiToken): void {
    this.apiTokens.delete(t.id);
    if (this.bearers.get(t.bearer) === t.id) this.bearers.delete(t.bearer);
    const keys = this.idempotency.get(t.account_id);
    if (keys) for (const [k, v] of keys) if (v.tokenId === t.id) keys.delete(k);
  }

  /** Records a use of the token (`last_used_at`, emulator clock). */
  touch(t: ApiToken): void {
    t.last_used_at = this.nowString();
    this.apiTokens.changedInPlace(t.id);
  }

  /**
   * One page of an account's tokens. Sorting by id in the whole account walks the sorted id list; any other
   * order, or a caller restricted to one environment, sorts the account's tokens (emulator-sized lists).
   */
  listTokens(
    accountId: string,
    opts: { environmentId: string | null; sorting: Sorting; offset: number; pageSize: number },
  ): { items: ApiToken[]; total: number } {
    const { environmentId, sorting, offset, pageSize } = opts;
    if (environmentId === null && sorting.field === 'id')
      return {
        items: this.apiTokens.pageAt(accountId, offset, pageSize, sorting.direction === 'desc'),
        total: this.apiTokens.count(accountId),
      };
    let all = this.apiTokens.ids(accountId).map((id) => this.apiTokens.get(id)!);
    if (environmentId !== null) all = all.filter((t) => t.environment_id === environmentId);
    all.sort(comparator(sorting));
    return { items: all.slice(offset, offset + pageSize), total: all.length };
  }
}

/**
 * Order by one field, ties broken by id in the same direction. Nulls come last ascending and first descending
 * unless `nulls` says otherwise [inf: PostgreSQL's default, which the API's `nulls: auto` suggests].
 */
function comparator(s: Sorting): (a: ApiToken, b: ApiToken) => number {
  const dir = s.direction === 'desc' ? -1 : 1;
  const nullsFirst = s.nulls === 'first' || (s.nulls === 'auto' && s.direction === 'desc');
  return (a, b) => {
    const x = a[s.field];
    const y = b[s.field];
    if (x !== y) {
      if (x === null) return nullsFirst ? -1 : 1;
      if (y === null) return nullsFirst ? 1 : -1;
      // RFC 3339 UTC strings of one shape, PFIDs and enum words all order correctly as strings.
      return x < y ? -dir : dir;
    }
    return a.id === b.id ? 0 : a.id < b.id ? -dir : dir;
  };
}
