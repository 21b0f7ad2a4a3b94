#!/usr/bin/env node
// The reference every ratio is taken against: a bare node:http server that answers canned bytes.
//
//   node bench/references/bare-server.mjs --port 0 --quiet [--responses FILE]
//
// It is started exactly like the emulator's CLI and prints its listening line the same way
// (`bare-server listening on http://HOST:PORT`). FILE (written by bench/run.mjs from the emulator's own answers) is
//   { "responses": [ { "method", "url", "status", "headers": [[name, value], …], "body": "<base64>" } ] }
// A request is answered by the entry whose method and url (path + query) match exactly, else by method and path,
// else 404. An entry with `"unauthenticated": true` answers instead when the request has no Authorization header
// (the emulator's digest challenge, so a digest client gets its nonce from the reference too; the reference never
// checks the digest). Request bodies are read to the end before answering (as any real server must). Without FILE it answers
// only GET /__emulator/health. No routing library, no Fetch objects, no per-request allocation beyond Node's own.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(opt('--port', '4020'));
const host = opt('--host', '127.0.0.1');
const file = opt('--responses');

const exact = new Map();
const byPath = new Map();
const challenges = new Map();
const add = (method, url, status, headers, body, unauthenticated) => {
  const entry = { status, headers, body };
  if (unauthenticated) return void challenges.set(`${method} ${url.split('?', 1)[0]}`, entry);
  exact.set(`${method} ${url}`, entry);
  const path = url.split('?', 1)[0];
  if (!byPath.has(`${method} ${path}`)) byPath.set(`${method} ${path}`, entry);
};

if (file) {
  for (const r of JSON.parse(readFileSync(file, 'utf8')).responses) {
    const headers = {};
    for (const [k, v] of r.headers) {
      const key = k.toLowerCase();
      if (key === 'set-cookie') (headers[key] ??= []).push(v);
      else headers[key] = v;
    }
    add(r.method, r.url, r.status, headers, Buffer.from(r.body, 'base64'), r.unauthenticated);
  }
} else {
  const body = Buffer.from('{"status":"ok","vendors":["rackspace"]}');
  add('GET', '/__emulator/health', 200, { 'content-type': 'application/json', 'content-length': String(body.length) }, body);
}
const notFoundBody = Buffer.from('{"error":"not_found"}');
const NOT_FOUND = { status: 404, headers: { 'content-type': 'application/json', 'content-length': String(notFoundBody.length) }, body: notFoundBody };

function send(res, r) {
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}

const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const r =
    (challenges.size > 0 && req.headers.authorization === undefined ? challenges.get(`${req.method} ${path}`) : undefined) ??
    exact.get(`${req.method} ${url}`) ??
    byPath.get(`${req.method} ${path}`) ??
    NOT_FOUND;
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    send(res, r);
  } else {
    req.on('data', () => undefined);
    req.on('end', () => send(res, r));
  }
});

server.listen(port, host, () => {
  const shown = host.includes(':') ? `[${host}]` : host;
  process.stdout.write(`bare-server listening on http://${shown}:${server.address().port}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
