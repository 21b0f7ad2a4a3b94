/**
 * `token-api-emulator/vitest` as a test file uses it: `useEmulator()` (MSW, reset after each test,
 * `server.boundary()`), isolation between emulators and from fixture mutations, and — in a nested Vitest run of
 * the project in test/fixtures/vitest-project — the global setup and two files running in parallel workers.
 */
import { spawnSync } from 'node:child_process';
import { format } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator, type FixtureFile } from '../src/index.js';
import { toMswHandlers } from '../src/msw.js';
import { useEmulator } from '../src/vitest.js';
import { createGlobalSetup, optionsFromEnv } from '../src/vitest-global-setup.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const IDENTITY = 'https://identity.api.rackspacecloud.com';
const MONITORING = 'https://monitoring.api.rackspacecloud.com';
const ALICE_KEY = '0123456789abcdef0123456789abcdef';

function loginRequest(origin: string, username = 'alice', apiKey = ALICE_KEY): Request {
  return new Request(`${origin}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username, apiKey } } }),
  });
}

/**
 * Expects `request` to fail as a request MSW has no handler for. MSW reports it on console.error too; that report is
 * captured and checked here rather than printed, so the test output shows no error a test expects.
 */
async function expectUnhandled(request: Request | string): Promise<void> {
  const url = typeof request === 'string' ? request : request.url;
  const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
  let printed: string;
  try {
    await expect(fetch(request)).rejects.toThrow();
  } finally {
    printed = consoleError.mock.calls.map((args) => format(...args)).join('\n');
    consoleError.mockRestore(); // (which also forgets the calls)
  }
  expect(printed).toContain('[MSW] Error: intercepted a request without a matching request handler');
  expect(printed).toContain(url);
}

async function login(origin = IDENTITY): Promise<string> {
  const res = await fetch(loginRequest(origin));
  expect(res.status).toBe(200);
  return (await res.json()).access.token.id;
}

async function labels(monitoring: string, token: string, tenant = '123456'): Promise<(string | null)[]> {
  const res = await fetch(`${monitoring}/v1.0/${tenant}/agent_tokens?limit=1000`, { headers: { 'x-auth-token': token } });
  expect(res.status).toBe(200);
  return (await res.json()).values.map((t: { label: string | null }) => t.label);
}

async function create(monitoring: string, token: string, label: string): Promise<string> {
  const res = await fetch(`${monitoring}/v1.0/123456/agent_tokens`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ label }),
  });
  expect(res.status).toBe(201);
  return res.headers.get('x-object-id')!;
}

describe('useEmulator()', () => {
  const emulator = useEmulator();
  const fixtureLabels = emulator.rackspace.agentTokens.list('123456').map((t) => t.label);

  it('serves the vendors at their real URLs through MSW and returns the emulator for assertions', async () => {
    const token = await login();
    const id = await create(MONITORING, token, 'made-by-the-client');
    expect(emulator.rackspace.agentTokens.get(id)).toMatchObject({ id, label: 'made-by-the-client' });
    const seeded = emulator.rackspace.agentTokens.create({ tenantId: '123456', label: 'seeded-by-the-test' });
    expect(await labels(MONITORING, token)).toEqual(expect.arrayContaining(['made-by-the-client', 'seeded-by-the-test']));
    expect(seeded.id).toMatch(/^[0-9a-f]{64}\.123456$/);
  });

  it('resets to the fixtures after each test', async () => {
    expect(await labels(MONITORING, await login())).toEqual(fixtureLabels);
  });

  it('fails a request to a host nobody emulates (onUnhandledRequest: error by default)', async () => {
    await expectUnhandled('https://not-emulated.test/anything');
  });

  it('works with server.use() overrides, dropped after the test', async () => {
    emulator.server.use(http.post(`${IDENTITY}/v2.0/tokens`, () => HttpResponse.json({ overridden: true }, { status: 503 })));
    const res = await fetch(loginRequest(IDENTITY));
    expect(res.status).toBe(503);
  });

  it('answers from the emulator again after the override test', async () => {
    expect((await fetch(loginRequest(IDENTITY))).status).toBe(200);
  });

  it(
    'works with server.boundary(): an override inside one boundary does not reach a concurrent one',
    async () => {
      const server = emulator.server;
      let release!: () => void;
      const overrideInstalled = new Promise<void>((r) => (release = r));
      const [inside, outside] = await Promise.all([
        server.boundary(async () => {
          server.use(http.post(`${IDENTITY}/v2.0/tokens`, () => HttpResponse.json({ overridden: true }, { status: 503 })));
          release();
          return (await fetch(loginRequest(IDENTITY))).status;
        })(),
        server.boundary(async () => {
          await overrideInstalled;
          const res = await fetch(loginRequest(IDENTITY));
          return res.status === 200 && typeof (await res.json()).access.token.id === 'string' ? 200 : res.status;
        })(),
      ]);
      expect(inside).toBe(503);
      expect(outside).toBe(200);
      // And after both boundaries, the emulator answers again without resetHandlers().
      expect((await fetch(loginRequest(IDENTITY))).status).toBe(200);
    },
  );

  it('keeps a second emulator, served on the same MSW server at other origins, apart', async () => {
    const second = createEmulator({ vendors: ['rackspace'] });
    const [id2, mon2] = ['https://id.second.test', 'https://mon.second.test'];
    emulator.server.use(...toMswHandlers(second, { baseUrls: { rackspace: { identity: id2, monitoring: mon2 } }, controlUrl: false }));
    const first = await login();
    const other = await login(id2);
    await create(MONITORING, first, 'only-in-the-first');
    await create(mon2, other, 'only-in-the-second');
    expect(await labels(MONITORING, first)).toEqual([...fixtureLabels, 'only-in-the-first'].sort(byIdOrderOf(emulator)));
    const secondLabels = await labels(mon2, other);
    expect(secondLabels).toContain('only-in-the-second');
    expect(secondLabels).not.toContain('only-in-the-first');
    expect(second.rackspace.agentTokens.list('123456').map((t) => t.label)).not.toContain('only-in-the-first');
    // An identity token of one emulator means nothing to the other.
    const cross = await fetch(`${mon2}/v1.0/123456/agent_tokens`, { headers: { 'x-auth-token': first } });
    expect(cross.status).toBe(401);
  });
});

/** Sorts labels as the list endpoint does (by token id), using the emulator's own records. */
function byIdOrderOf(emulator: Emulator) {
  return (a: string | null, b: string | null) => {
    const ids = new Map(emulator.rackspace.agentTokens.list('123456').map((t) => [t.label, t.id]));
    return (ids.get(a) ?? '').localeCompare(ids.get(b) ?? '');
  };
}

describe('useEmulator({ fixtures, baseUrls })', () => {
  const emulator = useEmulator({
    vendors: ['rackspace'],
    baseUrls: { rackspace: { identity: 'https://id.rackspace.test', monitoring: 'https://mon.rackspace.test' } },
    fixtures: {
      rackspace: {
        users: [{ username: 'tess', apiKey: 'feedfacefeedfacefeedfacefeedface', tenantId: '777', roles: ['monitoring:admin'] }],
        agentTokens: [],
      },
    },
  });

  it('serves its own fixtures at the given origin', async () => {
    const res = await fetch(loginRequest('https://id.rackspace.test', 'tess', 'feedfacefeedfacefeedfacefeedface'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.access.serviceCatalog[0].endpoints[0].publicURL).toBe('https://mon.rackspace.test/v1.0/777');
    expect(await labels('https://mon.rackspace.test', body.access.token.id, '777')).toEqual([]);
    // The real hosts are not intercepted by this emulator.
    await expectUnhandled(loginRequest(IDENTITY, 'tess', 'feedfacefeedfacefeedfacefeedface'));
    expect(emulator.vendors).toEqual(['rackspace']);
  });
});

describe('isolation between emulators in one process', () => {
  const status = async (e: Emulator, username: string, apiKey: string) => (await e.handle(loginRequest('http://x', username, apiKey))).status;

  it('two emulators never share state', async () => {
    const a = createEmulator();
    const b = createEmulator();
    const server = await b.listen({ port: 0 });
    try {
      a.rackspace.agentTokens.create({ tenantId: '123456', label: 'in-a' });
      const token = (await (await fetch(loginRequest(server.url))).json()).access.token.id;
      const res = await fetch(`${server.url}/v1.0/123456/agent_tokens?limit=1000`, { headers: { 'x-auth-token': token } });
      const seen = (await res.json()).values.map((t: { label: string }) => t.label);
      expect(seen).not.toContain('in-a');
      expect(seen).toHaveLength(a.rackspace.agentTokens.list('123456').length - 1);
      // b's identity token is unknown to a.
      const onA = await a.handle(new Request('http://x/v1.0/123456/agent_tokens', { headers: { 'x-auth-token': token } }));
      expect(onA.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('deep-copies a fixture object: mutating it after creating emulators changes neither', async () => {
    const fixtures = JSON.parse(readFileSync(join(root, 'fixtures/default.json'), 'utf8')) as FixtureFile & {
      rackspace: { users: { apiKey: string; roles: string[] }[] };
    };
    const a = createEmulator({ fixtures });
    const b = createEmulator({ fixtures });
    fixtures.rackspace.users[0].apiKey = 'ffffffffffffffffffffffffffffffff';
    fixtures.rackspace.users[0].roles.length = 0;
    for (const e of [a, b]) {
      e.reset();
      expect(await status(e, 'alice', ALICE_KEY)).toBe(200);
      expect(await status(e, 'alice', 'ffffffffffffffffffffffffffffffff')).toBe(401);
    }
  });

  it('mutating one emulator’s `fixtures` or a returned record does not reach another emulator', async () => {
    const a = createEmulator();
    const b = createEmulator();
    const aliceInA = (a.fixtures as { rackspace: { users: { username: string; apiKey: string }[] } }).rackspace.users.find(
      (u) => u.username === 'alice',
    )!;
    aliceInA.apiKey = 'ffffffffffffffffffffffffffffffff';
    (a.rackspace.users.get('alice') as { apiKey: string }).apiKey = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
    b.reset();
    expect(await status(b, 'alice', ALICE_KEY)).toBe(200);
    expect(await status(createEmulator(), 'alice', ALICE_KEY)).toBe(200);

    const record = a.rackspace.agentTokens.create({ tenantId: '123456', label: 'original' });
    record.label = 'changed-by-the-test';
    expect(a.rackspace.agentTokens.get(record.id)?.label).toBe('original');
    expect(b.rackspace.agentTokens.get(record.id)).toBeUndefined();
  });

  it('a test that mutates a returned user does not change what the next test sees after reset()', async () => {
    const e = createEmulator();
    const alice = e.rackspace.users.get('alice') as { apiKey: string; roles: string[] };
    alice.apiKey = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
    alice.roles.push('monitoring:observer');
    e.reset();
    expect(await status(e, 'alice', ALICE_KEY)).toBe(200);
    expect(e.rackspace.users.get('alice')?.roles).toEqual(['monitoring:admin']);
  });
});

describe('createGlobalSetup() without Vitest', () => {
  it('listens on a free loopback port, provides the URL, sets TOKEN_API_EMULATOR_URL, and stops in teardown', async () => {
    const before = process.env.TOKEN_API_EMULATOR_URL;
    const provided: Record<string, string> = {};
    let rerun: (() => void | Promise<void>) | undefined;
    const teardown = await createGlobalSetup({ vendors: ['rackspace'] })({
      provide: (key, value) => void (provided[key] = value),
      onTestsRerun: (cb) => void (rerun = cb),
    });
    const url = provided.tokenApiEmulatorUrl;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env.TOKEN_API_EMULATOR_URL).toBe(url);
    const health = await (await fetch(`${url}/__emulator/health`)).json();
    expect(health.vendors).toEqual(['rackspace']);

    // A watch-mode rerun starts from the fixtures again.
    const token = (await (await fetch(loginRequest(url))).json()).access.token.id;
    await create(url, token, 'before-rerun');
    await rerun!();
    const again = (await (await fetch(loginRequest(url))).json()).access.token.id;
    expect(await labels(url, again)).not.toContain('before-rerun');

    await teardown();
    expect(process.env.TOKEN_API_EMULATOR_URL).toBe(before);
    await expect(fetch(`${url}/__emulator/health`)).rejects.toThrow();
  });

  it('reads its options from the CLI’s environment variables', () => {
    expect(
      optionsFromEnv({ TOKEN_API_EMULATOR_FIXTURES: 'f.json', TOKEN_API_EMULATOR_VENDORS: 'rackspace, prefactor', TOKEN_API_EMULATOR_PORT: '0' }),
    ).toEqual({ fixtures: 'f.json', vendors: ['rackspace', 'prefactor'], port: 0 });
    expect(() => optionsFromEnv({ TOKEN_API_EMULATOR_PORT: 'eighty' })).toThrow(/TOKEN_API_EMULATOR_PORT/);
  });
});

describe('a Vitest project using the helpers (nested run of test/fixtures/vitest-project)', () => {
  const project = join(root, 'test/fixtures/vitest-project');
  let dir: string;
  let report: {
    success: boolean;
    numPassedTests: number;
    numFailedTests: number;
    testResults: { name: string; status: string; startTime: number; endTime: number; assertionResults: { status: string }[] }[];
  };
  let stderr = '';

  beforeAll(() => {
    if (!existsSync(join(root, 'dist/vitest.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'tae-vitest-'));
    const out = join(dir, 'report.json');
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project, '--reporter=json', `--outputFile=${out}`],
      { cwd: project, env: { ...process.env, RENDEZVOUS_DIR: dir, MSW_MAJOR: '', TOKEN_API_EMULATOR_URL: '' }, encoding: 'utf8', timeout: 90_000 },
    );
    stderr = `${run.stderr}\n${run.stdout}`;
    if (!existsSync(out)) throw new Error(`the nested vitest wrote no report (exit ${run.status}):\n${stderr}`);
    report = JSON.parse(readFileSync(out, 'utf8'));
  }, 100_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string) => report.testResults.find((r) => r.name.endsWith(`/${name}`))!;

  it('passes every test of the project', () => {
    expect(report.success, stderr).toBe(true);
    expect(report.numFailedTests).toBe(0);
    expect(report.testResults.map((r) => r.name.split('/').pop()).sort()).toEqual(['a.spec.ts', 'b.spec.ts', 'global.spec.ts']);
    expect(report.numPassedTests).toBe(4);
  });

  it('ran a.spec.ts and b.spec.ts at the same time, in two workers, each seeing only its own tokens', () => {
    const a = file('a.spec.ts');
    const b = file('b.spec.ts');
    expect(a.startTime < b.endTime && b.startTime < a.endTime).toBe(true);
    const created = (n: string): string[] => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8'));
    const seen = (n: string): { pid: number; ids: string[] } => JSON.parse(readFileSync(join(dir, `${n}.seen.json`), 'utf8'));
    expect(seen('a').pid).not.toBe(seen('b').pid);
    expect(created('a')).toHaveLength(3);
    expect(created('b')).toHaveLength(3);
    expect(seen('a').ids).toEqual(expect.arrayContaining(created('a')));
    expect(seen('b').ids).toEqual(expect.arrayContaining(created('b')));
    expect(seen('a').ids.filter((id) => created('b').includes(id))).toEqual([]);
    expect(seen('b').ids.filter((id) => created('a').includes(id))).toEqual([]);
  });

  it('started the global emulator, injected its URL into the tests and stopped it', () => {
    expect(file('global.spec.ts').assertionResults.map((r) => r.status)).toEqual(['passed', 'passed']);
  });
});
