/**
 * The MSW front door: request handlers that answer the vendors' real URLs from an emulator, so code under test
 * runs unchanged with `setupServer(...toMswHandlers(emulator))`. Uses only msw's public `http` API and works with
 * msw 2.12+ and msw 3. This is the only module that imports msw.
 */
import { http, type HttpHandler } from 'msw';
import type { Emulator } from './core/types.js';

export type BaseUrls = string | string[] | Record<string, string | string[]>;

export interface MswOptions {
  /**
   * Where each vendor is intercepted, instead of its real origins. A string (or list) serves all of the vendor's
   * services there; an object sets each service (`{ identity: 'https://id.test', monitoring: 'https://mon.test' }`).
   */
  baseUrls?: Partial<Record<string, BaseUrls>>;
  /** Also serve the control plane (`/__emulator/*`) at this origin (default `http://token-api-emulator.local`). */
  controlUrl?: string | false;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]).map((o) => o.replace(/\/+$/, ''));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * Every URL at `origin` under `prefix`, as a RegExp without capture groups: msw decodes what a string pattern's
 * wildcard captures, and a path with a malformed escape (`/api/v1/api_token/%ZZ`) made it throw — a 500 from MSW
 * instead of the vendor's answer.
 */
const under = (origin: string, prefix: string) => new RegExp(`^${escape(origin + prefix)}(?:[/?#]|$)`);

export function toMswHandlers(emulator: Emulator, options: MswOptions = {}): HttpHandler[] {
  const handlers: HttpHandler[] = [];
  const controlUrl = options.controlUrl === undefined ? 'http://token-api-emulator.local' : options.controlUrl;
  if (controlUrl) {
    const origin = list(controlUrl)[0];
    handlers.push(http.all(under(origin, '/__emulator'), ({ request }) => emulator.handle(request, { origin })));
  }

  for (const def of emulator.definitions) {
    const configured = options.baseUrls?.[def.name];
    // service name → origins where it is intercepted
    const services: Record<string, string[]> = {};
    for (const [service, { origins }] of Object.entries(def.services)) {
      if (configured === undefined) services[service] = list(origins);
      else if (typeof configured === 'string' || Array.isArray(configured)) services[service] = list(configured);
      else services[service] = list(configured[service] ?? origins);
    }
    // The origin each service is reached at, for URLs the emulator hands out (catalogs, Location, next links).
    const serviceOrigins = { [def.name]: Object.fromEntries(Object.entries(services).map(([s, o]) => [s, o[0]])) };

    // One handler per origin: an origin shared by several services (a single base URL) serves all of them.
    const byOrigin = new Map<string, string[]>();
    for (const [service, origins] of Object.entries(services))
      for (const origin of origins) byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), service]);
    for (const [origin, served] of byOrigin) {
      const service = { vendor: def.name, service: served.length === 1 ? served[0] : undefined };
      // `/__emulator/*` here is the vendor's 404: the control plane answers at `controlUrl` only.
      handlers.push(
        http.all(under(origin, ''), ({ request }) => emulator.handle(request, { origin, serviceOrigins, service, controlPlane: false })),
      );
    }
    if (def.anyOrigin && configured === undefined) {
      // Self-hosted products: the vendor's paths on any origin.
      const pattern = new RegExp(`^https?://[^/]+(?:${def.pathPrefixes.map(escape).join('|')})(?:[/?#]|$)`);
      handlers.push(
        http.all(pattern, ({ request }) => {
          const origin = new URL(request.url).origin;
          return emulator.handle(request, { origin, controlPlane: false });
        }),
      );
    }
  }
  return handlers;
}

export type { Emulator } from './core/types.js';
