/**
 * The dashboard page (bundled by scripts/build-dashboard.mjs into dist/dashboard/app.js). Plain DOM, no framework:
 * three views over the control plane's JSON endpoints, all same-origin fetches. Live updates by long polling
 * (`GET /__emulator/requests?after=<id>&wait=<ms>`), an ordinary JSON answer that can carry the admin token as
 * `Authorization: Bearer` (EventSource cannot). Everything from the server is written with `textContent`, never as
 * HTML: request bodies are whatever a client sent.
 */
import type { JournalEntry } from '../core/journal.js';
import { curlCommand } from './curl.js';
import { maskRecord } from './mask.js';

interface VendorInfo {
  name: string;
  title: string;
  stateSecrets: Record<string, string[]>;
}
interface Config {
  adminToken: boolean;
  journalLimit: number;
  vendors: VendorInfo[];
}
/** A journal entry as `GET /__emulator/requests` answers it (the type only: nothing of core is bundled here). */
type Entry = JournalEntry;
interface Fault {
  id: string;
  vendor?: string;
  method?: string;
  path?: string;
  status?: number;
  kind?: string;
  probability?: number;
  times?: number;
  latencyMs?: number | [number, number];
  fired: number;
  permanent?: boolean;
}
interface ClockView {
  now: string;
  epochMs: number;
  frozen: boolean;
}

