/**
 * The emulator's request and response model. Handlers take an `EmulatorRequest` and answer with an
 * `EmulatorResponse` (built by the helpers below: `json()`, `text()`, `empty()`); each front door converts at its
 * edge — the node:http server from `IncomingMessage` and to `ServerResponse`, MSW and `emulator.handle()` from and
 * to Fetch's `Request`/`Response` (`fromFetchRequest`, `toFetchResponse`). Neither is a Fetch object in disguise:
 * building real Fetch objects costs tens of microseconds per request in Node, and the server door never needs one.
 */
import { utf8Text } from '#platform';
import { BadRequest, PayloadTooLarge } from './errors.js';

/** Bodies larger than this are refused (Rackspace documents 413 `requestTooLargeError` above 1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Request headers as the emulator reads them (case-insensitive names). Fetch's `Headers` has this shape too. */
export interface HeaderReader {
  get(name: string): string | null;
  has(name: string): boolean;
  /** Every header, names in lower case. */
  forEach(fn: (value: string, name: string) => void): void;
}

/** A body the front door has not read yet: read on demand, with a limit, or let go. */
export interface BodySource {
  /** The whole body as UTF-8 text; more than `limit` bytes → `PayloadTooLarge`, a broken stream → `BadRequest`. */
  read(limit: number): Promise<string>;
  /** Nobody will read it. */
  discard(): void;
}

/** The request a handler sees: method, URL, headers and a body read on demand. */
export class EmulatorRequest {
  private source: string | BodySource | null;
  private read: string | undefined;
  private parsed: URL | undefined;

  constructor(
    readonly method: string,
    /** The origin the request was addressed to (`http://127.0.0.1:4020`). */
    readonly origin: string,
    /** The raw (percent-encoded) path. */
    readonly path: string,
    /** `?…` or ''. */
    readonly search: string,
    readonly headers: HeaderReader,
    /** The body: already read (a string), still to read (a source), or none (null). */
    body: string | BodySource | null,
    url?: URL,
  ) {
    this.source = body;
    this.parsed = url;
  }

  /** From an absolute URL. */
  static of(method: string, url: URL, headers: HeaderReader, body: string | BodySource | null): EmulatorRequest {
    return new EmulatorRequest(method, url.origin, url.pathname, url.search, headers, body, url);
  }

  /** The URL, parsed on first use (most requests never need it parsed). */
  get url(): URL {
    return (this.parsed ??= new URL(this.path + this.search, this.origin));
  }

  /** The query parameters (without parsing the whole URL). */
  get searchParams(): URLSearchParams {
    return this.parsed?.searchParams ?? new URLSearchParams(this.search);
  }

  get href(): string {
    return this.parsed?.href ?? this.origin + this.path + this.search;
  }

  /** Whether the request has a body at all (read or not). */
  get hasBody(): boolean {
    return this.source !== null;
  }

  /** The body text if it is known without reading (already read, or handed over whole by the front door). */
  get knownText(): string | undefined {
    return this.read ?? (typeof this.source === 'string' ? this.source : undefined);
  }

  /** The body as text (at most 1 MiB). */
  text(): Promise<string> {
    return readText(this);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** See `readText`. */
  async readBody(limit: number): Promise<string> {
    if (this.read !== undefined) return this.read;
    const declared = Number(this.headers.get('content-length'));
    if (declared > limit) {
      this.discard();
      throw new PayloadTooLarge(`Request body is larger than ${limit} bytes`);
    }
    const source = this.source;
    if (source === null) return (this.read = '');
    if (typeof source === 'string') return (this.read = source);
    return (this.read = await source.read(limit));
  }

  /** The body will not be read (an answer that does not need it). */
  discard(): void {
    if (this.source !== null && typeof this.source !== 'string' && this.read === undefined) this.source.discard();
  }
}

/**
 * Reads the body as text without ever holding more than `limit` bytes: a huge body is refused with
 * `PayloadTooLarge` as soon as it crosses the limit (or at once, from Content-Length).
 */
export function readText(request: EmulatorRequest, limit = MAX_BODY_BYTES): Promise<string> {
  return request.readBody(limit);
}

/** A Fetch `ReadableStream` as a body source (MSW, `handle()`). */
export function streamBody(stream: ReadableStream<Uint8Array>): BodySource {
  return {
    async read(limit) {
      const reader = stream.getReader();
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
      return utf8Text(chunks, total);
    },
    discard() {
      // Not awaited: a tee'd body (MSW clones requests) may never settle its cancel.
      stream.cancel().catch(() => undefined);
    },
  };
}

/** A Fetch `Request` in the emulator's model (its body streamed, so an answer that does not need it never waits). */
export function fromFetchRequest(request: Request, url = new URL(request.url)): EmulatorRequest {
  return EmulatorRequest.of(request.method, url, request.headers, request.body ? streamBody(request.body) : null);
}

/**
 * The headers of an `EmulatorResponse`, by lower-case name in a plain object that node:http's `writeHead` takes as
 * it is (the emulator only writes well-formed names and values, so Fetch's validation per call is not needed).
 */
export class ResponseHeaders {
  private readonly fields: Record<string, string> = Object.create(null);
  private cookies: string[] | undefined = undefined;

