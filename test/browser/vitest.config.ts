import { defineConfig } from 'vitest/config';

// The dashboard in a real browser (Debian's chromium through playwright-core): `npm run test:browser`, after a build.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
