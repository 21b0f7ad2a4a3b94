/**
 * The CLI's options, defined once, and the two ways they are read:
 *
 * - `parseWithYargs`: yargs, for everything: `--help`, `--version`, errors and every form yargs accepts.
 * - `fastParse`: the plain forms (`--port 0`, `--quiet`, `-p 0`, `--host=…`, `TOKEN_API_EMULATOR_PORT=0`) read
 *   without loading yargs, which is most of the CLI's start-up time. It gives up (returns undefined) on anything
 *   else, and yargs reads the command line instead. `test/cli-args.test.ts` checks that both agree.
 */
import { ALL_VENDORS } from './vendors/index.js';

type Kind = 'string' | 'number' | 'boolean';

interface OptionSpec {
  type: Kind;
  alias?: string;
  default?: string | number | boolean;
  array?: boolean;
  describe: string;
}

const vendorNames = ALL_VENDORS.map((v) => v.name);

const CORE_OPTIONS = {
  port: { alias: 'p', type: 'number', default: 4020, describe: 'Port to listen on (0 = a free port)' },
  host: { alias: 'H', type: 'string', default: '127.0.0.1', describe: 'Address to bind' },
  fixtures: { alias: 'f', type: 'string', describe: 'Seed data (JSON fixture file); default: the shipped fixtures/default.json' },
  vendors: { type: 'string', describe: `Comma-separated vendors to enable (default: all of ${vendorNames.join(',')})` },
  quiet: { alias: 'q', type: 'boolean', default: false, describe: 'Do not log one line per request' },
  latency: { type: 'string', describe: 'Delay every vendor answer: milliseconds, or a range like 20-200' },
  'fault-rate': { type: 'number', describe: 'Answer this share of vendor requests (0–1) with a 503 in the vendor envelope' },
  seed: { type: 'number', describe: 'Seed for fault probabilities (same seed, same sequence)' },
  'fault-timeout': { type: 'string', default: '30s', describe: 'How long a "timeout" fault holds a request at most' },
  'rate-limit': { type: 'string', array: true, describe: 'A request budget per vendor, e.g. rackspace=5/1m (repeatable)' },
  'journal-limit': { type: 'number', default: 1000, describe: 'How many requests the journal keeps (0 = off)' },
  persist: { type: 'string', describe: 'Keep the state in this JSON file (loaded at start; every change logged to FILE.log before it is answered)' },
  watch: { type: 'boolean', default: false, describe: 'Reload the --fixtures file (and reset) when it changes' },
  'admin-token': { type: 'string', describe: 'Require "Authorization: Bearer TOKEN" on /__emulator/* (needed off loopback)' },
} as const satisfies Record<string, OptionSpec>;

/** Each vendor's own options, as its definition declares them (`cliOptions`): values go to `vendorOptions`. */
const VENDOR_OPTIONS: Record<string, OptionSpec> = Object.fromEntries(
  ALL_VENDORS.flatMap((v) => (v.cliOptions ?? []).map((o) => [o.flag, { type: o.type, describe: o.describe }])),
);

/** Every option of the command line, in the order `--help` lists them. */
export const OPTIONS: Record<string, OptionSpec> = { ...CORE_OPTIONS, ...VENDOR_OPTIONS };

export type OptionName = keyof typeof CORE_OPTIONS;

/** `vendorOptions` from the vendors' own flags on a parsed command line. */
export function vendorOptionsOf(args: CliArgs): Record<string, Record<string, unknown>> | undefined {
  let out: Record<string, Record<string, unknown>> | undefined;
  for (const v of ALL_VENDORS)
    for (const o of v.cliOptions ?? []) {
      const value = args[o.flag];
      if (value === undefined || value === '') continue;
      ((out ??= {})[v.name] ??= {})[o.key] = value;
    }
  return out;
}

export interface CliArgs {
  port: number;
  host: string;
  fixtures?: string;
  vendors?: string;
  quiet: boolean;
  latency?: string;
  'fault-rate'?: number;
  seed?: number;
  'fault-timeout': string;
  'rate-limit'?: string[];
  'journal-limit': number;
  persist?: string;
  watch: boolean;
  'admin-token'?: string;
  /** The vendors' own options (`--jwt-secret` …), by flag. */
  [vendorFlag: string]: unknown;
}

