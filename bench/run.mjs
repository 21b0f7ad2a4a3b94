#!/usr/bin/env node
// token-api-emulator benchmark: `npm run bench` (builds first), or `node bench/run.mjs [--quick|--smoke]`.
// What each row measures and how to read the ratios: bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  fmt,
  fmtRatio,
  freePort,
  installExitHooks,
  MB,
  median,
  procCpuNs,
  mainThreadCpuNs,
  gcTotals,
  procMemory,
  ratio,
  request,
  spawnListening,
  spawnPolling,
  stop,
  track,
} from './lib/common.mjs';
import { digestSession, parseChallenge } from './lib/digest.mjs';
import {
  ALICE_TOKEN,
  BOB_TOKEN,
  CREATE_TENANT,
  opsManagerCandidates,
  padAgentKeys,
  prefactorCandidates,
  rackspaceFixture,
  TENANT,
} from './lib/fixtures.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const CLI = path.join(ROOT, 'bin', 'token-api-emulator.js');
const BARE = path.join(BENCH, 'references', 'bare-server.mjs');
const GC_PROBE = path.join(BENCH, 'lib', 'gc-probe.mjs');
const rel = (p) => path.relative(ROOT, p) || '.';

// ------------------------------------------------------------------ options

const MODES = {
  // ~3–4 minutes on 2 cores.
  full: { starts: 7, scaleStarts: 5, warmup: 1, duration: 2, rounds: 3, mswWarmup: 1, mswDuration: 2, mswRounds: 3, scaleRounds: 6, scaleBatch: 500 },
  // ~1.5 minutes.
  quick: { starts: 5, scaleStarts: 3, warmup: 0.5, duration: 1, rounds: 2, mswWarmup: 0.5, mswDuration: 1, mswRounds: 2, scaleRounds: 4, scaleBatch: 300 },
  // ~10–20 seconds: every row runs once with tiny durations; numbers are not meaningful, only that each row works.
  smoke: { starts: 1, scaleStarts: 1, warmup: 0, duration: 0.2, rounds: 1, mswWarmup: 0.1, mswDuration: 0.2, mswRounds: 1, scaleRounds: 1, scaleBatch: 50 },
};
const SECTIONS = ['startup', 'http', 'msw', 'scale'];

const argv = process.argv.slice(2);
// `soak`: the abuse and soak run (bench/soak.mjs), a run of its own.
if (argv[0] === 'soak') {
  const { main } = await import('./soak.mjs');
  process.exit(await main(argv.slice(1)));
}
const flag = (n) => argv.includes(n);
const value = (n) => argv.find((a) => a.startsWith(`${n}=`))?.slice(n.length + 1);
if (flag('--help') || flag('-h')) {
  process.stdout.write(`usage: node bench/run.mjs [--quick | --smoke] [options]   (npm run bench [-- options] builds first)
       node bench/run.mjs soak [--smoke] [--attack=S] [--warmup=S] [--duration=S]   the abuse and soak run (bench/soak.mjs)

  --quick            shorter run (~1.5 min): 5 cold starts, 2 rounds of 1 s per case
  --smoke            ~10-20 s run of every row with tiny durations (checks that the bench works, not the numbers)
  --only=a,b         sections to run: ${SECTIONS.join(', ')} (default: all)
  --no-peers         do not install or run the json-server peers
  --duration=S       seconds per autocannon round     --rounds=N   rounds per case
  --starts=N         cold starts per start-up row     --connections=N (default 10)
  --big=N            agent tokens of the scale run (default 100000)
  --no-write         do not write bench/results/<timestamp>.json
`);
  process.exit(0);
}
const mode = flag('--smoke') ? 'smoke' : flag('--quick') ? 'quick' : 'full';
const S = { ...MODES[mode], connections: 10, big: 100_000, small: 100, listSize: 20 };
for (const k of ['duration', 'rounds', 'starts', 'connections', 'big']) if (value(`--${k}`) !== undefined) S[k] = Number(value(`--${k}`));
const only = value('--only')?.split(',').map((s) => s.trim()) ?? SECTIONS;
for (const s of only) if (!SECTIONS.includes(s)) fail(`unknown section ${s} (known: ${SECTIONS.join(', ')})`);
const usePeers = !flag('--no-peers');

