/** Raw HTTP over loopback for what fetch cannot send: chunked bodies of a chosen size, any Host, huge headers. */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request with node:http; `chunks` are written one by one (chunked unless a content-length header is given). */
export function send(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; chunks?: (string | Buffer)[] } = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  // The path goes out as written (`/..`, `%ZZ`, `//` stay); only what node:http refuses to send is escaped.
  const rawPath = path.replace(/[^\x21-\x7e]/gu, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate
    }
  });
  const headers = { ...opts.headers };
  // node:http sends a DELETE or OPTIONS body unframed unless told to chunk it.
  if (opts.chunks?.length && !Object.keys(headers).some((k) => /^(content-length|transfer-encoding)$/i.test(k))) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: rawPath, method: opts.method ?? 'GET', headers, setHost: !opts.headers?.host },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close before the whole body is written.
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    for (const c of opts.chunks ?? []) req.write(c);
    req.end();
  });
}

/** Writes raw bytes on a socket and returns the first answer's status line and the rest of what came back. */
export function sendRaw(base: string, bytes: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(bytes));
    const parts: Buffer[] = [];
    socket.on('data', (c: Buffer) => parts.push(c));
    socket.on('close', () => resolve(Buffer.concat(parts).toString('utf8')));
    socket.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(Buffer.concat(parts).toString('utf8')) : reject(e)));
  });
}
