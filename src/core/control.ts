import { toEpochMs } from './clock.js';
import { parseDuration } from './duration.js';
import type { Emulator } from './emulator.js';
import { EmulatorError } from './errors.js';
import { FaultRuleError } from './faults.js';
import { FixtureError } from './fixtures.js';
import { empty, isPlainObject, json, parseJson, readText } from './http.js';
import type { Journal, JournalFilter } from './journal.js';

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

/** The dashboard's page and assets (`GET /__emulator/`, `/__emulator/assets/*`): see dashboard.ts. */
const DASHBOARD_PATH = /^\/__emulator(\/|\/assets\/[^/]*)?$/;

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

/**
 * The emulator's own API under `/__emulator/` — the same on every front door and for every vendor (nothing here
 * knows a vendor): health, reset, state, faults, the request journal, the clock and rate limits.
 */
export function controlPlane(emulator: Emulator): (request: Request, url: URL) => Promise<Response> {
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
          const id = decodeURIComponent(seg[1]);
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
          await follow(journal, q, filter);
          const requests = journal.list(filter);
          return json({ count: requests.length, requests, lastId: journal.lastId, firstId: journal.firstId });
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

  return async (request, url) => {
    // The page holds no data, so it loads without the admin token (it then asks for one); loaded on first use.
    if (DASHBOARD_PATH.test(url.pathname) && (request.method === 'GET' || request.method === 'HEAD'))
      return (await import('./dashboard.js')).serveDashboard(emulator, request.headers, url.pathname);
    if (adminToken !== undefined) {
      const auth = request.headers.get('authorization') ?? '';
      if (auth !== `Bearer ${adminToken}`)
        return json({ error: 'unauthorized', message: 'The control plane requires Authorization: Bearer <admin token>' }, 401, {
          'www-authenticate': 'Bearer realm="token-api-emulator"',
        });
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