function log(msg) {
  process.stderr.write(`[bench ${((performance.now() - T0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);
}
function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(1);
}
const T0 = performance.now();

if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) fail('dist/ is missing: run `npm run bench` (it builds first) or `npm run build`');

const TMP = mkdtempSync(path.join(os.tmpdir(), 'token-api-emulator-bench-'));
installExitHooks(() => rmSync(TMP, { recursive: true, force: true }));
const tmp = (name) => path.join(TMP, name);
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TOKEN_API_EMULATOR_')));

const errors = []; // unexpected failures: the run exits 1 when any
const notes = [];

// ------------------------------------------------------------------ fixtures

const defaults = JSON.parse(readFileSync(path.join(ROOT, 'fixtures', 'default.json'), 'utf8'));
const fixtureVendors = Object.keys(defaults).filter((k) => k !== '$schema');

// The throughput fixture: 20 agent tokens in tenant 123456; Ops Manager's listed project padded to 20 agent keys.
const httpFixture = rackspaceFixture(defaults, S.listSize);
const omCandidates = opsManagerCandidates(defaults.opsmanager);
const pfCandidates = prefactorCandidates(defaults.prefactor);
let omPadded = false;
if (defaults.opsmanager && omCandidates[0]) {
  const padded = padAgentKeys(defaults.opsmanager, omCandidates[0].groupId, S.listSize);
  if (padded) {
    // Only if the emulator accepts it (the vendor's fixture format may have rules this bench does not know).
    try {
      const { createEmulator } = await import('../dist/index.js');
      createEmulator({ fixtures: { ...httpFixture, opsmanager: padded } });
      httpFixture.opsmanager = padded;
      omPadded = true;
    } catch (e) {
      notes.push(`Ops Manager: the list runs on the shipped agent keys (padding to ${S.listSize} was refused: ${String(e.message).split('\n')[0]})`);
    }
  }
}
const HTTP_FIXTURE = tmp('http.json');
writeFileSync(HTTP_FIXTURE, JSON.stringify(httpFixture));
const listTokens = httpFixture.rackspace.agentTokens.filter((t) => t.tenantId === TENANT).sort((a, b) => (a.id < b.id ? -1 : 1));
const getId = listTokens[Math.floor(listTokens.length / 2)].id;
const jsonServerDb = tmp('json-server-db.json');
writeFileSync(jsonServerDb, JSON.stringify({ agent_tokens: listTokens.map(({ id, token, label }) => ({ id, token, label })) }, null, 2));

// ------------------------------------------------------------------ peers (installed on demand, git-ignored)

const PEERS = [
  {
    key: 'js017',
    name: 'json-server 0.17.4',
    spec: 'json-server@0.17.4',
    version: '0.17.4',
    args: (bin, port, db) => [bin, '--port', String(port), '--host', '127.0.0.1', '--quiet', db],
  },
  {
    key: 'js1',
    name: 'json-server 1.0.0-beta.15',
    spec: 'json-server@1.0.0-beta.15',
    version: '1.0.0-beta.15',
    args: (bin, port, db) => [bin, '--port', String(port), '--host', '127.0.0.1', db],
  },
];
const peerState = {};
function ensurePeer(peer) {
  const dir = path.join(BENCH, '.peers', `json-server-${peer.version}`);
  const pkgFile = path.join(dir, 'node_modules', 'json-server', 'package.json');
  const installed = () => {
    try {
      return JSON.parse(readFileSync(pkgFile, 'utf8')).version === peer.version;
    } catch {
      return false;
    }
  };
  if (!installed()) {
    log(`installing ${peer.spec} into ${rel(dir)} (once; git-ignored)`);
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('npm', ['install', '--prefix', dir, peer.spec, '--no-audit', '--no-fund', '--no-save', '--loglevel=error'], {
      encoding: 'utf8',
      timeout: 240_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.status !== 0 || !installed()) {
      const lines = (r.error?.message ?? r.stderr ?? '').trim().split('\n').filter((l) => l && !/Unknown (user|env) config|complete log|npm help/.test(l));
      const why = (lines.find((l) => /\b(E[A-Z0-9]{3,}|code|404|network|timed out)\b/.test(l)) ?? lines[0] ?? '').replace(/^npm error /, '');
      return { error: `npm install ${peer.spec} failed${why ? `: ${why}` : ''}` };
    }
  }
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['json-server'];
  return { bin: path.join(dir, 'node_modules', 'json-server', bin) };
}
if (usePeers && (only.includes('startup') || only.includes('http'))) {
  for (const p of PEERS) {
    peerState[p.key] = ensurePeer(p);
    if (peerState[p.key].error) notes.push(`${p.name}: skipped (${peerState[p.key].error})`);
  }
} else for (const p of PEERS) peerState[p.key] = { error: usePeers ? 'not needed' : 'skipped (--no-peers)' };
const peers = PEERS.filter((p) => peerState[p.key].bin);

function peerDb(key) {
  const f = tmp(`db-${key}-${Math.random().toString(36).slice(2)}.json`);
  copyFileSync(jsonServerDb, f);
  return f;
}

// ------------------------------------------------------------------ helpers

const HOP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
/** One canned answer for the bare reference, from the emulator's own response to the same request. */
function cannedFrom(method, url, r) {
  const headers = [];
  for (let i = 0; i < r.rawHeaders.length; i += 2) if (!HOP.has(r.rawHeaders[i].toLowerCase())) headers.push([r.rawHeaders[i], r.rawHeaders[i + 1]]);
  return { method, url, status: r.status, headers, body: r.body.toString('base64') };
}

const EMULATOR_ARGS = (fixtures) => [CLI, '--port', '0', '--quiet', ...(fixtures ? ['--fixtures', fixtures] : [])];
const BARE_ARGS = (responses) => [BARE, '--port', '0', '--quiet', '--responses', responses];

/** One cold start: spawn → listening line → first 200 (from the health endpoint, or `pollPath` for a peer). */
async function coldStart(kind, arg) {
  let child;
  let t0;
  let okAt;
  if (kind === 'peer') {
    const port = await freePort();
    const db = peerDb(arg.key);
    const s = await spawnPolling(arg.args(peerState[arg.key].bin, port, db), `http://127.0.0.1:${port}/agent_tokens`, { cwd: TMP, env: childEnv });
    ({ child, t0 } = s);
    okAt = s.firstOkAt;
  } else {
    const args = kind === 'bare' ? BARE_ARGS(arg) : EMULATOR_ARGS(arg);
    const s = await spawnListening(args, { cwd: ROOT, env: childEnv });
    ({ child, t0 } = s);
    const r = await request(`${s.url}/__emulator/health`);
    okAt = performance.now();
    if (r.status !== 200) throw new Error(`${kind}: /__emulator/health answered ${r.status}`);
  }
  const mem = procMemory(child.pid);
  await stop(child);
  return { ms: okAt - t0, hwm: mem.hwm, rss: mem.rss };
}

