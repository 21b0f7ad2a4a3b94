// MSW in a CommonJS Jest test. msw 2.15+ and 3 depend on an ES-module-only package (rettime), which Jest's module
// registry can require only on Node >= 24.9 with `NODE_OPTIONS=--experimental-vm-modules` (Jest's require(esm));
// on Node 20 or without the flag, `require('msw/node')` fails with "Must use import to load ES Module". CI runs this
// file on Node 24 with the flag (scripts/test-jest.sh); elsewhere use the standalone server (../standalone.test.cjs).
const { setupServer } = require('msw/node');
const { createEmulator } = require('token-api-emulator');
const { toMswHandlers } = require('token-api-emulator/msw');

const emulator = createEmulator();
const server = setupServer(...toMswHandlers(emulator));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  emulator.reset();
});
afterAll(() => server.close());

test('answers Prefactor at its real URL through MSW, and the emulator journals the call', async () => {
  const res = await fetch('https://app.prefactorai.com/api/v1/ping', {
    headers: { authorization: 'Bearer pf_test_acme_account_active' },
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'success', details: { token_type: 'api' } });
  expect(emulator.journal.list({ vendor: 'prefactor' })).toMatchObject([{ method: 'GET', path: '/api/v1/ping', status: 200 }]);
});