const config = JSON.parse(document.getElementById('tae-config')!.textContent!) as Config;
const TOKEN_KEY = 'token-api-emulator.admin-token';
/** How long one long poll is held by the server. */
const POLL_WAIT_MS = 25_000;
/** Rows kept in the page (the journal itself keeps its own limit). */
const MAX_ROWS = 2000;
/** Rows shown per state table; a search narrows the rest. */
const MAX_STATE_ROWS = 200;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** An element with attributes/properties and children (strings become text nodes, never HTML). */
function h(tag: string, props: Record<string, unknown> = {}, ...children: (Node | string | null | undefined | false)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

// ---------------------------------------------------------------- talking to the control plane

class Unauthorized extends Error {}

const WRITES = new Set(['POST', 'PUT', 'PATCH']);

async function api<T = unknown>(path: string, method = 'GET', body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  // The control plane takes JSON writes only (a bodiless one may leave the type out; the page always says it).
  if (WRITES.has(method)) headers['content-type'] = 'application/json';
  const res = await fetch(`/__emulator${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (res.status === 401) throw new Unauthorized('The admin token was not accepted');
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!res.ok) throw new Error((data as { message?: string } | null)?.message ?? `HTTP ${res.status}`);
  return data as T;
}

function failed(e: unknown, where: HTMLElement = $('control-error')): void {
  if (e instanceof Unauthorized) return signOut(e.message);
  where.textContent = (e as Error).message;
}

// ---------------------------------------------------------------- sign-in

let started = false;

function signOut(message = ''): void {
  sessionStorage.removeItem(TOKEN_KEY);
  stopPolling();
  $('main').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
  setConn('signed out', 'off');
  $('login-token').focus();
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>('login-token');
  sessionStorage.setItem(TOKEN_KEY, input.value);
  input.value = '';
  try {
    await api('/health');
  } catch (e) {
    return signOut(e instanceof Unauthorized ? 'That token was not accepted.' : (e as Error).message);
  }
  $('login').hidden = true;
  $('logout').hidden = false;
  start();
});
$('logout').addEventListener('click', () => signOut());

// ---------------------------------------------------------------- connection status, clock

function setConn(text: string, kind: 'live' | 'paused' | 'off' | 'error'): void {
  const el = $('conn');
  el.textContent = text;
  el.dataset.kind = kind;
}

let clock: (ClockView & { at: number }) | undefined;

function showClock(view: ClockView): void {
  clock = { ...view, at: performance.now() };
  tickClock();
  $('clock-frozen').textContent = view.frozen ? '(frozen)' : '';
  const freeze = $('clock-freeze');
  freeze.textContent = view.frozen ? 'Unfreeze' : 'Freeze';
  freeze.setAttribute('aria-pressed', String(view.frozen));
}

function tickClock(): void {
  if (!clock) return;
  const ms = clock.frozen ? clock.epochMs : clock.epochMs + (performance.now() - clock.at);
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  $('clock-now').textContent = `clock ${iso}${clock.frozen ? ' (frozen)' : ''}`;
  $('clock-value').textContent = iso;
}
setInterval(tickClock, 1000);

const refreshClock = () => api<ClockView>('/clock').then(showClock, (e) => failed(e));

// ---------------------------------------------------------------- tabs

const tabs = ['requests', 'state', 'controls'] as const;
type Tab = (typeof tabs)[number];
let current: Tab = 'requests';

function showTab(tab: Tab, focus = false): void {
  current = tab;
  for (const t of tabs) {
    const button = $(`tab-${t}`);
    button.setAttribute('aria-selected', String(t === tab));
    button.tabIndex = t === tab ? 0 : -1;
    $(`panel-${t}`).hidden = t !== tab;
  }
  if (focus) $(`tab-${tab}`).focus();
  if (tab === 'state') refreshState();
  if (tab === 'controls') refreshControls();
}

for (const t of tabs) {
  const button = $(`tab-${t}`);
  button.addEventListener('click', () => showTab(t));
  // Arrow keys move between tabs (WAI-ARIA tabs pattern); Tab moves into the panel.
  button.addEventListener('keydown', (ev) => {
    const i = tabs.indexOf(t);
    const next = ev.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : ev.key === 'ArrowLeft' ? tabs[(i + tabs.length - 1) % tabs.length] : ev.key === 'Home' ? tabs[0] : ev.key === 'End' ? tabs[tabs.length - 1] : undefined;
    if (next) {
      ev.preventDefault();
      showTab(next, true);
    }
  });
}

// ---------------------------------------------------------------- requests

/** Newest first. */
let entries: Entry[] = [];
const rows = new Map<number, HTMLTableRowElement>();
let lastId = 0;
let selected: number | undefined;
let paused = false;
let polling: AbortController | undefined;

if (config.journalLimit <= 0)
  $('requests-empty').textContent = 'The request journal is off (--journal-limit 0): requests are not recorded, so none can show here.';

for (const v of config.vendors)
  for (const id of ['f-vendor', 'fault-vendor', 'rate-vendor']) $(id).append(h('option', { value: v.name }, v.name));

const statusClass = (s: number) => (s === 0 ? 'status-none' : `status-${Math.floor(s / 100)}xx`);

function row(e: Entry): HTMLTableRowElement {
  const open = () => showDetail(e.id);
  const tr = h(
    'tr',
    {
      tabindex: 0,
      'data-id': e.id,
      'aria-label': `${e.method} ${e.path}, ${e.status || 'no answer'}`,
      onclick: open,
      onkeydown: (ev: KeyboardEvent) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          open();
        } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
          ev.preventDefault();
          moveRow(tr, ev.key === 'ArrowDown' ? 1 : -1);
        }
      },
    },
    h('td', { class: 'time', title: e.time }, e.time.slice(11, 23)),
    h('td', {}, e.vendor ?? '–'),
    h('td', { class: 'op' }, e.operation),
    h('td', { class: 'method' }, e.method),
    h('td', { class: 'path', title: e.path }, e.path),
    h('td', {}, h('span', { class: `badge ${statusClass(e.status)}` }, e.status ? String(e.status) : '—')),
    h('td', { class: 'num' }, e.durationMs.toFixed(1)),
  ) as HTMLTableRowElement;
  return tr;
}

function moveRow(from: HTMLTableRowElement, step: 1 | -1): void {
  let el: Element | null = from;
  do el = step === 1 ? el.nextElementSibling : el.previousElementSibling;
  while (el && (el as HTMLElement).hidden);
  (el as HTMLElement | null)?.focus();
}

function matches(e: Entry): boolean {
  const vendor = $<HTMLSelectElement>('f-vendor').value;
  const status = $<HTMLSelectElement>('f-status').value;
  const text = $<HTMLInputElement>('f-text').value.trim().toLowerCase();
  if (vendor && e.vendor !== vendor) return false;
  if (status && String(Math.floor(e.status / 100)) !== status) return false;
  if (text && !`${e.method} ${e.path} ${e.operation} ${e.status} ${e.vendor ?? ''}`.toLowerCase().includes(text)) return false;
  return true;
}

function applyFilters(): void {
  let shown = 0;
  for (const e of entries) {
    const visible = matches(e);
    rows.get(e.id)!.hidden = !visible;
    if (visible) shown++;
  }
  $('request-count').textContent = `${shown} of ${entries.length}`;
  $('requests-empty').hidden = entries.length > 0;
}

/** New entries (oldest first, as the journal lists them) go on top. */
function addEntries(fresh: Entry[]): void {
  const body = $('requests');
  const frag = document.createDocumentFragment();
  for (let i = fresh.length - 1; i >= 0; i--) {
    const e = fresh[i];
    if (rows.has(e.id)) continue;
    const tr = row(e);
    tr.hidden = !matches(e);
    rows.set(e.id, tr);
    frag.append(tr);
  }
  body.prepend(frag);
  entries = [...fresh.filter((e) => !entries.some((x) => x.id === e.id)).reverse(), ...entries];
  dropBefore(entries.length > MAX_ROWS ? entries[MAX_ROWS - 1].id : 0);
  applyFilters();
}

/** Entries the journal no longer keeps (cleared, or out of its ring) leave the table too. */
function dropBefore(firstId: number): void {
  if (!entries.length || entries[entries.length - 1].id >= firstId) return;
  entries = entries.filter((e) => {
    if (e.id >= firstId) return true;
    rows.get(e.id)?.remove();
    rows.delete(e.id);
    return false;
  });
  if (selected !== undefined && !rows.has(selected)) hideDetail();
}

interface RequestsAnswer {
  requests: Entry[];
  lastId: number;
  firstId: number;
}

function received(answer: RequestsAnswer): void {
  dropBefore(answer.firstId);
  if (answer.requests.length) addEntries(answer.requests);
  else applyFilters();
  lastId = answer.lastId;
  const changes = answer.requests.filter((e) => !['GET', 'HEAD', 'OPTIONS'].includes(e.method) && e.status > 0 && e.status < 400);
  if (changes.length && current === 'state') refreshState();
  if (answer.requests.some((e) => e.fault) && current === 'controls') refreshFaults();
}

/** The newest MAX_ROWS entries (a journal may keep far more): first its newest id, then what follows that. */
async function reloadRequests(): Promise<void> {
  dropBefore(Number.MAX_SAFE_INTEGER);
  const head = await api<RequestsAnswer>(`/requests?after=${Number.MAX_SAFE_INTEGER}`);
  received(await api<RequestsAnswer>(`/requests?after=${Math.max(0, head.lastId - MAX_ROWS)}`));
}

/** The live loop: each answer comes as soon as the journal has something newer (or is cleared). */
async function poll(): Promise<void> {
  const controller = (polling = new AbortController());
  let failures = 0;
  while (!controller.signal.aborted) {
    try {
      const token = sessionStorage.getItem(TOKEN_KEY);
      const res = await fetch(`/__emulator/requests?after=${lastId}&wait=${POLL_WAIT_MS}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        cache: 'no-store',
        credentials: 'omit',
        signal: controller.signal,
      });
      if (res.status === 401) return signOut('The admin token was not accepted');
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const answer = (await res.json()) as RequestsAnswer;
      if (controller.signal.aborted) return;
      // A restarted emulator numbers its journal from 1 again.
      if (answer.lastId < lastId) await reloadRequests();
      else received(answer);
      failures = 0;
      setConn('live', 'live');
    } catch (e) {
      if (controller.signal.aborted) return;
      failures++;
      setConn(`reconnecting… (${(e as Error).message})`, 'error');
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * failures)));
    }
  }
}

