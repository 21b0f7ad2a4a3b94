import { configDefaults, defineConfig } from 'vitest/config';

// MSW_MAJOR=3 runs the suites against msw 3 (the `msw3` npm alias, Node ≥ 22.12): every import of `msw` and
// `msw/*`, including src/msw.ts's, resolves to it. test/msw-version.test.ts checks which one was loaded.
const msw3 = process.env.MSW_MAJOR === '3';

export default defineConfig({
  resolve: msw3 ? { alias: [{ find: /^msw(\/.*)?$/, replacement: 'msw3$1' }] } : {},
  test: {
    include: ['test/**/*.test.ts', 'examples/app/**/*.test.ts'],
    // test/fixtures/ holds whole projects that test/vitest-helpers.test.ts runs with a nested Vitest.
    // test/dashboard-browser/ needs chromium: its own run (`npm run test:dashboard`).
    exclude: [...configDefaults.exclude, 'test/fixtures/**', 'test/dashboard-browser/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
