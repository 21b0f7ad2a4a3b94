/**
 * README's "Rotating credentials" walkthroughs, run as printed (curl, curl --digest, node for the JSON) against a
 * standalone server with the default fixtures: each `sh` block must print exactly the `text` block that follows it.
 * Only the origin is changed, from the README's `http://127.0.0.1:4020` to this server's.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type RunningServer } from '../src/index.js';
import { available, requireTool } from './support/tools.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('\n## Rotating credentials\n'), readme.indexOf('\n## ', readme.indexOf('\n## Rotating credentials\n') + 5));
const walkthroughs = [...section.matchAll(/\n### ([^\n]+)\n[\s\S]*?```sh\n([\s\S]*?)```\n\nPrints:\n\n```text\n([\s\S]*?)```/g)].map((m) => ({
  title: m[1],
  script: m[2],
  expected: m[3],
}));
const hasCurl = requireTool('curl', available('curl', ['--version']));

describe.skipIf(!hasCurl)('README: Rotating credentials, run as printed', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await createEmulator().listen({ port: 0 });
  });
  afterAll(() => server.close());

  it('has one walkthrough per vendor', () => {
    expect(walkthroughs.map((w) => w.title.split(':')[0])).toEqual(['Rackspace', 'Ops Manager', 'Prefactor']);
  });

  for (const w of walkthroughs)
    it(w.title, async () => {
      const script = w.script.replaceAll('http://127.0.0.1:4020', server.url);
      const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 60_000 });
      expect(stdout).toBe(w.expected);
    }, 120_000); // every `json` step starts a node process: slow on a busy machine
});
