import { checkInstant, toEpochMs } from './clock.js';
import { sameText, sha256Hex } from '#platform';
import { parseDuration } from './duration.js';
import type { EmulatorCore, ListenerAddress, RequestInfo } from './types.js';
import { EmulatorError } from './errors.js';
import { FaultRuleError } from './faults.js';
import { FixtureError } from './fixtures.js';
import { empty, isJsonContentType, isPlainObject, json, parseJson, readText, type EmulatorRequest, type EmulatorResponse } from './http.js';
import type { Journal, JournalFilter } from './journal.js';
import { Router } from './router.js';

/** State documents can be far larger than a vendor request body. */
const STATE_LIMIT = 256 * 1024 * 1024;

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const bad = (message: string, extra: Record<string, unknown> = {}) => new ControlError(400, 'bad_request', message, extra);

/** The longest a `GET /__emulator/requests?wait=` is held (below common proxy and client idle timeouts). */
const MAX_WAIT_MS = 30_000;

function intParam(q: URLSearchParams, name: string, message: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,16}$/.test(raw) || Number(raw) > max) throw bad(message);
  return Number(raw);
}

/**
 * `after` and `wait` of `GET /__emulator/requests`: only entries after an id, and long polling (the dashboard's live
 * view) — an ordinary answer, held until there is something newer than `after` (or the journal is cleared).
 */
async function follow(journal: Journal, q: URLSearchParams, filter: JournalFilter): Promise<void> {
  const after = intParam(q, 'after', 'after: expected a journal entry id (a non-negative integer)');
  if (after !== undefined) filter.afterId = after;
  const wait = intParam(q, 'wait', `wait: expected milliseconds from 0 to ${MAX_WAIT_MS}`, MAX_WAIT_MS);
  if (wait !== undefined) await journal.whenChanged(after ?? journal.lastId, wait);
}

async function readJsonBody(request: EmulatorRequest, limit?: number): Promise<unknown> {
  let text: string;
  try {
    text = await readText(request, limit);
  } catch (e) {
    if (e instanceof EmulatorError) throw new ControlError(e.status, e.status === 413 ? 'too_large' : 'bad_request', e.message);
    throw e;
  }
  const parsed = parseJson(text);
  if (!parsed.ok) throw bad(`malformed JSON: ${parsed.error}`);
  if (parsed.empty) throw bad('a JSON body is required');
  return parsed.value;
}

/** Where a network front door listens (declared in types.ts): the control plane answers only requests addressed there. */
export type { ListenerAddress };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** `host:port` forms a request to this listener may carry in `Host` (and, after `http://`, in `Origin`). */
export function allowedHosts(listener: ListenerAddress): Set<string> {
  const bracket = (h: string) => {
    const plain = h.replace(/^::ffff:(?=\d+\.)/, '');
    return plain.includes(':') && !plain.startsWith('[') ? `[${plain}]` : plain;
  };
  const names = new Set(LOOPBACK_NAMES);
  for (const h of [listener.host, listener.localAddress]) if (h && !WILDCARDS.has(h)) names.add(bracket(h).toLowerCase());
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n}:${listener.port}`);
    if (listener.port === 80) out.add(n);
  }
  return out;
}

/**
 * Without an admin token, the control plane of a network listener is open to anything that can reach the port —
 * including a web page in the developer's browser: a "simple" cross-origin POST needs no preflight, and a
 * DNS-rebinding page reaches 127.0.0.1 under its own host name. So a request is refused (403) when its `Host` is
 * not the bound address or a loopback name with the port, or when it carries an `Origin` that is not one of those
 * (`http://127.0.0.1:PORT`, `http://localhost:PORT`, `http://[::1]:PORT`, `http://<bound host>:PORT`): a page served
 * by the emulator itself may call it, no other page can. Vendor routes are not guarded (pages call the fake API).
 */
