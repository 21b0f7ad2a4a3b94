/**
 * token-api-emulator: one in-memory model of three vendors' token APIs, served by a `node:http` server
 * (`emulator.listen()`, the CLI) and by MSW handlers (`token-api-emulator/msw`). This entry never imports msw.
 * Core (`src/core/`) knows no vendor; this module supplies the built-in ones.
 */
import { createEmulatorCore } from './core/emulator.js';
import { DEFAULT_FIXTURES_PATH } from './core/fixtures.js';
import type { Emulator, EmulatorOptions, VendorDefinition } from './core/types.js';
import { ALL_VENDORS } from './vendors/index.js';

/**
 * An emulator of the built-in vendors (`vendors: ['rackspace']` picks some by name) and/or vendors of your own
 * (`vendors: [...ALL_VENDORS, myVendor]`): each gets routing, faults, the journal, rate limits, reset, snapshots,
 * the control plane and both front doors.
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const vendors = resolveVendors(options.vendors);
  // The shipped fixtures seed the built-in vendors; a vendor of your own starts from its empty fixture.
  const fixtures = options.fixtures ?? DEFAULT_FIXTURES_PATH;
  return createEmulatorCore({ ...options, vendors, fixtures, knownVendors: ALL_VENDORS }, options);
}

function resolveVendors(given: EmulatorOptions['vendors']): VendorDefinition[] {
  if (!given) return [...ALL_VENDORS];
  const known = new Map(ALL_VENDORS.map((v) => [v.name, v]));
  return given.map((v) => {
    if (typeof v !== 'string') return v;
    const def = known.get(v);
    if (!def) throw new Error(`unknown vendor "${v}" (known: ${[...known.keys()].join(', ')})`);
    return def;
  });
}

export type {
  Emulator,
  EmulatorCore,
  VendorApis,
  EmulatorOptions,
  FixtureFile,
  ListenOptions,
  RequestInfo,
  RunningServer,
  VendorName,
  Route,
  RouteContext,
  VendorDefinition,
  VendorEnv,
  VendorRateLimit,
  VendorCliOption,
  Handler,
} from './core/types.js';
export { EmulatorRequest, EmulatorResponse, ResponseHeaders, json, text, empty, readText, parseJson, type HeaderReader } from './core/http.js';
export { createClock, type Clock } from './core/clock.js';
export { FixtureError, DEFAULT_FIXTURES_PATH } from './core/fixtures.js';
export * as errors from './core/errors.js';
export * as schema from './core/schema.js';
export { ALL_VENDORS } from './vendors/index.js';
export type { RackspaceModel, RackspaceFixture, AgentToken as RackspaceAgentToken, RackspaceApi, AgentTokenRecord } from './vendors/rackspace/index.js';
export { Faults, type FaultRule, type StoredFaultRule, type FaultKind } from './core/faults.js';
export { Journal, type JournalEntry, type JournalFilter, REDACTED } from './core/journal.js';
export { RateLimits, type RateLimitConfig, type RateLimitState } from './core/ratelimit.js';
export { parseDuration } from './core/duration.js';
export { persistTo } from './core/persist.js';
export type { OpsManagerModel, OpsManagerFixture, OpsManagerApi, AgentApiKeyRecord } from './vendors/opsmanager/index.js';
export type { PrefactorModel, PrefactorFixture, ApiToken as PrefactorApiToken, TokenScope as PrefactorTokenScope, TokenStatus as PrefactorTokenStatus, PrefactorApi, ApiTokenDetails } from './vendors/prefactor/index.js';
