/**
 * Programmatic API keys — the digest credentials themselves — through the Public API: organization keys (list,
 * create, get, update, delete), their IP access lists (also under the older `whitelist` name), and project keys
 * (list, create-and-assign, assign/change roles, unassign). Facts and sources: the team's spec, "Programmatic API
 * keys (organization and project) and their access lists" (DOCS = MongoDB's docs source, OMGO = MongoDB's Go
 * client for Ops Manager).
 *
 * There are no tokens: every request is authenticated again by digest, so what changes here (a new key, a deleted
 * one, an unassigned one, an access-list entry) applies to the very next request [inf].
 */
import { isPlainObject, type EmulatorRequest, type EmulatorResponse } from '../../core/http.js';
import type { Route, RouteContext } from '../../core/types.js';
import { authenticate, authorize, objectIdParam } from './auth.js';
import { readJsonBody } from './body.js';
import { omError, respond, respondList } from './errors.js';
import { parseCidr, sameBlock } from './iplist.js';
import {
  accessEntry,
  GROUP_ROLES,
  isoSeconds,
  ORG_ROLES,
  type AccessEntry,
  type ApiKey,
  type Group,
  type OpsManagerModel,
  type Role,
} from './model.js';
import { API_BASE } from './resources.js';

type Ctx = RouteContext<OpsManagerModel>;

/** `desc` of a programmatic key: 1–250 characters [doc]. */
export const API_KEY_DESC_MAX = 250;
/** List paging [doc WEB]: `itemsPerPage` default 100, at most 500; `pageNum` 1-based. */
export const ITEMS_PER_PAGE_DEFAULT = 100;
export const ITEMS_PER_PAGE_MAX = 500;
/** Roles Ops Manager refuses with BILLING_UNSUPPORTED [doc] (they exist in Cloud Manager/Atlas). */
export const BILLING_ROLES = ['ORG_BILLING_ADMIN', 'ORG_BILLING_READ_ONLY', 'GROUP_BILLING_ADMIN'];

// ---------------------------------------------------------------- wire formats

/** `********-****-****-` + the last 12 characters: the docs' mask (8-4-4-12, one group dropped) [doc]. */
export const maskPrivateKey = (privateKey: string): string => `********-****-****-${privateKey.slice(-12)}`;

const keyHref = (ctx: Ctx, k: ApiKey) => `${ctx.origin}${API_BASE}/orgs/${k.orgId}/apiKeys/${k.id}`;

/** A programmatic key as every endpoint shows it [doc][code OMGO `APIKey`]; the private key only in a create answer. */
function keyWire(ctx: Ctx, k: ApiKey, reveal = false) {
  return {
    desc: k.desc ?? '',
    id: k.id,
    links: [{ href: keyHref(ctx, k), rel: 'self' }],
    privateKey: reveal ? k.privateKey : maskPrivateKey(k.privateKey),
    publicKey: k.publicKey,
    roles: k.roles.map((r) => ({ ...r })),
  };
}

/** The path segment naming an entry: the address for a single-address block, else the CIDR with `/` as `%2F` [doc]. */
function entrySegment(e: AccessEntry): string {
  const single = e.cidr.prefix === (e.cidr.family === 4 ? 32 : 128);
  return single ? e.cidrBlock.slice(0, e.cidrBlock.lastIndexOf('/')) : encodeURIComponent(e.cidrBlock);
}

/** An access-list entry [doc apiKey-org-get-access-list-response.rst]: `lastUsed*` absent until first used. */
function entryWire(base: string, e: AccessEntry, withKeyLink = false) {
  return {
    cidrBlock: e.cidrBlock,
    count: e.count,
    created: isoSeconds(e.createdMs),
    ipAddress: e.ipAddress,
    ...(e.lastUsedMs !== undefined ? { lastUsed: isoSeconds(e.lastUsedMs) } : {}),
    ...(e.lastUsedAddress !== undefined ? { lastUsedAddress: e.lastUsedAddress } : {}),
    links: [
      { href: `${base}/${entrySegment(e)}`, rel: 'self' },
      ...(withKeyLink ? [{ href: base.slice(0, base.lastIndexOf('/')), rel: 'http://mms.mongodb.com/apiKeys' }] : []),
    ],
  };
}

