import type { Clock } from './clock.js';
import type { EmulatorError } from './errors.js';
import type { Schema } from './schema.js';

/** What a handler knows about the request beyond the Fetch `Request` itself. */
export interface RouteContext<S> {
  /** The vendor's in-memory model. */
  readonly state: S;
  /** Decoded path parameters (`:tenantId` → `params.tenantId`). */
  readonly params: Record<string, string>;
  readonly url: URL;
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
  /** Set by the vendor while handling (e.g. the tenant a request counted against). */
  readonly locals: Record<string, unknown>;
}

export type Handler<S> = (request: Request, ctx: RouteContext<S>) => Response | Promise<Response>;

export interface Route<S> {
  method: string;
  /** Path with `:param` segments, e.g. `/v1.0/:tenantId/agent_tokens/:id`. */
  path: string;
  /** Operation name, used by logs and the request journal. */
  name: string;
  /** Which of the vendor's services (hosts) serves it; through MSW a route only answers on its service's origins. */
  service?: string;
  handler: Handler<S>;
}

export interface VendorEnv {
  readonly clock: Clock;
  /** This vendor's entry of `createEmulator({ vendorOptions })` (e.g. Prefactor's JWT secret), or `{}`. */
  readonly options: Record<string, unknown>;
}

export interface VendorDefinition<S = any, F = any> {
  /** Key in fixture files and in `--vendors`. */
  name: string;
  title: string;
  /** The vendor's real origins by service; MSW intercepts these by default. */
  services: Record<string, { origins: string[] }>;
  /** Through MSW, also match this vendor's paths on any origin (self-hosted products). */
  anyOrigin?: boolean;
  /** Path prefixes that belong to this vendor: unmatched paths under them get the vendor's own 404. */
  pathPrefixes: string[];
  fixtureSchema: Schema<F>;
  /** Fields of the state (fixture format) that hold secrets, by collection: masked where state is shown (the dashboard). */
  stateSecrets?: Record<string, string[]>;
  /** Builds the model from a validated fixture; must copy what it keeps and never change the objects it is given. */
  createState(fixture: F, env: VendorEnv): S;
  /** The state in the fixture format (plain JSON), for snapshots. */
  exportState(state: S): F;
  routes: Route<S>[];
  /** Renders any error in the vendor's own envelope. */
  renderError(error: EmulatorError, ctx: RouteContext<S>): Response;
  /** Called for a path under the vendor's prefixes that no route matches (default: the vendor's 404). */
  fallback?: Handler<S>;
  /**
   * Typed programmatic access for tests (`emulator.rackspace.agentTokens.create(…)`): built over the current state,
   * returning records in their wire format. Each vendor adds its type to `VendorApis` (see core/emulator.ts).
   */
  api?(state: S, env: VendorEnv): unknown;
  /** The key a configured rate limit counts by (default: one budget for the whole vendor). */
  rateLimitKey?(ctx: RouteContext<S>): string;
  /** Adds the vendor's per-response headers (request ids, rate-limit counters …) to every response. */
  decorate?(response: Response, ctx: RouteContext<S>): void;
}
