import { readFile } from 'node:fs/promises';
import type { EmulatorCore } from './emulator.js';
import { json, text } from './http.js';

/**
 * Serves the dashboard: `GET /__emulator/` (the page) and `/__emulator/assets/<file>`. The page is built into
 * `dist/dashboard/` by `npm run build` (scripts/build-dashboard.mjs) and read from disk on the first request, so
 * start-up and the vendor request path never pay for it (control.ts imports this module on first use).
 *
 * The page and its assets hold no data: everything it shows comes from the control plane's own JSON endpoints, which
 * keep their protection (the admin token, sent by the page as `Authorization: Bearer`).
 */

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

/** Only the page's own scripts, styles and same-origin fetches; never framed (clickjacking). */
const HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Where the built page is: `dist/dashboard/` beside `dist/core/` and the CLI bundle's `dist/bin/`; from `src/`, the build. */
const CANDIDATES = ['../dashboard/', '../../dist/dashboard/'];

let files: Promise<Map<string, string> | undefined> | undefined;

async function loadFiles(): Promise<Map<string, string> | undefined> {
  for (const dir of CANDIDATES) {
    const base = new URL(dir, import.meta.url);
    try {
      const entries = await Promise.all(Object.keys(TYPES).map(async (name) => [name, await readFile(new URL(name, base), 'utf8')] as const));
      return new Map(entries);
    } catch {
      // not built there
    }
  }
  return undefined;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/i;

/**
 * Without an admin token the control plane trusts loopback; a page loaded through another host name (DNS
 * rebinding) or fetched by another origin is refused. The control plane's own guard covers its JSON endpoints.
 */
function foreign(headers: HeaderReader): string | undefined {
  const host = headers.get('host');
  if (host === null) return undefined; // in-process (MSW): no network peer
  if (!LOOPBACK_HOST.test(host)) return `Host ${host} is not a loopback address`;
  const origin = headers.get('origin');
  if (origin !== null && origin !== `http://${host}`) return `Origin ${origin} is not this server`;
  return undefined;
}

/** Headers as read here (a Fetch `Headers` or any object with the same `get`). */
type HeaderReader = { get(name: string): string | null };
type Served = Pick<EmulatorCore, 'options' | 'definitions'>;

export async function serveDashboard(emulator: Served, headers: HeaderReader, path: string) {
  if (emulator.options.adminToken === undefined) {
    const why = foreign(headers);
    if (why) return json({ error: 'forbidden', message: `The dashboard is served to loopback only: ${why}` }, 403);
  }
  const asset = path.startsWith('/__emulator/assets/');
  const name = asset ? path.slice('/__emulator/assets/'.length) : 'index.html';
  if (asset && name === 'index.html') return json({ error: 'not_found', message: `No dashboard asset ${path}` }, 404);
  const loaded = await (files ??= loadFiles());
  if (!loaded) {
    files = undefined; // built later (npm run build) without a restart
    return json({ error: 'not_built', message: 'The dashboard is not built: run `npm run build`' }, 503);
  }
  const body = loaded.get(name);
  if (body === undefined) return json({ error: 'not_found', message: `No dashboard asset ${path}` }, 404);
  return text(name === 'index.html' ? withConfig(body, emulator) : body, 200, { 'content-type': TYPES[name], ...HEADERS });
}

/** What the page needs before its first request: whether to ask for the admin token, and each vendor's secrets. */
function withConfig(html: string, emulator: Served): string {
  const config = {
    adminToken: emulator.options.adminToken !== undefined,
    journalLimit: emulator.options.journalLimit ?? 1000,
    vendors: emulator.definitions.map((v) => ({ name: v.name, title: v.title, stateSecrets: v.stateSecrets ?? {} })),
  };
  // Inside a <script type="application/json">: no `<` may close it early.
  return html.replace('"__CONFIG__"', () => JSON.stringify(config).replace(/</g, '\\u003c'));
}
