#!/usr/bin/env node
// Per-request costs of the pieces on the emulator's HTTP path, measured one at a time in-process (no sockets), to
// rank optimisations: the Fetch objects the node:http front door builds (URL, Headers, Request, Response, body
// streams, arrayBuffer), JSON, the router, ids, and `emulator.handle` itself with and without the journal.
//
//   npm run build && node bench/micro.mjs [--batches=30] [--batch=2000]
//
// Each line: median over batches of the mean time per operation (µs). Numbers are per call, on this machine.
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { median } from './lib/common.mjs';
import { ALICE_TOKEN, BOB_TOKEN, CREATE_TENANT, rackspaceFixture, TENANT } from './lib/fixtures.mjs';
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const value = (n, d) => Number(argv.find((a) => a.startsWith(`${n}=`))?.slice(n.length + 1) ?? d);
const BATCHES = value('--batches', 30);
const BATCH = value('--batch', 2000);

const { createEmulator } = await import('../dist/index.js');
const { Router } = await import('../dist/core/router.js');
const { routes } = await import('../dist/vendors/rackspace/routes.js');
const { randomHex } = await import('../dist/core/ids.js');

const defaults = JSON.parse(readFileSync(new URL('../fixtures/default.json', import.meta.url), 'utf8'));
const fixture = rackspaceFixture(defaults, 20);
const ids = fixture.rackspace.agentTokens.filter((t) => t.tenantId === TENANT).map((t) => t.id).sort();
const origin = 'http://127.0.0.1:4020';
const listPath = `/v1.0/${TENANT}/agent_tokens`;
const getPath = `${listPath}/${ids[10]}`;
const createPath = `/v1.0/${CREATE_TENANT}/agent_tokens`;
// What autocannon sends (a real client sends a few more: user-agent, accept, accept-encoding …).
const rawHeaders = ['host', '127.0.0.1:4020', 'connection', 'keep-alive', 'x-auth-token', ALICE_TOKEN];

async function time(label, fn, { batch = BATCH, sync = false } = {}) {
  for (let i = 0; i < Math.min(batch, 500); i++) sync ? fn(i) : await fn(i); // warm-up
  const means = [];
  for (let b = 0; b < BATCHES; b++) {
    const t = performance.now();
    if (sync) for (let i = 0; i < batch; i++) fn(i);
    else for (let i = 0; i < batch; i++) await fn(i);
    means.push(((performance.now() - t) * 1000) / batch);
  }
  const us = median(means);
  results.push([label, us]);
  process.stdout.write(`${us.toFixed(2).padStart(9)} µs  ${label}\n`);
  return us;
}
const results = [];

const headersFromRaw = () => {
  const h = new Headers();
  for (let i = 0; i < rawHeaders.length; i += 2) h.append(rawHeaders[i], rawHeaders[i + 1]);
  return h;
};

process.stdout.write(`## micro costs (median of ${BATCHES} batches × ${BATCH}), Node ${process.version}\n\n### front door pieces (core/server.ts)\n`);
await time('new URL(req.url, origin)', () => new URL(listPath, origin), { sync: true });
await time('new Headers() + 3 × append (rawHeaders copy)', headersFromRaw, { sync: true });
const h3 = headersFromRaw();
const u = new URL(listPath, origin);
await time('new Request(url, { method: GET, headers })', () => new Request(u, { method: 'GET', headers: h3 }), { sync: true });
await time('new Request(url, { method: POST, headers, body: ReadableStream, duplex })', () => {
  const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"label":"bench"}')); c.close(); } });
  return new Request(u, { method: 'POST', headers: h3, body, duplex: 'half' });
}, { sync: true });
await time('  of which: new ReadableStream (the body wrapper alone)', () => new ReadableStream({ start() {} }), { sync: true });
await time('Readable.toWeb(IncomingMessage-like stream) (alternative body wrapper)', () => Readable.toWeb(Readable.from([Buffer.from('x')])), { sync: true });

const emuForBodies = createEmulator({ fixtures: fixture, journalLimit: 0 });
const listRes = await emuForBodies.handle(new Request(origin + listPath, { headers: { 'x-auth-token': ALICE_TOKEN } }), { origin });
const listText = await listRes.text();
const listObj = JSON.parse(listText);
const resHeaders = Object.fromEntries(listRes.headers);
process.stdout.write(`\n### response side (list body: ${listText.length} bytes, ${Object.keys(resHeaders).length} headers)\n`);
await time('JSON.stringify(list body)', () => JSON.stringify(listObj), { sync: true });
await time('new Response(text, { status, headers: { content-type } })', () => new Response(listText, { status: 200, headers: { 'content-type': 'application/json' } }), { sync: true });
await time('7 × response.headers.set (decorate)', () => {
  const r = new Response(null, { status: 204 });
  const h = r.headers;
  h.set('x-response-id', 'x'); h.set('x-lb', 'y'); h.set('vary', 'Accept-Encoding'); h.set('x-ratelimit-limit', '50000');
  h.set('x-ratelimit-remaining', '49999'); h.set('x-ratelimit-window', '24 hours'); h.set('x-ratelimit-type', 'global');
  return r;
}, { sync: true });
await time('  of which: new Response(null) alone', () => new Response(null, { status: 204 }), { sync: true });
await time('Buffer.from(await response.arrayBuffer()) (incl. new Response)', async () => Buffer.from(await new Response(listText, { status: 200 }).arrayBuffer()));
await time('Buffer.from(text) (what a plain handler pays instead)', () => Buffer.from(listText), { sync: true });
const full = new Response(listText, { status: 200, headers: resHeaders });
await time('response.headers.forEach → plain object', () => {
  const o = {};
  full.headers.forEach((v, k) => { o[k] = v; });
  return o;
}, { sync: true });
await time('response.clone().text() (journal copy of the body)', async () => new Response(listText, { status: 200 }).clone().text());

process.stdout.write('\n### emulator core\n');
const router = new Router(routes);
await time('Router.lookup(GET, get path)', () => router.lookup('GET', getPath), { sync: true });
await time('randomHex(16) (request id)', () => randomHex(16), { sync: true });
await time('randomHex(64) (agent token id)', () => randomHex(64), { sync: true });

const withJournal = createEmulator({ fixtures: fixture });
const noJournal = createEmulator({ fixtures: fixture, journalLimit: 0 });
const ctor = (path, init) => () => new Request(origin + path, init);
const cases = {
  list: ctor(listPath, { headers: { 'x-auth-token': ALICE_TOKEN } }),
  get: ctor(getPath, { headers: { 'x-auth-token': ALICE_TOKEN } }),
  create: ctor(createPath, { method: 'POST', headers: { 'x-auth-token': BOB_TOKEN, 'content-type': 'application/json' }, body: '{"label":"bench"}' }),
};
process.stdout.write('\n### emulator.handle(new Request(…)) + reading the body (in-process, no HTTP)\n');
for (const [op, mk] of Object.entries(cases)) {
  const base = await time(`${op}: new Request(…) alone`, mk, { sync: true, batch: 1000 });
  const j = await time(`${op}: handle, journal on (default, limit 1000)`, async () => (await withJournal.handle(mk(), { origin })).arrayBuffer(), { batch: 1000 });
  const n = await time(`${op}: handle, journalLimit 0`, async () => (await noJournal.handle(mk(), { origin })).arrayBuffer(), { batch: 1000 });
  process.stdout.write(`          → journal costs ${(j - n).toFixed(1)} µs per ${op}; handle without journal ${(n - base).toFixed(1)} µs\n`);
}