export function guardReason(request: EmulatorRequest, listener: ListenerAddress): string | undefined {
  const allowed = allowedHosts(listener);
  const host = request.headers.get('host')?.trim().toLowerCase();
  if (!host || !allowed.has(host))
    return `the control plane answers only requests addressed to ${[...allowed].join(', ')} (Host: ${host ?? 'none'})`;
  const origin = request.headers.get('origin');
  if (origin === null) return undefined;
  const m = /^http:\/\/([^/]+)$/i.exec(origin.trim());
  if (!m || !allowed.has(m[1].toLowerCase()))
    return `the control plane does not answer web pages from other origins (Origin: ${origin}); set an admin token to call it from elsewhere`;
  return undefined;
}

/** Token comparison in constant time (digests of equal length, whatever the lengths given). */
function sameSecret(given: string, expected: string): boolean {
  return sameText(sha256Hex(given), sha256Hex(expected));
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** One endpoint of the control plane. */
interface ControlRoute {
  method: string;
  /** Under `/__emulator`. */
  path: string;
  /**
   * Served without the admin token and whatever the write rules say: the dashboard's page and assets, which hold no
   * data (the page asks for the token and sends it to the endpoints it calls). The Host/Origin guard still applies.
   */
  open?: boolean;
  handler(request: EmulatorRequest, params: Record<string, string>): EmulatorResponse | Promise<EmulatorResponse>;
}

export const CONTROL_PREFIX = '/__emulator';

/**
 * Whether a request without a `Content-Type` has no body. Read rather than judged by `request.body`: through MSW a
 * bodiless POST may carry an empty stream. The text read is kept for the handler (`readText` caches it).
 */
async function isEmptyBody(request: EmulatorRequest): Promise<boolean> {
  try {
    return (await readText(request, STATE_LIMIT)) === '';
  } catch {
    return false;
  }
}

/**
 * The emulator's own API under `/__emulator/` — the same on every front door and for every vendor (nothing here
 * knows a vendor): health, reset, state, faults, the request journal, the clock and rate limits. A route table
 * like a vendor's; answers a request under `/__emulator`, or returns undefined for any other path.
 */
export function controlPlane(emulator: EmulatorCore): (request: EmulatorRequest, info?: RequestInfo) => Promise<EmulatorResponse> | undefined {
  const { faults, journal, clock, rateLimits } = emulator;
  const adminToken = emulator.options.adminToken;

  const clockView = () => ({ now: new Date(clock.now()).toISOString(), epochMs: clock.now(), frozen: clock.frozen });
  const rateLimitsView = () =>
    Object.fromEntries(Object.entries(rateLimits.all()).map(([v, c]) => [v, { limit: c.limit, windowMs: c.windowMs }]));

  // The dashboard (dashboard.ts), loaded on its first request: start-up and the request path never pay for it.
  const dashboard = async (asset?: string) => (await import('./dashboard.js')).serveDashboard(emulator, asset);

  const routes: ControlRoute[] = [
    { method: 'GET', path: '', open: true, handler: () => dashboard() },
    { method: 'GET', path: '/assets/:file', open: true, handler: (_request, params) => dashboard(params.file) },
    { method: 'GET', path: '/health', handler: () => json({ status: 'ok', vendors: emulator.vendors }) },
    {
      method: 'POST',
      path: '/reset',
      async handler() {
        emulator.reset();
        await emulator.changed('reset');
        return empty(204);
      },
    },
    { method: 'GET', path: '/state', handler: () => json(emulator.snapshot()) },
    {
      method: 'PUT',
      path: '/state',
      async handler(request) {
        const body = await readJsonBody(request, STATE_LIMIT);
        try {
          emulator.restore(body as Record<string, unknown>);
        } catch (e) {
          if (e instanceof FixtureError) throw bad(e.message, { path: e.jsonPath ?? null });
          throw e;
        }
        await emulator.changed('state');
        return json(emulator.snapshot());
      },
    },
    { method: 'GET', path: '/faults', handler: () => json({ faults: faults.list() }) },
    {
      method: 'POST',
      path: '/faults',
      async handler(request) {
        const body = await readJsonBody(request);
        try {
          return json(faults.add(body as never), 201);
        } catch (e) {
          if (e instanceof FaultRuleError) throw bad(`invalid fault rule: ${e.message}`);
          throw e;
        }
      },
    },
    {
      method: 'DELETE',
      path: '/faults',
      handler() {
        faults.clear();
        return empty(204);
      },
    },
    { method: 'GET', path: '/faults/:id', handler: (request) => json(faultRule(request)) },
    {
      method: 'DELETE',
      path: '/faults/:id',
      handler(request) {
        faults.remove(faultRule(request).id);
        return empty(204);
      },
    },
    { method: 'GET', path: '/requests', handler: async (request) => json(await journalView(request)) },
    {
      method: 'DELETE',
      path: '/requests',
      handler() {
        journal.clear();
        return empty(204);
      },
    },
    { method: 'GET', path: '/clock', handler: () => json(clockView()) },
    {
      method: 'POST',
      path: '/clock',
      async handler(request) {
        const body = await readJsonBody(request);
        if (!isPlainObject(body)) throw bad('expected {"advance":"25h"}, {"set":"2030-01-01T00:00:00Z"}, {"freeze":true}');
        for (const k of Object.keys(body))
          if (!['advance', 'set', 'freeze'].includes(k)) throw bad(`unknown field "${k}" (expected advance, set or freeze)`);
        // Everything is checked before anything changes.
        let setMs: number | undefined;
        let advanceMs: number | undefined;
        try {
          if (body.freeze !== undefined && typeof body.freeze !== 'boolean') throw new TypeError('freeze: expected true or false');
          if (body.set !== undefined) {
            if (typeof body.set !== 'string' && typeof body.set !== 'number') throw new TypeError('set: expected an RFC 3339 instant');
            setMs = toEpochMs(body.set);
          }
          if (body.advance !== undefined) {
            if (typeof body.advance !== 'string' && typeof body.advance !== 'number') throw new TypeError('advance: expected a duration');
            advanceMs = parseDuration(body.advance);
          }
          // Where the clock would end up, in the range every model can store.
          if (setMs !== undefined || advanceMs !== undefined) checkInstant((setMs ?? clock.now()) + (advanceMs ?? 0));
        } catch (e) {
          throw bad((e as Error).message);
        }
        // Freeze before setting, so `{"set":…,"freeze":true}` stops at exactly that instant.
        if (body.freeze === true) clock.freeze();
        if (setMs !== undefined) clock.set(setMs);
        if (advanceMs !== undefined) clock.advance(advanceMs);
        if (body.freeze === false) clock.unfreeze();
        return json(clockView());
      },
    },
    { method: 'GET', path: '/rate-limits', handler: () => json(rateLimitsView()) },
    {
      method: 'PUT',
      path: '/rate-limits',
      async handler(request) {
        const body = await readJsonBody(request);
        if (!isPlainObject(body)) throw bad('expected {"<vendor>":{"limit":5,"window":"1m"} | null, …}');
        const updates: [string, { limit: number; windowMs: number } | null][] = [];
        for (const [vendor, v] of Object.entries(body)) {
          if (!emulator.vendors.includes(vendor)) throw bad(`unknown vendor "${vendor}" (enabled: ${emulator.vendors.join(', ')})`);
          if (v === null) {
            updates.push([vendor, null]);
            continue;
          }
          if (!isPlainObject(v) || !Number.isInteger(v.limit) || (v.limit as number) < 0)
            throw bad(`${vendor}.limit: expected a non-negative integer`);
          let windowMs: number;
          try {
            windowMs = parseDuration((v.window ?? v.windowMs ?? '1m') as string);
          } catch (e) {
            throw bad(`${vendor}.window: ${(e as Error).message}`);
          }
          if (!(windowMs > 0)) throw bad(`${vendor}.window: expected a positive duration`);
          updates.push([vendor, { limit: v.limit as number, windowMs }]);
        }
        for (const [vendor, config] of updates) rateLimits.set(vendor, config);
        return json(rateLimitsView());
      },
    },
  ];

  /** The rule named by the path's last segment (decoded here: a malformed escape is the caller's 400). */
  function faultRule(request: EmulatorRequest) {
    const raw = request.path.replace(/\/+$/, '').split('/').pop()!;
    let id: string;
    try {
      id = decodeURIComponent(raw);
    } catch {
      throw bad(`malformed percent-encoding in the fault id "${raw}"`);
    }
    const rule = faults.get(id);
    if (!rule) throw new ControlError(404, 'not_found', `no fault rule with id "${id}"`);
    return rule;
  }

  async function journalView(request: EmulatorRequest) {
    const q = request.url.searchParams;
    const filter: JournalFilter = {};
    if (q.has('vendor')) filter.vendor = q.get('vendor')!;
    if (q.has('method')) filter.method = q.get('method')!;
    if (q.has('path')) filter.path = q.get('path')!;
    if (q.has('operation')) filter.operation = q.get('operation')!;
    if (q.has('status')) {
      const s = Number(q.get('status'));
      if (!Number.isInteger(s)) throw bad('status: expected an HTTP status');
      filter.status = s;
    }
    if (q.has('since')) {
      const raw = q.get('since')!;
      const since = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
      if (!Number.isFinite(since)) throw bad('since: expected an RFC 3339 instant or epoch milliseconds');
      filter.since = since;
    }
    await follow(journal, q, filter);
    const requests = journal.list(filter);
    return { count: requests.length, requests, lastId: journal.lastId, firstId: journal.firstId };
  }

  const router = new Router(routes.map((r) => ({ ...r, path: CONTROL_PREFIX + r.path })));

  /**
   * Guard → route → admin token and write rules (skipped by the dashboard's open routes) → answer; every failure in
   * the control plane's own `{error, message}` envelope.
   */
  async function answer(request: EmulatorRequest, info: RequestInfo): Promise<EmulatorResponse> {
    const forbidden = refused(request, info);
    if (forbidden) return forbidden;
    const found = router.lookup(request.method, request.path.replace(/\/+$/, ''));
    const match = found.kind === 'match' ? found : undefined;
    if (!match?.route.open) {
      const denied = unauthorized(request) ?? (await unsupportedBody(request));
      if (denied) return denied;
    }
    try {
      if (!match) throw new ControlError(404, 'not_found', `No control endpoint answers ${request.method} ${request.path}`);
      return await match.route.handler(request, match.params);
    } catch (e) {
      if (e instanceof ControlError) return json({ error: e.code, message: e.message, ...e.extra }, e.status);
      console.error('token-api-emulator: control plane error:', e);
      return json({ error: 'internal', message: String((e as Error)?.message ?? e) }, 500);
    }
  }

  /** Without an admin token, a network listener answers only its own Host and Origin (see `guardReason`). */
  function refused(request: EmulatorRequest, info: RequestInfo): EmulatorResponse | undefined {
    if (adminToken !== undefined || !info.listener) return undefined;
    const reason = guardReason(request, info.listener);
    return reason ? json({ error: 'forbidden', message: reason }, 403) : undefined;
  }

  /** With an admin token, it alone decides (any Host, any Origin). */
  function unauthorized(request: EmulatorRequest): EmulatorResponse | undefined {
    if (adminToken === undefined || sameSecret(request.headers.get('authorization') ?? '', `Bearer ${adminToken}`)) return undefined;
    return json({ error: 'unauthorized', message: 'The control plane requires Authorization: Bearer <admin token>' }, 401, {
      'www-authenticate': 'Bearer realm="token-api-emulator"',
    });
  }

  /**
   * A write's body is JSON: a browser can send text/plain, form and multipart bodies cross-origin without asking
   * first, never JSON. A bodiless write (`curl -X POST …/reset`) may leave the type out.
   */
  async function unsupportedBody(request: EmulatorRequest): Promise<EmulatorResponse | undefined> {
    if (!WRITE_METHODS.has(request.method)) return undefined;
    const type = request.headers.get('content-type');
    if (type !== null ? isJsonContentType(type) : await isEmptyBody(request)) return undefined;
    return json({ error: 'unsupported_media_type', message: `control-plane writes take Content-Type: application/json (got ${type ?? 'none'})` }, 415);
  }

  return (request, info = {}) => {
    const path = request.path;
    if (path !== CONTROL_PREFIX && !path.startsWith(`${CONTROL_PREFIX}/`)) return undefined;
    return answer(request, info);
  };
}
