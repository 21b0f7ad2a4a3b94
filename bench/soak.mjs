#!/usr/bin/env node
// Abuse and soak run: `npm run bench -- soak` or `node bench/run.mjs soak [--smoke] [--duration=S] [--attack=S]`.
//
// Against the real CLI (`bin/token-api-emulator.js --port 0 --quiet`, default fixtures), in a separate process:
//
// 1. The health probe alone for half the attack's time (the reference), then slow clients, for --attack seconds
//    (default 20; smoke 3): 1,000 idle sockets that never send a byte, 200
//    slowloris sockets that send a header line every second and never finish, and 200 POSTs that announce a body
//    and never finish it (a byte per second; each attacker on its own phase of the second). Once they are all
//    connected (one probe then measures the ramp's backlog; +1 s), a health probe (`GET /__emulator/health`, a new
//    connection each time, every 20 ms) measures its latency: p50/p99/max, and failures. Goal: p99 < 50 ms.
// 2. Mixed load, measured for --duration seconds (default 60; smoke 4): 8 keep-alive clients in a loop over a realistic mix
//    — Rackspace list and get, create+delete of agent tokens, a login now and then (1 %), Prefactor ping and list,
//    Ops Manager list (HTTP Digest, one nonce per client), unauthenticated requests naming new tenants, 404s,
//    malformed JSON, the journal read — after --warmup seconds (default 30) of the same load, while RSS (VmRSS from
//    /proc) is read every 250 ms and reported every 5 s: the reading, and the lowest since the previous row (the
//    floor after the garbage collections in between). Judged on the floors (the instant readings ride the GC
//    sawtooth): the end against warm-up, and a least-squares trend per 100k requests and as a percentage over
//    the run. Goal: flat within 10 %.
//
// Bounded: every socket is closed and the server stopped at the end (and on Ctrl-C). Prints a markdown summary on
// stdout (progress on stderr); `--json` prints the numbers as JSON instead. Exit code 1 if a goal is missed
// (not in --smoke, where the durations are too short to mean anything).
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { installExitHooks, MB, percentile, procMemory, request, sleep, spawnListening, stop } from './lib/common.mjs';
import { digestSession, parseChallenge } from './lib/digest.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin', 'token-api-emulator.js');

const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' };
const OWNER = { username: 'ownerkey', password: '7c6c2f1e-3b4a-4d5e-8f90-1a2b3c4d5e6f' };
const PREFACTOR = 'Bearer pf_test_acme_account_active';
const GROUP = '5e2211c17a3e5a48f5497df1';
const IDLE = 1000;
const SLOWLORIS = 200;
const SLOW_BODIES = 200;
const CLIENTS = 8;

const log = (msg) => process.stderr.write(`soak: ${msg}\n`);