/** Runs `node script JSON(job)` and parses the JSON line it prints. */
function jsonChild(script, job) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [path.join(BENCH, script), JSON.stringify(job)], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${err.trim().split('\n').slice(-5).join('\n')}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        reject(new Error(`${script}: no JSON in its output: ${out.slice(0, 300)} ${err.slice(0, 300)}`));
      }
    });
  });
}

/** The load generator (bench/load.mjs), one long-lived child with an IPC channel. */
function startLoadChild() {
  const child = track(spawn(process.execPath, [path.join(BENCH, 'load.mjs'), '--ipc'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const pending = new Map();
  let next = 0;
  child.on('message', ({ id, result, error }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error) p?.reject(new Error(error));
    else p?.resolve(result);
  });
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`load.mjs exited (${code})`));
    pending.clear();
  });
  return {
    child,
    run: (job) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        child.send({ id, job });
      }),
    close: () => {
      child.disconnect?.();
      return stop(child);
    },
  };
}

const results = { startup: {}, http: {}, msw: {}, scale: {}, peakRss: {} };
let healthCanned;
let vendorsServed = [];

async function captureHealth() {
  const s = await spawnListening(EMULATOR_ARGS(), { cwd: ROOT, env: childEnv });
  try {
    const r = await request(`${s.url}/__emulator/health`);
    if (r.status !== 200) throw new Error(`/__emulator/health answered ${r.status}`);
    vendorsServed = JSON.parse(r.body.toString('utf8')).vendors ?? [];
    healthCanned = cannedFrom('GET', '/__emulator/health', r);
  } finally {
    await stop(s.child);
  }
  const f = tmp('bare-health.json');
  writeFileSync(f, JSON.stringify({ responses: [healthCanned] }));
  return f;
}

const vendorPresent = (v) => fixtureVendors.includes(v) && vendorsServed.includes(v);
const absentReason = (v) =>
  !fixtureVendors.includes(v)
    ? 'n/a (vendor not present)'
    : !vendorsServed.includes(v)
      ? 'n/a (vendor not present: in fixtures/default.json but not served by the build)'
      : undefined;

// ------------------------------------------------------------------ 1. start-up

async function sectionStartup(bareHealth) {
  const contestants = [
    { key: 'emulator', name: 'token-api-emulator CLI', run: () => coldStart('emulator') },
    { key: 'bare', name: 'bare node:http', run: () => coldStart('bare', bareHealth) },
    ...peers.map((p) => ({ key: p.key, name: p.name, run: () => coldStart('peer', p) })),
  ];
  const samples = Object.fromEntries(contestants.map((c) => [c.key, []]));
  // One unrecorded start of each (file cache, first-run effects), then interleaved rounds, order rotating.
  if (mode !== 'smoke') for (const c of contestants) await c.run();
  for (let r = 0; r < S.starts; r++) {
    const order = contestants.map((_, i) => contestants[(i + r) % contestants.length]);
    for (const c of order) samples[c.key].push(await c.run());
  }
  for (const c of contestants) {
    const xs = samples[c.key];
    results.startup[c.key] = {
      name: c.name,
      medianMs: median(xs.map((x) => x.ms)),
      minMs: Math.min(...xs.map((x) => x.ms)),
      maxMs: Math.max(...xs.map((x) => x.ms)),
      hwmAtReady: median(xs.map((x) => x.hwm)),
      samplesMs: xs.map((x) => x.ms),
    };
  }
  log(`start-up: ${contestants.map((c) => `${c.name} ${fmt(results.startup[c.key].medianMs)} ms`).join(', ')}`);
}

// ------------------------------------------------------------------ 2. HTTP throughput

