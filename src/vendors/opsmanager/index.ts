import type { EmulatorResponse } from '../../core/http.js';
import type { RouteContext, VendorDefinition } from '../../core/types.js';
import { opsManagerApi, type OpsManagerApi } from './api.js';
import { renderError } from './errors.js';
import { fixtureSchema, OpsManagerModel, type OpsManagerFixture } from './model.js';
import { methodNotAllowed } from './resources.js';
import { API_BASE, fallback, routes } from './routes.js';

export { OpsManagerModel } from './model.js';
export type { AgentApiKey, ApiKey, Group, Org, OpsManagerFixture, OpsManagerOptions } from './model.js';
export type { OpsManagerApi, AgentApiKeyRecord } from './api.js';

declare module '../../core/types.js' {
  interface VendorApis {
    /** Seed and inspect Ops Manager state (present when the vendor is enabled). */
    opsmanager: OpsManagerApi;
  }
}

/**
 * What `X-MongoDB-Service-Version` reports: `gitHash=<40 hex>; versionString=<Ops Manager version>` [doc]; the Go
 * client and the Kubernetes operator take everything after `versionString=` as the version. The values are ours
 * [inf]: an Ops Manager 8.0 build string in the documented shape (`4.2.4.56729.20191105T2247Z`).
 */
export const SERVICE_VERSION = {
  gitHash: '0e6f5a1c9b7d3e2f4a8b6c0d1e3f5a7b9c2d4e6f',
  versionString: '8.0.0.500.20240924T1614Z',
};

/** `Strict-Transport-Security` as the documented 200 headers show it [doc]. */
export const HSTS = 'max-age=300';

/** The documented headers [doc] on every response of the API, errors included. */
function decorate(response: EmulatorResponse, _ctx: RouteContext<OpsManagerModel>): void {
  const h = response.headers;
  h.set('x-mongodb-service-version', `gitHash=${SERVICE_VERSION.gitHash}; versionString=${SERVICE_VERSION.versionString}`);
  h.set('strict-transport-security', HSTS);
  h.set('vary', 'Accept-Encoding');
  if (!h.has('content-type')) h.set('content-type', 'application/json');
}

export const opsmanager: VendorDefinition<OpsManagerModel, OpsManagerFixture> = {
  name: 'opsmanager',
  secrets: { state: { apiKeys: ['privateKey'], agentApiKeys: ['key'] } },
  title: 'MongoDB Ops Manager / Cloud Manager agent API keys (Public API v1.0, HTTP Digest)',
  // Cloud Manager's origin; Ops Manager is self-hosted, so through MSW the paths also answer on any origin.
  services: { api: { origins: ['https://cloud.mongodb.com'] } },
  anyOrigin: true,
  startup: { baseUrls: { api: API_BASE }, credentials: 'opsmanager.apiKeys (publicKey + privateKey, HTTP Digest)' },
  pathPrefixes: [API_BASE],
  fixtureSchema,
  createState: (fixture, env) => new OpsManagerModel(fixture, env),
  exportState: (state) => state.export(),
  persist: (state) => state.persisted(),
  api: (state) => opsManagerApi(state),
  routes,
  renderError,
  decorate,
  // A budget configured on the emulator (`rateLimits`) counts per project [inf: Atlas limits per project]; past it,
  // RATE_LIMITED.
  rateLimit: { key: (ctx) => ctx.params.groupId?.toLowerCase() ?? '' },
  fallback,
  methodNotAllowed,
};
