import { checkInstant, toEpochMs } from './clock.js';
import { parseDuration } from './duration.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Emulator, RequestInfo } from './emulator.js';
import { EmulatorError } from './errors.js';
import { FaultRuleError } from './faults.js';
import { FixtureError } from './fixtures.js';
import { empty, isJsonContentType, isPlainObject, json, parseJson, readText } from './http.js';
import type { JournalFilter } from './journal.js';

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

async function readJsonBody(request: Request, limit?: number): Promise<unknown> {
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

/** Where a network front door listens: the control plane answers only requests addressed there (see `guard`). */
export interface ListenerAddress {
  /** The host the server was bound to (`127.0.0.1`, `::1`, `0.0.0.0` …). */
  host: string;
  port: number;
  /** The local address this connection arrived on (for a server bound to all interfaces). */
  localAddress?: string;
}

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
export function guardReason(request: Request, listener: ListenerAddress): string | undefined {
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
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Whether a request without a `Content-Type` has no body. Read rather than judged by `request.body`: through MSW a
 * bodiless POST may carry an empty stream. The text read is kept for the handler (`readText` caches it).
 */
async function isEmptyBody(request: Request): Promise<boolean> {
  try {
    return (await readText(request, STATE_LIMIT)) === '';
  } catch {
    return false;
  }
}

/**
 * The emulator's own API under `/__emulator/` — the same on every front door and for every vendor (nothing here
 * knows a vendor): health, reset, state, faults, the request journal, the clock and rate limits.
 */
export function controlPlane(emulator: Emulator): (request: Request, url: URL, info?: RequestInfo) => Promise<Response> {
  const { faults, journal, clock, rateLimits } = emulator;
  const adminToken = emulator.options.adminToken;

  const clockView = () => ({ now: new Date(clock.now()).toISOString(), epochMs: clock.now(), frozen: clock.frozen });

  async function route(request: Request, url: URL): Promise<Response> {
    const path = url.pathname.replace(/\/+$/, '');
    const m = request.method;
    const seg = path.split('/').slice(2); // ['health'] …

    switch (seg[0]) {
      case 'health':
        if (m === 'GET' || m === 'HEAD') return json({ status: 'ok', vendors: emulator.vendors });
        break;
      case 'reset':
        if (m === 'POST') {
          emulator.reset();
          await emulator.changed('reset');
          return empty(204);
        }
        break;
      case 'state':
        if (m === 'GET') return json(emulator.snapshot());
        if (m === 'PUT') {
          const body = await readJsonBody(request, STATE_LIMIT);
          try {
            emulator.restore(body as Record<string, unknown>);
          } catch (e) {
            if (e instanceof FixtureError) throw bad(e.message, { path: e.jsonPath ?? null });
            throw e;
          }
          await emulator.changed('state');
          return json(emulator.snapshot());
        }
        break;
      case 'faults':
        if (seg.length === 1) {
          if (m === 'GET') return json({ faults: faults.list() });
          if (m === 'POST') {
            const body = await readJsonBody(request);
            try {
              return json(faults.add(body as never), 201);
            } catch (e) {
              if (e instanceof FaultRuleError) throw bad(`invalid fault rule: ${e.message}`);
              throw e;
            }
          }
          if (m === 'DELETE') {
            faults.clear();
            return empty(204);
          }
        } else if (seg.length === 2) {
          let id: string;
          try {
            id = decodeURIComponent(seg[1]);
          } catch {
            throw bad(`malformed percent-encoding in the fault id "${seg[1]}"`);
          }
          const rule = faults.get(id);
          if (!rule) throw new ControlError(404, 'not_found', `no fault rule with id "${id}"`);
          if (m === 'GET') return json(rule);
          if (m === 'DELETE') {
            faults.remove(id);
            return empty(204);
          }
        }
        break;
      case 'requests':
        if (seg.length !== 1) break;
        if (m === 'GET') {
          const q = url.searchParams;
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
          const requests = journal.list(filter);
          return json({ count: requests.length, requests });
        }
        if (m === 'DELETE') {
          journal.clear();
          return empty(204);
        }
        break;
      case 'clock':
        if (seg.length !== 1) break;
        if (m === 'GET') return json(clockView());
        if (m === 'POST') {
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
        }
        break;
      case 'rate-limits':
        if (seg.length !== 1) break;
        if (m === 'GET') return json(rateLimitsView());
        if (m === 'PUT') {
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
        }
        break;
    }
    throw new ControlError(404, 'not_found', `No control endpoint answers ${m} ${url.pathname}`);
  }

  const rateLimitsView = () =>
    Object.fromEntries(Object.entries(rateLimits.all()).map(([v, c]) => [v, { limit: c.limit, windowMs: c.windowMs }]));

  return async (request, url, info = {}) => {
    if (adminToken !== undefined) {
      const auth = request.headers.get('authorization') ?? '';
      if (!sameSecret(auth, `Bearer ${adminToken}`))
        return json({ error: 'unauthorized', message: 'The control plane requires Authorization: Bearer <admin token>' }, 401, {
          'www-authenticate': 'Bearer realm="token-api-emulator"',
        });
    } else if (info.listener) {
      const reason = guardReason(request, info.listener);
      if (reason) return json({ error: 'forbidden', message: reason }, 403);
    }
    // A write's body is JSON: a browser can send text/plain, form and multipart bodies cross-origin without asking
    // first, never JSON. A bodiless write (`curl -X POST …/reset`) may leave the type out.
    if (WRITE_METHODS.has(request.method)) {
      const type = request.headers.get('content-type');
      if (type !== null ? !isJsonContentType(type) : !(await isEmptyBody(request)))
        return json({ error: 'unsupported_media_type', message: `control-plane writes take Content-Type: application/json (got ${type ?? 'none'})` }, 415);
    }
    try {
      return await route(request, url);
    } catch (e) {
      if (e instanceof ControlError) return json({ error: e.code, message: e.message, ...e.extra }, e.status);
      console.error('token-api-emulator: control plane error:', e);
      return json({ error: 'internal', message: String((e as Error)?.message ?? e) }, 500);
    }
  };
}