export async function main(argv) {
  const flag = (n) => argv.includes(n);
  const value = (n) => argv.find((a) => a.startsWith(`${n}=`))?.slice(n.length + 1);
  if (flag('--help') || flag('-h')) {
    process.stdout.write(`usage: node bench/run.mjs soak [--smoke] [--attack=S] [--warmup=S] [--duration=S] [--json]

  --smoke        a few seconds of each phase (CI: does the run work? not: the numbers)
  --attack=S     seconds of the slow-client attack (default 20)
  --warmup=S     seconds of mixed load before the measured part (default 30)
  --duration=S   seconds of mixed load measured (default 60)
  --json         print the numbers as JSON
`);
    return 0;
  }
  const smoke = flag('--smoke');
  const attackS = Number(value('--attack') ?? (smoke ? 3 : 20));
  const durationS = Number(value('--duration') ?? (smoke ? 4 : 60));
  const warmupS = Number(value('--warmup') ?? (smoke ? 1 : 30));
  const sampleMs = smoke ? 1000 : 5000;
  installExitHooks();

  const { child, url } = await spawnListening([CLI, '--port', '0', '--quiet']);
  const base = new URL(url);
  log(`emulator pid ${child.pid} at ${url}`);
  try {
    // The reference, in the same run: the same probe with no attacker (a busy machine shows in both).
    const baseline = await probeHealth(base, Math.max(2, attackS / 2));
    log(`baseline: probe p99 ${baseline.p99?.toFixed(1)} ms over ${baseline.count} probes`);
    const attack = await slowClients(base, attackS);
    attack.baseline = baseline;
    log(`attack: probe p99 ${attack.probe.p99?.toFixed(1)} ms over ${attack.probe.count} probes`);
    const soak = await mixedLoad(base, child.pid, warmupS, durationS, sampleMs);
    const result = { attack, soak, smoke };
    if (flag('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(report(result));
    const missed = !smoke && (!(attack.probe.p99 < 50) || attack.probe.failures > 0 || !flat(soak) || soak.errors > 0);
    return missed ? 1 : 0;
  } finally {
    await stop(child);
  }
}

// ------------------------------------------------------------------ phase 1: slow clients

async function slowClients(base, seconds) {
  const port = Number(base.port);
  const host = base.hostname;
  const sockets = [];
  const closedByServer = { idle: 0, slowloris: 0, slowBody: 0 };
  let refused = 0; // sockets that could not be opened (a low `ulimit -n`)
  const open = (kind) =>
    new Promise((resolve) => {
      let connected = false;
      const s = net.connect(port, host, () => {
        connected = true;
        resolve(s);
      });
      s.on('error', () => {
        if (connected) return;
        refused++;
        resolve(s);
      });
      s.on('close', () => closedByServer[kind]++);
      s.on('data', () => undefined);
      sockets.push(s);
    });
  log(`opening ${IDLE} idle sockets, ${SLOWLORIS} slowloris, ${SLOW_BODIES} unfinished bodies`);
  const rampStart = performance.now();
  for (let i = 0; i < IDLE; i += 100) await Promise.all(Array.from({ length: 100 }, () => open('idle')));
  const loris = await Promise.all(Array.from({ length: SLOWLORIS }, () => open('slowloris')));
  for (const s of loris) s.write(`GET /__emulator/health HTTP/1.1\r\nHost: ${host}:${port}\r\n`);
  const bodies = await Promise.all(Array.from({ length: SLOW_BODIES }, () => open('slowBody')));
  for (const s of bodies)
    s.write(`POST /v2.0/tokens HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"auth":`);
  // Each attacker drips on its own second (spread over the second, as independent clients would).
  const drips = [...loris.map((s) => [s, () => `X-Drip-${Math.random().toString(36).slice(2, 8)}: 1\r\n`]), ...bodies.map((s) => [s, () => ' '])];
  let tick = 0;
  const slots = 20;
  const drip = setInterval(() => {
    const slot = tick++ % slots;
    for (let i = slot; i < drips.length; i += slots) {
      const [s, next] = drips[i];
      if (!s.destroyed) s.write(next());
    }
  }, 1000 / slots);
  const rampMs = performance.now() - rampStart;
  // The server's backlog from the ramp (1,400 connections, 200 requests arriving at once) shows in the first probe:
  // reported on its own; the steady attack is measured from a second later.
  const t = performance.now();
  await request(`${base.origin}/__emulator/health`, { timeoutMs: 10_000 }).catch(() => undefined);
  const rampProbeMs = performance.now() - t;
  await sleep(1000);

  const probe = await probeHealth(base, seconds);
  clearInterval(drip);
  const stillOpen = sockets.filter((s) => !s.destroyed).length;
  for (const s of sockets) s.destroy();
  return {
    seconds,
    attackers: { idle: IDLE, slowloris: SLOWLORIS, slowBodies: SLOW_BODIES, rampMs, rampProbeMs, refused, stillOpenAtEnd: stillOpen, closedByServer },
    probe,
  };
}

/** `GET /__emulator/health` on a new connection every 20 ms for `seconds`: latency percentiles and failures. */
async function probeHealth(base, seconds) {
  // How late this process's own event loop runs (a probe delayed here is not the server's fault).
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const latencies = [];
  const slow = [];
  let failures = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    try {
      const r = await request(`${base.origin}/__emulator/health`, { timeoutMs: 5000 });
      const took = performance.now() - t;
      if (r.status !== 200) failures++;
      else {
        latencies.push(took);
        if (took > 50) slow.push([Math.round(t - start), Math.round(took)]);
      }
    } catch {
      failures++;
    }
    await sleep(20);
  }
  loop.disable();
  latencies.sort((a, b) => a - b);
  if (process.env.SOAK_DEBUG) log(`bench loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`);
  if (process.env.SOAK_DEBUG) log(`slow probes [at ms, took ms]: ${JSON.stringify(slow)}`);
  return { count: latencies.length, failures, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) };
}

// ------------------------------------------------------------------ phase 2: mixed load

function call(agent, base, method, p, headers = {}, body) {
  return new Promise((resolve) => {
    const req = http.request({ host: base.hostname, port: base.port, method, path: p, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: 0 }));
    });
    req.on('error', () => resolve({ status: 0 }));
    req.end(body);
  });
}

