import type { HeaderReader } from './http.js';

/**
 * The request journal: every vendor request and its answer, newest last, bounded (a ring of the last N), with
 * secrets redacted in every entry anyone reads (built on first read, see `Journal`) — so a journal dump can be
 * pasted into a bug report.
 */
export interface JournalEntry {
  id: number;
  /** RFC 3339, on the emulator's clock. */
  time: string;
  vendor: string | null;
  /** The matched route's operation name (`agentTokens.create`), `unmatched`, or `fault`. */
  operation: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  requestHeaders: Record<string, string>;
  /** Parsed JSON when the body was JSON, else the text; `null` when there was none or it was not read. */
  requestBody: unknown;
  /** 0 when the connection was reset or timed out without an answer. */
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: unknown;
  durationMs: number;
  /** The fault rule that decided the answer, if any. */
  fault?: string;
}

export interface JournalFilter {
  vendor?: string;
  method?: string;
  /** Exact path, or a prefix ending in `*`. */
  path?: string;
  status?: number;
  /** Entries at or after this instant (RFC 3339 or epoch ms). */
  since?: string | number;
  operation?: string;
  /** Only entries recorded after the one with this id (ids only grow, across clears). */
  afterId?: number;
}

export const REDACTED = '[REDACTED]';

/** Header names whose values are secrets for any vendor (a vendor declares its own in `secrets.headers`). */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);
/** JSON keys whose values are secrets, in any vendor's body. */
const SECRET_KEYS = /^(password|apikey|api_key|privatekey|private_key|secret|token|key|jwt|access_token|refresh_token)$/i;
const JWT = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

export function redactHeaders(headers: HeaderReader, secret: ReadonlySet<string> = SECRET_HEADERS): Record<string, string> {
  const out: Record<string, string> = {};
  const names: string[] = [];
  headers.forEach((_value, name) => {
    names.push(name.toLowerCase());
  });
  // Sorted by name, joined like Fetch's Headers (one entry per name), whichever front door received them.
  for (const name of [...new Set(names)].sort()) {
    const value = headers.get(name)!;
    if (!secret.has(name)) out[name] = value;
    else if (name === 'authorization' && /^digest /i.test(value)) {
      // Keep who and what (username, uri); drop the response hash, nonce and cnonce.
      const keep = [...value.matchAll(/\b(username|realm|uri|qop|algorithm)=("[^"]*"|[^,\s]*)/gi)].map((m) => `${m[1]}=${m[2]}`);
      out[name] = `Digest ${keep.join(', ')}, response=${REDACTED}`;
    } else if (name === 'authorization') out[name] = `${value.split(' ', 1)[0]} ${REDACTED}`;
    else out[name] = REDACTED;
  }
  return out;
}

/**
 * Paths that carry secrets (`VendorDefinition.secrets.paths`): patterns whose `:name` segments are secret and `*`
 * any other segment, matched segment by segment against a raw path. Patterns are grouped by their number of
 * segments, so a path is compared with the few patterns of its length only.
 */
export class SecretPaths {
  private readonly byLength = new Map<number, string[][]>();

  constructor(patterns: Iterable<string> = []) {
    for (const p of patterns) {
      const segs = p.split('/').slice(1);
      let list = this.byLength.get(segs.length);
      if (!list) this.byLength.set(segs.length, (list = []));
      list.push(segs);
    }
  }

  /** The path with its secret segments replaced (a trailing `/` kept); the path itself when no pattern matches. */
  redact(path: string): string {
    if (this.byLength.size === 0) return path;
    const trailing = path.length > 1 && path.endsWith('/');
    const segs = (trailing ? path.slice(0, -1) : path).split('/').slice(1);
    const candidates = this.byLength.get(segs.length);
    if (!candidates) return path;
    for (const pattern of candidates) {
      if (!pattern.every((p, i) => (p === '*' || p.startsWith(':') ? segs[i] !== '' : p === segs[i]))) continue;
      const out = segs.map((s, i) => (pattern[i].startsWith(':') ? REDACTED : s));
      return `/${out.join('/')}${trailing ? '/' : ''}`;
    }
    return path;
  }

  /** A request target (`path?query`) as a log line may show it: secret path segments and query values replaced. */
  redactTarget(target: string): string {
    const q = target.indexOf('?');
    if (q === -1) return this.redact(target);
    return `${this.redact(target.slice(0, q))}?${redactQueryText(target.slice(q + 1))}`;
  }
}

/** `a=1&token=…`: the values of secret-named or JWT-shaped parameters replaced, the rest kept as sent. */
function redactQueryText(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      let decoded = [name, value];
      try {
        decoded = [name, value].map((x) => decodeURIComponent(x.replace(/\+/g, ' ')));
      } catch {
        // judged as sent
      }
      return isSecretKey(decoded[0]) || JWT.test(decoded[1]) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
}

/** Nesting deeper than this is not walked: the subtree is replaced (no client body needs it; a deep one is an attack). */
const MAX_DEPTH = 64;
export const TOO_DEEP = '[TRUNCATED: nested too deep]';
/** Text kept for a body that is neither JSON nor a form, after its secrets are scrubbed. */
const TEXT_LIMIT = 4096;

/** The name a secret check looks at: the last part of `auth[passwordCredentials][password]` or `a.b:apiKey`. */
const leafName = (key: string) => key.split(/[[\].:]+/).filter(Boolean).pop() ?? key;
const isSecretKey = (key: string) => SECRET_KEYS.test(leafName(key));

/**
 * Replaces secret values in a parsed JSON body (keys like `apiKey`, `token`, `key`; anything shaped like a JWT; a
 * sibling repeating a secret's value, like a Rackspace agent token's `id`). Walks at most `MAX_DEPTH` levels.
 */
export function redactBody(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return JWT.test(value) ? REDACTED : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v) => redactBody(v, depth + 1));
  const out: Record<string, unknown> = {};
  const secrets = new Set<unknown>();
  for (const [k, v] of Object.entries(value)) {
    if (!isSecretKey(k)) continue;
    if (typeof v === 'string' && v !== '') secrets.add(v);
  }
  for (const [k, v] of Object.entries(value)) {
    if (isSecretKey(k)) {
      // `access.token` in Rackspace's identity answer is an object whose `id` is the secret.
      if (v && typeof v === 'object' && !Array.isArray(v))
        out[k] = redactBody({ ...(v as object), ...('id' in v ? { id: REDACTED } : {}) }, depth + 1);
      else out[k] = v === null ? null : REDACTED;
    } else out[k] = secrets.has(v) ? REDACTED : redactBody(v, depth + 1);
  }
  return out;
}

