// Every test file gets its own emulator behind MSW at the vendors' real URLs, reset after each test.
// Tests reach it as `globalThis.emulator` (for seeding and assertions).
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { setupServer } from 'msw/node';
import { createEmulator } from 'token-api-emulator';
import { toMswHandlers } from 'token-api-emulator/msw';

const emulator = createEmulator();
const server = setupServer(...toMswHandlers(emulator));
globalThis.emulator = emulator;
globalThis.mswServer = server;

beforeAll(() =>
  server.listen({
    // Anything else fails the test, except the standalone emulator of global-setup.js on 127.0.0.1.
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  }),
);
afterEach(() => {
  server.resetHandlers();
  emulator.reset();
});
afterAll(() => server.close());
