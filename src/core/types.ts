/**
 * The emulator's public types: what a vendor declares (`VendorDefinition`), what its handlers see (`RouteContext`,
 * `EmulatorRequest`) and answer (`EmulatorResponse`), and the emulator itself. Core reads these declarations; it
 * never names a vendor.
 */
import type { Clock } from './clock.js';
import type { EmulatorError } from './errors.js';
import type { Faults, FaultRule } from './faults.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import type { Journal } from './journal.js';
import type { RateLimitConfig, RateLimits, RateLimitState } from './ratelimit.js';
import type { Schema } from './schema.js';
import type { Tracked } from './store.js';

export type VendorName = string;

/** Fixture documents: one key per vendor, each in that vendor's fixture format. */
export type FixtureFile = Record<string, unknown>;

/** What a handler knows about the request beyond the request itself. */
export interface RouteContext<S> {
  /** The vendor's in-memory model. */
  readonly state: S;
  /** Decoded path parameters (`:tenantId` → `params.tenantId`). */
  readonly params: Record<string, string>;
  /** The request URL (parsed on first use: `path` and `query` are cheaper when they do). */
  readonly url: URL;
  /** The raw (percent-encoded) path, as routed. */
  readonly path: string;
  /** The query parameters (parsed on first use). */
  readonly query: URLSearchParams;
  /** The origin the client reached (`http://127.0.0.1:4020`, or a vendor's real origin through MSW). */
  readonly origin: string;
  /** Where a given service of this vendor is reached by this client (for Location, catalogs, next links). */
  serviceOrigin(service: string): string;
  /** The caller's IP address (`127.0.0.1` through MSW). */
  readonly clientIp: string;
  readonly clock: Clock;
  /** Unique per request (for X-Response-Id, txnId …). */
  readonly requestId: string;
  /** Operation name of the matched route (`agentTokens.create`), or `unmatched`. */
  readonly operation: string;
  /** The request budget this request counted against, when the vendor has one (configured or documented). */
  readonly rateLimit: RateLimitState | undefined;
  /** Who the vendor authenticated (a tenant, an account, an API key id): set by the vendor's auth code. */
  subject: string | undefined;
  /** A value the vendor derives once per request and reuses (Rackspace's X-Response-Id). */
  memo<T>(key: string, make: () => T): T;
}

export type Handler<S> = (request: EmulatorRequest, ctx: RouteContext<S>) => EmulatorResponse | Promise<EmulatorResponse>;

export type MethodNotAllowedPolicy<S> = (
  request: EmulatorRequest,
  ctx: RouteContext<S>,
  /** The methods the path has. */
  allowed: string[],
) => EmulatorResponse | Promise<EmulatorResponse>;

export interface Route<S> {
  method: string;
  /** Path with `:param` segments, e.g. `/v1.0/:tenantId/agent_tokens/:id`. */
  path: string;
  /** Operation name, used by logs and the request journal. */
  name: string;
  /** Which of the vendor's services (hosts) serves it; a route only answers on its service's origins when the host decides. */
  service?: string;
  handler: Handler<S>;
}

export interface VendorEnv {
  readonly clock: Clock;
  /** This vendor's entry of `createEmulator({ vendorOptions })` (e.g. Prefactor's JWT secret), or `{}`. */
  readonly options: Record<string, unknown>;
}

/** A command-line option a vendor adds to the CLI; its value lands in `vendorOptions[vendor][key]`. */
export interface VendorCliOption {
  /** The flag without dashes (`jwt-secret`), also read from `TOKEN_API_EMULATOR_<FLAG>`. */
  flag: string;
  /** The key in the vendor's options (`jwtSecret`). */
  key: string;
  type: 'string' | 'number' | 'boolean';
  describe: string;
}

/** A vendor's request budget: how requests are counted and how the count is reported. */
export interface VendorRateLimit<S> {
  /**
   * The key a request counts under (Rackspace: the tenant), or undefined when the request does not count (a path
   * outside the limited API).
   */
  key(ctx: RouteContext<S>): string | undefined;
  /** A documented budget counted (never enforced) when none is configured. */
  documented?: RateLimitConfig;
  /** The headers that report the budget (default: `rateLimitHeaders`, X-RateLimit-Limit/Remaining/Reset). */
  headers?(rate: RateLimitState, ctx: RouteContext<S>): Record<string, string>;
}

