import { createServer, maxHeaderSize, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator, ListenOptions, RunningServer } from './emulator.js';
import { BufferedRequest, HeaderMap, knownText, nodeHeaders } from './http.js';

/**
 * The standalone front door: one `node:http` server, every vendor at its native path. It turns the Node request
 * into a Fetch `Request` (the body streamed, so a handler that answers before reading it — a digest challenge,
 * a 413 — never waits for it), lets the emulator answer, and writes the Fetch `Response` back. It never imports msw.
 */
export async function startServer(emulator: Emulator, opts: ListenOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer({ keepAliveTimeout: 5000, ...SLOW_CLIENT_LIMITS }, (req, res) => {
    const started = performance.now();
    serve(emulator, req, res, fallbackHost, listener).then(
      (status) => opts.onResponse?.({ method: req.method ?? 'GET', path: req.url ?? '/', status, ms: performance.now() - started }),
      (err) => {
        console.error('token-api-emulator: failed to answer', req.method, req.url, err);
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
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
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

/** Bodies up to this size that the client sends without `Expect: 100-continue` are read before dispatch. */
const BUFFERED_BODY_MAX = 64 * 1024;

async function serve(
  emulator: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  fallbackHost: string,
  listener: { host: string; port: number },
): Promise<number> {
  const method = req.method ?? 'GET';
  const origin = `http://${req.headers.host || fallbackHost}`;
  let url: URL;
  try {
    url = new URL(req.url ?? '/', origin);
  } catch {
    url = new URL(`http://${fallbackHost}/`);
  }
  const length = req.headers['content-length'];
  const hasBody =
    method !== 'GET' && method !== 'HEAD' && (length !== undefined ? length !== '0' : req.headers['transfer-encoding'] !== undefined);
  // Small bodies that are already on their way are read first, and the request is handed over as a
  // `BufferedRequest` (no Fetch objects). A client that waits for `100 Continue`, or a large body, gets a genuine
  // `Request` with a streamed body: a handler that answers before reading it — a digest challenge, a 413 — never
  // waits for it.
  const buffered = hasBody && length !== undefined && Number(length) <= BUFFERED_BODY_MAX && !req.headers.expect;
  const raw = req.rawHeaders;
  let request: Request;
  if (!hasBody || buffered) {
    let bodyText: string | null = null;
    if (buffered) {
      const buf = await readAll(req);
      if (buf === undefined) return 0; // the client went away mid-body
      bodyText = buf.toString('utf8');
    }
    const headers = new HeaderMap();
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
    request = new BufferedRequest(method, url.href, headers, bodyText) as unknown as Request;
  } else {
    const headers = new Headers();
    for (let i = 0; i < raw.length; i += 2) {
      try {
        headers.append(raw[i], raw[i + 1]);
      } catch {
        // a header value Fetch refuses is dropped, as a proxy would
      }
    }
    // @ts-expect-error Node's fetch needs `duplex` for a streamed body
    request = new Request(url, { method, headers, body: bodyStream(req), duplex: 'half' });
  }
  const clientIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  let abort: AbortController | undefined;
  const response = await emulator.dispatch(request, {
    origin: url.origin,
    clientIp,
    url,
    listener: { ...listener, localAddress: req.socket.localAddress },
    // Only a delayed or held request (latency or `timeout` fault) asks: aborted when the client goes away.
    get signal() {
      if (!abort) {
        const controller = (abort = new AbortController());
        res.once('close', () => {
          if (!res.writableFinished) controller.abort();
        });
        if (res.destroyed || req.socket.destroyed) controller.abort();
      }
      return abort.signal;
    },
  });

  if (response.type === 'error') {
    // An injected `reset`/`timeout`: the connection goes away with no answer at all.
    req.socket.destroy();
    return 0;
  }
  const out = nodeHeaders(response);
  // A body the handler never read is discarded; close the connection rather than read megabytes to keep it.
  const unread = hasBody && !buffered && !req.complete;
  if (unread) out.connection = 'close';
  let payload: Buffer | string | undefined;
  if (method !== 'HEAD') {
    // The helpers' responses carry their text: no body stream to build or read back.
    const known = knownText(response);
    if (known !== undefined) payload = known ?? undefined;
    else if (response.body !== null) payload = Buffer.from(await response.arrayBuffer());
  }
  if (payload !== undefined && out['content-length'] === undefined) out['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, out);
  res.end(payload);
  if (unread) req.resume();
  return response.status;
}

function readAll(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (value: Buffer | undefined) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      resolve(value);
    };
    const onData = (c: Buffer) => chunks.push(c);
    req.on('data', onData);
    req.once('end', () => settle(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', () => settle(undefined));
    req.once('aborted', () => settle(undefined));
    // A connection that closes before the body ends never emits `end`.
    req.once('close', () => settle(req.complete ? Buffer.concat(chunks) : undefined));
  });
}

/**
 * The request body as a web stream. Node's stream events keep coming after the consumer has cancelled (a handler
 * that refuses a body as too large cancels it, and the rest still arrives, then `end`), and a stream controller
 * throws when used after it closed, errored or was cancelled — an uncaught throw inside an event listener, which
 * ends the process. So the stream has one state, and every event checks it.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  const detach = () => {
    open = false;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
  };
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const onData = (chunk: Buffer) => {
    if (!open) return;
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 1) <= 0) req.pause();
  };
  const onEnd = () => {
    if (!open) return;
    detach();
    controller.close();
  };
  const onError = (e: Error) => {
    if (!open) return;
    detach();
    controller.error(e);
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
      // Errors after the stream is done (a client gone mid-body) are expected; an unheard 'error' would throw.
      req.on('error', () => undefined);
    },
    pull() {
      if (open) req.resume();
    },
    cancel() {
      detach();
      // The rest of the body is read and dropped (the answer says `Connection: close`).
      req.resume();
    },
  });
}
