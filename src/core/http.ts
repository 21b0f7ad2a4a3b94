import { BadRequest, PayloadTooLarge } from './errors.js';

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
    this.headers = new Headers(headers);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get statusText(): string {
    return '';
  }
  /** A genuine Fetch `Response` with the same status, headers and body. */
  toResponse(): Response {
    return new Response(this.bodyText, { status: this.status, headers: this.headers });
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
  const body = Buffer.concat(chunks, total).toString('utf8');
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