/** `key=value` / `"key": "value"` pairs with a secret key, in any text (also a truncated or malformed JSON body). */
const SECRET_PAIRS = new RegExp(
  `((?<![A-Za-z0-9])(?:${SECRET_KEYS.source.slice(2, -2)})["'\\]]?\\s*[:=]\\s*)("(?:[^"\\\\]|\\\\.)*"?|'[^']*'?|[^\\s,&;}\\]<]*)`,
  'gi',
);
const JWT_ANYWHERE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;

/** Any text with its secret pairs and JWT-shaped strings replaced. */
export function scrubText(text: string): string {
  return text.replace(SECRET_PAIRS, (_m, key: string) => `${key}${REDACTED}`).replace(JWT_ANYWHERE, REDACTED);
}

/** An HTML form body (`a=1&b=2`): each pair is a name (no spaces) and an optional value. */
const FORM = /^[^=&\s]+(?:=[^&\s]*)?(?:&[^=&\s]+(?:=[^&\s]*)?)*&?$/;

/**
 * A body as the journal keeps it, judged by what it is, whatever its `Content-Type` says (curl sends forms by
 * default; a client may label JSON `text/plain` or not at all): JSON is parsed and redacted, a form has its secret
 * fields replaced, anything else is kept scrubbed of secret pairs and JWTs, and clipped. Never raw text.
 */
export function bodyForJournal(text: string | undefined, _contentType?: string | null): unknown {
  if (text === undefined || text === '') return null;
  const first = text.trimStart()[0];
  if (first === '{' || first === '[' || first === '"') {
    try {
      return redactBody(JSON.parse(text));
    } catch {
      // malformed JSON: scrubbed below
    }
  }
  if (FORM.test(text) && text.includes('=')) {
    // Names are decoded to be judged; the pairs are kept as sent, secret values replaced.
    const pairs = clip(text).split('&').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // judged as sent
      }
      return `${name}=${isSecretKey(decoded) ? REDACTED : scrubText(pair.slice(eq + 1))}`;
    });
    return pairs.join('&');
  }
  return scrubText(clip(text));
}

