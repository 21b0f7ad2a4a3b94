import type { Emulator } from './emulator.js';
import { empty, json } from './http.js';

/** The emulator's own API under `/__emulator/` (same on every front door). */
export function controlPlane(emulator: Emulator): (request: Request, url: URL) => Promise<Response> {
  return async (request, url) => {
    const path = url.pathname.replace(/\/+$/, '');
    const m = request.method;
    if (path === '/__emulator/health' && (m === 'GET' || m === 'HEAD'))
      return json({ status: 'ok', vendors: emulator.vendors });
    if (path === '/__emulator/reset' && m === 'POST') {
      emulator.reset();
      return empty(204);
    }
    return json({ error: 'not_found', message: `No control endpoint answers ${m} ${url.pathname}` }, 404);
  };
}
