import { createClock, type Clock } from './clock.js';
import { EmulatorError, InternalError, MethodNotAllowed, NotFound, TooManyRequests } from './errors.js';
import { Faults, headerRule, type FaultRule, type StoredFaultRule } from './faults.js';
import { Journal } from './journal.js';
import { RateLimits, type RateLimitConfig } from './ratelimit.js';
import { knownText, requestTexts, toFetchResponse } from './http.js';
import { STATUS_CODES } from './status.js';
import { startServer } from '#platform';
import { DEFAULT_FIXTURES_PATH, loadFixtureFile, parseFixtures } from './fixtures.js';
import { json } from './http.js';
import { randomHex } from './ids.js';
import { Router } from './router.js';
import type { Route, RouteContext, VendorDefinition } from './types.js';
import { ALL_VENDORS } from '../vendors/index.js';
import { controlPlane } from './control.js';

export type VendorName = string;

/** Fixture documents: one key per vendor, each in that vendor's fixture format. */
export type FixtureFile = Record<string, unknown>;

export interface EmulatorOptions {
  /** Seed data: a fixture object, a path to a JSON fixture file, or omitted for the shipped defaults. */
  fixtures?: FixtureFile | string;
  /** Which vendors to enable (default: all). */
  vendors?: readonly VendorName[];
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
   * The vendor (and service, when the origin serves only one) whose origin was hit (MSW front door): routes of
   * other vendors and services do not answer there.
   */
  service?: { vendor: string; service?: string };
  /** The request URL already parsed (the server front door has it), to skip parsing it again. */
  url?: URL;
  /** Aborted when the client goes away (default: the request's own signal). */
  signal?: AbortSignal;
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

interface CompiledRoute extends Route<unknown> {
  vendor: VendorDefinition;
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
  /** Answers one Fetch request with a genuine Fetch `Response`: what the MSW front door and tests call. */
  handle(request: Request, info?: RequestInfo): Promise<Response>;
  /**
   * The same answer, possibly as the emulator's own `TextResponse` (a Response-compatible object whose body is a
   * string): for front doors that write bytes themselves, like the node:http server.
   */
  dispatch(request: Request, info?: RequestInfo): Promise<Response>;
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
  /** Run `listener` after every acknowledged change (before the answer is sent); returns an unsubscribe function. */
  onChange(listener: (reason: string) => void | Promise<void>): () => void;
  /** Notify change listeners (the control plane calls it after state-changing operations). */
  changed(reason: string): Promise<void>;
  readonly options: Readonly<EmulatorOptions>;
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const definitions = selectVendors(options.vendors);
  let fixtures =
    options.fixtures === undefined
      ? loadFixtureFile(definitions, DEFAULT_FIXTURES_PATH)
      : typeof options.fixtures === 'string'
        ? loadFixtureFile(definitions, options.fixtures)
        : parseFixtures(definitions, options.fixtures);
  const ownClock = !isClock(options.clock);
  const clock: Clock = isClock(options.clock) ? options.clock : createClock(options.clock);

  const states = new Map<string, unknown>();
  const envs = new Map(definitions.map((v) => [v.name, { clock, options: options.vendorOptions?.[v.name] ?? {} }]));
  const load = (data: FixtureFile) => {
    // Models copy what they keep (test/perf-paths.test.ts checks that no model shares an object with its fixture),
    // so nothing a test does to the live state can reach the fixtures that `reset()` returns to.
    for (const v of definitions) states.set(v.name, v.createState(data[v.name] ?? emptyFixture(v), envs.get(v.name)!));
  };
  load(fixtures);

  const routes: CompiledRoute[] = definitions.flatMap((v) => v.routes.map((r) => ({ ...r, vendor: v }) as CompiledRoute));
  const router = new Router(routes);
  // Longest prefix first, so `/api/public/v1.0` wins over `/api`.
  const prefixes = definitions
    .flatMap((v) => v.pathPrefixes.map((p) => ({ p, v })))
    .sort((a, b) => b.p.length - a.p.length);

  const faults = new Faults(options.seed);
  for (const rule of options.faults ?? []) faults.add(rule, { permanent: true });
  const journal = new Journal(options.journalLimit ?? 1000);
  const rateLimits = new RateLimits();
  for (const [vendor, config] of Object.entries(options.rateLimits ?? {})) rateLimits.set(vendor, config);
  const listeners = new Set<(reason: string) => void | Promise<void>>();
  const timeoutMs = options.faultTimeoutMs ?? 30_000;
  const requestIds = requestIdSource();

