import { EmulatorError } from '../../core/errors.js';
import type { EmulatorRequest, EmulatorResponse } from '../../core/http.js';
import type { RouteContext } from '../../core/types.js';
import { authenticate } from './auth.js';
import type { OpsManagerModel } from './model.js';

/** The Public API's base path [doc]. */
export const API_BASE = '/api/public/v1.0';

/**
 * The vendor's 405 policy, for every resource (agent keys, programmatic keys, access lists): a method the resource
 * does not have is authenticated first (the digest filter covers every path under the API), then 405 with `Allow`
 * [inf].
 */
export function methodNotAllowed(request: EmulatorRequest, ctx: RouteContext<OpsManagerModel>, allowed: string[]): EmulatorResponse {
  authenticate(request, ctx);
  throw new EmulatorError(405, `HTTP method ${request.method} is not supported by ${ctx.path}.`, undefined, undefined, {
    allow: allowed.join(', '),
  });
}
