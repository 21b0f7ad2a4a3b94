import { BadRequest, PayloadTooLarge } from './errors.js';
import { utf8Text } from '#platform';

/** Bodies larger than this are refused (Rackspace documents 413 `requestTooLargeError` above 1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Request bodies already read as text, so the journal can record them without cloning streams. */
export const requestTexts = new WeakMap<Request, string>();

/**
 * What the helpers below answer with: a `Response` in every way a handler, a vendor's `decorate` or the journal
 * uses one (`status`, mutable `headers`, `text()`, `json()`, `clone()`, `body` …), whose body is kept as the string
 * it was built from. Building a real Fetch `Response` costs tens of microseconds in Node (a body stream is set up);
 * the node:http front door writes this string directly and never needs one. `emulator.handle()` — what MSW and
 * tests call — always turns it into a genuine `Response` (`toResponse()`), so only the server path sees it.
 */
export class TextResponse {
  readonly type = 'default' as const;
  readonly redirected = false;
  readonly url = '';
  readonly headers: Headers;
  private real: Response | undefined;

  constructor(
    /** The body as sent (`null`: no body). */
    readonly bodyText: string | null,
    readonly status: number,
    headers: Record<string, string>,
  ) {
    this.headers = new HeaderMap(headers) as unknown as Headers;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get statusText(): string {
    return '';
  }
  /** A genuine Fetch `Response` with the same status, headers and body. */
  toResponse(): Response {
    const headers = new Headers();
    for (const [k, v] of Object.entries((this.headers as unknown as HeaderMap).toNodeHeaders()))
      for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
    return new Response(this.bodyText, { status: this.status, headers });
  }
  private fetchResponse(): Response {
    return (this.real ??= this.toResponse());
  }
  get body(): ReadableStream<Uint8Array> | null {
    return this.bodyText === null ? null : this.fetchResponse().body;
  }
  get bodyUsed(): boolean {
    return this.real?.bodyUsed ?? false;
  }
  text(): Promise<string> {
    return this.fetchResponse().text();
  }
  json(): Promise<unknown> {
    return this.fetchResponse().json();
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.fetchResponse().arrayBuffer();
  }
  blob(): Promise<Blob> {
    return this.fetchResponse().blob();
  }
  formData(): Promise<FormData> {
    return this.fetchResponse().formData();
  }
  clone(): Response {
    return this.toResponse();
  }
}

/**
 * The `Headers` of a `TextResponse`: the same methods, kept in a Map with lower-case names (the emulator only ever
 * writes well-formed header names and values, so Fetch's validation per call is not needed here).
 */
export class HeaderMap {
  private readonly map = new Map<string, string>();
  private cookies: string[] | undefined;