export interface VendorDefinition<S = any, F = any> {
  /** Key in fixture files and in `--vendors`. */
  name: string;
  title: string;
  /** The vendor's real origins by service; MSW intercepts these, and a request whose host is one of them is scoped to it. */
  services: Record<string, { origins: string[] }>;
  /** Through MSW, also match this vendor's paths on any origin (self-hosted products). */
  anyOrigin?: boolean;
  /**
   * What the CLI prints at start-up for this vendor: the base path a client points at, per service (appended to the
   * server's origin), and where in a fixture file its credentials are.
   */
  startup?: { baseUrls: Record<string, string>; credentials: string };
  /** Path prefixes that belong to this vendor: unmatched paths under them get the vendor's own 404. */
  pathPrefixes: string[];
  fixtureSchema: Schema<F>;
  /** Builds the model from a validated fixture; must copy what it keeps and never change the objects it is given. */
  createState(fixture: F, env: VendorEnv): S;
  /** The state in the fixture format (plain JSON), for snapshots. */
  exportState(state: S): F;
  routes: Route<S>[];
  /** Renders any error in the vendor's own envelope. */
  renderError(error: EmulatorError, ctx: RouteContext<S>): EmulatorResponse;
  /** Called for a path under the vendor's prefixes that no route matches (default: the vendor's 404). */
  fallback?: Handler<S>;
  /**
   * A method the path does not have: `'405'` (default) answers 405 with `Allow`; `'404'` answers as if the path did
   * not exist (the vendor's fallback: frameworks that route method and path together); a function decides itself
   * (e.g. authenticates first), answering or throwing the vendor's error.
   */
  methodNotAllowed?: '405' | '404' | MethodNotAllowedPolicy<S>;
  /**
   * Typed programmatic access for tests (`emulator.rackspace.agentTokens.create(…)`): built over the current state,
   * returning records in their wire format. Each vendor adds its type to `VendorApis` (see core/types.ts).
   */
  api?(state: S, env: VendorEnv): unknown;
  /** How a request budget counts and reports (default: one budget for the whole vendor, generic headers). */
  rateLimit?: VendorRateLimit<S>;
  /** Adds the vendor's per-response headers (request ids …) to every response. */
  decorate?(response: EmulatorResponse, ctx: RouteContext<S>): void;
  /** What the vendor holds secret, beyond what every vendor does (`Authorization`, cookies, `apiKey`-like fields). */
  secrets?: {
    /** Header names the journal (and the CLI's request log) redacts. */
    headers?: string[];
    /**
     * Paths that carry a secret, as patterns whose `:name` segments are the secret and `*` any other segment
     * (`/v2.0/tokens/:tokenId` is shown as `/v2.0/tokens/[REDACTED]` in the journal and the CLI's log).
     */
    paths?: string[];
    /**
     * Fields of the state (fixture format) by collection (`{ agentTokens: ['id'] }`), masked where state is shown
     * (the dashboard): ids that are credentials, and secrets under names the journal does not recognise.
     */
    state?: Record<string, string[]>;
  };
  /** The vendor's own command-line options. */
  cliOptions?: VendorCliOption[];
  /**
   * The collections of the vendor's fixture format, tracked record by record, so `--persist` writes each change
   * as it happens (a line per changed record) instead of the whole state. Without it, a change of this vendor
   * rewrites the state file.
   */
  persist?(state: S): Record<string, PersistedCollection>;
}

/** One collection of a vendor's fixture format (`agentTokens`), as persistence sees it. */
export interface PersistedCollection {
  /** The live records, reporting their changes by id. */
  source: Tracked;
  /** The record of `id` in the fixture format, or undefined when it is gone. */
  export(id: string): unknown;
  /** The id of a record in the fixture format (the id `source` reports). */
  idOf(record: any): string;
}

