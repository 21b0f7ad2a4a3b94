/** The real executable (bin/ → dist/): started as a user would, read from its stdout, stopped with a signal. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/token-api-emulator.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /^token-api-emulator listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    exited.then((code) => reject(new Error(`exited ${code} before listening: ${err}`)));
  });
  url.catch(() => undefined); // only a test that awaits the URL cares that it never came
  return { child, url, exited, output: () => out, errors: () => err };
}

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });

describe('token-api-emulator CLI', () => {
  it('prints the listening line with the real port, serves health, logs requests and exits 0 on SIGTERM', async () => {
    const p = start(['--port', '0']);
    const url = await p.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    const res = await fetch(`${url}/__emulator/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.vendors).toContain('rackspace');
    const notFound = await fetch(`${url}/nowhere`);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('content-type')).toMatch(/^application\/json/);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.output()).toMatch(/^GET \/__emulator\/health 200 /m);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('exits 0 on SIGINT, stays quiet with --quiet, and takes options from TOKEN_API_EMULATOR_* variables', async () => {
    const p = start([], { TOKEN_API_EMULATOR_PORT: '0', TOKEN_API_EMULATOR_QUIET: 'true', TOKEN_API_EMULATOR_VENDORS: 'rackspace' });
    const url = await p.url;
    expect((await (await fetch(`${url}/__emulator/health`)).json()).vendors).toEqual(['rackspace']);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.output().trim().split('\n')).toHaveLength(1);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });

  it('reports a port in use in one line and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = run(['--port', String(port)]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`token-api-emulator: cannot listen on 127.0.0.1:${port}: the address is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('rejects a wrong fixture file naming the file and the JSON path, exit 2, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tae-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        rackspace: {
          users: [
            { username: 'a', apiKey: 'k', tenantId: '1', roles: [] },
            { username: 'b', apiKey: 42, tenantId: '1', roles: [] },
          ],
        },
      }),
    );
    const r = run(['--fixtures', file, '--port', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('rackspace.users[1].apiKey: expected a string');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);

    writeFileSync(file, '{ not json');
    const r2 = run(['--fixtures', file]);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/not valid JSON/);
    const r3 = run(['--fixtures', join(dir, 'missing.json')]);
    expect(r3.status).toBe(2);
    expect(r3.stderr).toMatch(/cannot read the file \(ENOENT\)/);
  });

  it('rejects an unknown vendor and unknown options with exit 2', () => {
    const r = run(['--vendors', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown vendor "nope"/);
    expect(run(['--bogus']).status).toBe(2);
  });

  it('has --help and --version', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    for (const opt of ['--port', '--host', '--fixtures', '--vendors', '--quiet']) expect(help.stdout).toContain(opt);
    const version = run(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
