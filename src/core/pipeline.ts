/**
 * The request pipeline: how the emulator answers one request, as named steps composed in `answer` below, which
 * reads top to bottom. Each step is small and knows no vendor: it reads the vendor's declaration
 * (`VendorDefinition`).
 */
import type { Clock } from './clock.js';
import { EmulatorError, InternalError, MethodNotAllowed, NotFound, TooManyRequests } from './errors.js';
import { headerRule, type FaultDecision, type Faults, type StoredFaultRule } from './faults.js';
import { EmulatorResponse, json, type EmulatorRequest } from './http.js';
import { STATUS_CODES } from './status.js';
import type { Journal } from './journal.js';
import { rateLimitHeaders, type RateLimits, type RateLimitState } from './ratelimit.js';
import { Router } from './router.js';
import type { RequestInfo, Route, RouteContext, VendorDefinition } from './types.js';

/** What the pipeline needs from the emulator that runs it. */
export interface PipelineDeps {
  definitions: readonly VendorDefinition[];
  stateOf(vendor: string): unknown;
  clock: Clock;
  faults: Faults;
  rateLimits: RateLimits;
  journal: Journal;
  /** How long a `timeout` fault holds a request. */
  faultTimeoutMs: number;
  /** Change listeners are waiting (skip the notify step otherwise). */
  hasListeners(): boolean;
  changed(reason: string, vendor: string): Promise<void>;
}

interface CompiledRoute extends Route<unknown> {
  vendor: VendorDefinition;
}

/** Which vendor and route a request is for. */
export interface Target {
  vendor: VendorDefinition;
  route: CompiledRoute | undefined;
  params: Record<string, string>;
  /** The path exists for this vendor, with other methods. */
  allowed: string[] | undefined;
}

const NO_PARAMS: Record<string, string> = {};
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createPipeline(deps: PipelineDeps): (request: EmulatorRequest, info: RequestInfo) => Promise<EmulatorResponse> {
  const { clock, faults, rateLimits, journal } = deps;
  const resolveTarget = targetResolver(deps.definitions);
  const requestIds = requestIdSource();

  /** Every vendor request, from its target to its journal entry. */
  async function answer(request: EmulatorRequest, info: RequestInfo): Promise<EmulatorResponse> {
    const started = performance.now();
    const target = resolveTarget(request, info);
    if (!target) return noVendor(request);
    const ctx = new RequestContext(target, request, info, deps.stateOf(target.vendor.name), clock, requestIds.next());
    let response: EmulatorResponse;
    let fault: StoredFaultRule | undefined;
    try {
      const decision = decideFault(request, target.vendor);
      if (decision?.latencyMs) await sleep(decision.latencyMs, info.signal);
      fault = decision?.rule;
      if (fault) response = await injectFault(fault, info, deps.faultTimeoutMs);
      else {
        countRateLimit(ctx, target.vendor);
        const handled = handle(request, ctx, target);
        // Most handlers answer synchronously: no promise tick for them.
        response = handled instanceof EmulatorResponse ? handled : await handled;
      }
    } catch (e) {
      response = target.vendor.renderError(toEmulatorError(e), ctx);
    }
    if (!response.dropped) {
      decorate(response, ctx, target.vendor);
      if (changes(request, response)) await deps.changed(ctx.operation, target.vendor.name);
    }
    record(request, response, ctx, target.vendor, started, fault);
    return response;
  }

  /** Faults: the `X-Emulator-Fault` header, else the rules (latency to wait, and the rule that decides the answer). */
  function decideFault(request: EmulatorRequest, vendor: VendorDefinition): FaultDecision | undefined {
    const header = request.headers.get('x-emulator-fault');
    if (header) return { latencyMs: 0, rule: headerFaultRule(header) };
    return faults.size === 0 ? undefined : faults.decide(vendor.name, request.method, request.path);
  }

  /** Rate limit: count the request against a configured budget (before authentication); past it, 429. */
  function countRateLimit(ctx: RequestContext, vendor: VendorDefinition): void {
    if (!rateLimits.get(vendor.name)) return;
    const key = vendor.rateLimit ? vendor.rateLimit.key(ctx) : '';
    if (key === undefined) return;
    const rate = rateLimits.consume(vendor.name, key, clock.now());
    ctx.rateLimit = rate;
    if (rate?.enforced && rate.exceeded)
      throw new TooManyRequests('Rate limit exceeded', undefined, `The budget of ${rate.limit} requests is used up`, {
        'retry-after': String(Math.max(1, Math.ceil((rate.resetMs - clock.now()) / 1000))),
      });
  }

  /**
   * Decorate: the vendor's own headers, then its rate-limit headers. A documented budget (counted, not enforced)
   * counts only a caller the vendor authenticated (`ctx.subject`): a path can name any tenant, and strangers'
   * requests must leave no state behind.
   */
  function decorate(response: EmulatorResponse, ctx: RequestContext, vendor: VendorDefinition): void {
    vendor.decorate?.(response, ctx);
    const documented = vendor.rateLimit?.documented;
    if (ctx.rateLimit === undefined && documented) {
      const key = vendor.rateLimit!.key(ctx);
      if (key !== undefined)
        ctx.rateLimit = ctx.subject !== undefined
          ? rateLimits.consume(vendor.name, key, clock.now(), documented)
          : rateLimits.peek(vendor.name, key, clock.now(), documented);
    }
    const rate = ctx.rateLimit;
    if (rate === undefined) return;
    const headers = vendor.rateLimit?.headers?.(rate, ctx) ?? rateLimitHeaders(rate);
    for (const name in headers) response.headers.set(name, headers[name]);
  }

  /** Notify: whether change listeners (persistence) must hear of this answer before the client does. */
  function changes(request: EmulatorRequest, response: EmulatorResponse): boolean {
    return response.status < 400 && !SAFE_METHODS.has(request.method) && deps.hasListeners();
  }

  /** Record: the journal keeps raw material; redaction happens when it is read. */
  function record(request: EmulatorRequest, response: EmulatorResponse, ctx: RequestContext, vendor: VendorDefinition, started: number, fault?: StoredFaultRule) {
    if (journal.limit <= 0) return;
    journal.record({
      timeMs: clock.now(),
      vendor: vendor.name,
      operation: fault ? `${ctx.operation} (fault)` : ctx.operation,
      method: request.method,
      path: request.path,
      search: request.search,
      requestHeaders: request.headers,
      requestText: request.knownText,
      status: response.dropped ? 0 : response.status,
      responseHeaders: response.dropped ? undefined : response.headers,
      responseText: response.dropped ? undefined : (response.body ?? undefined),
      durationMs: performance.now() - started,
      fault: fault?.id,
    });
  }

  return answer;
}