/**
 * One page of a list [doc get-all-note.rst][code OMGO]: `{links, results, totalCount}`; `links` always has `self`
 * (OMGO reads `pageNum` from it) and `previous`/`next` when they exist, each with the request's other query
 * parameters. A bad `pageNum`/`itemsPerPage` → 400 INVALID_ATTRIBUTE [inf: undocumented].
 */
function page<T>(ctx: Ctx, items: T[]): EmulatorResponse {
  const q = ctx.query;
  const num = (name: string, dflt: number, max: number) => {
    const raw = q.get(name);
    if (raw === null || raw === '') return dflt;
    const n = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= 1 && n <= max)) throw omError('INVALID_ATTRIBUTE', name);
    return n;
  };
  const pageNum = num('pageNum', 1, 1e9);
  const itemsPerPage = num('itemsPerPage', ITEMS_PER_PAGE_DEFAULT, ITEMS_PER_PAGE_MAX);
  const rest = new URLSearchParams(q);
  rest.delete('pageNum');
  rest.delete('itemsPerPage');
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(rest);
    query.set('pageNum', String(n));
    query.set('itemsPerPage', String(itemsPerPage));
    return { href: `${ctx.origin}${ctx.path}?${query}`, rel };
  };
  const start = (pageNum - 1) * itemsPerPage;
  const links = [
    ...(pageNum > 1 ? [link(pageNum - 1, 'previous')] : []),
    link(pageNum, 'self'),
    ...(start + itemsPerPage < items.length ? [link(pageNum + 1, 'next')] : []),
  ];
  return respondList(ctx, { links, results: items.slice(start, start + itemsPerPage), totalCount: items.length });
}

// ---------------------------------------------------------------- bodies

/**
 * `desc` and `roles` of a create or update [doc]: roles are names in the resource's scope (org roles on
 * `/orgs`, project roles on `/groups`). Unknown attributes → INVALID_ATTRIBUTE [doc]; not JSON objects/strings/arrays
 * → INVALID_JSON; an empty or missing required field → MISSING_ATTRIBUTE; `desc` over 250 characters or a role of
 * no scope → INVALID_ATTRIBUTE; a billing role → BILLING_UNSUPPORTED [doc]; an org role on a project →
 * INVALID_ROLE_FOR_GROUP [inf: the documented code that fits].
 */
async function readKeyBody(
  request: EmulatorRequest,
  scope: { orgRoles: true } | { groupId: string },
  required: { desc: boolean; roles: boolean; atLeastOne?: boolean },
  allowed: readonly string[] = ['desc', 'roles'],
): Promise<{ desc?: string; roles?: string[] }> {
  const body = await readJsonBody(request);
  if (body === undefined) throw omError('MISSING_ATTRIBUTE', required.desc ? 'desc' : 'roles');
  if (!isPlainObject(body)) throw omError('INVALID_JSON');
  for (const k of Object.keys(body)) if (!allowed.includes(k)) throw omError('INVALID_ATTRIBUTE', k);
  const out: { desc?: string; roles?: string[] } = {};
  if (body.desc !== undefined && body.desc !== null) {
    if (typeof body.desc !== 'string') throw omError('INVALID_JSON');
    if (body.desc.length === 0) throw omError('MISSING_ATTRIBUTE', 'desc');
    if (body.desc.length > API_KEY_DESC_MAX) throw omError('INVALID_ATTRIBUTE', 'desc');
    out.desc = body.desc;
  } else if (required.desc) throw omError('MISSING_ATTRIBUTE', 'desc');
  if (body.roles !== undefined && body.roles !== null) {
    if (!Array.isArray(body.roles) || body.roles.some((r) => typeof r !== 'string')) throw omError('INVALID_JSON');
    const roles = [...new Set(body.roles as string[])];
    if (roles.length === 0) throw omError('MISSING_ATTRIBUTE', 'roles');
    for (const r of roles) {
      if (BILLING_ROLES.includes(r)) throw omError('BILLING_UNSUPPORTED');
      if ('orgRoles' in scope) {
        if (!(ORG_ROLES as readonly string[]).includes(r)) throw omError('INVALID_ATTRIBUTE', 'roles');
      } else if (!(GROUP_ROLES as readonly string[]).includes(r)) {
        if ((ORG_ROLES as readonly string[]).includes(r) || r.startsWith('GLOBAL_')) throw omError('INVALID_ROLE_FOR_GROUP', r, scope.groupId);
        throw omError('INVALID_ATTRIBUTE', 'roles');
      }
    }
    out.roles = roles;
  } else if (required.roles) throw omError('MISSING_ATTRIBUTE', 'roles');
  if (required.atLeastOne && out.desc === undefined && out.roles === undefined) throw omError('MISSING_ATTRIBUTE', 'roles');
  return out;
}

