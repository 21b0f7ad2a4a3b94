import { sha256Hex } from '#platform';
import type { Clock } from '../../core/clock.js';
import { randomBase64Url, randomHex } from '../../core/ids.js';
import { array, nullable, object, optional, refine, SchemaError, string, type Infer } from '../../core/schema.js';
import { DerivedCache, ifPresent, Table, TrackedMap } from '../../core/store.js';
import type { PersistedCollection, VendorEnv } from '../../core/types.js';

/** Identity tokens last 24 hours [doc]. */
export const IDENTITY_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The Monitoring roles and what each may do [doc]. `identity:user-admin` (an account's owner) has full access.
 * Kept as data so a differing real-world rule is a one-line change.
 */
export const ROLE_LEVEL: Record<string, number> = {
  'monitoring:observer': 1,
  'monitoring:creator': 2,
  'monitoring:admin': 3,
  'identity:user-admin': 3,
  // The product-wide roles: `admin` has full access to every product, `observer` read-only access [doc: Cloud
  // Monitoring "Role-based access control" — "admin … provides full access to all Rackspace products", "observer …
  // read-only access"].
  admin: 3,
  observer: 1,
};

/**
 * Identity user types, most powerful first [code S/IdentityUserTypeEnum.java]; a user's type is the identity role
 * among its roles, `identity:default` when it has none. Kept as data, like `ROLE_LEVEL`.
 */
export const IDENTITY_TYPES = ['identity:default', 'identity:user-manage', 'identity:user-admin', 'identity:admin', 'identity:service-admin'] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];
/** The type's rank: 0 (`identity:default`) … 4 (`identity:service-admin`). */
export const identityRank = (t: IdentityType): number => IDENTITY_TYPES.indexOf(t);
export function identityTypeOf(user: User): IdentityType {
  let best: IdentityType = 'identity:default';
  for (const r of user.roles) if ((IDENTITY_TYPES as readonly string[]).includes(r) && identityRank(r as IdentityType) > identityRank(best)) best = r as IdentityType;
  return best;
}

/** Reset API keys are a random UUID without dashes: 32 lowercase hex [code S/DefaultCloud20Service]. */
export const newApiKey = (): string => randomHex(32);
export const LEVEL_FOR_METHOD: Record<string, number> = { GET: 1, HEAD: 1, POST: 2, PUT: 2, DELETE: 3 };

/** Label length rule: 1–255 characters [inf: the rule for every other Monitoring label]. */
export const LABEL_MAX = 255;