/** Resolve: the route, or the vendor whose paths (or host) these are. Undefined when no vendor answers. */
export function targetResolver(definitions: readonly VendorDefinition[]): (request: EmulatorRequest, info: RequestInfo) => Target | undefined {
  const router = new Router<CompiledRoute>(definitions.flatMap((v) => v.routes.map((r) => ({ ...r, vendor: v }) as CompiledRoute)));
  // Longest prefix first, so `/api/public/v1.0` wins over `/api`.
  const prefixes = definitions.flatMap((v) => v.pathPrefixes.map((p) => ({ p, v }))).sort((a, b) => b.p.length - a.p.length);
  const byName = new Map(definitions.map((v) => [v.name, v]));
  const hosts = hostScopes(definitions);

  return (request, info) => {
    const path = request.path;
    const found = router.lookup(request.method, path);
    let vendor: VendorDefinition | undefined;
    let route: CompiledRoute | undefined;
    let params = NO_PARAMS;
    let allowed: string[] | undefined;
    if (found.kind === 'match') {
      route = found.route;
      vendor = route.vendor;
      params = found.params;
    } else if (found.kind === 'method') {
      vendor = found.route.vendor;
      allowed = found.allowed;
    } else vendor = prefixes.find((x) => path.startsWith(x.p))?.v;

    // Host scoping: on a vendor's own host (its real origins, or the origins MSW intercepts for it) only its routes
    // answer; anything else there gets that vendor's 404, whatever another vendor serves at that path.
    const scope = info.service ?? (hosts.size ? hosts.get(hostOf(request.origin)) : undefined);
    if (scope) {
      if (vendor?.name !== scope.vendor) {
        vendor = byName.get(scope.vendor);
        route = undefined;
        allowed = undefined;
      } else if (route?.service && scope.service && scope.service !== route.service) route = undefined;
    }
    return vendor && { vendor, route, params, allowed };
  };
}