async function sectionHttp() {
  const servers = {};
  // Both servers carry the GC probe (bench/lib/gc-probe.mjs), so GC time per request is compared like CPU.
  const gcFile = (key) => tmp(`gc-${key}.json`);
  const probed = (args, key) => ['--import', GC_PROBE, ...args].map(String);
  const emu = await spawnListening(probed(EMULATOR_ARGS(HTTP_FIXTURE), 'emulator'), { cwd: ROOT, env: { ...childEnv, BENCH_GC_FILE: gcFile('emulator') } });
  servers.emulator = { name: 'token-api-emulator', url: emu.url, child: emu.child, gcFile: gcFile('emulator') };
  const E = emu.url;
  const canned = [healthCanned];
  const rsMon = `/v1.0/${TENANT}/agent_tokens`;

  const cases = [
    {
      key: 'rs-list', title: `Rackspace list (${S.listSize} tokens)`, vendor: 'rackspace', op: 'list', goalBare: 0.6,
      job: { method: 'GET', path: rsMon, headers: { 'x-auth-token': ALICE_TOKEN } },
      peerJob: { method: 'GET', path: '/agent_tokens' },
    },
    {
      key: 'rs-get', title: 'Rackspace get', vendor: 'rackspace', op: 'get', goalBare: 0.6,
      job: { method: 'GET', path: `${rsMon}/${getId}`, headers: { 'x-auth-token': ALICE_TOKEN } },
      peerJob: { method: 'GET', path: `/agent_tokens/${getId}` },
    },
    {
      key: 'rs-create', title: 'Rackspace create', vendor: 'rackspace', op: 'create', goalBare: 0.45,
      job: { method: 'POST', path: `/v1.0/${CREATE_TENANT}/agent_tokens`, headers: { 'x-auth-token': BOB_TOKEN, 'content-type': 'application/json' }, body: '{"label":"bench"}' },
      peerJob: { method: 'POST', path: '/agent_tokens', headers: { 'content-type': 'application/json' }, body: '{"token":"bench","label":"bench"}' },
    },
    { key: 'om-list', title: 'Ops Manager list (digest)', vendor: 'opsmanager', op: 'list', goalBare: 0.5 },
    { key: 'pf-ping', title: 'Prefactor ping (JWT)', vendor: 'prefactor', op: 'get', goalBare: 0.5 },
    { key: 'pf-create', title: 'Prefactor create (JWT)', vendor: 'prefactor', op: 'create' },
  ];

  // Capture the emulator's answer to every case: the bare reference will serve exactly these bytes.
  for (const c of cases) {
    c.na = absentReason(c.vendor);
    if (c.na) continue;
    try {
      if (c.vendor === 'rackspace') {
        const r = await request(E + c.job.path, { method: c.job.method, headers: c.job.headers, body: c.job.body });
        if (r.status >= 300) throw new Error(`${c.job.method} ${c.job.path} answered ${r.status}: ${r.body.toString().slice(0, 200)}`);
        canned.push(cannedFrom(c.job.method, c.job.path, r));
      } else if (c.key === 'om-list') await prepareOpsManager(c, E, canned);
      else if (c.key === 'pf-ping') await preparePrefactor(cases, E, canned);
    } catch (e) {
      c.na = `n/a (${e.message.split('\n')[0]})`;
      errors.push(`${c.title}: ${e.message}`);
    }
  }
  const responsesFile = tmp('bare-responses.json');
  writeFileSync(responsesFile, JSON.stringify({ responses: canned }));
  const bare = await spawnListening(probed(BARE_ARGS(responsesFile), 'bare'), { cwd: ROOT, env: { ...childEnv, BENCH_GC_FILE: gcFile('bare') } });
  servers.bare = { name: 'bare node:http', url: bare.url, child: bare.child, gcFile: gcFile('bare') };
  for (const p of peers) {
    const port = await freePort();
    const s = await spawnPolling(p.args(peerState[p.key].bin, port, peerDb(p.key)), `http://127.0.0.1:${port}/agent_tokens`, { cwd: TMP, env: childEnv });
    servers[p.key] = { name: p.name, url: `http://127.0.0.1:${port}`, child: s.child };
  }

  const loader = startLoadChild();
  try {
    for (const c of cases) {
      results.http[c.key] = { title: c.title, op: c.op, goalBare: c.goalBare, na: c.na, job: c.job && summarizeJob(c.job), source: c.source };
      if (c.na) {
        log(`${c.title}: ${c.na}`);
        continue;
      }
      const contestants = [
        ['emulator', c.job],
        ['bare', c.job],
        ...(c.peerJob ? peers.map((p) => [p.key, c.peerJob]) : []),
      ];
      const job = (key, j, duration) => ({ ...j, url: servers[key].url, duration, connections: S.connections });
      if (S.warmup > 0) for (const [k, j] of contestants) await loader.run(job(k, j, S.warmup));
      const runs = Object.fromEntries(contestants.map(([k]) => [k, []]));
      for (let r = 0; r < S.rounds; r++) {
        const order = r % 2 ? [...contestants].reverse() : contestants;
        for (const [k, j] of order) {
          const pid = servers[k].child.pid;
          const c0 = procCpuNs(pid);
          const m0 = mainThreadCpuNs(pid);
          const g0 = servers[k].gcFile && gcTotals(servers[k].gcFile);
          const res = await loader.run(job(k, j, S.duration));
          await new Promise((r) => setTimeout(r, 150)); // the probe writes its totals every 100 ms
          const c1 = procCpuNs(pid);
          const m1 = mainThreadCpuNs(pid);
          const g1 = servers[k].gcFile && gcTotals(servers[k].gcFile);
          // The server's own CPU per answered request (every thread: GC helpers too): immune to the time it spends
          // descheduled on a busy machine.
          res.cpuUs = c0 === undefined || c1 === undefined || !res.total ? undefined : (c1 - c0) / 1000 / res.total;
          res.mainCpuUs = m0 === undefined || m1 === undefined || !res.total ? undefined : (m1 - m0) / 1000 / res.total;
          if (g0 && g1 && res.total) {
            res.gcUs = ((g1.minorMs + g1.majorMs + g1.otherMs - g0.minorMs - g0.majorMs - g0.otherMs) * 1000) / res.total;
            res.majorGcs = g1.majorCount - g0.majorCount;
          }
          runs[k].push(res);
        }
      }
      const out = (results.http[c.key].servers = {});
      for (const [k] of contestants) {
        const xs = runs[k];
        out[k] = {
          name: servers[k].name,
          rps: median(xs.map((x) => x.rps)),
          p99: median(xs.map((x) => x.p99)),
          p50: median(xs.map((x) => x.p50)),
          cpuUs: median(xs.map((x) => x.cpuUs)),
          mainCpuUs: median(xs.map((x) => x.mainCpuUs)),
          gcUs: median(xs.map((x) => x.gcUs)),
          majorGcs: xs.reduce((a, x) => a + (x.majorGcs ?? 0), 0),
          non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
          errors: xs.reduce((a, x) => a + x.errors + x.timeouts, 0),
          statusCodes: xs.map((x) => x.statusCodes),
          rounds: xs.map((x) => ({ rps: x.rps, p99: x.p99, total: x.total, cpuUs: x.cpuUs, gcUs: x.gcUs })),
          digestNc: xs[0].digestNcPerConnection,
        };
      }
      log(`${c.title}: ${contestants.map(([k]) => `${servers[k].name} ${fmt(out[k].rps)} req/s`).join(', ')}`);
    }
  } finally {
    await loader.close();
    for (const [k, s] of Object.entries(servers)) {
      results.peakRss[k] = { name: s.name, hwm: procMemory(s.child.pid).hwm, during: 'throughput runs' };
      await stop(s.child);
    }
  }
}

