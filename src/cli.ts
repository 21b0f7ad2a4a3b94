/**
 * The `token-api-emulator` command: reads its options (cli-args.ts: yargs, or a fast path for the plain forms),
 * builds an emulator and serves it with node:http.
 * Kept apart from the library (like json-server's CLI): nothing here is needed to use the emulator in code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { watchFile } from 'node:fs';
import { createEmulator, type EmulatorOptions } from './index.js';
import { parseDuration, parseLatency } from './core/duration.js';
import type { FaultRule } from './core/faults.js';
import { DEFAULT_FIXTURES_PATH, FixtureError, loadFixtureFile } from './core/fixtures.js';
import { fastParse, parseWithYargs, vendorOptionsOf } from './cli-args.js';
import { startupBanner, stopWithNpm } from './startup.js';
import { ALL_VENDORS } from './vendors/index.js';

// dist/cli.js (library build) or dist/bin/cli.js (the bundled executable): the package.json above either.
const pkgUrl = ['../package.json', '../../package.json'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u))!;
const pkg = JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string };
const NAME = 'token-api-emulator';

function fail(message: string, code: number): never {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(code);
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  // yargs is loaded only when the command line is not one of the plain forms (see cli-args.ts).
  const args = fastParse(argv, process.env) ?? (await parseWithYargs(argv, pkg.version, (message) => fail(message, 2)));

  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) fail(`invalid --port ${args.port}`, 2);
  const vendors = args.vendors
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  const options: EmulatorOptions = { fixtures: args.fixtures, vendors, journalLimit: args['journal-limit'] };
  const faults: FaultRule[] = [];
  try {
    if (args.latency !== undefined) faults.push({ latencyMs: parseLatency(args.latency) });
    const rate = args['fault-rate'];
    if (rate !== undefined) {
      if (!(rate >= 0 && rate <= 1)) throw new Error(`invalid --fault-rate ${rate}: expected a number from 0 to 1`);
      if (rate > 0) faults.push({ status: 503, probability: rate });
    }
    options.faultTimeoutMs = parseDuration(args['fault-timeout']);
    for (const spec of args['rate-limit'] ?? []) {
      const m = /^([a-z]+)=(\d+)\/(.+)$/.exec(spec);
      if (!m) throw new Error(`invalid --rate-limit "${spec}": expected VENDOR=LIMIT/WINDOW, e.g. rackspace=5/1m`);
      (options.rateLimits ??= {})[m[1]] = { limit: Number(m[2]), windowMs: parseDuration(m[3]) };
    }
  } catch (e) {
    fail((e as Error).message, 2);
  }
  options.faults = faults;
  options.vendorOptions = vendorOptionsOf(args);
  if (args.seed !== undefined) options.seed = args.seed;
  if (args['admin-token'] !== undefined) options.adminToken = args['admin-token'];
  if (!isLoopback(args.host) && !args['admin-token'])
    fail(`refusing to serve the control plane on ${args.host} without --admin-token (bind 127.0.0.1, or give a token)`, 2);
  if (args.watch && !args.fixtures) fail('--watch needs --fixtures FILE', 2);

  let emulator;
  try {
    emulator = createEmulator(options);
    for (const v of Object.keys(options.rateLimits ?? {}))
      if (!emulator.vendors.includes(v)) throw new Error(`--rate-limit: unknown vendor "${v}"`);
    if (args.persist) {
      const { persistTo } = await import('./core/persist.js');
      await persistTo(emulator, args.persist);
    }
  } catch (e) {
    if (e instanceof FixtureError) fail(`invalid fixtures: ${e.message}`, 2);
    fail((e as Error).message, 2);
  }

  if (args.watch && args.fixtures) {
    const file = args.fixtures;
    const em = emulator;
    watchFile(file, { interval: 250 }, (cur, prev) => {
      if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size) return;
      try {
        em.setFixtures(loadFixtureFile(em.definitions, file, ALL_VENDORS));
        void em.changed('reload');
        process.stdout.write(`${NAME}: reloaded ${file}\n`);
      } catch (e) {
        process.stderr.write(`${NAME}: ${(e as Error).message} (keeping the previous state)\n`);
      }
    });
  }

  let server;
  try {
    server = await emulator.listen({
      port: args.port,
      host: args.host,
      onResponse: args.quiet
        ? undefined
        : (r) => process.stdout.write(`${r.method} ${r.path} ${r.status} ${r.ms.toFixed(1)}ms\n`),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') fail(`cannot listen on ${args.host}:${args.port}: the address is already in use`, 1);
    if (err.code === 'EADDRNOTAVAIL') fail(`cannot listen on ${args.host}:${args.port}: the address is not available here`, 1);
    if (err.code === 'EACCES') fail(`cannot listen on ${args.host}:${args.port}: permission denied`, 1);
    fail(`cannot listen on ${args.host}:${args.port}: ${err.message}`, 1);
  }

  process.stdout.write(`${NAME} listening on ${server.url}\n`);
  if (!args.quiet) process.stdout.write(startupBanner(server.url, emulator.definitions, args.fixtures ?? DEFAULT_FIXTURES_PATH));
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  stopWithNpm(stop);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

await main();
