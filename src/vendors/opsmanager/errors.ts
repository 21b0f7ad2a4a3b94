/**
 * The Ops Manager wire format: every body this vendor sends goes through `respond` (the `pretty` and `envelope`
 * query parameters), and every error is rendered here, in one place.
 */
import { empty as emptyResponse, text as textResponse, type EmulatorResponse } from '../../core/http.js';
import { STATUS_CODES } from '../../core/status.js';
import { EmulatorError } from '../../core/errors.js';
import type { RouteContext } from '../../core/types.js';

/**
 * The documented error codes [doc]: status and `detail` (`%s` filled from `parameters`, in order).
 * `RATE_LIMITED`'s detail is not documented here; ours is worded like Atlas's (resource, limit, minutes) [inf].
 */
export const ERROR_CODES = {
  USER_UNAUTHORIZED: { status: 401, detail: 'Current user is not authorized to perform this action.' },
  NOT_IN_GROUP: { status: 401, detail: 'The current user is not in the group, or the group does not exist.' },
  GROUP_NOT_FOUND: { status: 404, detail: 'No group with ID %s exists.' },
  INVALID_GROUP_ID: { status: 404, detail: 'An invalid group ID %s was specified.' },
  RESOURCE_NOT_FOUND: { status: 404, detail: 'Cannot find resource %s.' },
  MALFORMED_JSON: { status: 400, detail: 'Received JSON is malformed.' },
  INVALID_JSON: { status: 400, detail: 'Received JSON does not match expected format.' },
  INVALID_ATTRIBUTE: { status: 400, detail: 'Invalid attribute %s specified.' },
  MISSING_ATTRIBUTE: { status: 400, detail: 'The required attribute %s was not specified.' },
  IP_ADDRESS_NOT_ON_ACCESS_LIST: { status: 403, detail: 'IP address %s is not allowed to access this resource.' },
  RATE_LIMITED: { status: 429, detail: 'Resource %s is limited to %s requests every %s minutes.' },
  // Programmatic API keys and their access lists [doc: the Ops Manager error list, errors/opsmgr.rst].
  API_KEY_NOT_FOUND: { status: 400, detail: 'No API Key with ID %s exists.' },
  API_KEY_WHITELIST_NOT_FOUND: { status: 404, detail: 'The specified IP address does not exist in the corresponding API key whitelist.' },
  API_KEY_WHITELIST_ACCESS_DENIED: { status: 400, detail: 'API Key whitelists are only accessible by the API Key or by a user administrator.' },
  BAD_WHITELIST_ADD_REQUEST: { status: 400, detail: 'Should not specify both the IP address and the CIDR block.' },
  DUPLICATE_ADDRESSES_IN_INPUT: { status: 400, detail: 'Two or more of the IP addresses being added to the whitelist are the same.' },
  BILLING_UNSUPPORTED: { status: 401, detail: 'Billing administrator roles are not supported by Ops Manager.' },
  INVALID_ROLE_FOR_GROUP: { status: 400, detail: 'Role %s is invalid for group %s.' },
  NOT_ORG_ADMIN: { status: 401, detail: 'The currently logged in user does not have the administrator role in organization %s.' },
  ORG_NOT_FOUND: { status: 404, detail: 'No organization with ID %s exists.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The HTTP reason phrase the server puts in `reason` (JAX-RS `Response.Status` wording, else Node's). */
export function reasonFor(status: number): string {
  if (status === 413) return 'Request Entity Too Large';
  return STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

/** The body of every failed digest authentication, missing and wrong credentials alike: no errorCode [cap]. */
export const UNAUTHORIZED_DETAIL = 'You are not authorized for this resource.';

/** An error in the documented envelope: `omError('GROUP_NOT_FOUND', groupId)`. */
export function omError(code: ErrorCode, ...parameters: string[]): EmulatorError {
  const { status, detail } = ERROR_CODES[code];
  let i = 0;
  const message = detail.replace(/%s/g, () => parameters[i++] ?? '');
  return new EmulatorError(status, message, code, { parameters });
}

/** A failed digest authentication: 401 with a fresh challenge and the bare body. */
export function digestFailure(wwwAuthenticate: string): EmulatorError {
  return new EmulatorError(401, UNAUTHORIZED_DETAIL, undefined, undefined, { 'www-authenticate': wwwAuthenticate });
}

/** `pretty=true` / `envelope=true`, read like a Java `Boolean` query parameter: only `true` (any case) is true. */
const flag = (query: URLSearchParams, name: string) => query.get(name)?.toLowerCase() === 'true';

/**
 * Jackson's default pretty printer, byte for byte [doc]: objects `{\n  "k" : v\n}` indented two spaces per level,
 * arrays inline `[ a, b ]` (an object inside one opens on the same line: `[ {\n  …\n}, {\n  …\n} ]`), empty ones
 * `[ ]` and `{ }`, no trailing newline.
 */
export function prettyJson(value: unknown, level = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[ ${value.map((v) => prettyJson(v === undefined ? null : v, level)).join(', ')} ]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{ }';
  const pad = '  '.repeat(level + 1);
  const body = entries.map(([k, v]) => `${pad}${JSON.stringify(k)} : ${prettyJson(v, level + 1)}`).join(',\n');
  return `{\n${body}\n${'  '.repeat(level)}}`;
}

/**
 * Every response body of this vendor. `envelope=true` wraps it as `{"status":…,"content":…}` [doc] (a response
 * without a body, the 200 of a delete, becomes `{"status":200}`: absent fields are left out, like the 401 body leaves
 * out errorCode [inf]); the HTTP status stays the real one [inf]. `pretty=true` prints it the Jackson way.
 * `body === undefined` and no envelope: no body at all.
 */
export function respond(
  ctx: RouteContext<unknown>,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  /** The body already serialised (plain JSON, for a request with neither `pretty` nor `envelope`). */
  serialised?: string,
): EmulatorResponse {
  if (serialised !== undefined) return textResponse(serialised, status, { 'content-type': 'application/json', ...headers });
  const envelope = flag(ctx.query, 'envelope');
  const payload = envelope ? (body === undefined ? { status } : { status, content: body }) : body;
  const h = { 'content-type': 'application/json', ...headers };
  // A 204 (an access-list entry deleted) has no body at all, so `envelope=true` cannot add one [RFC 9110 §15.3.5].
  if (status === 204) return emptyResponse(status, h);
  if (payload === undefined) return emptyResponse(status, { ...h, 'content-length': '0' });
  const text = flag(ctx.query, 'pretty') ? prettyJson(payload) : JSON.stringify(payload);
  return textResponse(text, status, h);
}

/**
 * A 200 list answer (`{links, results, totalCount}`): `envelope=true` adds `"status":200` beside `results` rather
 * than wrapping it [doc: get-all-note]; `pretty=true` as everywhere.
 */
export function respondList(ctx: RouteContext<unknown>, list: { links: unknown[]; results: unknown[]; totalCount: number }): EmulatorResponse {
  const payload = flag(ctx.query, 'envelope') ? { ...list, status: 200 } : list;
  return textResponse(flag(ctx.query, 'pretty') ? prettyJson(payload) : JSON.stringify(payload), 200, { 'content-type': 'application/json' });
}

/**
 * The one place Ops Manager errors are rendered:
 * - a documented errorCode → `{detail, error, errorCode, parameters, reason}` [doc]; the emulator's own request
 *   budget (`rateLimits`, counted per project) running out is RATE_LIMITED;
 * - a failed digest authentication → `{reason, error, detail}` with the challenge (key order as captured [cap]);
 * - anything the API layer does not answer itself (405, 413, 415, an injected fault, an emulator bug) →
 *   `{detail, error, reason}`, the same shape without errorCode [inf].
 */
export function renderError(err: EmulatorError, ctx: RouteContext<unknown>): EmulatorResponse {
  const budget = ctx.rateLimit;
  if (err.status === 429 && !err.code && budget?.enforced) {
    const minutes = String(Math.round((budget.windowMs / 60_000) * 1000) / 1000);
    const limited = omError('RATE_LIMITED', ctx.path, String(budget.limit), minutes);
    err = new EmulatorError(429, limited.message, limited.code, limited.details, err.headers);
  }
  const reason = reasonFor(err.status);
  let body: Record<string, unknown>;
  if (err.code && err.code in ERROR_CODES) {
    const parameters = (err.details as { parameters?: string[] } | undefined)?.parameters ?? [];
    body = { detail: err.message, error: err.status, errorCode: err.code, parameters, reason };
  } else if (err.status === 401) {
    body = { reason, error: 401, detail: UNAUTHORIZED_DETAIL };
  } else {
    body = { detail: err.message, error: err.status, reason };
  }
  return respond(ctx, err.status, body, err.headers ?? {});
}
