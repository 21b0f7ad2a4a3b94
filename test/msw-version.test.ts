/**
 * Which msw the MSW front door runs on in this run: msw 2 normally, msw 3 with `MSW_MAJOR=3` (vitest.config.ts
 * aliases `msw` to the `msw3` npm alias). `.ci/run` runs the MSW suites both ways; this file proves the switch
 * really reaches src/msw.ts, so a green msw 3 run cannot be msw 2 in disguise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';
import { toMswHandlers } from '../src/msw.js';
import { useEmulator } from '../src/vitest.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const major = process.env.MSW_MAJOR === '3' ? 3 : 2;
const packageDir = (m: number) => join(root, 'node_modules', m === 3 ? 'msw3' : 'msw');
const coreEntry = (m: number) => pathToFileURL(join(packageDir(m), 'lib/core', m === 3 ? 'index.js' : 'index.mjs')).href;

describe(`msw ${major}`, () => {
  const emulator = useEmulator({ vendors: ['rackspace'] });

  it('is the msw that `msw` resolves to in this run', async () => {
    const pkg = (await import('msw/package.json', { with: { type: 'json' } })).default as { name: string; version: string };
    expect(pkg.name).toBe('msw');
    expect(Number(pkg.version.split('.')[0])).toBe(major);
    const installed = JSON.parse(readFileSync(join(packageDir(major), 'package.json'), 'utf8')).version;
    expect(pkg.version).toBe(installed);
  });

  it('builds the handlers of src/msw.ts, and not the other major', async () => {
    const handlers = toMswHandlers(createEmulator({ vendors: ['rackspace'] }));
    const mine = await import(coreEntry(major));
    const other = await import(coreEntry(major === 3 ? 2 : 3));
    expect(mine.HttpHandler).not.toBe(other.HttpHandler);
    for (const h of handlers) {
      expect(h).toBeInstanceOf(mine.HttpHandler);
      expect(h).not.toBeInstanceOf(other.HttpHandler);
    }
  });

  it('is the msw behind useEmulator() (src/vitest.ts), which answers vendor requests through it', async () => {
    const mine = await import(coreEntry(major));
    const other = await import(coreEntry(major === 3 ? 2 : 3));
    const handlers = emulator.server.listHandlers();
    expect(handlers.length).toBeGreaterThan(0);
    for (const h of handlers) {
      expect(h).toBeInstanceOf(mine.HttpHandler);
      expect(h).not.toBeInstanceOf(other.HttpHandler);
    }
    const res = await fetch('https://monitoring.api.rackspacecloud.com/v1.0/123456/agent_tokens');
    expect(res.status).toBe(401);
    expect((await res.json()).type).toBe('unauthorizedError');
  });

  it.runIf(major === 3)('runs on Node ≥ 22.12, as msw 3 requires', () => {
    const [maj, min] = process.versions.node.split('.').map(Number);
    expect(maj > 22 || (maj === 22 && min >= 12)).toBe(true);
  });
});