function stopPolling(): void {
  polling?.abort();
  polling = undefined;
}

function startPolling(): void {
  stopPolling();
  if (!paused) void poll();
}

$('pause').addEventListener('click', () => {
  paused = !paused;
  $('pause').textContent = paused ? 'Resume' : 'Pause';
  $('pause').setAttribute('aria-pressed', String(paused));
  if (paused) {
    stopPolling();
    setConn('paused', 'paused');
  } else startPolling();
});
$('clear-journal').addEventListener('click', () =>
  api('/requests', 'DELETE').then(() => dropBefore(Number.MAX_SAFE_INTEGER)).then(applyFilters, (e) => failed(e, $('request-count'))),
);
for (const id of ['f-vendor', 'f-status']) $(id).addEventListener('change', applyFilters);
$('f-text').addEventListener('input', applyFilters);
$('request-filters').addEventListener('submit', (ev) => ev.preventDefault());

// ---------------------------------------------------------------- request details

function headersTable(caption: string, headers: Record<string, string>): HTMLElement {
  const names = Object.keys(headers);
  if (!names.length) return h('p', { class: 'muted' }, `${caption}: none`);
  return h(
    'table',
    { class: 'kv' },
    h('caption', {}, caption),
    h('tbody', {}, ...names.map((n) => h('tr', {}, h('th', { scope: 'row' }, n), h('td', {}, headers[n])))),
  );
}