async function mixedLoad(base, pid, warmupS, seconds, sampleMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const json = { 'content-type': 'application/json' };
  const login = async () => {
    const r = await call(agent, base, 'POST', '/v2.0/tokens', json, JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE } }));
    return JSON.parse(r.body).access.token.id;
  };
  let token = await login();
  let total = 0;
  let errors = 0; // 5xx or connection failures
  let unexpected = 0; // an answer other than the one the step expects
  let stopAt = 0;
  let stranger = 0;

  const steps = [
    // [weight, step]
    [20, async () => call(agent, base, 'GET', '/v1.0/123456/agent_tokens', { 'x-auth-token': token })],
    [10, async () => call(agent, base, 'GET', '/v1.0/123456/agent_tokens/5e089022904b74bce78c27e83da00b0ff96d516dbc5790c5ad486455005c82ae.123456', { 'x-auth-token': token })],
    [
      8,
      async () => {
        const c = await call(agent, base, 'POST', '/v1.0/123456/agent_tokens', { ...json, 'x-auth-token': token }, '{"label":"soak"}');
        const id = c.headers?.['x-object-id'];
        if (id) await call(agent, base, 'DELETE', `/v1.0/123456/agent_tokens/${id}`, { 'x-auth-token': token });
        total++;
        return c;
      },
    ],
    [1, async () => ((token = await login()), { status: 200 })],
    [12, async () => call(agent, base, 'GET', '/api/v1/ping', { authorization: PREFACTOR })],
    [8, async () => call(agent, base, 'GET', '/api/v1/api_token?pagination[page_size]=5', { authorization: PREFACTOR })],
    [10, async () => call(agent, base, 'GET', `/v1.0/stranger-${++stranger}-${'x'.repeat(100)}/agent_tokens`), 401],
    [5, async () => call(agent, base, 'GET', '/v1.0/123456/nothing-here', { 'x-auth-token': token }), 404],
    [5, async () => call(agent, base, 'POST', '/v2.0/tokens', json, '{"auth":'), 400],
    [1, async () => call(agent, base, 'GET', '/__emulator/requests?since=0')],
  ];
  const digestSteps = [];
  // Ops Manager: one digest session per client (a new challenge when the nonce goes stale).
  const opsList = async (session) => {
    const p = `/api/public/v1.0/groups/${GROUP}/agentapikeys`;
    if (!session.digest) {
      const ch = await call(agent, base, 'GET', p);
      session.digest = digestSession(OWNER.username, OWNER.password, parseChallenge(ch.headers['www-authenticate']));
    }
    const r = await call(agent, base, 'GET', p, { authorization: session.digest.next('GET', p) });
    if (r.status === 401) session.digest = undefined;
    return r;
  };
  digestSteps.push([10, opsList]);
  const table = [...steps.map(([w, f, expect]) => ({ w, f, expect })), ...digestSteps.map(([w, f]) => ({ w, f, session: true }))];
  const weights = table.reduce((n, s) => n + s.w, 0);
  const pick = (r) => {
    let x = r * weights;
    for (const s of table) if ((x -= s.w) < 0) return s;
    return table[0];
  };

  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const client = async () => {
    const session = {};
    while (performance.now() < stopAt) {
      const s = pick(random());
      const r = await s.f(session);
      total++;
      if (r.status === 0 || r.status >= 500) errors++;
      else if (s.expect ? r.status !== s.expect : r.status >= 400 && !(s.session && r.status === 401)) unexpected++;
    }
  };

  const samples = [];
  const t0 = performance.now();
  stopAt = t0 + (warmupS + seconds) * 1000;
  // RSS is read every 250 ms; each row keeps the reading at its time and the lowest since the previous row (the
  // floor after the collections in between: what stays live, without the garbage waiting to be collected).
  let floor = Infinity;
  const read = () => {
    const rss = MB(procMemory(pid).rss);
    if (rss < floor) floor = rss;
    return rss;
  };
  const sample = () => {
    const rssMB = read();
    samples.push({ t: Math.round((performance.now() - t0) / 1000), requests: total, rssMB, floorMB: floor });
    floor = rssMB;
  };
  sample();
  const reader = setInterval(read, 250);
  const sampler = setInterval(sample, sampleMs);
  log(`mixed load: ${CLIENTS} clients, ${warmupS} s of warm-up then ${seconds} s measured, RSS every ${sampleMs / 1000} s`);
  await Promise.all(Array.from({ length: CLIENTS }, client));
  clearInterval(sampler);
  clearInterval(reader);
  sample();
  agent.destroy();

  // After warm-up (JIT, V8's heap sizing, the journal ring and the digest nonce table filling up).
  const warm = samples.find((s) => s.t >= warmupS) ?? samples[0];
  const after = samples.filter((s) => s.t >= warm.t);
  const last = samples.at(-1);
  const maxAfter = Math.max(...after.map((s) => s.rssMB));
  const growthPct = ((maxAfter - warm.rssMB) / warm.rssMB) * 100;
  // Judged on the floors: the end floor against the warm-up floor, and a least-squares line of floors against
  // requests served (per 100k requests, and over the measured run as a percentage).
  const endGrowthPct = ((last.floorMB - warm.floorMB) / warm.floorMB) * 100;
  const n = after.length;
  const mx = after.reduce((a, s) => a + s.requests, 0) / n;
  const my = after.reduce((a, s) => a + s.floorMB, 0) / n;
  const sxx = after.reduce((a, s) => a + (s.requests - mx) ** 2, 0);
  const slope = sxx > 0 ? after.reduce((a, s) => a + (s.requests - mx) * (s.floorMB - my), 0) / sxx : 0;
  const per100k = slope * 100_000;
  const trendPct = ((slope * (last.requests - warm.requests)) / my) * 100;
  const band = { minMB: Math.min(...after.map((s) => s.rssMB)), maxMB: maxAfter, meanFloorMB: my };
  return { trendPct, band, warmupS, seconds, clients: CLIENTS, requests: total, rps: total / (warmupS + seconds), errors, unexpected, samples, warm, growthPct, endGrowthPct, per100kMB: per100k };
}

