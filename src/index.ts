/**
 * token-api-emulator: one in-memory model of three vendors' token APIs, served by a `node:http` server
 * (`emulator.listen()`, the CLI) and by MSW handlers (`token-api-emulator/msw`). This entry never imports msw.
 */
export { createEmulator } from './core/emulator.js';
export type { Emulator, EmulatorCore, VendorApis, EmulatorOptions, FixtureFile, ListenOptions, RequestInfo, RunningServer, VendorName } from './core/emulator.js';
export { createClock, type Clock } from './core/clock.js';
export { FixtureError, DEFAULT_FIXTURES_PATH } from './core/fixtures.js';
export * as errors from './core/errors.js';
export type { Route, RouteContext, VendorDefinition, Handler } from './core/types.js';
export { ALL_VENDORS } from './vendors/index.js';
export type { RackspaceModel, RackspaceFixture, AgentToken as RackspaceAgentToken, RackspaceApi, AgentTokenRecord } from './vendors/rackspace/index.js';
export { Faults, type FaultRule, type StoredFaultRule, type FaultKind } from './core/faults.js';
export { Journal, type JournalEntry, type JournalFilter, REDACTED } from './core/journal.js';
export { RateLimits, type RateLimitConfig } from './core/ratelimit.js';
export { parseDuration } from './core/duration.js';
export { persistTo } from './core/persist.js';
export type { OpsManagerModel, OpsManagerFixture, OpsManagerApi, AgentApiKeyRecord } from './vendors/opsmanager/index.js';
export type { PrefactorModel, PrefactorFixture, ApiToken as PrefactorApiToken, TokenScope as PrefactorTokenScope, TokenStatus as PrefactorTokenStatus, PrefactorApi, ApiTokenDetails } from './vendors/prefactor/index.js';
