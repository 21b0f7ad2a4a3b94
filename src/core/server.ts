import { createServer, maxHeaderSize, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BadRequest, PayloadTooLarge } from './errors.js';
import { EmulatorRequest, type BodySource, type EmulatorResponse, type HeaderReader } from './http.js';
import type { Emulator, ListenerAddress, ListenOptions, RequestInfo, RunningServer } from './types.js';

/**
 * The standalone front door: one `node:http` server, every vendor at its native path. It turns the Node request
 * into an `EmulatorRequest` (headers read from `rawHeaders` in place, the body handed over whole when it is small
 * and already on its way, else read on demand — so a handler that answers before reading it, a digest challenge or
 * a 413, never waits for it), lets the emulator answer, and writes the answer's bytes. It never imports msw.
 */
export async function startServer(emulator: Emulator, opts: ListenOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const secretPaths = emulator.journal.secretPaths;
  const server = createServer({ keepAliveTimeout: 5000, ...SLOW_CLIENT_LIMITS }, (req, res) => {
    const started = performance.now();
    serve(emulator, req, res, fallbackHost, listener).then(
      // The path as logged hides what vendors declare secret in it (a token in `/v2.0/tokens/{tokenId}`).
      (status) =>
        opts.onResponse?.({ method: req.method ?? 'GET', path: secretPaths.redactTarget(req.url ?? '/'), status, ms: performance.now() - started }),
      (err) => {
        // Writing failed (the emulator itself always answers, with its last-resort 500 at worst).
        console.error('token-api-emulator: failed to answer', req.method, secretPaths.redactTarget(req.url ?? '/'), err);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'internal', message: 'The emulator failed to answer this request' }));
        } else res.destroy();
      },
    );
  });
  // Answer a client that waits for `100 Continue` as soon as its request arrives, like any request.
  server.on('checkContinue', (req, res) => server.emit('request', req, res));
  // A request node:http cannot parse gets a short JSON answer saying why (431 for headers over its limit).
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify(
      tooLarge
        ? { error: 'headers_too_large', message: `The request headers are larger than the server accepts (${maxHeaderSize} bytes)` }
        : { error: 'bad_request', message: 'The request is not valid HTTP/1.1' },
    );
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    // An answer to HEAD has no body, even this one: a client would read the JSON as data after the answer.
    const head = (err as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${head ? '' : body}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const fallbackHost = `${shownHost}:${port}`;
  const listener = { host, port };
  return {
    url: `http://${fallbackHost}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * How long a client may take: node:http's defaults (60 s for the headers, 5 min for the whole request, checked every
 * 30 s) let slow clients (slowloris, a body that never ends, idle sockets) hold a connection for minutes. A local
 * emulator's clients send their headers at once; the whole request gets a minute (a 256 MiB state PUT included).
 */
const SLOW_CLIENT_LIMITS = { headersTimeout: 10_000, requestTimeout: 60_000, connectionsCheckingInterval: 1000 };

/** Bodies up to this size that the client sends without `Expect: 100-continue` are read before the emulator answers. */
const BUFFERED_BODY_MAX = 64 * 1024;

async function serve(
  emulator: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  fallbackHost: string,
  listener: { host: string; port: number },
): Promise<number> {
  const headers = new NodeHeaders(req.rawHeaders);
  const method = req.method ?? 'GET';
  const length = headers.get('content-length');
  const hasBody = method !== 'GET' && method !== 'HEAD' && (length !== null ? length !== '0' : headers.has('transfer-encoding'));
  // Small bodies already on their way are read first and handed over whole. A client that waits for
  // `100 Continue`, or a large body, gets its body read on demand.
  const buffered = hasBody && length !== null && Number(length) <= BUFFERED_BODY_MAX && !headers.has('expect');
  let body: string | BodySource | null = null;
  if (buffered) {
    const chunks = await readAll(req);
    if (chunks === undefined) return 0; // the client went away mid-body
    body = Buffer.concat(chunks).toString('utf8');
  } else if (hasBody) body = new NodeBody(req, headers.get('expect')?.toLowerCase() === '100-continue' ? res : undefined);

  const request = nodeRequest(method, req.url ?? '/', headers, body, fallbackHost);
  const response = await emulator.answer(request, new NodeRequestInfo(req, res, request.origin, listener));
  return write(response, req, res, hasBody && !buffered);
}

/** The answer's bytes on the wire (or no answer: an injected `reset`/`timeout` drops the connection). */
function write(response: EmulatorResponse, req: IncomingMessage, res: ServerResponse, streamed: boolean): number {
  if (response.dropped) {
    req.socket.destroy();
    return 0;
  }
  const out = response.headers.toNodeHeaders();
  // A body the handler never read is discarded; close the connection rather than read megabytes to keep it.
  const unread = streamed && !req.complete;
  if (unread) out.connection = 'close';
  const payload = response.body;
  if (payload !== null && out['content-length'] === undefined) out['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, out);
  res.end(payload ?? undefined);
  if (unread) req.resume();
  return response.status;
}

/**
 * A path that parses to itself (no dot segments, nothing to percent-encode): no URL parse needed per request. `%2e`
 * is out too: the URL parser reads `%2e%2e` as a `..` segment, as MSW's door does, so the two doors agree.
 */
const PLAIN_PATH = /^(?!.*%2[eE])\/(?!\.\.?(?:\/|$))(?:[A-Za-z0-9\-_~!$&'()*+,;=:@%]|\/(?!\.\.?(?:\/|$)))*$/;
const PLAIN_QUERY = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
const HOST = /^(?:[A-Za-z0-9.\-_]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function nodeRequest(method: string, target: string, headers: NodeHeaders, body: string | BodySource | null, fallbackHost: string): EmulatorRequest {
  const rawHost = headers.get('host');
  const host = rawHost && HOST.test(rawHost) ? rawHost.toLowerCase().replace(/:80$/, '') : fallbackHost;
  const origin = `http://${host}`;
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const search = q === -1 ? '' : target.slice(q);
  if (PLAIN_PATH.test(path) && PLAIN_QUERY.test(search.slice(1)) && search !== '?')
    return new EmulatorRequest(method, origin, path, search, headers, body);
  // Anything else (dot segments, absolute-form targets, characters to encode) is what the URL parser makes of it.
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    url = new URL('/', origin);
  }
  return new EmulatorRequest(method, origin, url.pathname, url.search, headers, body, url);
}