// ------------------------------------------------------------------ report

const flat = (soak) => Math.abs(soak.trendPct) <= 10 && Math.abs(soak.endGrowthPct) <= 10;
const f = (x, d = 1) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));

function report({ attack, soak, smoke }) {
  const a = attack;
  const lines = [
    `## Abuse and soak${smoke ? ' (smoke: durations too short to mean anything)' : ''}`,
    '',
    `### Slow clients (${a.seconds} s): ${a.attackers.idle} idle sockets, ${a.attackers.slowloris} slowloris, ${a.attackers.slowBodies} unfinished bodies`,
    '',
    '| health probe | p50 ms | p99 ms | max ms | probes | failures | goal |',
    '|---|---|---|---|---|---|---|',
    `| no attack (reference, same run) | ${f(a.baseline.p50)} | ${f(a.baseline.p99)} | ${f(a.baseline.max)} | ${a.baseline.count} | ${a.baseline.failures} | |`,
    `| during the attack | ${f(a.probe.p50)} | ${f(a.probe.p99)} | ${f(a.probe.max)} | ${a.probe.count} | ${a.probe.failures} | p99 < 50 ms: ${a.probe.p99 < 50 && a.probe.failures === 0 ? 'met' : 'missed'} |`,
    `| ratio attack / reference | ${f(a.probe.p50 / a.baseline.p50, 2)}× | ${f(a.probe.p99 / a.baseline.p99, 2)}× | | | | |`,
    '',
    `Opening the attackers took ${f(a.attackers.rampMs, 0)} ms; the first probe after that (the server's backlog) took ${f(a.attackers.rampProbeMs, 0)} ms; the measured probes start 1 s later. ${a.attackers.refused ? `${a.attackers.refused} attacker sockets could not be opened (ulimit -n). ` : ''}Attacker sockets still open at the end: ${a.attackers.stillOpenAtEnd} of ${a.attackers.idle + a.attackers.slowloris + a.attackers.slowBodies} (the server closes them after 10 s without complete headers, 60 s without a complete request).`,
    '',
    `### Mixed load (${soak.warmupS} s warm-up + ${soak.seconds} s, ${soak.clients} keep-alive clients): ${soak.requests.toLocaleString('en-US')} requests, ${f(soak.rps, 0)} req/s, ${soak.errors} 5xx/failed, ${soak.unexpected} unexpected statuses`,
    '',
    '| t (s) | requests | RSS (MB) | lowest RSS since the previous row (MB) |',
    '|---|---|---|---|',
    ...soak.samples.map((s) => `| ${s.t}${s.t === soak.warm.t ? ' (warm)' : ''} | ${s.requests.toLocaleString('en-US')} | ${f(s.rssMB)} | ${f(s.floorMB)} |`),
    '',
    `After warm-up (t = ${soak.warm.t} s): RSS between ${f(soak.band.minMB)} and ${f(soak.band.maxMB)} MB (the sawtooth of garbage ` +
      `collections; peak ${f(soak.growthPct)} % above the warm-up reading). Floors: end ${f(soak.endGrowthPct)} % against warm-up; ` +
      `trend (least squares) ${f(soak.per100kMB, 2)} MB per 100k requests, ${f(soak.trendPct)} % over the ${soak.seconds} s. ` +
      `Goal, flat within 10 % (floor trend and end floor): ${flat(soak) ? 'met' : 'missed'}.`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
