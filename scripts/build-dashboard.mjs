// Builds the dashboard page (src/dashboard/) into dist/dashboard/: app.ts bundled and minified by esbuild (already
// the CLI's bundler), the HTML, CSS and icon copied. Served by src/core/dashboard.ts, read on first request.
// Run by `npm run build`.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const src = new URL('../src/dashboard/', import.meta.url);
const out = new URL('../dist/dashboard/', import.meta.url);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [new URL('app.ts', src).pathname],
  outfile: new URL('app.js', out).pathname,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome111', 'firefox115', 'safari16.4'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const name of ['index.html', 'app.css', 'icon.svg']) copyFileSync(new URL(name, src), new URL(name, out));
