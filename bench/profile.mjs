#!/usr/bin/env node
// CPU profile of the CLI under load, per operation: where a request's time goes.
//
//   npm run build && node bench/profile.mjs [--duration=5] [--ops=list,get,create] [--connections=10]
//
// For each operation: starts `node --cpu-prof bin/token-api-emulator.js --port 0 --quiet --fixtures <20 tokens>`,
// warms up, runs autocannon (bench/load.mjs, in this process: the server is the only thing profiled), stops the
// server with SIGINT so Node writes the profile, then keeps only the samples taken during the measured window (both
// processes read the same monotonic clock) and prints CPU µs per request: inclusive time of the functions on the
// request path, and the top functions by self time. Profiles: bench/results/profiles/<timestamp>/<op>.cpuprofile.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installExitHooks, request, spawnListening, stop } from './lib/common.mjs';
import { ALICE_TOKEN, BOB_TOKEN, CREATE_TENANT, rackspaceFixture, TENANT } from './lib/fixtures.mjs';
import { runJob } from './load.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const argv = process.argv.slice(2);
const value = (n, d) => argv.find((a) => a.startsWith(`${n}=`))?.slice(n.length + 1) ?? d;
const duration = Number(value('--duration', '5'));
const connections = Number(value('--connections', '10'));
const ops = value('--ops', 'list,get,create').split(',');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const dir = path.join(BENCH, 'results', 'profiles', stamp);
mkdirSync(dir, { recursive: true });
const defaults = JSON.parse(readFileSync(path.join(ROOT, 'fixtures', 'default.json'), 'utf8'));
const fixture = rackspaceFixture(defaults, 20);
const fixtureFile = path.join(os.tmpdir(), `token-api-emulator-profile-${process.pid}.json`);
installExitHooks(() => rmSync(fixtureFile, { force: true }));
writeFileSync(fixtureFile, JSON.stringify(fixture));
const ids = fixture.rackspace.agentTokens.filter((t) => t.tenantId === TENANT).map((t) => t.id).sort();

const JOBS = {
  list: { method: 'GET', path: `/v1.0/${TENANT}/agent_tokens`, headers: { 'x-auth-token': ALICE_TOKEN } },
  get: { method: 'GET', path: `/v1.0/${TENANT}/agent_tokens/${ids[10]}`, headers: { 'x-auth-token': ALICE_TOKEN } },
  create: {
    method: 'POST',
    path: `/v1.0/${CREATE_TENANT}/agent_tokens`,
    headers: { 'x-auth-token': BOB_TOKEN, 'content-type': 'application/json' },
    body: '{"label":"bench"}',
  },
};

// Functions on the request path, by name and a piece of their script URL: inclusive CPU per request.
const WATCH = [
  ['request listener (everything from the parsed request to res.end)', ['serve', ''], '/core/server.js'],
  ['  serve: new URL(req.url, origin)', 'URL', 'node:internal/url'],
  ['  serve: new Headers + append × rawHeaders', ['Headers', '_Headers', 'append'], 'undici'],
  ['  serve: new Request(url, { headers, body })', ['Request', '_Request'], 'undici'],
  ['  serve: bodyStream (ReadableStream over IncomingMessage)', 'bodyStream', '/core/server.js'],
  ['  emulator.handle', 'handle', '/core/emulator.js'],
  ['    Router.lookup', 'lookup', '/core/router.js'],
  ['    randomHex (request id)', 'randomHex', '/core/ids.js'],
  ['    rackspace authenticate', 'authenticate', '/rackspace/auth.js'],
  ['    handler: list', 'list', '/rackspace/routes.js'],
  ['    handler: get', 'get', '/rackspace/routes.js'],
  ['    handler: create', 'create', '/rackspace/routes.js'],
  ['      readText (body through the stream reader)', 'readText', '/core/http.js'],
  ['      json() → new Response(JSON.stringify(…))', 'json', '/core/http.js'],
  ['      empty() → new Response(null)', 'empty', '/core/http.js'],
  ['      createAgentToken', 'createAgentToken', '/rackspace/model.js'],
  ['    rackspace decorate (Headers.set × 7)', 'decorate', '/rackspace/index.js'],
  ['    journal: record (clone of request/response for the journal)', 'record', '/core/emulator.js'],
  ['  serve: Response.arrayBuffer → Buffer', 'arrayBuffer', 'undici'],
  ['  serve: response.headers.forEach → object', 'forEach', 'undici'],
  ['  serve: res.writeHead', 'writeHead', 'node:_http_server'],
  ['  serve: res.end (incl. the socket write)', 'end', 'node:_http_outgoing'],
  ['Fetch Response constructor (anywhere)', ['Response', '_Response'], 'undici'],
  ['JSON.stringify (anywhere)', 'stringify', ''],
  ['writev syscall (anywhere)', 'writev', ''],
  ['node:http parser → request event (parserOnHeadersComplete)', 'parserOnHeadersComplete', 'node:_http_common'],
  ['(garbage collector)', '(garbage collector)', ''],
  ['(program): native/VM outside JS frames', '(program)', ''],
];

