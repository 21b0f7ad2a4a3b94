import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig, type Plugin } from 'vitest/config';

// MSW_MAJOR=3 runs the suites against msw 3 (the `msw3` npm alias, Node ≥ 22.12): every import of `msw` and
// `msw/*`, including src/msw.ts's, resolves to it. test/msw-version.test.ts checks which one was loaded.
const msw3 = process.env.MSW_MAJOR === '3';

// `#platform` (package.json `imports`) points at dist/; the sources under test take the Node variant's source
// instead, so src/ never mixes with dist/ modules (the package's own files, reached by its name, keep dist/).
const platformSource = fileURLToPath(new URL('./src/platform/node.ts', import.meta.url));
const srcDir = fileURLToPath(new URL('./src/', import.meta.url));
const platformFromSource: Plugin = {
  name: 'platform-from-source',
  enforce: 'pre',
  resolveId: (id, importer) => (id === '#platform' && importer?.startsWith(srcDir) ? platformSource : undefined),
};

export default defineConfig({
  plugins: [platformFromSource],
  resolve: msw3 ? { alias: [{ find: /^msw(\/.*)?$/, replacement: 'msw3$1' }] } : {},
  test: {
    include: ['test/**/*.test.ts', 'examples/app/**/*.test.ts'],
    // test/fixtures/ holds whole projects that test/vitest-helpers.test.ts runs with a nested Vitest; test/browser/
    // (npm run test:browser) and test/dashboard-browser/ (npm run test:dashboard) need chromium: their own runs.
    exclude: [...configDefaults.exclude, 'test/fixtures/**', 'test/browser/**', 'test/dashboard-browser/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
