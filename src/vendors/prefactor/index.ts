import type { VendorDefinition } from '../../core/types.js';
import { NotFound } from '../../core/errors.js';
import { renderError } from './errors.js';
import { fixtureSchema, PrefactorModel, type PrefactorFixture } from './model.js';
import { routes } from './routes.js';
import { prefactorApi, type PrefactorApi } from './api.js';

export type { PrefactorApi, ApiTokenDetails, PrefactorCreateInput } from './api.js';

declare module '../../core/types.js' {
  interface VendorApis {
    /** Seed and inspect Prefactor state (present when the vendor is enabled). */
    prefactor: PrefactorApi;
  }
}

export { PrefactorModel } from './model.js';
export type { ApiToken, PrefactorFixture, TokenScope, TokenStatus } from './model.js';

/**
 * Prefactor API tokens: bearer HS256 JWTs and their lifecycle, at `https://app.prefactorai.com/api/v1` [code].
 * Options (`createEmulator({ vendorOptions: { prefactor: { jwtSecret, defaultTokenLifetimeMs } } })`): the HS256
 * key, a non-empty string or Uint8Array, random per emulator by default; the `expires_at` of tokens created without
 * one, `now + defaultTokenLifetimeMs` (default one year [inf], `null`: never expires).
 */
export const prefactor: VendorDefinition<PrefactorModel, PrefactorFixture> = {
  name: 'prefactor',
  secrets: { state: { apiTokens: ['token'] } },
  title: 'Prefactor API tokens',
  services: { api: { origins: ['https://app.prefactorai.com'] } },
  startup: { baseUrls: { api: '/api/v1' }, credentials: 'prefactor.apiTokens[].token (Bearer)' },
  pathPrefixes: ['/api/v1'],
  fixtureSchema,
  createState: (fixture, env) => new PrefactorModel(fixture, env),
  exportState: (state) => state.export(),
  persist: (state) => state.persisted(),
  api: (state) => prefactorApi(state),
  routes,
  renderError,
  // A Phoenix router answers a method the path lacks like a path it lacks: 404 not_found [inf].
  methodNotAllowed: '404',
  cliOptions: [
    { flag: 'jwt-secret', key: 'jwtSecret', type: 'string', describe: 'Prefactor: the HS256 secret its JWTs are signed with (default: random per run)' },
  ],
  fallback(request, ctx) {
    throw new NotFound(`No resource at ${request.method} ${ctx.path}`, 'not_found');
  },
};