const clip = (text: string) => (text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}… (${text.length} characters)` : text);

/** What is kept per request: raw material only; parsing and redaction happen when the journal is read. */
export interface RawJournalEntry {
  timeMs: number;
  vendor: string | null;
  operation: string;
  method: string;
  /** The raw path and query (`?…` or ''). */
  path: string;
  search: string;
  requestHeaders: HeaderReader;
  requestText: string | undefined;
  status: number;
  responseHeaders: HeaderReader | undefined;
  responseText: string | undefined;
  durationMs: number;
  fault?: string | undefined;
}

interface Stored {
  id: number;
  raw: RawJournalEntry;
  /** The path as shown (secret segments redacted), on first read. */
  path?: string;
  entry?: JournalEntry;
}

/**
 * The journal keeps raw material (header objects, body text) and builds the redacted entry on first read, so
 * recording costs a push, not a JSON parse and a redaction walk on every request.
 */
export class Journal {
  private entries: Stored[] = [];
  private next = 1;

  private readonly secretHeaders: ReadonlySet<string>;
  /** Paths whose secret segments entries show redacted (what each vendor declares); also for the CLI's log line. */
  readonly secretPaths: SecretPaths;

  constructor(
    public limit = 1000,
    /** Header names redacted on top of the common ones (what each vendor declares). */
    secretHeaders: Iterable<string> = [],
    /** Path patterns with secret segments (`VendorDefinition.secrets.paths`). */
    secretPaths: Iterable<string> = [],
  ) {
    this.secretHeaders = new Set([...SECRET_HEADERS, ...[...secretHeaders].map((h) => h.toLowerCase())]);
    this.secretPaths = new SecretPaths(secretPaths);
  }

  /** Oldest entry's index in `entries` once the ring is full (a ring, so recording never moves the others). */
  private head = 0;

  /** Callbacks of `whenChanged()` waiting for the next record or clear (undefined when none: one check per record). */
  private waiters: (() => void)[] | undefined;

  record(raw: RawJournalEntry): void {
    if (this.limit <= 0) return;
    const stored = { id: this.next++, raw };
    if (this.entries.length > this.limit) this.compact();
    if (this.entries.length < this.limit) this.entries.push(stored);
    else {
      this.entries[this.head] = stored;
      this.head = (this.head + 1) % this.limit;
    }
    if (this.waiters) this.wake();
  }

  /** The id of the newest entry ever recorded (0 before the first); clearing keeps the count going. */
  get lastId(): number {
    return this.next - 1;
  }

  /** The id of the oldest entry still kept (`lastId + 1` when there is none). */
  get firstId(): number {
    return this.entries.length === 0 ? this.next : this.entries[this.head].id;
  }

  /**
   * Resolves as soon as an entry newer than `afterId` exists or the journal is cleared, or after `ms` — what a
   * long-polling reader (the dashboard) waits on. The timer never keeps the process alive.
   */
  whenChanged(afterId: number, ms: number): Promise<void> {
    if (this.lastId > afterId || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const i = this.waiters?.indexOf(done) ?? -1;
        if (i >= 0) this.waiters!.splice(i, 1);
        if (this.waiters?.length === 0) this.waiters = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      (this.waiters ??= []).push(done);
    });
  }

  private wake(): void {
    const waiting = this.waiters!;
    this.waiters = undefined;
    for (const done of waiting) done();
  }

  /** Entries oldest first. */
  private ordered(): Stored[] {
    return this.head === 0 ? this.entries : [...this.entries.slice(this.head), ...this.entries.slice(0, this.head)];
  }

  /** After `limit` was lowered: keep the newest `limit` entries, in order. */
  private compact(): void {
    this.entries = this.ordered().slice(-this.limit);
    this.head = 0;
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    const since = filter.since === undefined ? undefined : typeof filter.since === 'number' ? filter.since : Date.parse(filter.since);
    const method = filter.method?.toUpperCase();
    const prefix = filter.path?.endsWith('*') ? filter.path.slice(0, -1) : undefined;
    const out: JournalEntry[] = [];
    for (const e of this.ordered()) {
      const r = e.raw;
      // Filtered on the path as shown: a filter cannot test a secret the entry hides.
      const path = (e.path ??= this.secretPaths.redact(r.path));
      if (
        (filter.vendor === undefined || r.vendor === filter.vendor) &&
        (method === undefined || r.method === method) &&
        (filter.path === undefined || (prefix !== undefined ? path.startsWith(prefix) : path === filter.path)) &&
        (filter.status === undefined || r.status === filter.status) &&
        (filter.operation === undefined || r.operation === filter.operation) &&
        (filter.afterId === undefined || e.id > filter.afterId) &&
        (since === undefined || r.timeMs >= since)
      )
        out.push((e.entry ??= materialise(e.id, r, path, this.secretHeaders)));
    }
    return out;
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    if (this.waiters) this.wake();
  }

  get size(): number {
    return this.entries.length;
  }
}

function materialise(id: number, r: RawJournalEntry, path: string, secret: ReadonlySet<string>): JournalEntry {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(r.search)) {
    const prev = query[k];
    const kept = isSecretKey(k) || JWT.test(v) ? REDACTED : v;
    query[k] = prev === undefined ? kept : Array.isArray(prev) ? [...prev, kept] : [prev, kept];
  }
  return {
    id,
    time: new Date(r.timeMs).toISOString(),
    vendor: r.vendor,
    operation: r.operation,
    method: r.method,
    path,
    query,
    requestHeaders: redactHeaders(r.requestHeaders, secret),
    requestBody: bodyForJournal(r.requestText, r.requestHeaders.get('content-type')),
    status: r.status,
    responseHeaders: r.responseHeaders ? redactHeaders(r.responseHeaders, secret) : {},
    responseBody: r.responseHeaders ? bodyForJournal(r.responseText, r.responseHeaders.get('content-type')) : null,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    ...(r.fault ? { fault: r.fault } : {}),
  };
}
