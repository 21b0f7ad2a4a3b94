import { isPlainObject, json, parseJson, readText, type EmulatorRequest, type EmulatorResponse } from '../../core/http.js';
import type { Route, RouteContext } from '../../core/types.js';
import { assertCanReach, authenticate, type Caller } from './auth.js';
import { badRequest, FieldErrors, invalidAction, JSON_TYPE, notFound, notPermitted, validationError } from './errors.js';
import { signApiToken } from './jwt.js';
import { details, summary } from './wire.js';
import {
  IDEMPOTENCY_KEY_MAX,
  looksLikePfid,
  parseRfc3339,
  rfc3339,
  SCOPE_FIELDS,
  TOKEN_SCOPES,
  TRANSITIONS,
  type Action,
  type ApiToken,
  type CreateTokenInput,
  type PrefactorModel,
  type SortField,
  type Sorting,
  type TokenScope,
} from './model.js';

type Ctx = RouteContext<PrefactorModel>;

// ---------------------------------------------------------------- list parameters [inf]

/** `pagination[page_size]` without a value [inf]; the documented range is 1–100 [doc]. */
export const DEFAULT_PAGE_SIZE = 20;
export const PAGE_SIZE_MIN = 1;
export const PAGE_SIZE_MAX = 100;
/** The order of a list that names none [inf]: by id, which for PFIDs is creation order. */
export const DEFAULT_SORTING: Sorting = { field: 'id', direction: 'asc', nulls: 'auto' };
/** Fields a list can be sorted by [inf: the docs show the sorting input, not the list of fields]. */
export const SORT_FIELDS: readonly SortField[] = ['id', 'inserted_at', 'updated_at', 'expires_at', 'last_used_at', 'status', 'token_scope'];

const ok = (body: Record<string, unknown>) => json({ status: 'success', ...body }, 200, {}, JSON_TYPE);

/**
 * PaginationOutput [doc] for a page that starts at `offset` (0-based) and holds `returned` of `total` items.
 * Rules [inf, chosen so every field agrees with the others]:
 * - `item_start`/`item_end` are 1-based positions of the first and last item shown; both 0 when none is shown.
 * - `page_index` (1-based) counts the pages before this one: `ceil(offset / page_size) + 1`, so an offset that is
 *   not a multiple of the page size still gives a page whose predecessors are reachable with `previous_page_offset`.
 * - `page_count` is the number of pages of this walk (at least 1, for an empty list); past the end it is the
 *   count of the aligned walk and `page_index` is larger than it.
 * - `next_page_offset` is null on the last page; `previous_page_offset` is null on the first, and past the end it
 *   points at the last page that has items.
 */
export function paginationOutput(total: number, offset: number, pageSize: number, returned: number) {
  const before = Math.ceil(offset / pageSize);
  const inside = offset < total;
  const pageCount = inside ? before + Math.ceil((total - offset) / pageSize) : Math.max(1, Math.ceil(total / pageSize));
  const lastPageOffset = total === 0 ? 0 : Math.floor((total - 1) / pageSize) * pageSize;
  return {
    item_count: total,
    item_start: returned > 0 ? offset + 1 : 0,
    item_end: returned > 0 ? offset + returned : 0,
    page_index: before + 1,
    page_offset: offset,
    page_size: pageSize,
    page_count: pageCount,
    next_page_offset: offset + pageSize < total ? offset + pageSize : null,
    previous_page_offset: offset === 0 ? null : Math.max(0, inside ? offset - pageSize : Math.min(offset - pageSize, lastPageOffset)),
  };
}

// ---------------------------------------------------------------- request bodies

/**
 * The JSON object of a body, or undefined for an empty one. Malformed JSON or a non-object → 400 `bad_request`;
 * over 1 MiB → the 413 of `readText`. The content type is not checked (curl's `-d` default is accepted) [inf].
 */
async function readJsonObject(request: EmulatorRequest): Promise<Record<string, unknown> | undefined> {
  const parsed = parseJson(await readText(request));
  if (!parsed.ok) throw badRequest(`The request body is not valid JSON: ${parsed.error}`);
  if (parsed.empty) return undefined;
  if (!isPlainObject(parsed.value)) throw badRequest('The request body must be a JSON object');
  return parsed.value;
}

