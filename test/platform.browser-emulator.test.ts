/**
 * The whole emulator on the browser variant of `#platform` (swapped in for the Node one), run in Node so that
 * node:crypto and @prefactor/pfid can check what it produces: the embedded default fixtures, ids, digest
 * verification, JWTs, and the clear refusals of what needs Node. test/browser/ runs the same in Chromium.
 */
import { createHash } from 'node:crypto';
import { decode, extractPartition, isPfid } from '@prefactor/pfid';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../src/platform/node.js', () => import('../src/platform/browser.js'));

const { createEmulator, FixtureError, persistTo, DEFAULT_FIXTURES_PATH } = await import('../src/index.js');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' };
const ACME_ACCOUNT = '01jgge1w00kgnrfpmczeqk3s5s5aarhr';
const ACME_PRODUCTION = '5e2211c17a3e5a48f5497df1';

describe('createEmulator() on the browser platform', () => {
  it('runs on the browser variant here (the default fixtures are the embedded ones)', () => {
    expect(DEFAULT_FIXTURES_PATH).toBe('token-api-emulator/fixtures/default.json');
  });

  it('seeds the default fixtures and serves Rackspace: login, create (hex id), get', async () => {
    const emulator = createEmulator();
    const login = await emulator.handle(
      new Request('https://identity.api.rackspacecloud.com/v2.0/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE } }),
      }),
    );
    expect(login.status).toBe(200);
    const token = (await login.json()).access.token.id;
    const created = await emulator.handle(
      new Request('https://monitoring.api.rackspacecloud.com/v1.0/123456/agent_tokens', {
        method: 'POST',
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ label: 'browser-platform' }),
      }),
    );
    expect(created.status).toBe(201);
    const id = created.headers.get('x-object-id')!;
    expect(id).toMatch(/^[0-9a-f]{64}\.123456$/);
    const got = await emulator.handle(new Request(created.headers.get('location')!, { headers: { 'x-auth-token': token } }));
    expect(await got.json()).toMatchObject({ id, label: 'browser-platform' });
    // alice has no id in the fixtures: hers is derived with SHA-256, the same as on Node.
    expect(emulator.rackspace.users.get('alice')?.id).toBe(createHash('sha256').update('rackspace-user:alice').digest('hex').slice(0, 32));
  });

  const KEYS_URL = `https://cloud.mongodb.com/api/public/v1.0/groups/${ACME_PRODUCTION}/agentapikeys`;
  /** A GET of the agent API keys after the 401 challenge, with the `Authorization` for `user` and `pw`. */
  async function withDigest(emulator: ReturnType<typeof createEmulator>, user: string, pw: string, clientIp?: string) {
    const challenge = await emulator.handle(new Request(KEYS_URL), { clientIp });
    expect(challenge.status).toBe(401);
    const nonce = /nonce="([^"]+)"/.exec(challenge.headers.get('www-authenticate')!)![1];
    const [realm, uri, cnonce, nc] = ['MMS Public API', new URL(KEYS_URL).pathname, 'abc123', '00000001'];
    const authorization = `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", qop=auth, nc=${nc}, cnonce="${cnonce}", response="${md5(`${md5(`${user}:${realm}:${pw}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`GET:${uri}`)}`)}"`;
    return emulator.handle(new Request(KEYS_URL, { headers: { authorization } }), { clientIp });
  }

  it('checks HTTP Digest (MD5 computed by node:crypto on the client side)', async () => {
    const emulator = createEmulator();
    expect((await withDigest(emulator, 'readonly', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d')).status).toBe(200);
    expect((await withDigest(emulator, 'readonly', 'wrong')).status).toBe(401);
    const key = emulator.opsmanager.agentApiKeys.create({ groupId: ACME_PRODUCTION, desc: 'x' });
    expect(key._id).toMatch(/^[0-9a-f]{24}$/);
    expect(key.key).toMatch(/^[0-9a-f]{56}$/);
  });

  it('checks Ops Manager access lists by client address (BlockList in plain JavaScript), both families', async () => {
    const emulator = createEmulator({ vendors: ['opsmanager'] });
    const OWNER = ['ownerkey', '7c6c2f1e-3b4a-4d5e-8f90-1a2b3c4d5e6f'] as const; // 127.0.0.1/32, ::1/128
    const OUTSIDER = ['outsider', 'deadbeef-0000-4000-8000-00000000beef'] as const; // 203.0.113.0/24, 2001:db8::/32
    const status = async ([user, pw]: readonly [string, string], ip: string) => (await withDigest(emulator, user, pw, ip)).status;
    expect(await status(OWNER, '127.0.0.1')).toBe(200);
    expect(await status(OWNER, '::1')).toBe(200);
    expect(await status(OWNER, '::ffff:127.0.0.1')).toBe(200);
    expect(await status(OWNER, '127.0.0.2')).toBe(403);
    expect(await status(OUTSIDER, '203.0.113.77')).toBe(200);
    expect(await status(OUTSIDER, '203.0.114.1')).toBe(403);
    expect(await status(OUTSIDER, '2001:db8:ffff::1')).toBe(200);
    expect(await status(OUTSIDER, '2001:db9::1')).toBe(403);
  });

  it('creates Prefactor tokens with PFIDs @prefactor/pfid accepts and JWTs that authenticate', async () => {
    const emulator = createEmulator();
    const api = (path: string, bearer: string, init: RequestInit = {}) =>
      emulator.handle(new Request(`https://app.prefactorai.com/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' } }));
    const res = await api('/api_token', 'pf_test_acme_account_active', { method: 'POST', body: JSON.stringify({ details: { token_scope: 'account' } }) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(isPfid(body.details.id)).toBe(true);
    expect(extractPartition(body.details.id)).toBe(extractPartition(ACME_ACCOUNT));
    expect(Math.abs(decode(body.details.id).readUIntBE(0, 6) - emulator.clock.now())).toBeLessThan(5_000);
    expect((await api('/ping', body.token)).status).toBe(200);
  });

  it('reads no fixture file, persists nothing and does not listen, each with a message that says why', async () => {
    expect(() => createEmulator({ fixtures: 'fixtures.json' })).toThrow(FixtureError);
    expect(() => createEmulator({ fixtures: 'fixtures.json' })).toThrow(
      'fixtures.json: cannot read the file (a browser has no file system: pass the fixtures as an object (createEmulator({ fixtures: { … } })))',
    );
    const emulator = createEmulator({ fixtures: { rackspace: { users: [{ ...ALICE, tenantId: '1', roles: [] }] } } });
    expect(emulator.rackspace.users.list().map((u) => u.username)).toEqual(['alice']);
    await expect(persistTo(emulator, 'state.json')).rejects.toThrow(/persistTo\(\) writes a file, which needs Node\.js/);
    await expect(emulator.listen()).rejects.toThrow(/emulator\.listen\(\) starts a node:http server, which needs Node\.js/);
  });
});