/** host → the vendor (and service, when the host serves only one) whose real origin it is. */
function hostScopes(definitions: readonly VendorDefinition[]): Map<string, { vendor: string; service?: string }> {
  const out = new Map<string, { vendor: string; service?: string }>();
  for (const v of definitions)
    for (const [service, { origins }] of Object.entries(v.services))
      for (const origin of origins) {
        const host = hostOf(origin);
        const prev = out.get(host);
        out.set(host, prev ? { vendor: prev.vendor } : { vendor: v.name, service });
      }
  return out;
}

const hostOf = (origin: string) => origin.slice(origin.indexOf('//') + 2).toLowerCase();

/** Handle: the route's handler; a method the path lacks (the vendor's 405 policy); the vendor's fallback; its 404. */
function handle(request: EmulatorRequest, ctx: RequestContext, target: Target): EmulatorResponse | Promise<EmulatorResponse> {
  const { route, vendor, allowed } = target;
  if (route) return route.handler(request, ctx);
  const policy = vendor.methodNotAllowed ?? '405';
  if (allowed && typeof policy === 'function') return policy(request, ctx, allowed);
  if (allowed && policy === '405')
    throw new MethodNotAllowed(`Method ${request.method} is not allowed on ${request.path}`, undefined, undefined, {
      allow: allowed.join(', '),
    });
  if (vendor.fallback) return vendor.fallback(request, ctx);
  throw new NotFound(`Cannot find resource ${request.path}`);
}

/** Inject: a deciding fault rule's answer (a status in the vendor's envelope, or no answer at all). */
async function injectFault(rule: StoredFaultRule, info: RequestInfo, timeoutMs: number): Promise<EmulatorResponse> {
  if (rule.kind === 'reset') return EmulatorResponse.drop();
  if (rule.kind === 'timeout') {
    await sleep(timeoutMs, info.signal);
    return EmulatorResponse.drop();
  }
  const status = rule.status ?? 503;
  throw new EmulatorError(status, `${STATUS_CODES[status] ?? 'Error'} (fault injected by the emulator)`);
}

/** A path no vendor claims. */
function noVendor(request: EmulatorRequest): EmulatorResponse {
  return json({ error: 'not_found', message: `No emulated API answers ${request.method} ${request.path}` }, 404);
}

/** The typed per-request context handlers see (`RouteContext`). */
export class RequestContext<S = unknown> implements RouteContext<S> {
  readonly params: Record<string, string>;
  readonly origin: string;
  readonly clientIp: string;
  readonly operation: string;
  rateLimit: RateLimitState | undefined = undefined;
  subject: string | undefined = undefined;
  private memos: Map<string, unknown> | undefined = undefined;
  private searchParams: URLSearchParams | undefined = undefined;
  private readonly own: Record<string, string> | undefined;

  constructor(
    target: Target,
    private readonly request: EmulatorRequest,
    info: RequestInfo,
    readonly state: S,
    readonly clock: Clock,
    readonly requestId: string,
  ) {
    this.params = target.params;
    this.origin = info.origin ?? request.origin;
    this.own = info.serviceOrigins?.[target.vendor.name];
    this.clientIp = info.clientIp ?? '127.0.0.1';
    this.operation = target.route?.name ?? 'unmatched';
  }

  get url(): URL {
    return this.request.url;
  }

  get path(): string {
    return this.request.path;
  }

  get query(): URLSearchParams {
    return (this.searchParams ??= this.request.searchParams);
  }

  serviceOrigin(service: string): string {
    return this.own?.[service] ?? this.origin;
  }

  memo<T>(key: string, make: () => T): T {
    const memos = (this.memos ??= new Map());
    if (!memos.has(key)) memos.set(key, make());
    return memos.get(key) as T;
  }
}

/** 16 hex characters, unique per request: a random prefix per emulator and a counter (no randomness per request). */
function requestIdSource(): { next(): string } {
  const prefix = Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
  let n = 0;
  return { next: () => prefix + (++n >>> 0).toString(16).padStart(8, '0') };
}

function headerFaultRule(value: string): StoredFaultRule | undefined {
  const rule = headerRule(value);
  return rule && { id: 'x-emulator-fault', fired: 1, ...rule };
}

/** Resolves after `ms`, or as soon as the client gives up. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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

export function toEmulatorError(e: unknown): EmulatorError {
  if (e instanceof EmulatorError) return e;
  // A bug in a handler still answers in the vendor's envelope; the cause goes to stderr for the developer.
  console.error('token-api-emulator: internal error:', e);
  return new InternalError('An unexpected error occurred in the emulator', undefined, String((e as Error)?.message ?? e));
}
