/**
 * The `token-api-emulator` command: parses options (yargs), builds an emulator and serves it with node:http.
 * Kept apart from the library (like json-server's CLI): nothing here is needed to use the emulator in code.
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createEmulator } from './core/emulator.js';
import { FixtureError } from './core/fixtures.js';
import { ALL_VENDORS } from './vendors/index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const NAME = 'token-api-emulator';

function fail(message: string, code: number): never {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(code);
}

export async function main(argv: string[] = hideBin(process.argv)): Promise<void> {
  const args = await yargs(argv)
    .scriptName(NAME)
    .usage(`$0 [options]\n\nServe emulated vendor token APIs (${ALL_VENDORS.map((v) => v.name).join(', ')}) on one port.`)
    .option('port', { alias: 'p', type: 'number', default: 4020, describe: 'Port to listen on (0 = a free port)' })
    .option('host', { alias: 'H', type: 'string', default: '127.0.0.1', describe: 'Address to bind' })
    .option('fixtures', { alias: 'f', type: 'string', describe: 'Seed data (JSON fixture file); default: the shipped fixtures/default.json' })
    .option('vendors', { type: 'string', describe: `Comma-separated vendors to enable (default: all of ${ALL_VENDORS.map((v) => v.name).join(',')})` })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Do not log one line per request' })
    .env('TOKEN_API_EMULATOR')
    .strict()
    .version(pkg.version)
    .help()
    .alias('help', 'h')
    .epilog('Every option can also be set as an environment variable, e.g. TOKEN_API_EMULATOR_PORT=4020.')
    .fail((msg, err) => fail(err?.message ?? msg, 2))
    .parseAsync();

  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) fail(`invalid --port ${args.port}`, 2);
  const vendors = args.vendors
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  let emulator;
  try {
    emulator = createEmulator({ fixtures: args.fixtures, vendors });
  } catch (e) {
    if (e instanceof FixtureError) fail(`invalid fixtures: ${e.message}`, 2);
    fail((e as Error).message, 2);
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
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