// ---------------------------------------------------------------- organization keys

/**
 * The organization of the URL for a caller that needs `need` on it [inf, mirroring projects]: a malformed or unknown
 * id → 404 ORG_NOT_FOUND for global callers; a caller with no role in it → 401 USER_UNAUTHORIZED (it does not learn
 * whether the org exists); a read role asked to write → 401 NOT_ORG_ADMIN [doc code].
 */
function orgOf(ctx: Ctx, caller: ApiKey, need: 'read' | 'owner' | 'exists'): string {
  const raw = ctx.params.orgId;
  const orgId = objectIdParam(raw);
  const exists = orgId !== undefined && ctx.state.orgs.has(orgId);
  const access = orgId === undefined ? 'none' : ctx.state.orgAccessTo(caller, orgId);
  if (!exists && (ctx.state.hasGlobalRole(caller) || need === 'exists')) throw omError('ORG_NOT_FOUND', orgId ?? raw);
  if (need === 'exists') return orgId!;
  if (!exists || access === 'none') throw omError('USER_UNAUTHORIZED');
  if (need === 'owner' && access !== 'owner') throw omError('NOT_ORG_ADMIN', orgId!);
  return orgId!;
}

/** A key of this org by its id; anything else → 400 API_KEY_NOT_FOUND [doc]. */
function orgKey(ctx: Ctx, orgId: string): ApiKey {
  const raw = ctx.params.apiKeyId;
  const id = objectIdParam(raw);
  const key = id === undefined ? undefined : ctx.state.apiKeys.get(id);
  if (!key || key.orgId !== orgId) throw omError('API_KEY_NOT_FOUND', raw);
  return key;
}

const orgRolesOf = (orgId: string, names: string[]): Role[] => names.map((roleName) => ({ orgId, roleName }));

/** `GET /orgs/{ORG-ID}/apiKeys`: any org role [doc]; private keys masked. */
function listOrgKeys(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const orgId = orgOf(ctx, authenticate(request, ctx), 'read');
  return page(ctx, ctx.state.apiKeysOfOrg(orgId).map((k) => keyWire(ctx, k)));
}

/** `GET /orgs/{ORG-ID}/apiKeys/{API-KEY-ID}`. */
function getOrgKey(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const orgId = orgOf(ctx, authenticate(request, ctx), 'read');
  return respond(ctx, 200, keyWire(ctx, orgKey(ctx, orgId)));
}

/** `POST /orgs/{ORG-ID}/apiKeys` `{"desc","roles":[org roles]}`: the only answer with the private key in clear [doc]. */
async function createOrgKey(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const orgId = orgOf(ctx, authenticate(request, ctx), 'owner');
  const { desc, roles } = await readKeyBody(request, { orgRoles: true }, { desc: true, roles: true });
  const key = ctx.state.createApiKey(orgId, desc!, orgRolesOf(orgId, roles!));
  return respond(ctx, 200, keyWire(ctx, key, true));
}

