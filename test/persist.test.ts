/** `--persist` and `--watch` on the real executable: state survives SIGKILL; fixture edits reload. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, stopAll } from './support/cli.js';

afterEach(stopAll);

const start = (args: string[]) => startCli(['--port', '0', '--quiet', ...args]);

const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' };
async function login(base: string) {
  const res = await fetch(`${base}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE } }),
  });
  return (await res.json()).access.token.id as string;
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

describe('--persist', () => {
  it('keeps every acknowledged create across a SIGKILL during a burst', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tae-persist-'));
    const file = join(dir, 'state.json');
    const first = start(['--persist', file]);
    const base = await first.url;
    const token = await login(base);
    const acknowledged: string[] = [];
    let killed = false;
    const worker = async (w: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const res = await fetch(`${base}/v1.0/123456/agent_tokens`, {
            method: 'POST',
            headers: { 'x-auth-token': token, 'content-type': 'application/json' },
            body: JSON.stringify({ label: `burst-${w}-${i}` }),
          });
          if (res.status === 201) acknowledged.push(res.headers.get('x-object-id')!);
        } catch {
          return; // the process died under us: this create was never acknowledged
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    await waitFor(() => acknowledged.length >= 25);
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    await first.exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(25);

    // The file is whole, valid JSON after the kill.
    expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    const second = start(['--persist', file]);
    const base2 = await second.url;
    const list = await (await fetch(`${base2}/v1.0/123456/agent_tokens?limit=1000`, { headers: { 'x-auth-token': await login(base2) } })).json();
    const ids = new Set(list.values.map((v: { id: string }) => v.id));
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    // The identity token issued before the kill is part of the state too.
    expect((await fetch(`${base2}/v1.0/123456/agent_tokens`, { headers: { 'x-auth-token': token } })).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('refuses a persisted file that is not valid state, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tae-persist-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, JSON.stringify({ rackspace: { users: [{ username: 1 }] } }));
    const p = start(['--persist', file]);
    expect(await p.exited).toBe(2);
    expect(p.err()).toContain('rackspace.users[0].username: expected a string');
  });
});

describe('--watch', () => {
  it('reloads the fixtures file when it changes, and keeps the state on an invalid edit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tae-watch-'));
    const file = join(dir, 'fixtures.json');
    const fixture = (label: string) => ({
      rackspace: {
        users: [{ username: 'alice', apiKey: ALICE.apiKey, tenantId: '123456', roles: ['monitoring:admin'] }],
        agentTokens: [{ tenantId: '123456', id: `${'a'.repeat(64)}.123456`, token: `${'a'.repeat(64)}.123456`, label }],
      },
    });
    writeFileSync(file, JSON.stringify(fixture('first')));
    const p = start(['--fixtures', file, '--watch', '--vendors', 'rackspace']);
    const base = await p.url;
    // A reload replaces the whole state, identity tokens included: one landing between the login and the list
    // answers 401, and the client logs in again.
    const label = async (): Promise<string> => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${base}/v1.0/123456/agent_tokens`, { headers: { 'x-auth-token': await login(base) } });
        if (res.status === 401 && attempt < 3) continue;
        return (await res.json()).values[0].label;
      }
    };
    expect(await label()).toBe('first');
    await new Promise((r) => setTimeout(r, 1100)); // a different mtime second on coarse file systems
    writeFileSync(file, JSON.stringify(fixture('second')));
    await waitFor(async () => (await label()) === 'second');
    expect(p.out()).toContain(`reloaded ${file}`);
    writeFileSync(file, '{"rackspace": {"users": 5}}');
    await waitFor(() => p.err().includes('keeping the previous state'));
    expect(p.err()).toContain('rackspace.users: expected an array');
    expect(await label()).toBe('second');
  });
});

describe('control plane security', () => {
  it('refuses to serve on a non-loopback address without --admin-token', async () => {
    const p = start(['--host', '0.0.0.0']);
    expect(await p.exited).toBe(2);
    expect(p.err()).toMatch(/without --admin-token/);
  });

  it('serves off loopback with --admin-token and requires it on /__emulator/*', async () => {
    const p = start(['--host', '0.0.0.0', '--admin-token', 'tok']);
    const url = (await p.url).replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(`${url}/__emulator/health`)).status).toBe(401);
    expect((await fetch(`${url}/__emulator/health`, { headers: { authorization: 'Bearer tok' } })).status).toBe(200);
  });
});