function summarizeJob(j) {
  return { method: j.method, path: j.path, headers: Object.keys(j.headers ?? {}), body: j.body, digest: j.digest ? { username: j.digest.username } : undefined };
}

async function prepareOpsManager(c, E, canned) {
  const tried = [];
  for (const cand of omCandidates) {
    const p = `/api/public/v1.0/groups/${cand.groupId}/agentapikeys`;
    const first = await request(E + p);
    const challenge = parseChallenge(first.headers['www-authenticate']);
    if (first.status !== 401 || !challenge) throw new Error(`GET ${p} without credentials answered ${first.status}, not a digest challenge`);
    const session = digestSession(cand.username, cand.password, challenge);
    const r = await request(E + p, { headers: { authorization: session.next('GET', p) } });
    if (r.status === 200) {
      c.job = { method: 'GET', path: p, headers: {}, digest: { username: cand.username, password: cand.password } };
      c.source = `${cand.source} (${cand.role ?? 'override'}), project ${cand.groupId}`;
      let n;
      try {
        n = JSON.parse(r.body.toString()).length;
      } catch {
        // not an array: reported as is
      }
      c.title = `Ops Manager list (digest${n !== undefined ? `, ${n} keys` : ''})`;
      canned.push(cannedFrom('GET', p, r), { ...cannedFrom('GET', p, first), unauthenticated: true });
      return;
    }
    tried.push(`${cand.username}@${cand.groupId} → ${r.status}`);
  }
  throw new Error(`no Ops Manager key in the defaults lists agent keys (${tried.join('; ') || 'no candidates'})`);
}

async function preparePrefactor(cases, E, canned) {
  const ping = cases.find((c) => c.key === 'pf-ping');
  const create = cases.find((c) => c.key === 'pf-create');
  const API = '/api/v1';
  const tried = [];
  for (const cand of pfCandidates) {
    const auth = { authorization: `Bearer ${cand.token}` };
    const p0 = await request(`${E}${API}/ping`, { headers: auth });
    if (p0.status !== 200) {
      tried.push(`${cand.source} → ping ${p0.status}`);
      continue;
    }
    const body = JSON.stringify({ details: { token_scope: 'account', ...(cand.accountId ? { account_id: cand.accountId } : {}), expires_at: '2099-01-01T00:00:00Z' } });
    const jsonHeaders = { 'content-type': 'application/json' };
    // A JWT issued by the emulator, so the rows measure JWT verification, as real clients' tokens are.
    const c0 = await request(`${E}${API}/api_token`, { method: 'POST', headers: { ...auth, ...jsonHeaders }, body });
    let jwt;
    try {
      jwt = JSON.parse(c0.body.toString()).token;
    } catch {
      // below
    }
    if (c0.status >= 300 || typeof jwt !== 'string') {
      tried.push(`${cand.source} → create ${c0.status} ${c0.body.toString().slice(0, 160)}`);
      continue;
    }
    const bearer = { authorization: `Bearer ${jwt}` };
    const p1 = await request(`${E}${API}/ping`, { headers: bearer });
    if (p1.status !== 200) throw new Error(`ping with the JWT the emulator issued answered ${p1.status}: ${p1.body.toString().slice(0, 200)}`);
    const c1 = await request(`${E}${API}/api_token`, { method: 'POST', headers: { ...bearer, ...jsonHeaders }, body });
    if (c1.status >= 300) throw new Error(`create with the JWT answered ${c1.status}: ${c1.body.toString().slice(0, 200)}`);
    ping.job = { method: 'GET', path: `${API}/ping`, headers: bearer };
    create.job = { method: 'POST', path: `${API}/api_token`, headers: { ...bearer, ...jsonHeaders }, body };
    ping.source = create.source = `JWT created with ${cand.source}`;
    canned.push(cannedFrom('GET', `${API}/ping`, p1), cannedFrom('POST', `${API}/api_token`, c1));
    return;
  }
  throw new Error(`no Prefactor bearer in the defaults pings and creates (${tried.join('; ') || 'no candidates'})`);
}