/** `PATCH /orgs/{ORG-ID}/apiKeys/{API-KEY-ID}` `{"desc"?,"roles"?}`: roles replace the org roles, project roles stay [inf]. */
async function updateOrgKey(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const orgId = orgOf(ctx, authenticate(request, ctx), 'owner');
  const key = orgKey(ctx, orgId);
  const { desc, roles } = await readKeyBody(request, { orgRoles: true }, { desc: false, roles: false, atLeastOne: true });
  ctx.state.updateApiKey(key, { desc, roles: roles && [...key.roles.filter((r) => r.orgId === undefined), ...orgRolesOf(orgId, roles)] });
  return respond(ctx, 200, keyWire(ctx, key));
}

/** `DELETE /orgs/{ORG-ID}/apiKeys/{API-KEY-ID}` → 200, no body [doc]; the key is refused from the next request on. */
function deleteOrgKey(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const orgId = orgOf(ctx, authenticate(request, ctx), 'owner');
  ctx.state.deleteApiKey(orgKey(ctx, orgId));
  return respond(ctx, 200, undefined);
}

// ---------------------------------------------------------------- access lists

/**
 * The key whose access list the URL names, for a caller allowed to use it [doc]: the key itself, or an org owner;
 * another member of the org → 400 API_KEY_WHITELIST_ACCESS_DENIED [doc]; anyone else → 401 USER_UNAUTHORIZED [inf].
 */
function accessListKey(request: EmulatorRequest, ctx: Ctx): ApiKey {
  const caller = authenticate(request, ctx);
  const orgId = orgOf(ctx, caller, caller.orgId === objectIdParam(ctx.params.orgId) ? 'exists' : 'read');
  const key = orgKey(ctx, orgId);
  if (key === caller) return key;
  const access = ctx.state.orgAccessTo(caller, orgId);
  if (access === 'owner') return key;
  throw access === 'read' ? omError('API_KEY_WHITELIST_ACCESS_DENIED') : omError('USER_UNAUTHORIZED');
}

/** The entry a path names (`10.0.0.1`, `10.0.0.0%2F8`, `10.0.0.0/8` raw, `10.0.0.1%2F32`); missing → 404 [doc]. */
function findEntry(ctx: Ctx, key: ApiKey): AccessEntry {
  const written = ctx.params.prefix === undefined ? ctx.params.entry : `${ctx.params.entry}/${ctx.params.prefix}`;
  const cidr = parseCidr(written);
  const entry = cidr && key.accessList.find((e) => sameBlock(e.cidr, cidr));
  if (!entry) throw omError('API_KEY_WHITELIST_NOT_FOUND');
  return entry;
}

/**
 * The access-list entries of a POST [doc]: an array of `{"ipAddress"}` or `{"cidrBlock"}` (both in one →
 * BAD_WHITELIST_ADD_REQUEST, the same block twice → DUPLICATE_ADDRESSES_IN_INPUT [doc]); not an array, or an item not
 * an object → INVALID_JSON; neither field → MISSING_ATTRIBUTE; not an address/block → INVALID_ATTRIBUTE [inf].
 */
async function readEntries(request: EmulatorRequest, now: number): Promise<AccessEntry[]> {
  const body = await readJsonBody(request);
  if (body === undefined) throw omError('MISSING_ATTRIBUTE', 'ipAddress');
  if (!Array.isArray(body)) throw omError('INVALID_JSON');
  const out: AccessEntry[] = [];
  for (const item of body) {
    if (!isPlainObject(item)) throw omError('INVALID_JSON');
    for (const k of Object.keys(item)) if (k !== 'ipAddress' && k !== 'cidrBlock') throw omError('INVALID_ATTRIBUTE', k);
    const { ipAddress, cidrBlock } = item;
    if (ipAddress != null && cidrBlock != null) throw omError('BAD_WHITELIST_ADD_REQUEST');
    const field = ipAddress != null ? 'ipAddress' : 'cidrBlock';
    const value = ipAddress ?? cidrBlock;
    if (value == null) throw omError('MISSING_ATTRIBUTE', 'ipAddress');
    if (typeof value !== 'string') throw omError('INVALID_JSON');
    const ok = field === 'ipAddress' ? !value.includes('/') : value.includes('/');
    const entry = ok ? accessEntry(value, now) : undefined;
    if (!entry) throw omError('INVALID_ATTRIBUTE', field);
    if (out.some((e) => sameBlock(e.cidr, entry.cidr))) throw omError('DUPLICATE_ADDRESSES_IN_INPUT');
    out.push(entry);
  }
  return out;
}