const tenantId = string({ min: 1, max: 255, pattern: /^[^/?#\s]+$/, patternName: 'a tenant id without "/", "?", "#" or spaces' });

const user = object({
  username: string({ min: 1 }),
  apiKey: string({ min: 1 }),
  password: optional(string({ min: 1 })),
  tenantId,
  roles: array(string({ min: 1 })),
  /** The user's id in identity responses (default: derived from the username). */
  id: optional(string({ min: 1 })),
  defaultRegion: optional(string()),
  /** The identity domain (`RAX-AUTH:domainId`; user-admins manage the users of theirs). Default: the tenant id. */
  domainId: optional(string({ min: 1 })),
  /** Shown by `GET /v2.0/users?name=` (optional). */
  email: optional(string({ min: 1 })),
});

const agentToken = object({
  tenantId,
  id: string({ min: 1 }),
  token: string({ min: 1 }),
  label: nullable(string({ min: 1, max: LABEL_MAX })),
});

const identityToken = object({
  id: string({ min: 1 }),
  username: string({ min: 1 }),
  tenantId,
  expires: string({ pattern: /^\d{4}-\d\d-\d\dT/, patternName: 'an RFC 3339 date-time' }),
  authenticatedBy: optional(array(string())),
});

export const fixtureSchema = refine(
  object(
    {
      users: optional(array(user)),
      agentTokens: optional(array(agentToken)),
      /** Issued identity tokens (present in snapshots; lets a test log in with a known X-Auth-Token). */
      identityTokens: optional(array(identityToken)),
    },
    { description: 'Rackspace Identity users and Cloud Monitoring agent tokens' },
  ),
  (f, path) => {
    const names = new Set<string>();
    f.users?.forEach((u, i) => {
      if (names.has(u.username)) throw new SchemaError(`${path}.users[${i}].username`, `duplicate username ${JSON.stringify(u.username)}`);
      names.add(u.username);
    });
    const userIds = new Set<string>();
    f.users?.forEach((u, i) => {
      const id = u.id ?? userIdFor(u.username);
      if (userIds.has(id)) throw new SchemaError(`${path}.users[${i}].id`, `duplicate user id ${JSON.stringify(id)}`);
      userIds.add(id);
    });
    const ids = new Set<string>();
    f.agentTokens?.forEach((t, i) => {
      if (ids.has(t.id)) throw new SchemaError(`${path}.agentTokens[${i}].id`, `duplicate id ${JSON.stringify(t.id)}`);
      ids.add(t.id);
    });
    f.identityTokens?.forEach((t, i) => {
      if (!names.has(t.username)) throw new SchemaError(`${path}.identityTokens[${i}].username`, `no user named ${JSON.stringify(t.username)}`);
      if (!Number.isFinite(Date.parse(t.expires))) throw new SchemaError(`${path}.identityTokens[${i}].expires`, 'expected an RFC 3339 date-time');
    });
  },
);

export type RackspaceFixture = Infer<typeof fixtureSchema>;
export type User = Infer<typeof user> & { id: string; domainId: string };
/** An agent token exactly as it appears on the wire, plus its tenant. */
export type AgentToken = Infer<typeof agentToken>;
export interface IdentityToken {
  id: string;
  username: string;
  tenantId: string;
  expiresMs: number;
  authenticatedBy: string[];
}

export class RackspaceModel {
  readonly users = new TrackedMap<User>();
  /** The same users by their id (`/v2.0/users/{userId}/…`): an index of `users`, kept with it. */
  readonly usersById = new Map<string, User>();
  readonly identityTokens = new TrackedMap<IdentityToken>();
  readonly agentTokens = new Table<AgentToken>(
    (t) => t.id,
    (t) => t.tenantId,
  );
  /** Serialised list pages, reused while the tenant's tokens are unchanged (tokens are only replaced, never edited in place). */
  readonly listPages = new DerivedCache<string>();
  /** Requests counted per tenant for the X-RateLimit-* headers: window start and count. */
  private readonly clock: Clock;
  private nextSweep = 1024;

  constructor(fixture: RackspaceFixture, env: VendorEnv) {
    this.clock = env.clock;
    // Copies all the way down (also the arrays): the model never shares a mutable object with the fixture it was
    // built from, so a test changing the state cannot reach the fixtures `reset()` returns to.
    for (const u of fixture.users ?? []) {
      const copy: User = { ...u, roles: [...u.roles], id: u.id ?? userIdFor(u.username), domainId: u.domainId ?? u.tenantId };
      this.users.set(u.username, copy);
      this.usersById.set(copy.id, copy);
    }
    this.agentTokens.load((fixture.agentTokens ?? []).map((t) => ({ ...t })));
    for (const t of fixture.identityTokens ?? [])
      this.identityTokens.set(t.id, {
        id: t.id,
        username: t.username,
        tenantId: t.tenantId,
        expiresMs: Date.parse(t.expires),
        authenticatedBy: t.authenticatedBy ? [...t.authenticatedBy] : ['APIKEY'],
      });
  }

  export(): RackspaceFixture {
    return {
      users: [...this.users.values()].map(exportUser),
      agentTokens: [...this.agentTokens.values()].map((t) => ({ ...t })),
      identityTokens: [...this.identityTokens.values()].map(exportIdentityToken),
    };
  }

  /** Each collection of the fixture format, record by record (`--persist` writes changes as they happen). */
  persisted(): Record<string, PersistedCollection> {
    return {
      users: { source: this.users, export: (id) => ifPresent(this.users.get(id), exportUser), idOf: (u: User) => u.username },
      agentTokens: { source: this.agentTokens, export: (id) => ifPresent(this.agentTokens.get(id), (t) => ({ ...t })), idOf: (t: AgentToken) => t.id },
      identityTokens: {
        source: this.identityTokens,
        export: (id) => ifPresent(this.identityTokens.get(id), exportIdentityToken),
        idOf: (t: { id: string }) => t.id,
      },
    };
  }

  issueIdentityToken(user: User, tenantId: string, authenticatedBy: string): IdentityToken {
    const now = this.clock.now();
    // Drop expired tokens so the map does not grow with logins: a sweep each time it has doubled since the last
    // one (amortised constant work per login, not a scan of every token on every login).
    if (this.identityTokens.size >= this.nextSweep) {
      for (const [id, t] of this.identityTokens) if (t.expiresMs <= now) this.identityTokens.delete(id);
      this.nextSweep = Math.max(1024, this.identityTokens.size * 2);
    }
    const token: IdentityToken = {
      id: `AA${randomBase64Url(48)}`,
      username: user.username,
      tenantId,
      expiresMs: now + IDENTITY_TOKEN_TTL_MS,
      authenticatedBy: [authenticatedBy],
    };
    this.identityTokens.set(token.id, token);
    return token;
  }

  /** Revokes an identity token at once (a later use is 401, a later validation 404) [doc][code]. */
  revokeIdentityToken(id: string): boolean {
    return this.identityTokens.delete(id);
  }

  /**
   * Replaces a user's API key [doc]: the old key stops authenticating at once; tokens already issued keep working
   * ("the API key reset does not revoke existing tokens").
   */
  resetApiKey(user: User): string {
    user.apiKey = newApiKey();
    this.users.changedInPlace(user.username);
    return user.apiKey;
  }

  /** A valid (known, unexpired) identity token, or undefined. */
  validToken(id: string): IdentityToken | undefined {
    const t = this.identityTokens.get(id);
    return t && t.expiresMs > this.clock.now() ? t : undefined;
  }

  /** Creates an agent token; id and token are the same modern string `<64 hex>.<tenantId>` [cap]. */
  createAgentToken(tenantId: string, label: string | null = null): AgentToken {
    let id: string;
    do id = `${randomHex(64)}.${tenantId}`;
    while (this.agentTokens.has(id));
    return this.agentTokens.set({ tenantId, id, token: id, label });
  }
}

/** domainId only when it is not the default (the tenant), so a snapshot of the fixtures is the fixtures. */
const exportUser = ({ id, roles, domainId, ...u }: User) => ({ ...u, roles: [...roles], id, ...(domainId !== u.tenantId ? { domainId } : {}) });
const exportIdentityToken = (t: IdentityToken) => ({
  id: t.id,
  username: t.username,
  tenantId: t.tenantId,
  expires: new Date(t.expiresMs).toISOString(),
  authenticatedBy: t.authenticatedBy,
});

/** A stable user id for users whose fixture gives none (Rackspace user ids are opaque strings). */
export function userIdFor(username: string): string {
  return sha256Hex(`rackspace-user:${username}`).slice(0, 32);
}