// ------------------------------------------------------------------ 3. MSW front door, in-process

async function sectionMsw() {
  const url = `https://monitoring.api.rackspacecloud.com/v1.0/${TENANT}/agent_tokens`;
  // The baseline answers the bytes the emulator's handlers answer (taken through the emulator in this process).
  const { createEmulator } = await import('../dist/index.js');
  const em = createEmulator({ fixtures: HTTP_FIXTURE });
  const res = await em.handle(new Request(url, { headers: { 'x-auth-token': ALICE_TOKEN } }), { origin: 'https://monitoring.api.rackspacecloud.com' });
  const bodyFile = tmp('msw-list-body.json');
  writeFileSync(bodyFile, Buffer.from(await res.arrayBuffer()));
  const common = { url, token: ALICE_TOKEN, duration: S.mswDuration, warmup: S.mswWarmup, concurrency: S.connections };
  const jobs = {
    emulator: { ...common, mode: 'emulator', fixtures: HTTP_FIXTURE },
    baseline: { ...common, mode: 'baseline', bodyFile, contentType: res.headers.get('content-type') },
  };
  const runs = { emulator: [], baseline: [] };
  for (let r = 0; r < S.mswRounds; r++) {
    for (const k of r % 2 ? ['baseline', 'emulator'] : ['emulator', 'baseline']) runs[k].push(await jsonChild('msw.mjs', jobs[k]));
  }
  for (const k of ['emulator', 'baseline']) {
    const xs = runs[k];
    results.msw[k] = { rps: median(xs.map((x) => x.rps)), p99: median(xs.map((x) => x.p99)), non200: xs.reduce((a, x) => a + x.non200, 0), rounds: xs };
  }
  log(`MSW: emulator ${fmt(results.msw.emulator.rps)} req/s, one-handler baseline ${fmt(results.msw.baseline.rps)} req/s`);
}

// ------------------------------------------------------------------ 4. scale

async function sectionScale() {
  const files = {};
  for (const [k, n] of [['small', S.small], ['big', S.big]]) {
    files[k] = tmp(`scale-${n}.json`);
    writeFileSync(files[k], JSON.stringify(rackspaceFixture(defaults, n)));
  }
  const starts = { small: [], big: [] };
  if (mode !== 'smoke') await coldStart('emulator', files.big); // unrecorded: file cache
  for (let r = 0; r < S.scaleStarts; r++) {
    for (const k of r % 2 ? ['big', 'small'] : ['small', 'big']) starts[k].push(await coldStart('emulator', files[k]));
  }
  for (const k of ['small', 'big']) {
    const xs = starts[k];
    results.scale[`start_${k}`] = { tokens: k === 'small' ? S.small : S.big, medianMs: median(xs.map((x) => x.ms)), hwm: median(xs.map((x) => x.hwm)), rss: median(xs.map((x) => x.rss)), samplesMs: xs.map((x) => x.ms) };
  }
  log(`scale start-up: ${S.small} tokens ${fmt(results.scale.start_small.medianMs)} ms, ${S.big} tokens ${fmt(results.scale.start_big.medianMs)} ms`);
  const inproc = await jsonChild('scale.mjs', { small: files.small, big: files.big, tenant: TENANT, token: ALICE_TOKEN, rounds: S.scaleRounds, batch: S.scaleBatch, limit: S.listSize });
  results.scale.inproc = inproc;
  log(`scale in-process: get ${fmt(inproc.ops.get.small.medianUs, 1)} → ${fmt(inproc.ops.get.big.medianUs, 1)} µs`);
}

// ------------------------------------------------------------------ run

log(`mode ${mode}: ${only.join(', ')}; temp dir ${TMP}`);
const bareHealth = await captureHealth();
for (const v of ['opsmanager', 'prefactor']) {
  const why = absentReason(v);
  if (why) notes.push(`${v}: ${why}`);
}
const sections = { startup: () => sectionStartup(bareHealth), http: sectionHttp, msw: sectionMsw, scale: sectionScale };
for (const name of SECTIONS) {
  if (!only.includes(name)) continue;
  try {
    await sections[name]();
  } catch (e) {
    errors.push(`${name}: ${e.stack ?? e}`);
    log(`${name} FAILED: ${e.message}`);
  }
}
const elapsed = (performance.now() - T0) / 1000;

// ------------------------------------------------------------------ report

const ok = (pass) => (pass === undefined ? '' : pass ? ' ✓' : ' ✗');
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const mb = (b) => (b === undefined ? '—' : `${fmt(MB(b))} MB`);
const goals = [];
const goal = (what, pass, detail) => {
  if (pass !== undefined) goals.push({ what, pass, detail });
  return ok(pass);
};

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model?.trim(),
  cores: cpus.length,
  memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  os: `${os.type()} ${os.release()}`,
  node: process.version,
};
const out = [];
out.push(`## token-api-emulator bench (${mode}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
out.push('');
out.push(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, ${machine.os}, Node ${machine.node}. Loopback; ${S.connections} connections; ` +
  `${S.rounds} round(s) of ${S.duration} s per server and case, interleaved; medians. Run took ${elapsed.toFixed(0)} s.`);