/** Where a key's list lives, under the name the caller used (`accessList` or the older `whitelist`). */
const listBase = (ctx: Ctx, key: ApiKey, name: string) => `${keyHref(ctx, key)}/${name}`;

function accessListHandlers(name: 'accessList' | 'whitelist') {
  return {
    /** `GET …/accessList`. */
    list(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
      const key = accessListKey(request, ctx);
      return page(ctx, key.accessList.map((e) => entryWire(listBase(ctx, key, name), e)));
    },
    /** `POST …/accessList` `[{…}, …]`: adds what is not there yet, keeps the rest → 200 with the whole list [doc]. */
    async add(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
      const key = accessListKey(request, ctx);
      const added = (await readEntries(request, ctx.clock.now())).filter((entry) => !key.accessList.some((e) => sameBlock(e.cidr, entry.cidr)));
      if (added.length) ctx.state.setAccessList(key, [...key.accessList, ...added]);
      return page(ctx, key.accessList.map((e) => entryWire(listBase(ctx, key, name), e)));
    },
    /** `GET …/accessList/{ENTRY}`: with a link to its key [doc]. */
    get(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
      const key = accessListKey(request, ctx);
      return respond(ctx, 200, entryWire(listBase(ctx, key, name), findEntry(ctx, key), true));
    },
    /** `DELETE …/accessList/{ENTRY}` → 204 [doc]; applies to the next request (an empty list lets in anyone [doc]). */
    remove(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
      const key = accessListKey(request, ctx);
      const entry = findEntry(ctx, key);
      ctx.state.setAccessList(key, key.accessList.filter((e) => e !== entry));
      return respond(ctx, 204, undefined);
    },
  };
}

// ---------------------------------------------------------------- project keys

/**
 * Managing a project's keys [doc]: `GROUP_OWNER` or `GROUP_USER_ADMIN` on it, the org's `ORG_OWNER`, `GLOBAL_OWNER`
 * [inf: owners above the project, as for agent keys]. Any project role lists them.
 */
function projectFor(ctx: Ctx, caller: ApiKey, manage: boolean): Group {
  const group = authorize(ctx, caller, 'read');
  if (manage && ctx.state.accessTo(caller, group, group.id) !== 'owner' && !caller.roles.some((r) => r.groupId === group.id && r.roleName === 'GROUP_USER_ADMIN'))
    throw omError('USER_UNAUTHORIZED');
  return group;
}

/** A key of the project's org by id; anything else → 400 API_KEY_NOT_FOUND [doc][inf: another org's key too]. */
function projectKey(ctx: Ctx, group: Group): ApiKey {
  const raw = ctx.params.apiKeyId;
  const id = objectIdParam(raw);
  const key = id === undefined ? undefined : ctx.state.apiKeys.get(id);
  if (!key || key.orgId !== group.orgId) throw omError('API_KEY_NOT_FOUND', raw);
  return key;
}

const withProjectRoles = (key: ApiKey, groupId: string, names: string[]): Role[] => [
  ...key.roles.filter((r) => r.groupId !== groupId),
  ...names.map((roleName) => ({ groupId, roleName })),
];

/** `GET /groups/{PROJECT-ID}/apiKeys`: the keys with a role in the project, with all their roles [doc]. */
function listProjectKeys(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const group = projectFor(ctx, authenticate(request, ctx), false);
  return page(ctx, ctx.state.apiKeysOfGroup(group.id).map((k) => keyWire(ctx, k)));
}

/** `POST /groups/{PROJECT-ID}/apiKeys` `{"desc","roles":[project roles]}`: a new key of the project's org, assigned [doc]. */
async function createProjectKey(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const group = projectFor(ctx, authenticate(request, ctx), true);
  const { desc, roles } = await readKeyBody(request, { groupId: group.id }, { desc: false, roles: true });
  const key = ctx.state.createApiKey(group.orgId, desc ?? '', []);
  ctx.state.updateApiKey(key, { roles: withProjectRoles(key, group.id, roles!) });
  return respond(ctx, 200, keyWire(ctx, key, true));
}

