/**
 * `token-api-emulator/vitest/global-setup`: a Vitest global setup that starts one standalone emulator (real HTTP on
 * 127.0.0.1, a free port) for the whole run, hands its URL to the tests with `provide`/`inject` and stops it at the
 * end. Use it as is (`globalSetup: ['token-api-emulator/vitest/global-setup']`, configured by environment
 * variables) or build one with `createGlobalSetup({ fixtures })` in your own global setup file.
 *
 * This module imports neither msw nor vitest at run time: global setup runs in Vitest's main process, where
 * `vitest`'s test APIs are not available.
 */
import { createEmulator, type Emulator, type EmulatorOptions } from './index.js';

/** The key under which the emulator's URL is provided: `inject('tokenApiEmulatorUrl')`. */
export const PROVIDE_KEY = 'tokenApiEmulatorUrl';
/** Also set in `process.env` for the test workers (and restored at teardown). */
export const URL_ENV = 'TOKEN_API_EMULATOR_URL';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The standalone emulator's `http://127.0.0.1:PORT`, from `token-api-emulator/vitest/global-setup`. */
    tokenApiEmulatorUrl: string;
  }
}

export interface GlobalSetupOptions extends EmulatorOptions {
  /** Port to listen on (default 0: a free port). */
  port?: number;
  /** Address to bind (default `127.0.0.1`). */
  host?: string;
  /** Called with the running emulator once it listens (e.g. to seed it through `emulator.<vendor>`). */
  onReady?: (emulator: Emulator, url: string) => void | Promise<void>;
}

/**
 * What Vitest passes to a global setup function: the `TestProject` in Vitest ≥ 3, `{ provide }` in Vitest 2.
 * Typed structurally so that this module needs no Vitest types at run time.
 */
export interface GlobalSetupContext {
  provide(key: typeof PROVIDE_KEY, value: string): void;
  /** Vitest ≥ 3 in watch mode: the emulator is reset to its fixtures before each rerun. */
  onTestsRerun?(callback: () => void | Promise<void>): void;
}

export type GlobalSetup = (context: GlobalSetupContext) => Promise<() => Promise<void>>;

/** A global setup function with these options; export it as the default of your global setup file. */
export function createGlobalSetup(options: GlobalSetupOptions = {}): GlobalSetup {
  return async function tokenApiEmulatorGlobalSetup(context) {
    const { port = 0, host = '127.0.0.1', onReady, ...emulatorOptions } = options;
    const emulator = createEmulator(emulatorOptions);
    const server = await emulator.listen({ port, host });
    const previous = process.env[URL_ENV];
    process.env[URL_ENV] = server.url;
    context.provide(PROVIDE_KEY, server.url);
    context.onTestsRerun?.(() => emulator.reset());
    await onReady?.(emulator, server.url);
    return async function teardown() {
      if (previous === undefined) delete process.env[URL_ENV];
      else process.env[URL_ENV] = previous;
      await server.close();
    };
  };
}

/**
 * Options from the environment, with the same names as the CLI's: `TOKEN_API_EMULATOR_FIXTURES` (a fixture file),
 * `TOKEN_API_EMULATOR_VENDORS` (comma-separated), `TOKEN_API_EMULATOR_PORT` (default 0), `TOKEN_API_EMULATOR_HOST`.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): GlobalSetupOptions {
  const options: GlobalSetupOptions = {};
  if (env.TOKEN_API_EMULATOR_FIXTURES) options.fixtures = env.TOKEN_API_EMULATOR_FIXTURES;
  if (env.TOKEN_API_EMULATOR_VENDORS)
    options.vendors = env.TOKEN_API_EMULATOR_VENDORS.split(',').map((v) => v.trim()).filter(Boolean);
  if (env.TOKEN_API_EMULATOR_PORT) {
    const port = Number(env.TOKEN_API_EMULATOR_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`TOKEN_API_EMULATOR_PORT must be a port number, got "${env.TOKEN_API_EMULATOR_PORT}"`);
    options.port = port;
  }
  if (env.TOKEN_API_EMULATOR_HOST) options.host = env.TOKEN_API_EMULATOR_HOST;
  return options;
}

/** `globalSetup: ['token-api-emulator/vitest/global-setup']`: the default fixtures, or what the environment says. */
export default function globalSetup(context: GlobalSetupContext): Promise<() => Promise<void>> {
  return createGlobalSetup(optionsFromEnv())(context);
}
