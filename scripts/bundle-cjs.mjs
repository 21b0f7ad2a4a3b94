// The CommonJS build (dist/cjs/*.cjs) for `require('token-api-emulator')`, which Jest's default runtime needs: its
// module registry cannot load ES modules, not even on a Node with require(esm). One esbuild bundle per entry with
// the ESM-only dependencies (jose, lowdb) inlined; Node's built-ins, msw and @prefactor/pfid (CommonJS) stay
// external. The ES module build (tsc's dist/*.js) stays the primary one; the CLI uses neither (dist/bin/).
// Run by `npm run build`.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

rmSync(new URL('../dist/cjs', import.meta.url), { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  outExtension: { '.js': '.cjs' },
  outdir: 'dist/cjs',
  logLevel: 'warning',
  legalComments: 'linked',
  external: ['msw', 'msw/*', '@prefactor/pfid'],
  // The modules find the shipped fixtures and require() from import.meta.url; dist/cjs/ sits at the same depth as
  // dist/core/, so the same relative paths hold.
  define: { 'import.meta.url': '__tae_import_meta_url' },
  banner: { js: "const __tae_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};

await build({ ...common, entryPoints: { index: 'src/index.ts', msw: 'src/msw.ts' } });
// The global setup uses the emulator of index.cjs rather than a second copy of it.
await build({
  ...common,
  entryPoints: { 'vitest-global-setup': 'src/vitest-global-setup.ts' },
  plugins: [
    {
      name: 'index-cjs',
      setup(b) {
        b.onResolve({ filter: /^\.\/index\.js$/ }, () => ({ path: './index.cjs', external: true }));
      },
    },
  ],
});

// Types for the CommonJS entries: tsc's declarations again as .d.cts (relative imports renamed to .cjs), so that
// TypeScript with `module: node16` in a CommonJS project does not see ES module types behind `require`.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
for (const rel of readdirSync(dist, { recursive: true })) {
  if (!rel.endsWith('.d.ts') || rel.startsWith('cjs') || rel.startsWith('bin')) continue;
  // Every relative specifier: imports, re-exports, import() types and `declare module` augmentations.
  const text = readFileSync(join(dist, rel), 'utf8').replace(/(['"])(\.{1,2}\/[^'"]*?)\.js\1/g, '$1$2.cjs$1');
  const out = join(dist, 'cjs/types', rel.replace(/\.d\.ts$/, '.d.cts'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
}