  constructor(init: Record<string, string> = {}) {
    for (const k in init) this.map.set(k.toLowerCase(), init[k]);
  }
  get(name: string): string | null {
    const k = name.toLowerCase();
    if (k === 'set-cookie' && this.cookies) return this.cookies.join(', ');
    return this.map.get(k) ?? null;
  }
  has(name: string): boolean {
    const k = name.toLowerCase();
    return this.map.has(k) || (k === 'set-cookie' && !!this.cookies?.length);
  }
  set(name: string, value: string): void {
    const k = name.toLowerCase();
    if (k === 'set-cookie') this.cookies = [String(value)];
    else this.map.set(k, String(value));
  }
  append(name: string, value: string): void {
    const k = name.toLowerCase();
    if (k === 'set-cookie') (this.cookies ??= []).push(String(value));
    else {
      const prev = this.map.get(k);
      this.map.set(k, prev === undefined ? String(value) : `${prev}, ${value}`);
    }
  }
  delete(name: string): void {
    const k = name.toLowerCase();
    if (k === 'set-cookie') this.cookies = undefined;
    else this.map.delete(k);
  }
  getSetCookie(): string[] {
    return [...(this.cookies ?? [])];
  }
  *entries(): IterableIterator<[string, string]> {
    const all: [string, string][] = [...this.map];
    if (this.cookies?.length) all.push(['set-cookie', this.cookies.join(', ')]);
    yield* all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  keys(): IterableIterator<string> {
    return [...this.entries()].map((e) => e[0])[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return [...this.entries()].map((e) => e[1])[Symbol.iterator]();
  }
  forEach(fn: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this as unknown as Headers);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  /** Straight to node:http's `writeHead` (no sorting, no copies). */
  toNodeHeaders(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = Object.fromEntries(this.map);
    if (this.cookies?.length) out['set-cookie'] = [...this.cookies];
    return out;
  }
}

/** node:http headers for a response (fast for the helpers' responses). */
export function nodeHeaders(r: Response): Record<string, string | string[]> {
  const h = r.headers as unknown as HeaderMap;
  if (h instanceof HeaderMap) return h.toNodeHeaders();
  const out: Record<string, string | string[]> = {};
  r.headers.forEach((value, key) => {
    if (key !== 'set-cookie') out[key] = value;
  });
  const cookies = r.headers.getSetCookie?.();
  if (cookies?.length) out['set-cookie'] = cookies;
  return out;
}

/** The body text of a response built by the helpers below (undefined for any other response). */
export const knownText = (r: Response): string | null | undefined => (r instanceof TextResponse ? (r as TextResponse).bodyText : undefined);

/** A genuine Fetch `Response` for anything a handler answered with. */
export const toFetchResponse = (r: Response): Response => (r instanceof TextResponse ? (r as TextResponse).toResponse() : r);

export function json(body: unknown, status = 200, headers: Record<string, string> = {}, contentType = 'application/json'): Response {
  return text(JSON.stringify(body), status, { 'content-type': contentType, ...headers });
}

/** A text response (see `TextResponse`). */
export function text(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new TextResponse(body, status, headers) as unknown as Response;
}

export function empty(status: number, headers: Record<string, string> = {}): Response {
  return new TextResponse(null, status, headers) as unknown as Response;
}

/**
 * Reads the body as text without ever holding more than `limit` bytes: a huge body is refused with
 * `PayloadTooLarge` as soon as it crosses the limit (or at once, from Content-Length).
 */
export async function readText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit) {
    // Not awaited: a tee'd body (MSW clones requests) may never settle its cancel.
    request.body?.cancel().catch(() => undefined);
    throw new PayloadTooLarge(`Request body is larger than ${limit} bytes`);
  }
  const cached = requestTexts.get(request);
  if (cached !== undefined) return cached;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch {
      throw new BadRequest('The request body could not be read');
    }
    if (r.done) break;
    total += r.value.byteLength;
    if (total > limit) {
      reader.cancel().catch(() => undefined);
      throw new PayloadTooLarge(`Request body is larger than ${limit} bytes`);
    }
    chunks.push(r.value);
  }
  const body = utf8Text(chunks, total);
  requestTexts.set(request, body);
  return body;
}

export type JsonResult = { ok: true; value: unknown; empty: boolean } | { ok: false; error: string };

/** Parses JSON text; an empty body is `{ empty: true }` so each vendor decides what that means. */
export function parseJson(text: string): JsonResult {
  if (text.trim() === '') return { ok: true, value: undefined, empty: true };
  try {
    return { ok: true, value: JSON.parse(text), empty: false };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `application/json` or `application/<x>+json`, with any parameters. */
export function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const type = value.split(';', 1)[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * The request the node:http front door hands to the emulator when it already holds the whole body (or there is
 * none): a `Request` in every way the emulator and its handlers use one (`method`, `url`, `headers`, `text()`,
 * `json()`, `body` …), without building a Fetch `Request` — which costs several microseconds per request, and tens
 * of milliseconds the first time (loading undici) — for requests that never need one. Large or `100-continue`
 * bodies still arrive as a genuine streamed `Request`.
 */
export class BufferedRequest {
  readonly headers: Headers;
  private controller: AbortController | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    headers: HeaderMap,
    /** The whole body, or null when the request has none. */
    readonly bodyText: string | null,
  ) {
    this.headers = headers as unknown as Headers;
    if (bodyText !== null) requestTexts.set(this as unknown as Request, bodyText);
  }
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }
  get body(): ReadableStream<Uint8Array> | null {
    return this.bodyText === null ? null : new Response(this.bodyText).body;
  }
  get bodyUsed(): boolean {
    return false;
  }
  text(): Promise<string> {
    return Promise.resolve(this.bodyText ?? '');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.bodyText ?? '');
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return new TextEncoder().encode(this.bodyText ?? '').buffer as ArrayBuffer;
  }
  clone(): Request {
    return new BufferedRequest(this.method, this.url, this.headers as unknown as HeaderMap, this.bodyText) as unknown as Request;
  }
}