function findToken(ctx: Ctx, caller: Caller): ApiToken {
  const id = ctx.params.id;
  const t = looksLikePfid(id) ? ctx.state.apiTokens.get(id) : undefined;
  if (!t) throw notFound(`API token ${JSON.stringify(id)}`);
  assertCanReach(caller, t);
  return t;
}

// ---------------------------------------------------------------- handlers

async function ping(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  await authenticate(request, ctx);
  return ok({ details: { token_type: 'api' } });
}

function parseListQuery(q: URLSearchParams): { accountId: string | null; offset: number; pageSize: number; sorting: Sorting } {
  const errs = new FieldErrors();
  const accountId = q.get('account_id');
  if (accountId !== null && !looksLikePfid(accountId)) errs.add('account_id', 'invalid', 'must be a valid account ID');

  const int = (name: string, min: number, max: number, fallback: number): number => {
    const raw = q.get(name);
    if (raw === null) return fallback;
    const n = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= min && n <= max)) {
      errs.add(name, 'invalid', `must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any size' : max}`);
      return fallback;
    }
    return n;
  };
  const offset = int('pagination[offset]', 0, Number.MAX_SAFE_INTEGER, 0);
  const pageSize = int('pagination[page_size]', PAGE_SIZE_MIN, PAGE_SIZE_MAX, DEFAULT_PAGE_SIZE);

  // `sorting=-id` (leading minus = descending) or `sorting[field]=id&sorting[direction]=desc` [doc][code].
  const sorting: Sorting = { ...DEFAULT_SORTING };
  const plain = q.get('sorting');
  const bField = q.get('sorting[field]');
  const bDir = q.get('sorting[direction]');
  const bNulls = q.get('sorting[nulls]');
  const setField = (name: string, raw: string) => {
    if ((SORT_FIELDS as readonly string[]).includes(raw)) sorting.field = raw as SortField;
    else errs.add(name, 'invalid', `must be one of ${SORT_FIELDS.join(', ')}`);
  };
  if (plain !== null && (bField !== null || bDir !== null)) {
    errs.add('sorting', 'invalid', 'give either sorting=<field> or sorting[field]/sorting[direction], not both');
  } else if (plain !== null) {
    // A `+` that was not percent-encoded arrives as a space.
    const m = /^([-+ ]?)([a-z_]+)$/.exec(plain);
    if (!m) errs.add('sorting', 'invalid', `must be a field name, optionally preceded by "-": one of ${SORT_FIELDS.join(', ')}`);
    else {
      setField('sorting', m[2]);
      sorting.direction = m[1] === '-' ? 'desc' : 'asc';
    }
  } else {
    if (bField !== null) setField('sorting[field]', bField);
    if (bDir !== null) {
      const d = bDir.toLowerCase();
      if (d === 'asc' || d === 'desc') sorting.direction = d;
      else errs.add('sorting[direction]', 'invalid', 'must be asc or desc');
    }
  }
  if (bNulls !== null) {
    if (bNulls === 'first' || bNulls === 'last' || bNulls === 'auto') sorting.nulls = bNulls;
    else errs.add('sorting[nulls]', 'invalid', 'must be first, last or auto');
  }
  errs.throwIfAny();
  return { accountId, offset, pageSize, sorting };
}

async function list(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const caller = await authenticate(request, ctx);
  const q = parseListQuery(ctx.query);
  const accountId = q.accountId ?? caller.accountId;
  if (accountId !== caller.accountId) throw notPermitted('This API token may not list the tokens of another account');
  // A token bound to an environment sees that environment's tokens only [inf: reads are filtered, not refused].
  const page = ctx.state.listTokens(accountId, {
    environmentId: caller.environmentId,
    sorting: q.sorting,
    offset: q.offset,
    pageSize: q.pageSize,
  });
  return ok({
    summaries: page.items.map(summary),
    pagination: paginationOutput(page.total, q.offset, q.pageSize, page.items.length),
    sorting: { field: q.sorting.field, direction: q.sorting.direction },
  });
}