function bodyBlock(caption: string, body: unknown): HTMLElement {
  const text = body === null || body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  return h('section', { class: 'body' }, h('h4', {}, caption), text ? h('pre', { tabindex: 0 }, text) : h('p', { class: 'muted' }, 'none'));
}

function showDetail(id: number): void {
  const e = entries.find((x) => x.id === id);
  if (!e) return;
  if (selected !== undefined) rows.get(selected)?.removeAttribute('aria-current');
  selected = id;
  rows.get(id)?.setAttribute('aria-current', 'true');
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(e.query)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  const search = params.toString();
  const curl = curlCommand(e, location.origin);
  const copied = h('span', { class: 'muted', role: 'status' });
  const panel = $('detail');
  panel.replaceChildren(
    h(
      'div',
      { class: 'detail-head' },
      h('h3', { id: 'detail-title' }, `${e.method} ${e.path}${search ? `?${search}` : ''}`),
      h('button', { type: 'button', onclick: hideDetail, 'aria-label': 'Close details' }, 'Close'),
    ),
    h(
      'dl',
      { class: 'facts' },
      ...([
        ['Status', e.status ? String(e.status) : 'no answer (reset or timeout)'],
        ['Time', e.time],
        ['Vendor', e.vendor ?? '–'],
        ['Operation', e.operation],
        ['Duration', `${e.durationMs} ms`],
        ...(e.fault ? [['Fault', e.fault]] : []),
      ] as [string, string][]).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    h(
      'div',
      { class: 'bar' },
      h(
        'button',
        {
          type: 'button',
          id: 'copy-curl',
          onclick: () =>
            navigator.clipboard.writeText(curl).then(
              () => (copied.textContent = 'Copied.'),
              () => (copied.textContent = 'Copying was refused: select the command below.'),
            ),
        },
        'Copy as curl',
      ),
      copied,
    ),
    h('pre', { class: 'curl', id: 'curl', tabindex: 0, 'aria-label': 'The request as a curl command' }, curl),
    headersTable('Request headers', e.requestHeaders),
    bodyBlock('Request body', e.requestBody),
    headersTable('Response headers', e.responseHeaders),
    bodyBlock('Response body', e.responseBody),
  );
  panel.hidden = false;
  panel.focus({ preventScroll: true });
}

function hideDetail(): void {
  if (selected !== undefined) {
    const tr = rows.get(selected);
    tr?.removeAttribute('aria-current');
    tr?.focus();
  }
  selected = undefined;
  $('detail').hidden = true;
}
$('detail').addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape') hideDetail();
});

// ---------------------------------------------------------------- state

let stateData: Record<string, Record<string, unknown>> | undefined;
let stateTimer: ReturnType<typeof setTimeout> | undefined;

/** Debounced: a burst of creates refreshes once. */
function refreshState(): void {
  clearTimeout(stateTimer);
  stateTimer = setTimeout(async () => {
    try {
      stateData = await api('/state');
      renderState();
    } catch (e) {
      failed(e, $('state'));
    }
  }, 100);
}

