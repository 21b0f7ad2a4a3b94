// Bundles the CLI into dist/bin/ (esbuild, code splitting): one file to load at start-up instead of ~100 modules,
// with what only some runs need (yargs for anything but plain options, persistence, Prefactor's JWT library) in
// chunks loaded on first use.
// The library entries (dist/index.js, dist/msw.js, …) stay tsc's unbundled output. Run by `npm run build`.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync(new URL('../dist/bin', import.meta.url), { recursive: true, force: true }); // no stale chunks

await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // `#platform` from the sources (package.json `imports`), so the bundle holds one copy of each module.
  conditions: ['token-api-emulator:source', 'module'],
  target: 'node20.19',
  minify: true,
  legalComments: 'linked',
  sourcemap: true,
  logLevel: 'warning',
  // Bundled CommonJS dependencies may call require() for Node's built-ins.
  banner: { js: "import { createRequire as __tae_cr } from 'node:module'; const require = __tae_cr(import.meta.url);" },
});
