import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../src/index.js';
import { curlCommand, shellQuote } from '../src/dashboard/curl.js';
import { maskRecord } from '../src/dashboard/mask.js';
import { describeDoors } from './support/doors.js';
import { send } from './support/raw-http.js';

/** A GET with any Host and Origin (fetch may not set Host); the path goes out as written. */
const raw = (base: string, path: string, headers: Record<string, string> = {}) => send(base, path, { headers });

const LOGIN = JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' } } });

describeDoors('the journal, long polled (GET /__emulator/requests?after=&wait=)', (door) => {
  const requests = (query: string) => fetch(`${door.control()}/__emulator/requests${query}`);
  const login = () =>
    fetch(`${door.origin('rackspace', 'identity')}/v2.0/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: LOGIN });

  it('answers at once with the entries after an id, and lastId/firstId', async () => {
    await login();
    await login();
    const all = await (await requests('')).json();
    expect(all).toMatchObject({ count: 2, firstId: all.requests[0].id, lastId: all.requests[1].id });
    const after = await (await requests(`?after=${all.requests[0].id}&wait=10000`)).json();
    expect(after.requests.map((e: { id: number }) => e.id)).toEqual([all.requests[1].id]);
  });

  it('holds the answer until a newer entry is recorded, then answers with it', async () => {
    const { lastId } = await (await requests('')).json();
    let settled = false;
    const pending = requests(`?after=${lastId}&wait=30000`).then(async (r) => {
      settled = true;
      return r.json();
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    await login();
    const answer = await pending; // long before the 30 s wait (the test's own timeout is 20 s)
    expect(answer.requests).toHaveLength(1);
    expect(answer.requests[0]).toMatchObject({ id: lastId + 1, operation: 'identity.tokens.create', status: 200 });
    expect(answer.requests[0].requestBody.auth['RAX-KSKEY:apiKeyCredentials'].apiKey).toBe('[REDACTED]');
  });

  it('answers a held request when the journal is cleared (reset), with firstId past every old entry', async () => {
    await login();
    const { lastId } = await (await requests('')).json();
    const pending = requests(`?after=${lastId}&wait=30000`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`${door.control()}/__emulator/reset`, { method: 'POST' })).status).toBe(204);
    const answer = await pending;
    expect(answer).toMatchObject({ count: 0, requests: [], lastId });
    expect(answer.firstId).toBeGreaterThan(lastId);
  });

  it('answers an empty list after the wait when nothing happens', async () => {
    const { lastId } = await (await requests('')).json();
    expect(await (await requests(`?after=${lastId}&wait=20`)).json()).toMatchObject({ count: 0, requests: [], lastId });
  });

  it('refuses a bad after or wait with 400, nothing held', async () => {
    for (const q of ['?after=-1', '?after=x', '?after=1.5', '?wait=30001', '?wait=abc', '?wait=-5', `?after=${'9'.repeat(17)}`]) {
      const res = await requests(q);
      expect(res.status, q).toBe(400);
      expect((await res.json()).error).toBe('bad_request');
    }
  });
});

describe('the dashboard page (GET /__emulator/)', () => {
  let emulator: Emulator;
  let server: RunningServer;
  beforeAll(async () => {
    emulator = createEmulator();
    server = await emulator.listen({ port: 0 });
  });
  afterAll(() => server.close());

  it('answers the page and its assets with a strict content security policy', async () => {
    for (const path of ['/__emulator/', '/__emulator']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const html = await res.text();
      const config = JSON.parse(/<script type="application\/json" id="tae-config">(.*?)<\/script>/s.exec(html)![1]);
      expect(config.adminToken).toBe(false);
      expect(config.journalLimit).toBe(1000);
      expect(config.vendors.map((v: { name: string }) => v.name)).toEqual(emulator.vendors);
      expect(config.vendors.find((v: { name: string }) => v.name === 'rackspace').stateSecrets.identityTokens).toEqual(['id']);
    }
    for (const [asset, type] of [['app.js', 'text/javascript'], ['app.css', 'text/css'], ['icon.svg', 'image/svg+xml']]) {
      const res = await fetch(`${server.url}/__emulator/assets/${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect((await res.text()).length).toBeGreaterThan(100);
    }
    const head = await fetch(`${server.url}/__emulator/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('answers 404 for anything else under assets, whatever the path tricks', async () => {
    for (const path of ['/__emulator/assets/nope.js', '/__emulator/assets/index.html', '/__emulator/assets/', '/__emulator/assets/%2e%2e%2fpackage.json', '/__emulator/assets/..%2F..%2Fpackage.json']) {
      const res = await raw(server.url, path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.text).error).toBe('not_found');
    }
    // Other methods on the page's path are the control plane's: no such endpoint.
    expect((await fetch(`${server.url}/__emulator/`, { method: 'POST' })).status).toBe(404);
  });

  it('refuses a foreign Host (DNS rebinding) or Origin with 403; loopback names and its own origin pass', async () => {
    const port = server.port;
    const foreign: Record<string, string>[] = [{ host: `evil.example:${port}` }, { host: `127.0.0.1.evil.example:${port}` }, { origin: 'http://evil.example' }, { origin: `http://localhost:${port + 1}` }];
    for (const headers of foreign) {
      const res = await raw(server.url, '/__emulator/', headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(res.text)).toMatchObject({ error: 'forbidden' });
      expect((await raw(server.url, '/__emulator/assets/app.js', headers)).status).toBe(403);
    }
    const own: Record<string, string>[] = [{ host: `localhost:${port}` }, { host: `[::1]:${port}` }, { origin: `http://127.0.0.1:${port}` }, { host: `localhost:${port}`, origin: `http://localhost:${port}` }];
    for (const headers of own)
      expect((await raw(server.url, '/__emulator/', headers)).status, JSON.stringify(headers)).toBe(200);
  });

  it('with an admin token: the page loads without it (it asks), every endpoint it calls still needs it', async () => {
    const guarded = createEmulator({ adminToken: 's3cret' });
    const s = await guarded.listen({ port: 0 });
    try {
      const page = await fetch(`${s.url}/__emulator/`);
      expect(page.status).toBe(200);
      expect((await page.text()).includes('"adminToken":true')).toBe(true);
      expect((await fetch(`${s.url}/__emulator/assets/app.js`)).status).toBe(200);
      for (const path of ['/health', '/requests?after=0&wait=10', '/state', '/faults', '/clock', '/rate-limits'])
        expect((await fetch(`${s.url}/__emulator${path}`)).status, path).toBe(401);
      expect((await fetch(`${s.url}/__emulator/requests`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('start-up pays nothing for the dashboard', () => {
  it('the CLI bundle loads its server code only on the first page request (a chunk of its own)', () => {
    const dir = new URL('../dist/bin/', import.meta.url);
    const read = (f: string) => readFileSync(new URL(f, dir), 'utf8');
    // Everything cli.js loads at start-up: its static imports, transitively (dynamic ones are `import("…")`).
    const seen = new Set<string>();
    const visit = (f: string) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const [, dep] of read(f).matchAll(/(?:from|import)\s*"\.\/([^"]+)"/g)) visit(dep);
    };
    visit('cli.js');
    expect(seen.size).toBeGreaterThan(1);
    for (const f of seen) expect(read(f), f).not.toContain('The dashboard is not built');
    const lazy = readdirSync(dir).filter((f) => f.endsWith('.js') && read(f).includes('The dashboard is not built'));
    expect(lazy).toHaveLength(1);
    expect([...seen].some((f) => read(f).includes(`import("./${lazy[0]}")`))).toBe(true);
  });
});

describe('copy as curl', () => {
  const origin = 'http://127.0.0.1:4020';

  it('turns redacted secrets into placeholders, digest into --digest -u, and skips hop-by-hop headers', () => {
    const cmd = curlCommand(
      {
        method: 'POST',
        path: '/v1.0/123456/agent_tokens',
        query: { a: ['1', '2'], b: 'x y' },
        requestHeaders: { host: '127.0.0.1:4020', 'content-length': '10', 'x-auth-token': '[REDACTED]', 'content-type': 'application/json' },
        requestBody: { label: "it's", nested: { apiKey: '[REDACTED]' } },
      },
      origin,
    );
    expect(cmd).toBe(
      [
        `curl -X POST 'http://127.0.0.1:4020/v1.0/123456/agent_tokens?a=1&a=2&b=x+y'`,
        `-H 'x-auth-token: <x-auth-token>'`,
        `-H 'content-type: application/json'`,
        `--data-raw '{"label":"it'\\''s","nested":{"apiKey":"<apiKey>"}}'`,
      ].join(' \\\n  '),
    );
    const digest = curlCommand(
      { method: 'GET', path: '/api/public/v1.0/groups/g/agentapikeys', query: {}, requestHeaders: { authorization: 'Digest username="ownerkey", realm="MMS Public API", uri="/x", response=[REDACTED]' }, requestBody: null },
      origin,
    );
    expect(digest).toBe(`curl http://127.0.0.1:4020/api/public/v1.0/groups/g/agentapikeys \\\n  --digest -u 'ownerkey:<password>'`);
    const bearer = curlCommand({ method: 'GET', path: '/api/v1/api_token', query: { 'pagination[offset]': '0' }, requestHeaders: { authorization: 'Bearer [REDACTED]' }, requestBody: null }, origin);
    expect(bearer.split(' \\\n  ')).toEqual([`curl -g 'http://127.0.0.1:4020/api/v1/api_token?pagination[offset]=0'`, `-H 'authorization: Bearer <token>'`]);
  });

  it('quotes any text so that the shell reads it back unchanged (property, through bash)', () => {
    // One bash run for all samples: each quoted string is printed back NUL-terminated.
    const samples = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/\0/g, '')), 300);
    samples.push("'", "''", 'a b', '$(id)', '`id`', '\\', '\n', '!', '*', '~', '#x', '-H');
    const out = execFileSync('bash', ['-c', `printf '%s\\0' ${samples.map(shellQuote).join(' ')}`], { maxBuffer: 1 << 24 }).toString('utf8');
    expect(out.split('\0').slice(0, -1)).toEqual(samples);
  });
});

describe('state masking', () => {
  it('masks declared secrets (long ones keep a short prefix) and whatever the journal would redact', () => {
    const id = 'a'.repeat(64) + '.123456';
    expect(maskRecord({ id, token: id, label: 'web', tenantId: '123456' }, ['id', 'token'])).toEqual({
      id: 'aaaaaa… [REDACTED]',
      token: '[REDACTED]',
      label: 'web',
      tenantId: '123456',
    });
    expect(maskRecord({ id: 'short', username: 'alice' }, ['id'])).toEqual({ id: '[REDACTED]', username: 'alice' });
    expect(maskRecord({ password: 'p', apiKey: 'k', other: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', none: null }, [])).toEqual({
      password: '[REDACTED]',
      apiKey: '[REDACTED]',
      other: '[REDACTED]',
      none: null,
    });
    expect(maskRecord({ id: null }, ['id'])).toEqual({ id: null });
  });

  it('every secret of every vendor in the default fixtures is masked', () => {
    const emulator = createEmulator();
    const secrets = new Set<string>();
    const state = emulator.snapshot() as Record<string, Record<string, Record<string, unknown>[]>>;
    for (const def of emulator.definitions)
      for (const [collection, fields] of Object.entries(def.secrets?.state ?? {}))
        for (const r of state[def.name][collection] ?? []) for (const f of fields) if (typeof r[f] === 'string') secrets.add(r[f] as string);
    expect(secrets.size).toBeGreaterThan(10);
    const shown = JSON.stringify(
      emulator.definitions.map((def) =>
        Object.entries(state[def.name]).map(([c, records]) => records.map((r) => maskRecord(r, def.secrets?.state?.[c]))),
      ),
    );
    for (const s of secrets) expect(shown).not.toContain(s);
  });
});