export const ENV_PREFIX = 'TOKEN_API_EMULATOR';
const envName = (name: string) => `${ENV_PREFIX}_${name.toUpperCase().replace(/-/g, '_')}`;

const NUMBER = /^-?\d+(?:\.\d+)?$/;

function convert(spec: OptionSpec, raw: string): string | number | boolean | undefined {
  if (spec.type === 'string') return raw;
  if (spec.type === 'number') return NUMBER.test(raw) ? Number(raw) : undefined;
  return raw === 'true' ? true : raw === 'false' ? false : undefined;
}

/** The plain forms only; undefined means "ask yargs". */
export function fastParse(argv: readonly string[], env: Record<string, string | undefined>): CliArgs | undefined {
  const specs = OPTIONS;
  const byAlias = new Map(Object.entries(specs).flatMap(([name, s]) => (s.alias ? [[s.alias, name] as const] : [])));
  const out: Record<string, unknown> = {};

  // Environment first (the command line wins); any variable of ours that is not a plain option → yargs.
  const envKeys = new Set(Object.keys(specs).map(envName));
  for (const key of Object.keys(env)) {
    if (!key.startsWith(`${ENV_PREFIX}_`)) continue;
    if (!envKeys.has(key)) return undefined;
  }
  for (const [name, spec] of Object.entries(specs)) {
    const raw = env[envName(name)];
    if (raw === undefined) continue;
    if (spec.array) return undefined;
    const value = convert(spec, raw);
    if (value === undefined) return undefined;
    out[name] = value;
  }

  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    let name: string | undefined;
    let inline: string | undefined;
    const long = /^--([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    const short = /^-([a-zA-Z])$/.exec(arg);
    if (long) {
      name = long[1];
      inline = long[2];
    } else if (short) name = byAlias.get(short[1]);
    if (!name || !(name in specs)) return undefined; // --help, --version, --no-x, positionals, unknown …
    const spec = specs[name];
    let raw: string | undefined = inline;
    if (raw === undefined) {
      if (spec.type === 'boolean') {
        const next = argv[i + 1];
        raw = next === 'true' || next === 'false' ? (i++, next) : 'true';
      } else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('-')) return undefined;
        raw = next;
        i++;
      }
    }
    const value = convert(spec, raw);
    if (value === undefined) return undefined;
    if (spec.array) {
      // Repeated array options accumulate on the command line and replace the environment's value.
      const prev = seen.has(name) ? (out[name] as string[]) : [];
      out[name] = [...prev, value];
    } else {
      if (seen.has(name)) return undefined; // yargs turns a repeated option into an array
      out[name] = value;
    }
    seen.add(name);
  }
  for (const [name, spec] of Object.entries(specs)) if (out[name] === undefined && spec.default !== undefined) out[name] = spec.default;
  return out as unknown as CliArgs;
}

/** Every form yargs accepts; `--help`/`--version` print and exit, errors go to `onFail`. */
export async function parseWithYargs(argv: readonly string[], version: string, onFail: (message: string) => never): Promise<CliArgs> {
  const { default: yargs } = await import('yargs');
  let y = yargs([...argv])
    .scriptName('token-api-emulator')
    .usage(`$0 [options]\n\nServe emulated vendor token APIs (${vendorNames.join(', ')}) on one port.`);
  for (const [name, spec] of Object.entries(OPTIONS)) y = y.option(name, { ...spec });
  const args = await y
    .env(ENV_PREFIX)
    .strict()
    .version(version)
    .help()
    .alias('help', 'h')
    .epilog(`Every option can also be set as an environment variable, e.g. ${ENV_PREFIX}_PORT=4020.`)
    .fail((msg, err) => onFail(err?.message ?? msg))
    .parseAsync();
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(OPTIONS)) if (args[name] !== undefined) out[name] = args[name];
  return out as unknown as CliArgs;
}