/** Request headers read in place from node's `rawHeaders` (no copy into a map; a handler reads only a few). */
class NodeHeaders implements HeaderReader {
  constructor(private readonly raw: string[]) {}

  get(name: string): string | null {
    const raw = this.raw;
    const n = name.toLowerCase();
    let out: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const k = raw[i];
      if (k.length === n.length && (k === n || k.toLowerCase() === n)) out = out === null ? raw[i + 1] : `${out}, ${raw[i + 1]}`;
    }
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (let i = 0; i < this.raw.length; i += 2) fn(this.raw[i + 1], this.raw[i].toLowerCase());
  }
}

/**
 * What the emulator knows of the client: its address, and a signal that fires when it goes away — created only
 * when asked (a held request: latency or `timeout` fault). A class, not an object literal with a getter: V8 gives
 * such a literal its own map per request, allocated where it keeps each request's objects alive past young GCs.
 */
class NodeRequestInfo implements RequestInfo {
  readonly clientIp: string;
  private abort: AbortController | undefined = undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly origin: string,
    private readonly bound: { host: string; port: number },
  ) {
    const ip = req.socket.remoteAddress ?? '127.0.0.1';
    this.clientIp = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  }

  /** Where this server listens, and the local address this connection arrived on (the control plane's guard). */
  get listener(): ListenerAddress {
    return { ...this.bound, localAddress: this.req.socket.localAddress };
  }

  get signal(): AbortSignal {
    if (!this.abort) {
      const controller = (this.abort = new AbortController());
      const res = this.res;
      res.once('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      if (res.destroyed || this.req.socket.destroyed) controller.abort();
    }
    return this.abort.signal;
  }
}

/** The whole body, or undefined when the client went away before it ended. */
function readAll(req: IncomingMessage): Promise<Buffer[] | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (value: Buffer[] | undefined) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(value);
    };
    const onData = (c: Buffer) => chunks.push(c);
    req.on('data', onData);
    req.once('end', () => settle(chunks));
    req.once('error', () => settle(undefined));
    req.once('aborted', () => settle(undefined));
    // A connection that closes before the body ends never emits `end`.
    req.once('close', () => settle(req.complete ? chunks : undefined));
  });
}

/**
 * A body still arriving, read on demand with a limit. Node keeps emitting events after a reader gave up (a body
 * refused as too large keeps arriving, then `end`), so every listener checks whether the read is still open.
 */
class NodeBody implements BodySource {
  constructor(
    private readonly req: IncomingMessage,
    /** Set when the client waits for `100 Continue` before sending the body. */
    private readonly waiting?: ServerResponse,
  ) {
    // Errors after the read is over (a client gone mid-body) are expected; an unheard 'error' would throw.
    req.on('error', () => undefined);
  }

  read(limit: number): Promise<string> {
    const req = this.req;
    if (this.waiting && !this.waiting.headersSent) this.waiting.writeContinue();
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      let open = true;
      const finish = (error?: Error) => {
        if (!open) return;
        open = false;
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
        req.off('close', onClose);
        if (error) reject(error);
        else resolve(Buffer.concat(chunks, total).toString('utf8'));
      };
      const onData = (c: Buffer) => {
        total += c.length;
        if (total > limit) {
          finish(new PayloadTooLarge(`Request body is larger than ${limit} bytes`));
          req.resume(); // the rest is discarded as it arrives
        } else chunks.push(c);
      };
      const onEnd = () => finish();
      const onError = () => finish(new BadRequest('The request body could not be read'));
      const onClose = () => finish(req.complete ? undefined : new BadRequest('The request body could not be read'));
      if (req.complete && req.readableEnded) return finish();
      req.on('data', onData);
      req.once('end', onEnd);
      req.once('error', onError);
      req.once('close', onClose);
    });
  }

  discard(): void {
    this.req.resume();
  }
}
