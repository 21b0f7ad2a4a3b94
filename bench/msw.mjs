#!/usr/bin/env node
// The MSW front door, in-process: `concurrency` loops of global fetch → msw's interceptor → handler, for `duration` s.
//
//   node bench/msw.mjs '{"mode":"emulator","fixtures":"/tmp/…/bench.json","token":"…","url":"https://…","duration":2}'
//   node bench/msw.mjs '{"mode":"baseline","bodyFile":"/tmp/…/list.json","contentType":"…","url":"https://…"}'
//
// `emulator`: setupServer(...toMswHandlers(createEmulator({ fixtures }))) and GET `url` with X-Auth-Token.
// `baseline`: setupServer(http.get(url, () => new HttpResponse(sameBytes))), one handler answering the same JSON.
// Prints { rps, total, duration, p50, p99 (ms), non200 }.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { percentile } from './lib/common.mjs';

const job = JSON.parse(process.argv[2] ?? '{}');
const { setupServer } = await import('msw/node');
const { http, HttpResponse } = await import('msw');

let server;
const headers = {};
if (job.mode === 'emulator') {
  const { createEmulator } = await import('../dist/index.js');
  const { toMswHandlers } = await import('../dist/msw.js');
  const emulator = createEmulator({ fixtures: job.fixtures });
  server = setupServer(...toMswHandlers(emulator));
  headers['x-auth-token'] = job.token;
} else if (job.mode === 'baseline') {
  const body = readFileSync(job.bodyFile);
  server = setupServer(
    http.get(job.url, () => new HttpResponse(body, { status: 200, headers: { 'content-type': job.contentType ?? 'application/json' } })),
  );
  headers['x-auth-token'] = job.token;
} else {
  process.stderr.write('usage: node bench/msw.mjs \'{"mode":"emulator"|"baseline", …}\'\n');
  process.exit(2);
}
server.listen({ onUnhandledRequest: 'error' });

async function drive(seconds, record) {
  const concurrency = job.concurrency ?? 10;
  const end = performance.now() + seconds * 1000;
  const lat = [];
  let total = 0;
  let non200 = 0;
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const res = await fetch(job.url, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) non200++;
      total++;
      if (record) lat.push(performance.now() - t);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { total, non200, lat, duration: (performance.now() - started) / 1000 };
}

if (job.warmup) await drive(job.warmup, false);
const r = await drive(job.duration ?? 2, true);
r.lat.sort((a, b) => a - b);
server.close();
process.stdout.write(
  `${JSON.stringify({ rps: r.total / r.duration, total: r.total, duration: r.duration, p50: percentile(r.lat, 50), p99: percentile(r.lat, 99), non200: r.non200 })}\n`,
);
