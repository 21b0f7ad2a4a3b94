#!/usr/bin/env node
// Scale, in-process: two emulators in one process, seeded with a small and a big fixture file (e.g. 100 and
// 100,000 agent tokens in one Rackspace tenant), and the same reads timed on each, alternating per batch so that
// GC and JIT state hit both alike. Each sample is one `await emulator.handle(new Request(…))` plus reading the
// response body (what a front door does), timed with performance.now().
//
//   node bench/scale.mjs '{"small":"/tmp/…/100.json","big":"/tmp/…/100000.json","tenant":"123456","token":"…",
//                          "rounds":5,"batch":400,"limit":20}'
//
// Prints { load: { small, big } (ms to create each emulator), ops: { get|first|last|create: { small, big } } } with
// median/p99 latency in µs per operation.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, percentile } from './lib/common.mjs';

const job = JSON.parse(process.argv[2] ?? '{}');
const { createEmulator } = await import('../dist/index.js');
const tenant = job.tenant ?? '123456';
const limit = job.limit ?? 20;
const rounds = job.rounds ?? 5;
const batch = job.batch ?? 400;
const origin = 'http://127.0.0.1:4020';

const load = {};
const sides = {};
for (const size of ['small', 'big']) {
  const t = performance.now();
  const emulator = createEmulator({ fixtures: job[size] });
  load[size] = performance.now() - t;
  const ids = emulator.model('rackspace').agentTokens.ids(tenant);
  sides[size] = { emulator, ids: [...ids] };
}

const base = `${origin}/v1.0/${tenant}/agent_tokens`;
const opUrl = {
  // A different id each time (spread over the whole tenant), so the big side is not served from one hot entry.
  get: (s, i) => `${base}/${encodeURIComponent(s.ids[(i * 7919) % s.ids.length])}`,
  first: () => `${base}?limit=${limit}`,
  last: (s) => `${base}?limit=${limit}&marker=${encodeURIComponent(s.ids[s.ids.length - limit])}`,
};

async function once(side, url, op) {
  const init =
    op === 'create' || op === 'persist'
      ? { method: 'POST', headers: { 'x-auth-token': job.token, 'content-type': 'application/json' }, body: '{"label":"scale"}' }
      : { headers: { 'x-auth-token': job.token } };
  const res = await side.emulator.handle(new Request(url, init), { origin });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${url}: ${res.status}`);
}
opUrl.create = () => base;

const ops = {};
opUrl.persist = () => base;
// create last: it adds tokens (rounds × batch to each side, a few % of the big one). Then the same create with
// `--persist` (persistTo in a temporary directory): its cost should follow the change, not the state.
for (const op of ['get', 'first', 'last', 'create', 'persist']) {
  if (op === 'persist') {
    const { persistTo } = await import('../dist/index.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tae-scale-persist-'));
    for (const size of ['small', 'big']) sides[size].persisted = await persistTo(sides[size].emulator, path.join(dir, `${size}.json`));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const samples = { small: [], big: [] };
  // Warm both sides (JIT) before recording.
  for (const size of ['small', 'big']) for (let i = 0; i < batch; i++) await once(sides[size], opUrl[op](sides[size], i), op);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? ['big', 'small'] : ['small', 'big'];
    for (const size of order) {
      const s = sides[size];
      for (let i = 0; i < batch; i++) {
        const url = opUrl[op](s, r * batch + i);
        const t = performance.now();
        await once(s, url, op);
        samples[size].push((performance.now() - t) * 1000);
      }
    }
  }
  ops[op] = {};
  for (const size of ['small', 'big']) {
    const sorted = samples[size].sort((a, b) => a - b);
    ops[op][size] = { medianUs: median(sorted), p99Us: percentile(sorted, 99), n: sorted.length };
  }
}

process.stdout.write(
  `${JSON.stringify({ counts: { small: sides.small.ids.length, big: sides.big.ids.length }, loadMs: load, limit, ops })}\n`,
);
