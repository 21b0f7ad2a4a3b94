/**
 * What the executable prints once it listens (each vendor's base URL and where its credentials are), and that an
 * emulator started through npm stops when npm goes away (npm does not pass `kill $!` on).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/token-api-emulator.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/default.json', import.meta.url));
const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

/** Runs the executable until its banner is complete; returns the lines and the process. */
function start(args: string[], env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, [BIN, '--port', '0', ...args], {
    env: { ...process.env, npm_lifecycle_event: undefined, npm_command: undefined, ...env },
  });
  cleanup.push(() => child.exitCode === null && child.kill('SIGKILL'));
  let out = '';
  const banner = new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (/control plane .*\n/.test(out) || (args.includes('--quiet') && out.includes('\n'))) resolve(out.trimEnd().split('\n'));
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, banner };
}

describe('the start-up banner', () => {
  it('names each enabled vendor with its base URLs and credentials, and the fixture file', async () => {
    const { child, banner } = start([]);
    const lines = await banner;
    const url = /^token-api-emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0])![1];
    expect(lines.slice(1)).toEqual([
      `  rackspace   identity ${url}/v2.0, monitoring ${url}/v1.0/{tenantId}; credentials: rackspace.users (username + apiKey or password)`,
      `  prefactor   api ${url}/api/v1; credentials: prefactor.apiTokens[].token (Bearer)`,
      `  opsmanager  api ${url}/api/public/v1.0; credentials: opsmanager.apiKeys (publicKey + privateKey, HTTP Digest)`,
      `  credentials from ${FIXTURES}; control plane ${url}/__emulator/`,
    ]);
    // The printed base URLs answer.
    const ping = await fetch(`${url}/api/v1/ping`, { headers: { authorization: 'Bearer pf_test_acme_account_active' } });
    expect(ping.status).toBe(200);
    child.kill('SIGTERM');
  });

  it('lists only the enabled vendors, names the given fixture file, and is left out with --quiet', async () => {
    const one = start(['--vendors', 'opsmanager', '--fixtures', FIXTURES]);
    const lines = await one.banner;
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^ {2}opsmanager {2}api http:\/\/127\.0\.0\.1:\d+\/api\/public\/v1\.0; /);
    expect(lines[2]).toContain(`credentials from ${FIXTURES};`);
    const quiet = start(['--quiet']);
    expect(await quiet.banner).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(quiet.child.exitCode).toBe(null);
  });
});

describe('started through npm', () => {
  // A stand-in for npm: a parent that starts the emulator with npm's variables, prints its pid and is then killed
  // without passing anything on (what `kill $!` does to `npx token-api-emulator &`).
  const parentScript = (env: Record<string, string>) => `
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, [${JSON.stringify(BIN)}, '--port', '0', '--quiet'], {
      env: { ...process.env, ...${JSON.stringify(env)} }, stdio: ['ignore', 'inherit', 'inherit'] });
    console.log('child ' + child.pid);
    setInterval(() => {}, 1000);`;

  async function orphan(env: Record<string, string>) {
    const clean = { ...process.env, npm_lifecycle_event: undefined, npm_command: undefined };
    const parent = spawn(process.execPath, ['-e', parentScript(env)], { env: clean });
    let out = '';
    const listening = new Promise<number>((resolve) =>
      parent.stdout.on('data', (d) => {
        out += d;
        const pid = /child (\d+)/.exec(out);
        if (pid && /listening on/.test(out)) resolve(Number(pid[1]));
      }),
    );
    const pid = await listening;
    cleanup.push(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    });
    parent.kill('SIGKILL');
    return pid;
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const waitFor = async (check: () => boolean, ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end && !check(); ) await new Promise((r) => setTimeout(r, 50));
    return check();
  };

  it('stops when npm (its parent) is gone', async () => {
    const pid = await orphan({ npm_lifecycle_event: 'start', npm_command: 'start' });
    expect(await waitFor(() => !alive(pid), 5000)).toBe(true);
  });

  it('keeps running after its parent is gone when not started through npm (nohup, setsid …)', async () => {
    const pid = await orphan({});
    await new Promise((r) => setTimeout(r, 1500));
    expect(alive(pid)).toBe(true);
  });
});
