import { defineConfig } from 'vitest/config';

// The dashboard in a real browser (Debian's chromium through playwright-core): `npm run test:dashboard`, after a build.
// Its own directory: test/browser/ is the MSW worker's browser suite (`npm run test:browser`).
export default defineConfig({
  test: {
    include: ['test/dashboard-browser/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