const cell = (v: unknown): string => (v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function renderState(): void {
  if (!stateData) return;
  const query = $<HTMLInputElement>('state-search').value.trim().toLowerCase();
  const out: HTMLElement[] = [];
  for (const vendor of config.vendors) {
    const data = stateData[vendor.name];
    if (!data) continue;
    const tables: HTMLElement[] = [];
    for (const [collection, value] of Object.entries(data)) {
      const records = (Array.isArray(value) ? value : [value]).map((r) => maskRecord(r, vendor.stateSecrets[collection]));
      const texts = records.map((r) => JSON.stringify(r).toLowerCase());
      const hits = records.filter((_, i) => !query || texts[i].includes(query));
      if (query && !hits.length) continue;
      const columns = [...new Set(hits.slice(0, 50).flatMap((r) => (r && typeof r === 'object' ? Object.keys(r) : ['value'])))];
      const shown = hits.slice(0, MAX_STATE_ROWS);
      const count = query ? `${hits.length} of ${records.length}` : String(records.length);
      tables.push(
        h('h4', {}, `${collection} `, h('span', { class: 'muted' }, `(${count}${shown.length < hits.length ? `, first ${shown.length} shown` : ''})`)),
        shown.length
          ? h(
              'div',
              { class: 'scroll' },
              h(
                'table',
                { class: 'grid', 'data-collection': `${vendor.name}.${collection}`, 'aria-label': `${vendor.name} ${collection}` },
                h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c)))),
                h(
                  'tbody',
                  {},
                  ...shown.map((r) => {
                    const rec = (r && typeof r === 'object' ? r : { value: r }) as Record<string, unknown>;
                    return h(
                      'tr',
                      {},
                      ...columns.map((c) =>
                        c === 'status' && typeof rec[c] === 'string'
                          ? h('td', {}, h('span', { class: `badge state-${rec[c]}` }, rec[c] as string))
                          : h('td', {}, cell(rec[c])),
                      ),
                    );
                  }),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'none'),
      );
    }
    if (tables.length || !query) out.push(h('section', { class: 'card', 'data-vendor': vendor.name }, h('h3', {}, vendor.title), ...tables));
  }
  if (!out.length) out.push(h('p', { class: 'muted' }, 'Nothing matches.'));
  $('state').replaceChildren(...out);
}

