import { readTextFile } from '#platform';
import { json, text, type EmulatorResponse } from './http.js';
import type { EmulatorCore } from './types.js';

/**
 * Serves the dashboard: `GET /__emulator/` (the page) and `/__emulator/assets/<file>`. The page is built into
 * `dist/dashboard/` by `npm run build` (scripts/build-dashboard.mjs) and read from disk on the first request, so
 * start-up and the vendor request path never pay for it (control.ts imports this module on first use).
 *
 * The page and its assets hold no data: everything it shows comes from the control plane's own JSON endpoints, which
 * keep their protection (the admin token, sent by the page as `Authorization: Bearer`). The control plane's
 * Host/Origin guard covers the page and its assets as well (control.ts routes them).
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
      // A few small files, read once: synchronously, through the platform (a browser has no files: not served there).
      return new Map(Object.keys(TYPES).map((name) => [name, readTextFile(new URL(name, base))] as const));
    } catch {
      // not built there
    }
  }
  return undefined;
}

type Served = Pick<EmulatorCore, 'options' | 'definitions'>;

/** The page (`asset` undefined) or one of its assets by file name. */
export async function serveDashboard(emulator: Served, asset?: string): Promise<EmulatorResponse> {
  const name = asset ?? 'index.html';
  if (asset === 'index.html') return json({ error: 'not_found', message: `No dashboard asset /__emulator/assets/${asset}` }, 404);
  const loaded = await (files ??= loadFiles());
  if (!loaded) {
    files = undefined; // built later (npm run build) without a restart
    return json({ error: 'not_built', message: 'The dashboard is not built here: run `npm run build` (it is served from the package\'s files by the node:http server)' }, 503);
  }
  const body = loaded.get(name);
  if (body === undefined) return json({ error: 'not_found', message: `No dashboard asset /__emulator/assets/${asset}` }, 404);
  return text(name === 'index.html' ? withConfig(body, emulator) : body, 200, { 'content-type': TYPES[name], ...HEADERS });
}

/** What the page needs before its first request: whether to ask for the admin token, and each vendor's secrets. */
function withConfig(html: string, emulator: Served): string {
  const config = {
    adminToken: emulator.options.adminToken !== undefined,
    journalLimit: emulator.options.journalLimit ?? 1000,
    vendors: emulator.definitions.map((v) => ({ name: v.name, title: v.title, stateSecrets: v.secrets?.state ?? {} })),
  };
  // Inside a <script type="application/json">: no `<` may close it early.
  return html.replace('"__CONFIG__"', () => JSON.stringify(config).replace(/</g, '\\u003c'));
}