function analyse(profile, fromUs, toUs, requests) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url}:${n.callFrame.lineNumber + 1}`;
  const self = new Map();
  const incl = new Map();
  const watchIncl = new Array(WATCH.length).fill(0);
  let t = profile.startTime;
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const leaf = nodes.get(profile.samples[i]);
    total += dt;
    if (leaf.callFrame.functionName === '(idle)') idle += dt;
    self.set(key(leaf), (self.get(key(leaf)) ?? 0) + dt);
    const seen = new Set();
    const hit = new Set();
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
      const n = nodes.get(id);
      const k = key(n);
      if (!seen.has(k)) {
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + dt);
      }
      const f = n.callFrame;
      WATCH.forEach(([, name, url], w) => {
        if (!hit.has(w) && (Array.isArray(name) ? name.includes(f.functionName) : f.functionName === name) && f.url.includes(url)) {
          hit.add(w);
          watchIncl[w] += dt;
        }
      });
    }
  }
  const per = (us) => us / requests;
  const lines = [];
  lines.push(`window ${((toUs - fromUs) / 1e6).toFixed(2)} s, ${requests} requests, sampled ${(total / 1e3).toFixed(0)} ms, busy ${((total - idle) / 1e3).toFixed(0)} ms → ${per(total - idle).toFixed(1)} µs CPU per request (main thread)`);
  lines.push('', '| on the request path (inclusive) | µs/request | share of busy |', '|---|---|---|');
  WATCH.forEach(([label], w) => {
    if (watchIncl[w] > 0) lines.push(`| ${label.replace(/^ +/, (s) => '&nbsp;'.repeat(s.length * 2))} | ${per(watchIncl[w]).toFixed(2)} | ${((100 * watchIncl[w]) / (total - idle)).toFixed(1)} % |`);
  });
  const top = [...self.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 25);
  lines.push('', '| top self time | µs/request | share |', '|---|---|---|');
  for (const [k, us] of top) lines.push(`| \`${k.replace(/file:\/\/\/\S*?\/dist\//, 'dist/').replace(/\|/g, '\\|')}\` | ${per(us).toFixed(2)} | ${((100 * us) / (total - idle)).toFixed(1)} % |`);
  return { text: lines.join('\n'), total, idle, watch: Object.fromEntries(WATCH.map(([l], w) => [l.trim(), per(watchIncl[w])])) };
}

const summary = {};
for (const op of ops) {
  const job = JOBS[op];
  if (!job) throw new Error(`unknown op ${op} (known: ${Object.keys(JOBS).join(', ')})`);
  const s = await spawnListening([path.join(ROOT, 'bin', 'token-api-emulator.js'), '--port', '0', '--quiet', '--fixtures', fixtureFile], {
    cwd: ROOT,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${op}.cpuprofile`],
  });
  const check = await request(s.url + job.path, { method: job.method, headers: job.headers, body: job.body });
  if (check.status >= 300) throw new Error(`${op}: ${check.status} ${check.body}`);
  await runJob({ ...job, url: s.url, duration: 1, connections }); // warm-up (JIT), outside the window
  const from = Number(process.hrtime.bigint() / 1000n);
  const r = await runJob({ ...job, url: s.url, duration, connections });
  const to = Number(process.hrtime.bigint() / 1000n);
  s.child.kill('SIGINT');
  await new Promise((res) => s.child.once('exit', res));
  await stop(s.child);
  const profile = JSON.parse(readFileSync(path.join(dir, `${op}.cpuprofile`), 'utf8'));
  const a = analyse(profile, from, to, r.total);
  summary[op] = { rps: r.rps, requests: r.total, ...a.watch };
  process.stdout.write(`\n### ${op}: ${JOBS[op].method} ${JOBS[op].path.replace(/[0-9a-f]{64}/, '<id>')} — ${r.rps.toFixed(0)} req/s under the profiler\n\n${a.text}\n`);
}
writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stderr.write(`profiles: ${path.relative(ROOT, dir)}\n`);