  const emulator = {
    vendors: definitions.map((v) => v.name),
    definitions,
    clock,
    faults,
    journal,
    rateLimits,
    options,
    get fixtures() {
      return fixtures;
    },
    setFixtures(next) {
      fixtures = parseFixtures(definitions, next);
      this.reset();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async changed(reason) {
      for (const l of listeners) await l(reason);
    },
    async handle(request, info = {}) {
      return toFetchResponse(await emulator.dispatch(request, info));
    },
    async dispatch(request, info = {}) {
      const started = performance.now();
      const url = info.url ?? new URL(request.url);
      const signalOf = () => info.signal ?? request.signal;
      const path = url.pathname;
      if (path === '/__emulator' || path.startsWith('/__emulator/')) return control(request, url);

      const found = router.lookup(request.method, path);
      let route: CompiledRoute | undefined;
      let vendor: VendorDefinition | undefined;
      let params: Record<string, string> = {};
      if (found.kind === 'match') {
        route = found.route;
        vendor = route.vendor;
        params = found.params;
        if (info.service && route.service && info.service.service && info.service.service !== route.service) route = undefined;
      }
      if (!vendor) vendor = found.kind === 'method' ? found.route.vendor : prefixes.find((x) => path.startsWith(x.p))?.v;
      // Through MSW the host decides the vendor: anything on a vendor's own host that none of its routes match
      // gets that vendor's 404, whatever another vendor serves at that path.
      if (info.service && vendor?.name !== info.service.vendor) {
        route = undefined;
        vendor = definitions.find((v) => v.name === info.service!.vendor);
      }
      if (!vendor)
        return json({ error: 'not_found', message: `No emulated API answers ${request.method} ${path}` }, 404);

      const origin = info.origin ?? url.origin;
      const own = info.serviceOrigins?.[vendor.name];
      const ctx: RouteContext<unknown> = {
        state: states.get(vendor.name),
        params,
        url,
        origin,
        serviceOrigin: (service) => own?.[service] ?? origin,
        clientIp: info.clientIp ?? '127.0.0.1',
        clock,
        requestId: requestIds.next(),
        operation: route?.name ?? 'unmatched',
        locals: {},
      };
      let response: Response;
      let faultId: string | undefined;
      try {
        const header = request.headers.get('x-emulator-fault');
        const decision = header ? { latencyMs: 0, rule: headerFaultRule(header) } : faults.decide(vendor.name, request.method, path);
        if (decision.latencyMs > 0) await sleep(decision.latencyMs, signalOf());
        const rule = decision.rule;
        if (rule) {
          faultId = rule.id;
          if (rule.kind === 'reset') response = Response.error();
          else if (rule.kind === 'timeout') {
            await sleep(timeoutMs, signalOf());
            response = Response.error();
          } else {
            const status = rule.status ?? 503;
            throw new EmulatorError(status, `${STATUS_CODES[status] ?? 'Error'} (fault injected by the emulator)`);
          }
        } else {
          const rate = rateLimits.consume(vendor.name, vendor.rateLimitKey?.(ctx) ?? '', clock.now());
          if (rate) {
            ctx.locals.rateLimit = rate;
            if (rate.exceeded)
              throw new TooManyRequests('Rate limit exceeded', undefined, `The budget of ${rate.limit} requests is used up`, {
                'retry-after': String(Math.max(1, Math.ceil((rate.resetMs - clock.now()) / 1000))),
              });
          }
          if (route) response = await route.handler(request, ctx);
          else if (found.kind === 'method' && found.route.vendor === vendor)
            throw new MethodNotAllowed(`Method ${request.method} is not allowed on ${path}`, undefined, undefined, {
              allow: found.allowed.join(', '),
            });
          else if (vendor.fallback) response = await vendor.fallback(request, ctx);
          else throw new NotFound(`Cannot find resource ${path}`);
        }
      } catch (e) {
        response = vendor.renderError(toEmulatorError(e), ctx);
      }
      if (response.type !== 'error') {
        vendor.decorate?.(response, ctx);
        const rate = ctx.locals.rateLimit as { limit: number; remaining: number; resetMs: number } | undefined;
        if (rate && !response.headers.has('x-ratelimit-limit')) {
          response.headers.set('x-ratelimit-limit', String(rate.limit));
          response.headers.set('x-ratelimit-remaining', String(rate.remaining));
          response.headers.set('x-ratelimit-reset', String(Math.ceil(rate.resetMs / 1000)));
        }
        if (listeners.size && response.status < 400 && !SAFE_METHODS.has(request.method)) await emulator.changed(ctx.operation);
      }
      if (journal.limit > 0) await record(request, response, url, vendor.name, ctx.operation, started, faultId);
      return response;
    },
    reset() {
      if (ownClock) clock.reset();
      load(fixtures);
      faults.clear(true);
      faults.reseed(options.seed);
      journal.clear();
      rateLimits.resetCounts();
    },
    snapshot() {
      const out: FixtureFile = {};
      for (const v of definitions) out[v.name] = v.exportState(states.get(v.name));
      return JSON.parse(JSON.stringify(out));
    },
    restore(snapshot) {
      const parsed = parseFixtures(definitions, snapshot);
      load(parsed);
    },
    model<T>(name: VendorName) {
      if (!states.has(name)) throw new Error(`vendor ${name} is not enabled (enabled: ${[...states.keys()].join(', ')})`);
      return states.get(name) as T;
    },
    async listen(opts = {}) {
      return startServer(emulator, opts);
    },
  } as EmulatorCore as Emulator;
  // `emulator.<vendor>`: the vendor's typed API over its current state (a reset replaces the state object).
  const apis = new WeakMap<object, unknown>();
  for (const v of definitions) {
    if (!v.api || v.name in emulator) continue;
    Object.defineProperty(emulator, v.name, {
      enumerable: true,
      get() {
        const state = states.get(v.name) as object;
        let api = apis.get(state);
        if (api === undefined) apis.set(state, (api = v.api!(state, envs.get(v.name)!)));
        return api;
      },
    });
  }
  const control = controlPlane(emulator);

  async function record(request: Request, response: Response, url: URL, vendor: string, operation: string, started: number, fault?: string) {
    let responseText: string | undefined;
    if (response.type !== 'error') {
      const known = knownText(response);
      // Only a response built without the http helpers needs a copy of its body read.
      if (known !== undefined) responseText = known ?? undefined;
      else if (response.body) responseText = await response.clone().text();
    }
    journal.record({
      timeMs: clock.now(),
      vendor,
      operation: fault ? `${operation} (fault)` : operation,
      method: request.method,
      url,
      requestHeaders: request.headers,
      requestText: requestTexts.get(request),
      status: response.type === 'error' ? 0 : response.status,
      responseHeaders: response.type === 'error' ? undefined : response.headers,
      responseText,
      durationMs: performance.now() - started,
      ...(fault ? { fault } : {}),
    });
  }

  return emulator;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 16 hex characters, unique per request: a random prefix per emulator and a counter (no randomness per request). */
function requestIdSource(): { next(): string } {
  const prefix = randomHex(8);
  let n = 0;
  return { next: () => prefix + (++n >>> 0).toString(16).padStart(8, '0') };
}

function headerFaultRule(value: string): StoredFaultRule | undefined {
  const rule = headerRule(value);
  return rule && { id: 'x-emulator-fault', fired: 1, ...rule };
}

/** Resolves after `ms`, or as soon as the client gives up. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function toEmulatorError(e: unknown): EmulatorError {
  if (e instanceof EmulatorError) return e;
  // A bug in a handler still answers in the vendor's envelope; the cause goes to stderr for the developer.
  console.error('token-api-emulator: internal error:', e);
  return new InternalError('An unexpected error occurred in the emulator', undefined, String((e as Error)?.message ?? e));
}

function selectVendors(names: readonly string[] | undefined): VendorDefinition[] {
  if (!names) return [...ALL_VENDORS];
  const known = new Map(ALL_VENDORS.map((v) => [v.name, v]));
  return names.map((n) => {
    const v = known.get(n);
    if (!v) throw new Error(`unknown vendor "${n}" (known: ${[...known.keys()].join(', ')})`);
    return v;
  });
}

function emptyFixture(v: VendorDefinition): unknown {
  return v.fixtureSchema.parse({}, v.name);
}

function isClock(c: EmulatorOptions['clock']): c is Clock {
  return !!c && typeof (c as Clock).now === 'function';
}
