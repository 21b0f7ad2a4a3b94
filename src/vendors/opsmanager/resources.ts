import { EmulatorError } from '../../core/errors.js';
import type { Route, RouteContext } from '../../core/types.js';
import { authenticate } from './auth.js';
import type { OpsManagerModel } from './model.js';

type Ctx = RouteContext<OpsManagerModel>;

/** The Public API's base path [doc]. */
export const API_BASE = '/api/public/v1.0';

/**
 * A method the resource does not have: authenticated first (the digest filter covers every path under the API),
 * then 405 with `Allow` [inf].
 */
const methodNotAllowed =
  (allowed: string[]) =>
  (request: Request, ctx: Ctx): Response => {
    authenticate(request, ctx);
    throw new EmulatorError(405, `HTTP method ${request.method} is not supported by ${ctx.url.pathname}.`, undefined, undefined, {
      allow: allowed.join(', '),
    });
  };

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** 405 routes for the methods a resource does not have, named `name` in the journal. */
export const notAllowed = (path: string, allowed: string[], name: string): Route<OpsManagerModel>[] =>
  METHODS.filter((m) => !allowed.includes(m)).map((method) => ({
    method,
    path,
    name,
    service: 'api',
    handler: methodNotAllowed(allowed),
  }));
