import type { EmulatorError } from '../../core/errors.js';
import { text, type EmulatorResponse } from '../../core/http.js';
import type { RouteContext } from '../../core/types.js';
import type { RackspaceModel } from './model.js';

/** Every Monitoring error `type` by HTTP status, when a handler does not name a more precise one [doc]. */
const MONITORING_TYPE: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorizedError',
  403: 'forbiddenError',
  404: 'notFoundError',
  405: 'methodNotAllowed',
  409: 'conflictError',
  413: 'requestTooLargeError',
  429: 'rateLimitReached',
  502: 'internalError',
  504: 'requestTimeout',
  500: 'internalError',
  501: 'notImplementedError',
  503: 'systemFailureError',
};

/** Identity v2.0 fault names by status (`{"unauthorized":{"code":401,"message":…}}`) [doc]. */
const IDENTITY_FAULT: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'methodNotAllowed',
  409: 'badRequest',
  413: 'badRequest',
  415: 'badMediaType',
  429: 'overLimit',
  500: 'identityFault',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

export const JSON_TYPE = 'application/json; charset=UTF-8';

export const isIdentityPath = (path: string): boolean => path === '/v2.0' || path.startsWith('/v2.0/');

/**
 * The X-Response-Id of this request, shaped like the real ones
 * (`.rh-lHJL.h-ord1-maas-prod-api1.r-AGRIH406.c-4085336.ts-1377785008661.v-e602877`); the same string is the
 * error body's `txnId`.
 */
export function responseId(ctx: RouteContext<RackspaceModel>): string {
  return ctx.memo('responseId', () => {
    const r = ctx.requestId;
    return `.rh-${r.slice(0, 4)}.h-emulator-maas-api1.r-${r.slice(4, 12)}.c-${parseInt(r.slice(12, 16), 16)}.ts-${ctx.clock.now()}.v-emulator`;
  });
}

/** The one place Rackspace errors are rendered: the Monitoring envelope, or the Identity fault on `/v2.0`. */
export function renderError(err: EmulatorError, ctx: RouteContext<RackspaceModel>): EmulatorResponse {
  const headers: Record<string, string> = { 'content-type': JSON_TYPE, ...(err.headers ?? {}) };
  if (isIdentityPath(ctx.path)) {
    const fault = err.code ?? IDENTITY_FAULT[err.status] ?? 'identityFault';
    // `POST /v2.0` answers exactly `{"methodNotAllowed":{"code":405}}` [cap].
    const inner = err.status === 405 ? { code: 405 } : { code: err.status, message: err.message };
    return text(JSON.stringify({ [fault]: inner }), err.status, headers);
  }
  const body = {
    type: err.code ?? MONITORING_TYPE[err.status] ?? (err.status >= 500 ? 'internalError' : 'badRequest'),
    code: err.status,
    message: err.message,
    details: typeof err.details === 'string' ? err.details : err.message,
    txnId: responseId(ctx),
  };
  return text(JSON.stringify(body), err.status, headers);
}
