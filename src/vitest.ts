/**
 * `token-api-emulator/vitest`: `useEmulator()` gives one test file its own emulator, served through MSW at the
 * vendors' real URLs, reset to its fixtures after each test; `emulatorUrl()` reads the URL of the standalone
 * emulator started by `token-api-emulator/vitest/global-setup`. Needs `vitest` and `msw` (2.12+ or 3); uses only
 * their public APIs.
 */
import { setupServer, type SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from './index.js';
import { toMswHandlers, type MswOptions } from './msw.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The standalone emulator's `http://127.0.0.1:PORT`, from `token-api-emulator/vitest/global-setup`. */
    tokenApiEmulatorUrl: string;
  }
}

/** What msw does with a request no handler answers (requests to the vendors' hosts are always answered). */
export type OnUnhandledRequest = NonNullable<Parameters<SetupServer['listen']>[0]>['onUnhandledRequest'];

export interface UseEmulatorOptions extends EmulatorOptions, MswOptions {
  /** Passed to `server.listen()` (default `'error'`: a request to a host nobody emulates fails the test). */
  onUnhandledRequest?: OnUnhandledRequest;
}

/** The emulator of one test file, with the MSW server that serves it (for `server.use()`, `server.boundary()`). */
export type TestEmulator = Emulator & { readonly server: SetupServer };

/**
 * Call at the top of a test file (or inside a `describe`): creates an emulator from `options` and an MSW server
 * with its handlers; `beforeAll` starts intercepting, `afterEach` drops `server.use()` overrides and resets the
 * emulator to its fixtures, `afterAll` stops intercepting. Each call has its own state: files running in parallel,
 * or two calls in one file, never see each other's tokens.
 */
export function useEmulator(options: UseEmulatorOptions = {}): TestEmulator {
  const { baseUrls, controlUrl, onUnhandledRequest = 'error', ...emulatorOptions } = options;
  const emulator = createEmulator(emulatorOptions);
  const server = setupServer(...toMswHandlers(emulator, { baseUrls, controlUrl }));
  Object.defineProperty(emulator, 'server', { value: server, enumerable: false });

  beforeAll(() => {
    server.listen({ onUnhandledRequest, ...unhandledFrameOption(onUnhandledRequest) });
  });
  afterEach(() => {
    server.resetHandlers();
    emulator.reset();
  });
  afterAll(() => {
    server.close();
  });
  return emulator as TestEmulator;
}

/**
 * msw 3's `server.listen()` reads `onUnhandledFrame` and ignores `onUnhandledRequest` (msw 2's name), so a strategy
 * (`'error'`, `'warn'`, `'bypass'`) goes under both names; msw 2 ignores the new one. A callback keeps msw 2's
 * signature and is passed as `onUnhandledRequest` only (msw 3's callback takes `{ frame, defaults }`).
 */
function unhandledFrameOption(strategy: OnUnhandledRequest): object {
  return typeof strategy === 'string' ? { onUnhandledFrame: strategy } : {};
}

/** The standalone emulator's URL provided by `token-api-emulator/vitest/global-setup` (`inject('tokenApiEmulatorUrl')`). */
export function emulatorUrl(): string {
  const url = inject('tokenApiEmulatorUrl');
  if (!url)
    throw new Error(
      "token-api-emulator: no emulator URL was provided; add globalSetup: ['token-api-emulator/vitest/global-setup'] to the Vitest config",
    );
  return url;
}

// From the main entry, so that a project importing only this entry still gets every vendor's typed API
// (`emulator.rackspace`, …): the vendors declare them by augmentation in modules the main entry's types load.
export type { Emulator, EmulatorOptions, FixtureFile } from './index.js';
export type { MswOptions, BaseUrls } from './msw.js';
