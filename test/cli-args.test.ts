/** The CLI's fast path for plain options agrees with yargs, and hands everything else to yargs. */
import { describe, expect, it } from 'vitest';
import { fastParse, parseWithYargs, type CliArgs } from '../src/cli-args.js';

async function withYargs(argv: string[], env: Record<string, string>): Promise<CliArgs> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('TOKEN_API_EMULATOR_')) delete process.env[k];
  Object.assign(process.env, env);
  try {
    return await parseWithYargs(argv, '0.0.0', (m) => {
      throw new Error(m);
    });
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const plain: [string[], Record<string, string>][] = [
  [[], {}],
  [['--port', '0'], {}],
  [['--port', '0', '--quiet'], {}],
  [['-p', '8080', '-H', '0.0.0.0', '-q'], {}],
  [['--port=0', '--host=localhost', '--fixtures', 'f.json', '--vendors', 'rackspace,prefactor'], {}],
  [['--quiet', 'false', '--watch', '--fixtures', 'x.json'], {}],
  [['--latency', '20-200', '--fault-rate', '0.05', '--seed', '7', '--fault-timeout', '5s'], {}],
  [['--rate-limit', 'rackspace=5/1m', '--rate-limit', 'prefactor=1/1s', '--journal-limit', '0'], {}],
  [['--persist', 'state.json', '--jwt-secret', 's3cret', '--admin-token', 'tok'], {}],
  [[], { TOKEN_API_EMULATOR_PORT: '0', TOKEN_API_EMULATOR_QUIET: 'true', TOKEN_API_EMULATOR_VENDORS: 'rackspace' }],
  [['--port', '9000'], { TOKEN_API_EMULATOR_PORT: '0', TOKEN_API_EMULATOR_FAULT_RATE: '0.5' }],
];

describe('CLI options', () => {
  for (const [argv, env] of plain) {
    it(`reads ${JSON.stringify(argv)} ${JSON.stringify(env)} like yargs`, async () => {
      const fast = fastParse(argv, env);
      expect(fast).toBeDefined();
      expect(fast).toEqual(await withYargs(argv, env));
    });
  }

  it('hands anything but the plain forms to yargs', () => {
    for (const argv of [
      ['--help'],
      ['-h'],
      ['--version'],
      ['--bogus'],
      ['positional'],
      ['--port', 'abc'],
      ['--port'],
      ['--seed', '-1'],
      ['--no-quiet'],
      ['--port', '1', '--port', '2'],
      ['--faultRate', '0.1'],
      ['-x'],
    ])
      expect(fastParse(argv, {}), JSON.stringify(argv)).toBeUndefined();
    expect(fastParse([], { TOKEN_API_EMULATOR_BOGUS: '1' })).toBeUndefined();
    expect(fastParse([], { TOKEN_API_EMULATOR_QUIET: 'yes' })).toBeUndefined();
    expect(fastParse([], { TOKEN_API_EMULATOR_RATE_LIMIT: 'rackspace=1/1s' })).toBeUndefined();
  });
});