  constructor(init: Record<string, string> = {}) {
    for (const k in init) this.fields[lower(k)] = init[k];
  }
  get(name: string): string | null {
    const k = lower(name);
    if (k === 'set-cookie') return this.cookies ? this.cookies.join(', ') : null;
    return this.fields[k] ?? null;
  }
  has(name: string): boolean {
    const k = lower(name);
    return k === 'set-cookie' ? !!this.cookies?.length : this.fields[k] !== undefined;
  }
  set(name: string, value: string): void {
    const k = lower(name);
    if (k === 'set-cookie') this.cookies = [String(value)];
    else this.fields[k] = String(value);
  }
  append(name: string, value: string): void {
    const k = lower(name);
    if (k === 'set-cookie') (this.cookies ??= []).push(String(value));
    else {
      const prev = this.fields[k];
      this.fields[k] = prev === undefined ? String(value) : `${prev}, ${value}`;
    }
  }
  delete(name: string): void {
    const k = lower(name);
    if (k === 'set-cookie') this.cookies = undefined;
    else delete this.fields[k];
  }
  /** Every header, names in lower case (each Set-Cookie on its own). */
  forEach(fn: (value: string, name: string) => void): void {
    for (const k in this.fields) fn(this.fields[k], k);
    for (const c of this.cookies ?? []) fn(c, 'set-cookie');
  }
  /** For node:http's `writeHead`: the fields themselves when there is no Set-Cookie (the answer is written once). */
  toNodeHeaders(): Record<string, string | string[]> {
    if (!this.cookies?.length) return this.fields;
    return { ...this.fields, 'set-cookie': [...this.cookies] };
  }
  /** For a Fetch `Response`. */
  toFetchHeaders(): Headers {
    const headers = new Headers();
    this.forEach((v, k) => headers.append(k, v));
    return headers;
  }
}

/** Lower case, without a copy for names that already are (almost all: the emulator writes them). */
const lower = (name: string) => (/[A-Z]/.test(name) ? name.toLowerCase() : name);

/** An answer: status, headers and a text body — or no answer at all (`dropped`: the connection goes away). */
export class EmulatorResponse {
  readonly headers: ResponseHeaders;

  constructor(
    readonly status: number,
    headers: Record<string, string> | ResponseHeaders = {},
    /** The body as sent (`null`: no body). */
    readonly body: string | null = null,
    /** An injected `reset`/`timeout`: no status line, the connection is dropped. */
    readonly dropped = false,
  ) {
    this.headers = headers instanceof ResponseHeaders ? headers : new ResponseHeaders(headers);
  }

  /** No answer: the connection is dropped (what a fetch client sees as a network error). */
  static drop(): EmulatorResponse {
    return new EmulatorResponse(0, {}, null, true);
  }

  /** The same answer without its body (HEAD). */
  withoutBody(): EmulatorResponse {
    return this.body === null ? this : new EmulatorResponse(this.status, this.headers, null, this.dropped);
  }
}

/** A Fetch `Response` for an answer (`Response.error()` for a dropped connection). */
export function toFetchResponse(r: EmulatorResponse): Response {
  if (r.dropped) return Response.error();
  return new Response(r.body, { status: r.status, headers: r.headers.toFetchHeaders() });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}, contentType = 'application/json'): EmulatorResponse {
  return text(JSON.stringify(body), status, { 'content-type': contentType, ...headers });
}

export function text(body: string, status = 200, headers: Record<string, string> = {}): EmulatorResponse {
  return new EmulatorResponse(status, headers, body);
}

export function empty(status: number, headers: Record<string, string> = {}): EmulatorResponse {
  return new EmulatorResponse(status, headers, null);
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
