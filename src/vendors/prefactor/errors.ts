import { text, type EmulatorResponse } from '../../core/http.js';
import {
  BadRequest,
  Conflict,
  Forbidden,
  NotFound,
  Unauthorized,
  UnprocessableEntity,
  type EmulatorError,
} from '../../core/errors.js';
import type { RouteContext } from '../../core/types.js';
import type { PrefactorModel } from './model.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The error `code` for each HTTP status when a handler names none [doc: the codes; inf: which status gets which].
 * - 405: Prefactor has no code for it and a Phoenix router answers an unknown method like an unknown path, so a
 *   method the path does not have is a 404 `not_found` (declared in index.ts: `methodNotAllowed: '404'`) [inf].
 * - 413: no code is specific to a body over 1 MiB; `bad_request` is the documented code for a request that cannot
 *   be taken as sent, and the 413 status keeps the precise reason for HTTP-level clients [inf].
 */
const CODE_FOR_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'bad_authtoken',
  403: 'not_permitted',
  404: 'not_found',
  409: 'invalid_action',
  413: 'bad_request',
  422: 'validation_errors',
  500: 'unexpected',
  501: 'not_implemented',
};

/** One field's problem inside a `validation_errors` body [inf shape]. */
export interface FieldError {
  status: 'error';
  code: string;
  message: string;
}

/** The codes used inside `errors` [inf: the spec shows `required`]. */
export type FieldCode = 'required' | 'invalid' | 'must_be_absent';

/** Collects field problems; `throwIfAny` raises one 422 `validation_errors` with all of them. */
export class FieldErrors {
  private readonly map: Record<string, FieldError> = {};

  add(field: string, code: FieldCode, message: string): this {
    this.map[field] ??= { status: 'error', code, message };
    return this;
  }

  get empty(): boolean {
    return Object.keys(this.map).length === 0;
  }

  throwIfAny(): void {
    if (this.empty) return;
    const summary = Object.entries(this.map)
      .map(([f, e]) => `${f} ${e.message}`)
      .join('; ');
    throw new UnprocessableEntity(`Validation failed: ${summary}`, 'validation_errors', { errors: this.map });
  }
}

export const validationError = (field: string, code: FieldCode, message: string): never =>
  new FieldErrors().add(field, code, message).throwIfAny() as never;

export const badRequest = (message: string) => new BadRequest(message, 'bad_request');
export const notAuthenticated = () =>
  new Unauthorized('No API token given: send Authorization: Bearer <token>', 'not_authenticated');
export const badAuthtoken = (why: string) => new Unauthorized(`Invalid API token: ${why}`, 'bad_authtoken');
export const notPermitted = (message: string) => new Forbidden(message, 'not_permitted');
export const notFound = (what: string) => new NotFound(`${what} not found`, 'not_found');
export const invalidAction = (message: string) => new Conflict(message, 'invalid_action');

/** The one place Prefactor errors are rendered: `{"status":"error","code","message"}` (+ `errors` for 422). */
export function renderError(err: EmulatorError, _ctx: RouteContext<PrefactorModel>): EmulatorResponse {
  const status = err.status;
  const code = err.code || CODE_FOR_STATUS[status] || (status >= 500 ? 'unexpected' : 'unknown');
  const body: Record<string, unknown> = { status: 'error', code, message: err.message };
  const errors = (err.details as { errors?: unknown } | undefined)?.errors;
  if (code === 'validation_errors') body.errors = errors ?? {};
  const headers: Record<string, string> = { ...(err.headers ?? {}), 'content-type': JSON_TYPE };
  return text(JSON.stringify(body), status, headers);
}