$('state-search').addEventListener('input', renderState);
$('state-bar').addEventListener('submit', (ev) => ev.preventDefault());
$('state-refresh').addEventListener('click', refreshState);
$('state-download').addEventListener('click', async () => {
  try {
    const state = await api('/state');
    const url = URL.createObjectURL(new Blob([JSON.stringify(state, null, 2)], { type: 'application/json' }));
    const a = h('a', { href: url, download: `token-api-emulator-state-${new Date().toISOString().replace(/[:.]/g, '-')}.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    failed(e, $('state'));
  }
});

// ---------------------------------------------------------------- controls

function refreshControls(): void {
  $('control-error').textContent = '';
  void refreshFaults();
  void refreshRates();
  void refreshClock();
}

/** Runs a control action, reports its error, and refreshes what it changed. */
async function act(run: () => Promise<unknown>, then: () => unknown): Promise<void> {
  $('control-error').textContent = '';
  try {
    await run();
    await then();
  } catch (e) {
    failed(e);
  }
}

const effect = (f: Fault): string => {
  const latency = f.latencyMs === undefined ? '' : ` after ${Array.isArray(f.latencyMs) ? f.latencyMs.join('–') : f.latencyMs} ms`;
  if (f.kind === 'reset' || f.kind === 'timeout') return `${f.kind}${latency}`;
  if (f.status !== undefined || f.kind === 'status') return `${f.status ?? 503}${latency}`;
  return `latency${latency}`;
};

async function refreshFaults(): Promise<void> {
  try {
    const { faults } = await api<{ faults: Fault[] }>('/faults');
    $('faults').replaceChildren(
      ...(faults.length
        ? faults.map((f) =>
            h(
              'tr',
              { 'data-fault': f.id },
              h('td', {}, f.id, f.permanent ? h('span', { class: 'muted' }, ' (start-up)') : null),
              h('td', {}, f.vendor ?? 'any'),
              h('td', {}, f.method ?? 'any'),
              h('td', { class: 'path' }, f.path ?? 'any'),
              h('td', {}, effect(f)),
              h('td', {}, String(f.probability ?? 1)),
              h('td', {}, f.times === undefined ? '∞' : String(f.times)),
              h('td', {}, String(f.fired)),
              h(
                'td',
                {},
                h('button', { type: 'button', 'aria-label': `Remove fault ${f.id}`, onclick: () => act(() => api(`/faults/${encodeURIComponent(f.id)}`, 'DELETE'), refreshFaults) }, 'Remove'),
              ),
            ),
          )
        : [h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No fault rules: every request is answered normally.'))]),
    );
  } catch (e) {
    failed(e);
  }
}

const num = (id: string): number | undefined => {
  const v = $<HTMLInputElement>(id).value.trim();
  return v === '' ? undefined : Number(v);
};

$('fault-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const kind = $<HTMLSelectElement>('fault-kind').value;
  const rule: Record<string, unknown> = {};
  const vendor = $<HTMLSelectElement>('fault-vendor').value;
  const method = $<HTMLSelectElement>('fault-method').value;
  const path = $<HTMLInputElement>('fault-path').value.trim();
  if (vendor) rule.vendor = vendor;
  if (method) rule.method = method;
  if (path) rule.path = path;
  if (kind === 'status') rule.status = num('fault-status') ?? 503;
  else if (kind !== 'latency') rule.kind = kind;
  for (const [field, id] of [['times', 'fault-times'], ['probability', 'fault-probability'], ['latencyMs', 'fault-latency']] as const) {
    const v = num(id);
    if (v !== undefined) rule[field] = v;
  }
  void act(() => api('/faults', 'POST', rule), refreshFaults);
});
$('faults-clear').addEventListener('click', () => act(() => api('/faults', 'DELETE'), refreshFaults));

$('clock-advance').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const by = $<HTMLInputElement>('clock-advance-by').value.trim();
  void act(async () => showClock(await api<ClockView>('/clock', 'POST', { advance: /^\d+$/.test(by) ? Number(by) : by })), () => undefined);
});
$('clock-set').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void act(async () => showClock(await api<ClockView>('/clock', 'POST', { set: $<HTMLInputElement>('clock-set-to').value.trim() })), () => undefined);
});
$('clock-freeze').addEventListener('click', () =>
  act(async () => showClock(await api<ClockView>('/clock', 'POST', { freeze: !clock?.frozen })), () => undefined),
);

async function refreshRates(): Promise<void> {
  try {
    const rates = await api<Record<string, { limit: number; windowMs: number }>>('/rate-limits');
    const names = Object.keys(rates);
    $('rates').replaceChildren(
      ...(names.length
        ? names.map((v) =>
            h(
              'tr',
              {},
              h('td', {}, v),
              h('td', {}, String(rates[v].limit)),
              h('td', {}, duration(rates[v].windowMs)),
              h('td', {}, h('button', { type: 'button', 'aria-label': `Remove the ${v} rate limit`, onclick: () => act(() => api('/rate-limits', 'PUT', { [v]: null }), refreshRates) }, 'Remove')),
            ),
          )
        : [h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No rate limits.'))]),
    );
  } catch (e) {
    failed(e);
  }
}

function duration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

$('rate-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const vendor = $<HTMLSelectElement>('rate-vendor').value;
  const body = { [vendor]: { limit: num('rate-limit'), window: $<HTMLInputElement>('rate-window').value.trim() } };
  void act(() => api('/rate-limits', 'PUT', body), refreshRates);
});

const dialog = $<HTMLDialogElement>('reset-dialog');
$('reset').addEventListener('click', () => {
  dialog.showModal();
  $('reset-cancel').focus();
});
$('reset-cancel').addEventListener('click', () => dialog.close());
$('reset-confirm').addEventListener('click', () => {
  dialog.close();
  void act(
    () => api('/reset', 'POST'),
    async () => {
      hideDetail();
      await reloadRequests();
      refreshControls();
      refreshState();
      $('reset').focus();
    },
  );
});

// ---------------------------------------------------------------- start

async function start(): Promise<void> {
  $('main').hidden = false;
  try {
    await reloadRequests();
    await refreshClock();
  } catch (e) {
    if (e instanceof Unauthorized) return signOut(e.message);
    setConn(`error: ${(e as Error).message}`, 'error');
  }
  if (current !== 'requests') showTab(current);
  setConn(paused ? 'paused' : 'live', paused ? 'paused' : 'live');
  startPolling();
  if (started) return;
  started = true;
  setInterval(() => {
    if (!document.hidden && !$('main').hidden) void api<ClockView>('/clock').then(showClock, () => undefined);
  }, 15_000);
}

if (config.adminToken && !sessionStorage.getItem(TOKEN_KEY)) signOut();
else {
  $('logout').hidden = !config.adminToken;
  void start();
}