export interface EmulatorOptions {
  /** Seed data: a fixture object, a path to a JSON fixture file, or omitted for the shipped defaults. */
  fixtures?: FixtureFile | string;
  /**
   * Which vendors to serve: names of the built-in ones and/or your own definitions (default: the built-in three).
   */
  vendors?: readonly (VendorName | VendorDefinition)[];
  /** The clock everything time-based reads; or where a new clock starts. */
  clock?: Clock | { start?: number | string | Date; frozen?: boolean };
  /** Per-vendor settings, by vendor name (e.g. `{ prefactor: { jwtSecret: '…' } }`). */
  vendorOptions?: Record<string, Record<string, unknown>>;
  /** Seeds the random sequence behind fault probabilities, so a run is reproducible. */
  seed?: number;
  /** Fault rules in force from the start; `reset()` keeps them. */
  faults?: FaultRule[];
  /** How long a `timeout` fault holds a request before dropping it, if the client has not given up (default 30 s). */
  faultTimeoutMs?: number;
  /** Request budgets per vendor (off by default), e.g. `{ rackspace: { limit: 5, windowMs: 60_000 } }`. */
  rateLimits?: Record<string, RateLimitConfig>;
  /** How many requests the journal keeps (default 1,000; 0 turns it off). */
  journalLimit?: number;
  /** When set, `/__emulator/*` requires `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
}

/** Where a request came from, as the front door that received it knows it. */
export interface RequestInfo {
  /** The origin the client reached. Defaults to the request URL's origin. */
  origin?: string;
  clientIp?: string;
  /** Origins of each vendor service for this client (MSW front door); otherwise every service is `origin`. */
  serviceOrigins?: Record<string, Record<string, string>>;
  /**
   * The vendor (and service, when the origin serves only one) whose origin was hit: routes of other vendors and
   * services do not answer there. Default: found from the request's host among the vendors' service origins.
   */
  service?: { vendor: string; service?: string };
  /** Aborted when the client goes away (held requests: latency and `timeout` faults stop waiting). */
  signal?: AbortSignal;
  /** false: the control plane is not served at this origin (MSW's vendor origins; it has its own `controlUrl`). */
  controlPlane?: boolean;
  /** The address a network front door listens on: its control plane refuses foreign `Host`/`Origin` (control.ts). */
  listener?: ListenerAddress;
}

/** Where a network front door listens: the control plane answers only requests addressed there (control.ts). */
export interface ListenerAddress {
  /** The host the server was bound to (`127.0.0.1`, `::1`, `0.0.0.0` …). */
  host: string;
  port: number;
  /** The local address this connection arrived on (for a server bound to all interfaces). */
  localAddress?: string;
}

export interface ListenOptions {
  port?: number;
  host?: string;
  /** Called after each response (the CLI logs with it). */
  onResponse?: (entry: { method: string; path: string; status: number; ms: number }) => void;
}

export interface RunningServer {
  /** `http://HOST:PORT` with the real port. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Typed per-vendor APIs on the emulator (`emulator.rackspace`, …). Each vendor folder adds its own entry by
 * declaration merging, so adding a vendor touches no other vendor.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface VendorApis {}

export type Emulator = EmulatorCore & { readonly [K in keyof VendorApis]: VendorApis[K] };

export interface EmulatorCore {
  readonly vendors: readonly VendorName[];
  readonly clock: Clock;
  /** Answers one Fetch request with a Fetch `Response`: what the MSW front door and tests call. */
  handle(request: Request, info?: RequestInfo): Promise<Response>;
  /** Answers one request in the emulator's own model: what a front door that writes bytes itself calls. */
  answer(request: EmulatorRequest, info?: RequestInfo): Promise<EmulatorResponse>;
  /** Back to the fixtures the emulator was created with. */
  reset(): void;
  /** The whole state as plain JSON, in the fixture format. */
  snapshot(): FixtureFile;
  /** Replaces the whole state (validated like a fixture file). */
  restore(snapshot: FixtureFile): void;
  /** The model of one vendor (for assertions and programmatic seeding). */
  model<T = unknown>(vendor: VendorName): T;
  listen(options?: ListenOptions): Promise<RunningServer>;
  /** Vendor definitions in use (front doors read their services and prefixes). */
  readonly definitions: readonly VendorDefinition[];
  /** Fault and latency rules: `emulator.faults.add({ vendor: 'rackspace', status: 503, times: 1 })`. */
  readonly faults: Faults;
  /** Every vendor request and its answer (secrets redacted): `emulator.journal.list({ method: 'POST' })`. */
  readonly journal: Journal;
  /** Request budgets per vendor: `emulator.rateLimits.set('rackspace', { limit: 5, windowMs: 60_000 })`. */
  readonly rateLimits: RateLimits;
  /** The fixtures `reset()` returns to. */
  readonly fixtures: FixtureFile;
  /** Replace the fixtures (validated) and reset to them. */
  setFixtures(fixtures: FixtureFile): void;
  /**
   * Run `listener` after every acknowledged change (before the answer is sent); returns an unsubscribe function.
   * `vendor` is the vendor whose state changed, or undefined when the whole state did (reset, restore).
   */
  onChange(listener: (reason: string, vendor?: VendorName) => void | Promise<void>): () => void;
  /** Notify change listeners (the control plane calls it after state-changing operations). */
  changed(reason: string, vendor?: VendorName): Promise<void>;
  readonly options: Readonly<EmulatorOptions>;
}
