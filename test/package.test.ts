/** The package's shape as a user installs it: entry points, and msw kept out of the core and the CLI. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * The modules reachable from an entry of dist/ (static and dynamic imports), the package's own `#platform` resolved
 * under `conditions` like a bundler or Node would, and the bare packages and built-ins they import.
 */
function importGraph(conditions: string[]) {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
      else if (spec.startsWith('#')) {
        const targets = pkg.imports[spec];
        visit(join(root, targets[conditions.find((c) => c in targets) ?? 'default']));
      } else bare.add(spec.startsWith('node:') ? spec : spec.split('/')[0].startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  };
  return { seen, bare, visit };
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

  it('never reaches msw from the main entry or the CLI (static and dynamic imports followed)', () => {
    const { seen, bare, visit } = importGraph(['default']);
    visit(join(root, 'dist/index.js'));
    visit(join(root, 'dist/cli.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...bare].filter((b) => b === 'msw' || b === 'vitest')).toEqual([]);
    // The bundled executable (dist/bin/) carries no msw either.
    for (const f of readdirSync(join(root, 'dist/bin')).filter((f) => f.endsWith('.js')))
      expect(readFileSync(join(root, 'dist/bin', f), 'utf8')).not.toMatch(/@mswjs|from ?["']msw/);
    // …while the MSW entry does use it.
    expect(readFileSync(join(root, 'dist/msw.js'), 'utf8')).toMatch(/from ['"]msw['"]/);
  });

  it('has a CommonJS build under the require condition with the ES build\'s exports, msw only in the MSW entry', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(join(root, 'package.json'));
    for (const [entry, esm] of [['.', 'dist/index.js'], ['./msw', 'dist/msw.js'], ['./vitest/global-setup', 'dist/vitest-global-setup.js']]) {
      expect(pkg.exports[entry].require.default).toMatch(/^\.\/dist\/cjs\/.+\.cjs$/);
      expect(existsSync(join(root, pkg.exports[entry].require.types))).toBe(true);
      const cjs = require(join(root, pkg.exports[entry].require.default));
      expect(Object.keys(cjs).sort()).toEqual(Object.keys(await import(join(root, esm))).sort());
    }
    expect(readFileSync(join(root, 'dist/cjs/index.cjs'), 'utf8')).not.toMatch(/require\(["']msw/);
    // The CommonJS global setup shares index.cjs's emulator rather than bundling a second one.
    expect(readFileSync(join(root, 'dist/cjs/vitest-global-setup.cjs'), 'utf8')).toMatch(/require\(["']\.\/index\.cjs["']\)/);
    const { createEmulator } = require(join(root, pkg.exports['.'].require.default));
    const server = await createEmulator().listen({ port: 0 });
    try {
      const res = await fetch(`${server.url}/api/v1/ping`, { headers: { authorization: 'Bearer pf_test_acme_account_active' } });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('bundles for browsers: under the `browser` condition, nothing reached from the entries needs Node', () => {
    const browser = importGraph(['browser', 'import', 'default']);
    browser.visit(join(root, 'dist/index.js'));
    browser.visit(join(root, 'dist/msw.js'));
    expect([...browser.seen].some((f) => f.endsWith('platform/browser.js'))).toBe(true);
    expect([...browser.seen].filter((f) => f.endsWith('platform/node.js') || f.endsWith('core/server.js'))).toEqual([]);
    // jose has its own browser build; msw is the user's.
    expect([...browser.bare].sort()).toEqual(['jose', 'msw']);
    // …while Node keeps its native paths.
    const node = importGraph(['node', 'import', 'default']);
    node.visit(join(root, 'dist/index.js'));
    expect([...node.bare]).toEqual(expect.arrayContaining(['node:crypto', 'node:fs', 'node:module', 'node:net', 'lowdb']));
  });

  it('reaches Node only through #platform: no node: import, Buffer or process in src/ outside the Node-only files', () => {
    // The Node-only files: the platform's Node variant, the node:http front door, the CLI (and what it prints once
    // it listens, startup.ts) and the Vitest helpers.
    const nodeOnly = /^(platform\/node\.ts|core\/server\.ts|cli[^/]*\.ts|startup\.ts|vitest[^/]*\.ts)$/;
    const files = (readdirSync(join(root, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !nodeOnly.test(f.split('\\').join('/')));
    expect(files.length).toBeGreaterThan(20);
    const offending = files.flatMap((f) =>
      readFileSync(join(root, 'src', f), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\*|\*|\/\/)/.test(line)) // comments may name them
        .filter((line) => /from\s+['"]node:|import\(\s*['"]node:|\bBuffer\b|\bprocess\b/.test(line))
        .map((line) => `${f}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
  });

  it('loads the main entry without msw in the module graph', async () => {
    const mod = await import('../dist/index.js');
    expect(typeof mod.createEmulator).toBe('function');
  });
});