if (only.includes('startup') && results.startup.emulator) {
  const st = results.startup;
  const bareMs = st.bare?.medianMs;
  const peerMs = peers.map((p) => st[p.key]?.medianMs).filter((x) => x !== undefined);
  const rows = Object.entries(st).map(([k, s]) => {
    const r = ratio(s.medianMs, bareMs);
    let g = '';
    if (k === 'emulator') {
      g = `≤ 1.5× bare${goal('start-up ≤ 1.5× bare node:http', r === undefined ? undefined : r <= 1.5, fmtRatio(r))}`;
      if (peerMs.length) g += `; < every peer${goal('start-up faster than every peer', s.medianMs < Math.min(...peerMs), `${fmt(s.medianMs)} ms vs ${fmt(Math.min(...peerMs))} ms`)}`;
    }
    return [s.name, fmt(s.medianMs), `${fmt(s.minMs)}–${fmt(s.maxMs)}`, fmtRatio(r), mb(s.hwmAtReady), g];
  });
  out.push('', `### Start-up: spawn → first 200 (median of ${S.starts} cold starts)`, '');
  out.push(table(['server', 'median ms', 'range ms', 'vs bare', 'RSS at ready (VmHWM)', 'goal'], rows));
}

if (only.includes('http')) {
  const rows = [];
  const peerRps = (op) => {
    const key = { list: 'rs-list', get: 'rs-list', create: 'rs-create' }[op];
    const h = results.http[key]?.servers;
    const xs = peers.map((p) => h?.[p.key]?.rps).filter((x) => x !== undefined);
    return xs.length ? Math.max(...xs) : undefined;
  };
  for (const c of Object.values(results.http)) {
    if (c.na || !c.servers) {
      rows.push([c.title, c.na ?? 'n/a', ...Array(4 + PEERS.length).fill('')]);
      continue;
    }
    const e = c.servers.emulator;
    const b = c.servers.bare;
    const rb = ratio(e.rps, b.rps);
    // Peers serve Rackspace-shaped data only: Ops Manager list and Prefactor ping compare with the peers' list, creates with their create.
    const own = peers.map((p) => c.servers[p.key]?.rps).filter((x) => x !== undefined);
    const best = own.length ? Math.max(...own) : peerRps(c.op === 'get' && !c.title.startsWith('Rackspace') ? 'list' : c.op);
    const rp = ratio(e.rps, best);
    const warn = e.non2xx || e.errors ? ` ⚠ ${e.non2xx} non-2xx, ${e.errors} errors` : '';
    const g = [];
    if (c.goalBare !== undefined) g.push(`≥ ${c.goalBare.toFixed(2)} bare${goal(`${c.title} ≥ ${c.goalBare * 100}% of bare`, rb === undefined ? undefined : rb >= c.goalBare, fmtRatio(rb))}`);
    if (c.goalBare !== undefined && best !== undefined) g.push(`≥ 2× peer${goal(`${c.title} ≥ 2× fastest peer`, rp >= 2, fmtRatio(rp))}`);
    const pcell = (k) => (c.servers[k] ? `${fmt(c.servers[k].rps)} / ${fmt(c.servers[k].p99, 1)}` : '—');
    rows.push([
      c.title,
      `${fmt(e.rps)} / ${fmt(e.p99, 1)}${warn}`,
      `${fmt(b.rps)} / ${fmt(b.p99, 1)}`,
      fmtRatio(rb),
      ...peers.map((p) => pcell(p.key)),
      ...PEERS.filter((p) => !peers.includes(p)).map(() => 'skipped'),
      fmtRatio(rp),
      g.join('; '),
    ]);
  }
  out.push('', `### HTTP: req/s and p99 ms (autocannon in its own process, ${S.connections} connections)`, '');
  out.push(table(['operation', 'emulator req/s / p99', 'bare node:http', 'emulator ÷ bare', ...PEERS.map((p) => p.name), 'emulator ÷ best peer', 'goal'], rows));
  const cpuRows = Object.values(results.http)
    .filter((c) => c.servers)
    .map((c) => {
      const e = c.servers.emulator;
      const b = c.servers.bare;
      return [
        c.title,
        `${fmt(e.cpuUs, 0)} (main ${fmt(e.mainCpuUs, 0)})`,
        `${fmt(b.cpuUs, 0)} (main ${fmt(b.mainCpuUs, 0)})`,
        fmtRatio(ratio(b.cpuUs, e.cpuUs)),
        `${fmt(e.gcUs, 1)} / ${fmt(b.gcUs, 1)}`,
        `${e.majorGcs ?? '—'} / ${b.majorGcs ?? '—'}`,
        ...peers.map((p) => fmt(c.servers[p.key]?.cpuUs, 0)),
      ];
    });
  if (cpuRows.length) {
    out.push('', '### Server CPU per request (µs, every thread from /proc/PID/task/*/schedstat, main thread in brackets; robust to a busy machine, lower is better)', '');
    out.push(table(['operation', 'emulator', 'bare node:http', 'bare ÷ emulator', 'GC µs/req emulator / bare', 'mark-compacts emulator / bare', ...peers.map((p) => p.name)], cpuRows));
  }
}

