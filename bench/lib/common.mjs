// Shared helpers of the bench: child processes (all of them killed on exit), loopback HTTP, /proc readings, stats.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

// ------------------------------------------------------------------ children

const children = new Set();

/** Spawns a child and remembers it, so that every child is killed when the bench exits (normally or not). */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function killAll(signal = 'SIGKILL') {
  for (const c of children) {
    try {
      c.kill(signal);
    } catch {
      // already gone
    }
  }
  children.clear();
}

let hooked = false;
/** Kills every child on exit, SIGINT, SIGTERM and uncaught errors; `cleanup` runs too (temp dirs). */
export function installExitHooks(cleanup = () => undefined) {
  if (hooked) return;
  hooked = true;
  const onExit = () => {
    killAll();
    try {
      cleanup();
    } catch {
      // best effort
    }
  };
  process.on('exit', onExit);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping every child process\n`);
      onExit();
      process.exit(130);
    });
  }
}

/** Stops a child and waits until it has exited (SIGTERM, then SIGKILL after `graceMs`). */
export function stop(child, graceMs = 2000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Spawns `node ...args` and resolves when a line of its stdout matches `/listening on (http:\/\/\S+)/`, with the
 * URL and the time from just before spawn. Rejects (with stderr) if it exits or takes longer than `timeoutMs`.
 */
export function spawnListening(args, { cwd, env, timeoutMs = 30_000, nodeArgs = [] } = {}) {
  const t0 = performance.now();
  const child = track(spawn(process.execPath, [...nodeArgs, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')}: no listening line after ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    const onData = (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        // Keep draining stdout so a chatty child never blocks on a full pipe.
        child.stdout.resume();
        resolve({ child, url: m[1], t0, readyAt: performance.now() });
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
      if (err.length < 20_000) err += d;
    });
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code ?? sig}) before listening\n${err || out}`));
    });
  });
}

/**
 * Spawns `node ...args` for a server that prints no usable line (json-server): polls `pollUrl` until a 200.
 * Resolves with the time from just before spawn to the first 200.
 */
export function spawnPolling(args, pollUrl, { cwd, env, timeoutMs = 30_000, intervalMs = 3 } = {}) {
  const t0 = performance.now();
  const child = track(spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] }));
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    if (err.length < 20_000) err += d;
  });
  return new Promise((resolve, reject) => {
    let done = false;
    const deadline = t0 + timeoutMs;
    child.once('exit', (code, sig) => {
      if (done) return;
      done = true;
      reject(new Error(`${args.join(' ')} exited (${code ?? sig}) before answering\n${err}`));
    });
    const tryOnce = () => {
      if (done) return;
      request(pollUrl, { timeoutMs: 2000 }).then(
        (r) => {
          if (done) return;
          if (r.status === 200) {
            done = true;
            resolve({ child, t0, firstOkAt: performance.now(), response: r });
          } else setTimeout(tryOnce, intervalMs);
        },
        () => {
          if (done) return;
          if (performance.now() > deadline) {
            done = true;
            child.kill('SIGKILL');
            reject(new Error(`${args.join(' ')}: no 200 from ${pollUrl} after ${timeoutMs} ms\n${err}`));
          } else setTimeout(tryOnce, intervalMs);
        },
      );
    };
    tryOnce();
  });
}

// ------------------------------------------------------------------ HTTP

const noAgent = new http.Agent({ keepAlive: false });

/**
 * One loopback request with node:http (no keep-alive). Resolves with status, raw header pairs (as sent), lower-cased
 * header object and the body bytes.
 */
export function request(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      { hostname: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, agent: noAgent, timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, rawHeaders: res.rawHeaders, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A port that was free a moment ago (for servers that cannot take `--port 0`). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ------------------------------------------------------------------ /proc

/** VmHWM (peak resident set) and VmRSS of a process, in bytes; undefined where /proc is missing (not Linux). */
export function procMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : undefined;
    };
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return { hwm: undefined, rss: undefined };
  }
}

/** CPU time the process has run, in ns (/proc/<pid>/schedstat: on-CPU time, not wall time), or undefined. */
/**
 * CPU time of every thread of a process (ns): the main thread and V8's GC helpers and libuv's pool — a change that
 * moves work to another thread (concurrent marking, parallel scavenges) still shows.
 */
export function procCpuNs(pid) {
  try {
    let total = 0;
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return total;
  } catch {
    return undefined;
  }
}

/** CPU time of the main thread only (ns), to tell its share from the helpers'. */
export function mainThreadCpuNs(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/** The GC totals `bench/lib/gc-probe.mjs` keeps writing in a server child (undefined without the probe). */
export function gcTotals(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ stats and formatting

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const MB = (bytes) => (bytes === undefined ? undefined : bytes / (1024 * 1024));

export function fmt(x, digits = 0) {
  if (x === undefined || x === null || Number.isNaN(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
export const fmtRatio = (r) => (r === undefined ? '—' : `${r.toFixed(2)}×`);

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
