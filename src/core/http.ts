import { BadRequest, PayloadTooLarge } from './errors.js';

/** Bodies larger than this are refused (Rackspace documents 413 `requestTooLargeError` above 1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Bodies already read or written as text, so the journal can record them without cloning streams. */
export const requestTexts = new WeakMap<Request, string>();
export const responseTexts = new WeakMap<Response, string>();

export function json(body: unknown, status = 200, headers: Record<string, string> = {}, contentType = 'application/json'): Response {
  return text(JSON.stringify(body), status, { 'content-type': contentType, ...headers });
}

/** A response whose body text the journal can read for free. */
export function text(body: string, status = 200, headers: Record<string, string> = {}): Response {
  const res = new Response(body, { status, headers });
  responseTexts.set(res, body);
  return res;
}

export function empty(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
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