if (only.includes('msw') && results.msw.emulator) {
  const m = results.msw;
  const r = ratio(m.emulator.rps, m.baseline.rps);
  out.push('', `### MSW front door, in-process (setupServer + global fetch, ${S.connections} concurrent, Rackspace list)`, '');
  out.push(table(['handlers', 'req/s', 'p99 ms', 'ratio', 'goal'], [
    [`toMswHandlers(emulator)${m.emulator.non200 ? ` ⚠ ${m.emulator.non200} non-200` : ''}`, fmt(m.emulator.rps), fmt(m.emulator.p99, 2), fmtRatio(r), `≥ 0.50${goal('MSW ≥ 50% of the one-handler baseline', r === undefined ? undefined : r >= 0.5, fmtRatio(r))}`],
    ['one http.get handler, same JSON', fmt(m.baseline.rps), fmt(m.baseline.p99, 2), '1.00×', ''],
  ]));
}

if (only.includes('scale') && results.scale.start_small) {
  const sc = results.scale;
  const n = (x) => fmt(x);
  const rows = [
    ['CLI start-up → first 200 (ms, median)', fmt(sc.start_small.medianMs), fmt(sc.start_big.medianMs), fmtRatio(ratio(sc.start_big.medianMs, sc.start_small.medianMs)),
      `≤ 1000 ms${goal(`start-up with ${n(S.big)} tokens ≤ 1 s`, sc.start_big.medianMs <= 1000, `${fmt(sc.start_big.medianMs)} ms`)}`],
    ['RSS at ready (VmHWM)', mb(sc.start_small.hwm), mb(sc.start_big.hwm), `+${mb(sc.start_big.hwm - sc.start_small.hwm)}`,
      `≤ +100 MB${goal(`RSS with ${n(S.big)} tokens ≤ 100 MB above ${S.small}`, sc.start_big.hwm - sc.start_small.hwm <= 100 * 2 ** 20, mb(sc.start_big.hwm - sc.start_small.hwm))}`],
  ];
  if (sc.inproc) {
    const names = { get: 'get-by-id', first: `first page (limit ${sc.inproc.limit})`, last: `last page (limit ${sc.inproc.limit}, marker)`, create: 'create (no goal; shows insert cost)', persist: 'create with --persist (change log)' };
    for (const op of ['get', 'first', 'last', 'create', 'persist']) {
      const o = sc.inproc.ops[op];
      if (!o) continue;
      const r = ratio(o.big.medianUs, o.small.medianUs);
      rows.push([`${names[op]} µs, median (p99)`, `${fmt(o.small.medianUs, 1)} (${fmt(o.small.p99Us, 0)})`, `${fmt(o.big.medianUs, 1)} (${fmt(o.big.p99Us, 0)})`, fmtRatio(r),
        op === 'create'
          ? '—'
          : op === 'persist'
            ? `≤ 2×${goal(`${names[op]} at ${n(S.big)} within 2× of ${S.small}`, r <= 2, fmtRatio(r))}`
            : `≤ 1.3×${goal(`${names[op]} at ${n(S.big)} within 1.3× of ${S.small}`, r <= 1.3, fmtRatio(r))}`]);
    }
  }
  out.push('', `### Scale: ${n(S.small)} vs ${n(S.big)} agent tokens in one tenant (latencies in-process: emulator.handle(new Request(…)) + body read)`, '');
  out.push(table(['measure', `${n(S.small)} tokens`, `${n(S.big)} tokens`, 'ratio', 'goal'], rows));
}

if (Object.keys(results.peakRss).length) {
  out.push('', '### Peak RSS of each server (VmHWM at the end of its throughput runs)', '');
  out.push(table(['server', 'peak RSS'], Object.values(results.peakRss).map((p) => [p.name, mb(p.hwm)])));
}

const passed = goals.filter((g) => g.pass).length;
if (goals.length) out.push('', `Goals met: ${passed} of ${goals.length}${goals.some((g) => !g.pass) ? ` (missed: ${goals.filter((g) => !g.pass).map((g) => `${g.what} [${g.detail ?? ''}]`).join('; ')})` : ''}.`);
if (mode === 'smoke') out.push('', '_Smoke run: durations are tiny, the numbers only show that every row works._');
if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
if (errors.length) out.push('', '**Errors:**', ...errors.map((e) => `- ${e.split('\n')[0]}`));
const markdown = out.join('\n');
process.stdout.write(`\n${markdown}\n`);

if (!flag('--no-write')) {
  const dir = path.join(BENCH, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}${mode === 'full' ? '' : `-${mode}`}.json`);
  let commit;
  try {
    const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
    const d = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' });
    commit = r.status === 0 ? `${r.stdout.trim()}${d.stdout.trim() ? ' (src/ modified)' : ''}` : undefined;
  } catch {
    // not a git checkout
  }
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), mode, settings: S, sections: only, machine, commit, elapsedSeconds: elapsed, omPadded, results, goals, notes, errors, markdown }, null, 2)}\n`,
  );
  process.stderr.write(`bench: wrote ${rel(file)}\n`);
}
process.exitCode = errors.length ? 1 : 0;
