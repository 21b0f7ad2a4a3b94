#!/usr/bin/env node
// The load generator: autocannon, run programmatically in its own process so that it never shares an event loop
// with the server it measures.
//
//   node bench/load.mjs '{"url":"http://127.0.0.1:4020","path":"/__emulator/health","duration":2}'   → prints JSON
//
// or, started by bench/run.mjs with an IPC channel, it takes one job per message ({ id, job }) and answers
// ({ id, result } or { id, error }), so the bench pays for one process start instead of one per case.
//
// A job: { url (origin), method = 'GET', path, headers = {}, body (string), connections = 10, duration (s),
//          digest: { username, password } }.
// With `digest`, every connection first gets its own 401 challenge, then sends the Authorization of that nonce with
// a rising nc (00000001, 00000002, …), computed per request, as digest-fetch and curl do for one client session.
// The result: { rps, total, duration, p50, p90, p99, max (ms, from every response's own timing), non2xx, errors,
//               timeouts, statusCodes }.
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { digestSession, parseChallenge } from './lib/digest.mjs';
import { percentile, request } from './lib/common.mjs';

export async function runJob(job) {
  const method = job.method ?? 'GET';
  // autocannon adds Content-Length for a body itself.
  const headers = { ...(job.headers ?? {}) };
  const body = job.body;
  const connections = job.connections ?? 10;

  let sessions;
  if (job.digest) {
    sessions = [];
    for (let i = 0; i < connections; i++) {
      const r = await request(job.url + job.path, { method, headers: withoutAuth(headers) });
      const challenge = parseChallenge(r.headers['www-authenticate']);
      if (r.status !== 401 || !challenge?.nonce)
        throw new Error(`digest: expected a 401 challenge from ${method} ${job.path}, got ${r.status} ${r.headers['www-authenticate'] ?? ''}`);
      sessions.push(digestSession(job.digest.username, job.digest.password, challenge));
    }
  }

  const latencies = [];
  const maxSamples = 2_000_000;
  let clientIndex = 0;
  const setupClient = (client) => {
    client.on('response', (_status, _bytes, responseTime) => {
      if (latencies.length < maxSamples) latencies.push(responseTime);
    });
    if (sessions) {
      const session = sessions[clientIndex++ % sessions.length];
      client.setRequests([
        {
          method,
          path: job.path,
          headers,
          body,
          setupRequest(req) {
            req.headers = { ...req.headers, authorization: session.next(method, job.path) };
            return req;
          },
        },
      ]);
    }
  };

  const result = await autocannon({
    url: job.url,
    connections,
    pipelining: 1,
    duration: job.duration ?? 2,
    // autocannon checks for the end of the run once per sample interval (1 s by default): 100 ms lets runs be short.
    sampleInt: 100,
    timeout: 10,
    method,
    headers,
    body,
    path: job.path,
    requests: [{ method, path: job.path, headers, body }],
    setupClient,
    excludeErrorStats: false,
  });

  latencies.sort((a, b) => a - b);
  const total = result.requests.total;
  const statusCodes = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = s.count;
  return {
    rps: result.duration > 0 ? total / result.duration : 0,
    total,
    duration: result.duration,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    digestNcPerConnection: sessions ? sessions.map((s) => s.nc) : undefined,
  };
}

function withoutAuth(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== 'authorization') out[k] = v;
  return out;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  if (process.send && process.argv.includes('--ipc')) {
    process.on('message', async ({ id, job }) => {
      try {
        process.send({ id, result: await runJob(job) });
      } catch (e) {
        process.send({ id, error: String(e?.stack ?? e) });
      }
    });
    process.on('disconnect', () => process.exit(0));
  } else {
    const arg = process.argv[2];
    if (!arg) {
      process.stderr.write('usage: node bench/load.mjs \'{"url":"http://127.0.0.1:4020","path":"/__emulator/health"}\'\n');
      process.exit(2);
    }
    const result = await runJob(JSON.parse(arg));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
