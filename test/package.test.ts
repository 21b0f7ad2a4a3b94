/** The package's shape as a user installs it: entry points, and msw kept out of the core and the CLI. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.js') ? [join(dir, d.name)] : [],
  );
}

describe('package', () => {
  it('declares ESM, the engines, both entry points, the bin and msw as an optional peer', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toBe('>=20.19');
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
    expect(pkg.exports['./msw'].default).toBe('./dist/msw.js');
    expect(pkg.bin['token-api-emulator']).toBe('bin/token-api-emulator.js');
    expect(pkg.peerDependencies.msw).toBe('^2.12.0 || ^3.0.0');
    expect(pkg.peerDependenciesMeta.msw.optional).toBe(true);
    expect(pkg.dependencies.msw).toBeUndefined();
  });

  it('imports msw only from dist/msw.js (the main entry and the CLI never load it)', () => {
    const importers = files(join(root, 'dist'))
      .filter((f) => /from ['"]msw|import\(['"]msw/.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(join(root, 'dist').length + 1));
    expect(importers).toEqual(['msw.js']);
  });

  it('loads the main entry without msw in the module graph', async () => {
    const mod = await import('../dist/index.js');
    expect(typeof mod.createEmulator).toBe('function');
  });
});
