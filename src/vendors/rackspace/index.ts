import type { EmulatorResponse } from '../../core/http.js';
import { NotFound } from '../../core/errors.js';
import type { RouteContext, VendorDefinition, VendorRateLimit } from '../../core/types.js';
import { rateLimitHeaders } from '../../core/ratelimit.js';
import { isIdentityPath, JSON_TYPE, renderError, responseId } from './errors.js';
import { fixtureSchema, RackspaceModel, type RackspaceFixture } from './model.js';
import { routes } from './routes.js';
import { rackspaceApi, type RackspaceApi } from './api.js';

export type { RackspaceApi, AgentTokenRecord } from './api.js';

declare module '../../core/types.js' {
  interface VendorApis {
    /** Seed and inspect Rackspace state (present when the vendor is enabled). */
    rackspace: RackspaceApi;
  }
}

export { RackspaceModel } from './model.js';
export type { AgentToken, RackspaceFixture, User, IdentityToken } from './model.js';

/** The documented global limit: 50,000 requests per tenant per 24 hours [doc]. Counted, not enforced. */
export const RATE_LIMIT = { limit: 50_000, windowMs: 24 * 60 * 60 * 1000, window: '24 hours', type: 'global' };

function decorate(response: EmulatorResponse, ctx: RouteContext<RackspaceModel>): void {
  if (isIdentityPath(ctx.path)) return;
  const h = response.headers;
  h.set('x-response-id', responseId(ctx));
  h.set('x-lb', 'emulator-maas-api1');
  if (h.get('content-type')?.startsWith('application/json')) h.set('vary', 'Accept-Encoding');
}

/**
 * Monitoring's budget is per tenant [doc]; a budget configured on the emulator (control plane, `rateLimits`) is
 * enforced, otherwise the documented one is counted and reported. Identity answers carry no X-RateLimit-* headers
 * unless a configured budget limits them.
 */
const rateLimit: VendorRateLimit<RackspaceModel> = {
  key: (ctx) => ctx.params.tenantId ?? '',
  documented: { limit: RATE_LIMIT.limit, windowMs: RATE_LIMIT.windowMs },
  headers(rate, ctx) {
    if (isIdentityPath(ctx.path)) return rate.enforced ? rateLimitHeaders(rate) : {};
    return {
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(rate.remaining),
      // `-Used` is named by the docs [doc: Cloud Monitoring "Rate limiting"]; `-Remaining` was seen on real traffic [cap].
      'x-ratelimit-used': String(rate.used),
      'x-ratelimit-window': windowText(rate.windowMs),
      'x-ratelimit-type': RATE_LIMIT.type,
    };
  },
};

/** `24 hours`, `1 minute`, `90 seconds`: the X-RateLimit-Window wording. */
function windowText(ms: number): string {
  for (const [unit, size] of [['hour', 3_600_000], ['minute', 60_000], ['second', 1000]] as const)
    if (ms % size === 0) return `${ms / size} ${unit}${ms / size === 1 ? '' : 's'}`;
  return `${ms / 1000} seconds`;
}

export const rackspace: VendorDefinition<RackspaceModel, RackspaceFixture> = {
  name: 'rackspace',
  title: 'Rackspace Cloud Monitoring agent tokens (with Identity v2.0)',
  services: {
    identity: { origins: ['https://identity.api.rackspacecloud.com'] },
    monitoring: { origins: ['https://monitoring.api.rackspacecloud.com'] },
  },
  startup: {
    baseUrls: { identity: '/v2.0', monitoring: '/v1.0/{tenantId}' },
    credentials: 'rackspace.users (username + apiKey or password)',
  },
  pathPrefixes: ['/v2.0', '/v1.0'],
  fixtureSchema,
  createState: (fixture, env) => new RackspaceModel(fixture, env),
  exportState: (state) => state.export(),
  persist: (state) => state.persisted(),
  api: (state) => rackspaceApi(state),
  routes,
  renderError,
  decorate,
  rateLimit,
  secrets: {
    // The identity token every Monitoring call carries.
    headers: ['x-auth-token'],
    // An identity token validated, checked or revoked by its id (`GET`/`HEAD`/`DELETE /v2.0/tokens/{tokenId}`).
    paths: ['/v2.0/tokens/:tokenId'],
    // An identity token's id is the X-Auth-Token itself; an agent token's id is the same value as its token.
    state: { users: ['apiKey', 'password'], agentTokens: ['id', 'token'], identityTokens: ['id'] },
  },
  fallback(request, ctx) {
    const path = ctx.path;
    if (isIdentityPath(path)) throw new NotFound(`Resource not found: ${request.method} ${path}`);
    throw new NotFound('Resource not found', undefined, `No resource at ${request.method} ${path}`);
  },
};

export { JSON_TYPE };
