import { defineConfig } from 'vitest/config';

// The browser suite (scripts/test-browser.sh builds the example, then runs this): kept out of `npm test` because it
// needs the packed package, the npm registry and Chromium.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