async function get(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const caller = await authenticate(request, ctx);
  return ok({ details: details(findToken(ctx, caller)) });
}

interface ParsedCreate {
  input: CreateTokenInput;
  idempotencyKey: string | null;
}

/**
 * The create body: `{"details":{…}}` as Prefactor's clients send it [code], or the same fields unwrapped as the
 * seed shows them [doc]. `idempotency_key` may sit beside `details` or inside it [code]; the `Idempotency-Key`
 * header is the Python SDK's form [code]. Unknown fields are ignored [inf].
 */
function parseCreate(body: Record<string, unknown>, header: string | null, caller: Caller, nowMs: number): ParsedCreate {
  const errs = new FieldErrors();
  let src = body;
  if ('details' in body && body.details !== undefined) {
    if (!isPlainObject(body.details)) validationError('details', 'invalid', 'must be an object');
    src = body.details as Record<string, unknown>;
  }

  let idempotencyKey: string | null = null;
  const bodyKey = body.idempotency_key ?? src.idempotency_key;
  if (bodyKey != null) {
    if (typeof bodyKey !== 'string' || bodyKey.length < 1 || bodyKey.length > IDEMPOTENCY_KEY_MAX)
      errs.add('idempotency_key', 'invalid', `must be a string of 1 to ${IDEMPOTENCY_KEY_MAX} characters`);
    else idempotencyKey = bodyKey;
  }
  if (header !== null) {
    const h = header.trim();
    if (h.length < 1 || h.length > IDEMPOTENCY_KEY_MAX)
      errs.add('Idempotency-Key', 'invalid', `must be 1 to ${IDEMPOTENCY_KEY_MAX} characters`);
    else if (idempotencyKey !== null && idempotencyKey !== h)
      errs.add('idempotency_key', 'invalid', 'differs from the Idempotency-Key header');
    else idempotencyKey = h;
  }

  const rawScope = src.token_scope;
  let scope: TokenScope | null = null;
  if (rawScope == null) errs.add('token_scope', 'required', 'is required');
  else if (typeof rawScope !== 'string' || !(TOKEN_SCOPES as readonly string[]).includes(rawScope))
    errs.add('token_scope', 'invalid', `must be one of ${TOKEN_SCOPES.join(', ')}`);
  else scope = rawScope as TokenScope;

  const id = (field: string): string | null => {
    const v = src[field];
    if (v == null) return null;
    if (!looksLikePfid(v)) {
      errs.add(field, 'invalid', 'must be a valid ID (a PFID string)');
      return null;
    }
    return v;
  };
  const accountId = id('account_id') ?? caller.accountId;
  const environmentId = id('environment_id');
  const agentId = id('agent_id');

  let expiresAt: string | null = null;
  const rawExpires = src.expires_at;
  if (rawExpires != null) {
    const ms = typeof rawExpires === 'string' ? parseRfc3339(rawExpires) : NaN;
    if (!Number.isFinite(ms)) errs.add('expires_at', 'invalid', 'must be an RFC 3339 date-time such as 2030-01-01T00:00:00Z');
    else if (ms <= nowMs) errs.add('expires_at', 'invalid', 'must be in the future');
    else expiresAt = rfc3339(ms);
  }

  if (scope) {
    const rules = SCOPE_FIELDS[scope];
    for (const field of ['environment_id', 'agent_id'] as const) {
      const given = src[field] != null;
      if (rules[field] === 'required' && !given) errs.add(field, 'required', `is required when token_scope is ${scope}`);
      if (rules[field] === 'absent' && given) errs.add(field, 'must_be_absent', `must be omitted when token_scope is ${scope}`);
    }
  }
  errs.throwIfAny();
  return {
    input: { token_scope: scope!, account_id: accountId, environment_id: environmentId, agent_id: agentId, expires_at: expiresAt },
    idempotencyKey,
  };
}

