/**
 * Jest with the emulator, two ways (ESM, so run with `node --experimental-vm-modules`; see the README):
 * - globalSetup/globalTeardown start one standalone emulator for the run; tests read TOKEN_API_EMULATOR_URL;
 * - setupFilesAfterEnv gives every test file its own emulator behind MSW (setup-msw.js).
 */
export default {
  testEnvironment: 'node',
  transform: {},
  testMatch: ['<rootDir>/*.test.js'],
  globalSetup: '<rootDir>/global-setup.js',
  globalTeardown: '<rootDir>/global-teardown.js',
  setupFilesAfterEnv: ['<rootDir>/setup-msw.js'],
};