/**
 * `PATCH /groups/{PROJECT-ID}/apiKeys/{API-KEY-ID}` `{"roles":[…]}`: assigns a key of the org to the project, or
 * replaces its roles there ("Any roles not in this array are removed") [doc] → 200, the whole key.
 */
async function assignProjectKey(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const group = projectFor(ctx, authenticate(request, ctx), true);
  const key = projectKey(ctx, group);
  const { roles } = await readKeyBody(request, { groupId: group.id }, { desc: false, roles: true }, ['roles']);
  ctx.state.updateApiKey(key, { roles: withProjectRoles(key, group.id, roles!) });
  return respond(ctx, 200, keyWire(ctx, key));
}

/** `DELETE /groups/{PROJECT-ID}/apiKeys/{API-KEY-ID}`: removes the key's roles in the project; it stays in the org [doc]. */
function unassignProjectKey(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const group = projectFor(ctx, authenticate(request, ctx), true);
  const key = projectKey(ctx, group);
  if (!key.roles.some((r) => r.groupId === group.id)) throw omError('API_KEY_NOT_FOUND', ctx.params.apiKeyId);
  ctx.state.updateApiKey(key, { roles: key.roles.filter((r) => r.groupId !== group.id) });
  return respond(ctx, 200, undefined);
}

// ---------------------------------------------------------------- routes

const ORG_KEYS = `${API_BASE}/orgs/:orgId/apiKeys`;
const ORG_KEY = `${ORG_KEYS}/:apiKeyId`;
const GROUP_KEYS = `${API_BASE}/groups/:groupId/apiKeys`;
const GROUP_KEY = `${GROUP_KEYS}/:apiKeyId`;

function accessListRoutes(name: 'accessList' | 'whitelist'): Route<OpsManagerModel>[] {
  const h = accessListHandlers(name);
  const list = `${ORG_KEY}/${name}`;
  const op = `orgApiKeys.${name}`;
  const routes: Route<OpsManagerModel>[] = [
    { method: 'GET', path: list, name: `${op}.list`, service: 'api', handler: h.list },
    { method: 'POST', path: list, name: `${op}.add`, service: 'api', handler: h.add },
  ];
  // The entry as one segment (`10.0.0.0%2F8`, `10.0.0.1`) or with a raw slash (`10.0.0.0/8`), as OMGO sends it [code].
  for (const entry of [`${list}/:entry`, `${list}/:entry/:prefix`])
    routes.push(
      { method: 'GET', path: entry, name: `${op}.get`, service: 'api', handler: h.get },
      { method: 'DELETE', path: entry, name: `${op}.delete`, service: 'api', handler: h.remove },
    );
  return routes;
}

export const programmaticKeyRoutes: Route<OpsManagerModel>[] = [
  { method: 'GET', path: ORG_KEYS, name: 'orgApiKeys.list', service: 'api', handler: listOrgKeys },
  { method: 'POST', path: ORG_KEYS, name: 'orgApiKeys.create', service: 'api', handler: createOrgKey },
  { method: 'GET', path: ORG_KEY, name: 'orgApiKeys.get', service: 'api', handler: getOrgKey },
  { method: 'PATCH', path: ORG_KEY, name: 'orgApiKeys.update', service: 'api', handler: updateOrgKey },
  { method: 'DELETE', path: ORG_KEY, name: 'orgApiKeys.delete', service: 'api', handler: deleteOrgKey },
  ...accessListRoutes('accessList'),
  ...accessListRoutes('whitelist'),
  { method: 'GET', path: GROUP_KEYS, name: 'projectApiKeys.list', service: 'api', handler: listProjectKeys },
  { method: 'POST', path: GROUP_KEYS, name: 'projectApiKeys.create', service: 'api', handler: createProjectKey },
  { method: 'PATCH', path: GROUP_KEY, name: 'projectApiKeys.assign', service: 'api', handler: assignProjectKey },
  { method: 'DELETE', path: GROUP_KEY, name: 'projectApiKeys.unassign', service: 'api', handler: unassignProjectKey },
];