async function create(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const caller = await authenticate(request, ctx);
  const body = (await readJsonObject(request)) ?? {};
  const state = ctx.state;
  const { input, idempotencyKey } = parseCreate(body, request.headers.get('idempotency-key'), caller, ctx.clock.now());

  if (input.account_id !== caller.accountId) throw notPermitted('This API token may not create tokens in another account');
  if (input.environment_id !== null) {
    const env = state.environments.get(input.environment_id);
    if (!env || env.account_id !== input.account_id) validationError('environment_id', 'invalid', 'is not an environment of this account');
  }
  assertCanReach(caller, input);

  // Same key and same request → the same token (and JWT); same key, another request → 422 [inf: as the IETF
  // Idempotency-Key draft answers a reused key]. Keys are remembered per account until the token is deleted.
  const fingerprint = JSON.stringify([input.token_scope, input.account_id, input.environment_id, input.agent_id, input.expires_at]);
  const replay = (): EmulatorResponse | undefined => {
    if (idempotencyKey === null) return undefined;
    const seen = state.idempotency.get(input.account_id)?.get(idempotencyKey);
    const t = seen && state.apiTokens.get(seen.tokenId);
    if (!seen || !t) return undefined;
    if (seen.fingerprint !== fingerprint)
      validationError('idempotency_key', 'invalid', 'was already used with a different request');
    return ok({ details: details(t), token: t.bearer });
  };
  const earlier = replay();
  if (earlier) return earlier;

  const token = state.prepareToken(input);
  token.bearer = await signApiToken(state.secret, token, ctx.clock.now());
  // Signing awaited: a concurrent request with the same key may have finished meanwhile.
  const raced = replay();
  if (raced) return raced;
  state.insertToken(token);
  if (idempotencyKey !== null) {
    let keys = state.idempotency.get(input.account_id);
    if (!keys) state.idempotency.set(input.account_id, (keys = new Map()));
    keys.set(idempotencyKey, { fingerprint, tokenId: token.id });
  }
  return ok({ details: details(token), token: token.bearer });
}

function transition(action: Exclude<Action, 'delete'>) {
  return async (request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> => {
    const caller = await authenticate(request, ctx);
    await readJsonObject(request); // `{}` or nothing [code]; anything else must still be valid JSON
    const t = findToken(ctx, caller);
    const rule = TRANSITIONS[action];
    if (!rule.from.includes(t.status))
      throw invalidAction(`Cannot ${action} an API token whose status is ${t.status}`);
    ctx.state.setStatus(t, rule.to!);
    return ok({ details: details(t) });
  };
}

/** Deleting is allowed once revoked [doc]; the answer shows the token as it was [inf]. */
async function remove(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const caller = await authenticate(request, ctx);
  const t = findToken(ctx, caller);
  if (!TRANSITIONS.delete.from.includes(t.status))
    throw invalidAction(`Cannot delete an API token whose status is ${t.status}: revoke it first`);
  const shown = details(t);
  ctx.state.deleteToken(t);
  return ok({ details: shown });
}

const API = '/api/v1';
const TOKENS = `${API}/api_token`;

export const routes: Route<PrefactorModel>[] = [
  { method: 'GET', path: `${API}/ping`, name: 'ping', service: 'api', handler: ping },
  { method: 'GET', path: TOKENS, name: 'apiTokens.list', service: 'api', handler: list },
  { method: 'POST', path: TOKENS, name: 'apiTokens.create', service: 'api', handler: create },
  { method: 'GET', path: `${TOKENS}/:id`, name: 'apiTokens.get', service: 'api', handler: get },
  { method: 'DELETE', path: `${TOKENS}/:id`, name: 'apiTokens.delete', service: 'api', handler: remove },
  { method: 'POST', path: `${TOKENS}/:id/suspend`, name: 'apiTokens.suspend', service: 'api', handler: transition('suspend') },
  { method: 'POST', path: `${TOKENS}/:id/activate`, name: 'apiTokens.activate', service: 'api', handler: transition('activate') },
  { method: 'POST', path: `${TOKENS}/:id/revoke`, name: 'apiTokens.revoke', service: 'api', handler: transition('revoke') },
];
