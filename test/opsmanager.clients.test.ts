/**
 * Real Ops Manager clients against the emulator: the seed's own `curl --digest` command, urllib's `digestAuth`,
 * digest-fetch (also through MSW) and mongodb-atlas-api-client, each creating, listing and deleting agent API keys
 * with the default fixtures' keys.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import DigestClient from 'digest-fetch';
import atlasClient from 'mongodb-atlas-api-client';
import { setupServer } from 'msw/node';
import { request } from 'urllib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RunningServer } from '../src/index.js';
import { toMswHandlers } from '../src/msw.js';
import { NONCE_TTL_MS } from '../src/vendors/opsmanager/digest.js';
import type { OpsManagerModel } from '../src/vendors/opsmanager/index.js';
import { available, requireTool } from './support/tools.js';

const G1 = '5e2211c17a3e5a48f5497df1';
const OWNER = { publicKey: 'ownerkey', privateKey: '7c6c2f1e-3b4a-4d5e-8f90-1a2b3c4d5e6f', id: '5e2211c17a3e5a48f5497e01' };
const READ_ONLY = { publicKey: 'readonly', privateKey: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' };
const WRONG_PRIVATE_KEY = '00000000-0000-4000-8000-000000000000';
const CHALLENGE_RE = /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9_-]{32}", algorithm=MD5, qop="auth", stale=false$/;
const UNAUTHORIZED = { reason: 'Unauthorized', error: 401, detail: 'You are not authorized for this resource.' };
// Its .d.ts declares an ES default export, but the package is CommonJS (`module.exports = fn`): Node hands over the function.
const getClient = atlasClient as unknown as typeof atlasClient.default;
const hasCurl = requireTool('curl', available('curl', ['--version']));

interface Stand {
  emulator: Emulator;
  server: RunningServer;
  statuses: number[];
  model(): OpsManagerModel;
}

/** A standalone server on 127.0.0.1:0 with the default fixtures, recording every answer's status. */
function standalone(): Stand {
  const stand = { statuses: [] as number[] } as Stand;
  beforeAll(async () => {
    stand.emulator = createEmulator();
    stand.server = await stand.emulator.listen({ port: 0, onResponse: (r) => stand.statuses.push(r.status) });
    stand.model = () => stand.emulator.model<OpsManagerModel>('opsmanager');
  });
  afterAll(() => stand.server.close());
  beforeEach(() => {
    stand.emulator.reset();
    stand.statuses.length = 0;
  });
  return stand;
}

const maskedOf = (key: string) => `${'*'.repeat(key.length - 4)}${key.slice(-4)}`;

/**
 * Splits `curl --include` output into its responses: status, headers (names lowercased) and body. curl prints the
 * headers of the 401 it answers with credentials but not its body, so only the last response has one.
 */
function parseInclude(out: string): { status: number; headers: Record<string, string>; body: string }[] {
  const responses: { status: number; headers: Record<string, string>; body: string }[] = [];
  let rest = out;
  while (rest.startsWith('HTTP/')) {
    const end = rest.indexOf('\r\n\r\n');
    const head = rest.slice(0, end).split('\r\n');
    rest = rest.slice(end + 4);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const body = rest.startsWith('HTTP/') ? '' : rest;
    if (body) rest = '';
    responses.push({ status: Number(head[0].split(' ')[1]), headers, body });
  }
  return responses;
}

describe.skipIf(!hasCurl)('curl --digest (the seed command) against the standalone server', () => {
  const stand = standalone();

  /** The seed's example request, verbatim apart from the host, the ids and the keys. */
  const seedCommand = (host: string, port: number, projectId: string, publicKey: string, privateKey: string) => `
   curl --user "${publicKey}:${privateKey}" --digest \\
    --header "Accept: application/json" \\
    --header "Content-Type: application/json" \\
    --include \\
    --request POST "http://${host}:${port}/api/public/v1.0/groups/${projectId}/agentapikeys?pretty=true" \\
    --data '
      {
        "desc": "Agent API Key for this project"
      }'`;
  const run = async (command: string) => (await promisify(execFile)('bash', ['-c', command], { timeout: 30_000 })).stdout;

  it('answers the documented object (after the 401 challenge) with the owner key', async () => {
    const before = Date.now();
    const out = await run(seedCommand('127.0.0.1', stand.server.port, G1, OWNER.publicKey, OWNER.privateKey));
    const [challenge, ok] = parseInclude(out);
    expect(challenge.status).toBe(401);
    expect(challenge.headers['www-authenticate']).toMatch(CHALLENGE_RE);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/json');
    expect(ok.headers['strict-transport-security']).toBe('max-age=300');
    expect(ok.headers['x-mongodb-service-version']).toMatch(/^gitHash=[0-9a-f]{40}; versionString=\S+$/);
    const body = JSON.parse(ok.body);
    expect(ok.body).toBe(
      `{\n  "_id" : "${body._id}",\n  "createdBy" : "PUBLIC_API",\n  "createdIpAddr" : "127.0.0.1",\n  "createdTime" : ${body.createdTime},\n` +
        `  "createdUserId" : "${OWNER.id}",\n  "desc" : "Agent API Key for this project",\n  "key" : "${body.key}"\n}`,
    );
    expect(body._id).toMatch(/^[0-9a-f]{24}$/);
    expect(body.key).toMatch(/^[0-9a-f]{56}$/);
    expect(body.createdTime).toBeGreaterThanOrEqual(before - 1000);
    expect(stand.model().agentApiKeys.get(body._id)).toMatchObject({ groupId: G1, key: body.key, createdIpAddr: '127.0.0.1' });
  });

  it('answers 401 with the digest challenge and the documented body when the private key is wrong', async () => {
    const before = stand.model().agentApiKeys.size;
    const out = await run(seedCommand('127.0.0.1', stand.server.port, G1, OWNER.publicKey, WRONG_PRIVATE_KEY));
    const responses = parseInclude(out);
    expect(responses.map((r) => r.status)).toEqual([401, 401]);
    const last = responses[1];
    expect(last.headers['www-authenticate']).toMatch(CHALLENGE_RE);
    expect(last.headers['content-type']).toBe('application/json');
    expect(last.body).toBe('{\n  "reason" : "Unauthorized",\n  "error" : 401,\n  "detail" : "You are not authorized for this resource."\n}');
    expect(last.headers['content-length']).toBe('106');
    expect(stand.model().agentApiKeys.size).toBe(before);
  });

  it('lists and deletes with curl --digest too', async () => {
    const url = `http://127.0.0.1:${stand.server.port}/api/public/v1.0/groups/${G1}/agentapikeys`;
    const list = JSON.parse(await run(`curl -s --user "${READ_ONLY.publicKey}:${READ_ONLY.privateKey}" --digest "${url}"`));
    expect(list.map((k: { _id: string }) => k._id)).toEqual(['5e2211c17a3e5a48f5497f01', '5e2211c17a3e5a48f5497f02']);
    const out = await run(`curl -s --include --user "${OWNER.publicKey}:${OWNER.privateKey}" --digest --request DELETE "${url}/5e2211c17a3e5a48f5497f01"`);
    expect(parseInclude(out).map((r) => [r.status, r.body])).toEqual([
      [401, ''],
      [200, ''],
    ]);
    expect(stand.model().agentApiKeys.get('5e2211c17a3e5a48f5497f01')).toBeUndefined();
  });
});

describe('urllib digestAuth against the standalone server', () => {
  const stand = standalone();
  const url = (path = '') => `${stand.server.url}/api/public/v1.0/groups/${G1}/agentapikeys${path}`;
  const auth = (k: { publicKey: string; privateKey: string }) => `${k.publicKey}:${k.privateKey}`;

  it('creates, lists (masked) and deletes agent API keys', async () => {
    const created = await request(url(), { method: 'POST', digestAuth: auth(OWNER), data: { desc: 'from urllib' }, contentType: 'json', dataType: 'json' });
    expect(created.status).toBe(200);
    expect(created.headers['content-type']).toBe('application/json');
    const key = created.data as Record<string, unknown>;
    expect(key).toMatchObject({ createdBy: 'PUBLIC_API', createdIpAddr: '127.0.0.1', createdUserId: OWNER.id, desc: 'from urllib' });
    expect(stand.model().agentApiKeys.get(key._id as string)?.key).toBe(key.key);

    const listed = await request(url(), { method: 'GET', digestAuth: auth(READ_ONLY), dataType: 'json' });
    expect(listed.status).toBe(200);
    const list = listed.data as { _id: string; key: string }[];
    expect(list.find((k) => k._id === key._id)?.key).toBe(maskedOf(key.key as string));

    const deleted = await request(url(`/${key._id}`), { method: 'DELETE', digestAuth: auth(OWNER), dataType: 'json' });
    expect(deleted.status).toBe(200);
    expect(deleted.data).toBeNull();
    expect(stand.model().agentApiKeys.get(key._id as string)).toBeUndefined();
    // Every request was challenged once (urllib never reuses a nonce).
    expect(stand.statuses).toEqual([401, 200, 401, 200, 401, 200]);
  });

  it('gets JSON error bodies it can parse: wrong key, read-only create, unknown attribute', async () => {
    const before = stand.model().agentApiKeys.size;
    const wrong = await request(url(), { method: 'GET', digestAuth: `${OWNER.publicKey}:${WRONG_PRIVATE_KEY}`, dataType: 'json' });
    expect(wrong.status).toBe(401);
    expect(wrong.data).toEqual(UNAUTHORIZED);
    const reader = await request(url(), { method: 'POST', digestAuth: auth(READ_ONLY), data: { desc: 'x' }, contentType: 'json', dataType: 'json' });
    expect(reader.status).toBe(401);
    expect((reader.data as { errorCode: string }).errorCode).toBe('USER_UNAUTHORIZED');
    const extra = await request(url(), { method: 'POST', digestAuth: auth(OWNER), data: { desc: 'x', name: 'y' }, contentType: 'json', dataType: 'json' });
    expect(extra.status).toBe(400);
    expect(extra.data).toMatchObject({ errorCode: 'INVALID_ATTRIBUTE', parameters: ['name'] });
    expect(stand.model().agentApiKeys.size).toBe(before);
  });
});

describe('digest-fetch against the standalone server', () => {
  const stand = standalone();
  const url = (path = '') => `${stand.server.url}/api/public/v1.0/groups/${G1}/agentapikeys${path}`;

  it('creates, lists and deletes, reusing its nonce with a rising nc (one challenge for all)', async () => {
    const client = new DigestClient(OWNER.publicKey, OWNER.privateKey);
    const created = await client.fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ desc: 'from digest-fetch' }) });
    expect(created.status).toBe(200);
    const key = await created.json();
    expect(key).toMatchObject({ desc: 'from digest-fetch', createdUserId: OWNER.id, createdIpAddr: '127.0.0.1' });

    const listed = await client.fetch(`${url()}?pretty=true`);
    expect(listed.status).toBe(200);
    const list = JSON.parse(await listed.text());
    expect(list.find((k: { _id: string }) => k._id === key._id).key).toBe(maskedOf(key.key));

    const deleted = await client.fetch(url(`/${key._id}`), { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toBe('');
    expect(stand.model().agentApiKeys.get(key._id)).toBeUndefined();
    expect(stand.statuses).toEqual([401, 200, 200, 200]);
  });

  it('recovers from a stale nonce after the clock moves past its lifetime', async () => {
    const client = new DigestClient(OWNER.publicKey, OWNER.privateKey);
    expect((await client.fetch(url())).status).toBe(200);
    stand.emulator.clock.advance(NONCE_TTL_MS + 1000);
    expect((await client.fetch(url())).status).toBe(200);
    expect(stand.statuses).toEqual([401, 200, 401, 200]);
  });

  it('gets the 401 with a wrong private key', async () => {
    const client = new DigestClient(OWNER.publicKey, WRONG_PRIVATE_KEY);
    const res = await client.fetch(url());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(UNAUTHORIZED);
  });
});

describe('digest-fetch through MSW', () => {
  const emulator = createEmulator();
  const server = setupServer(...toMswHandlers(emulator));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());
  beforeEach(() => emulator.reset());
  const model = () => emulator.model<OpsManagerModel>('opsmanager');

  for (const origin of ['https://cloud.mongodb.com', 'https://opsmanager.example.com:8443']) {
    it(`creates, lists and deletes at ${origin}`, async () => {
      const url = `${origin}/api/public/v1.0/groups/${G1}/agentapikeys`;
      const client = new DigestClient(OWNER.publicKey, OWNER.privateKey);
      const created = await client.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ desc: 'via msw' }) });
      expect(created.status).toBe(200);
      const key = await created.json();
      expect(key).toMatchObject({ desc: 'via msw', createdBy: 'PUBLIC_API', createdUserId: OWNER.id });
      expect(model().agentApiKeys.get(key._id)?.groupId).toBe(G1);
      const list = await (await client.fetch(url)).json();
      expect(list.map((k: { _id: string }) => k._id)).toContain(key._id);
      expect((await client.fetch(`${url}/${key._id}`, { method: 'DELETE' })).status).toBe(200);
      expect(model().agentApiKeys.get(key._id)).toBeUndefined();
    });
  }
});

describe('mongodb-atlas-api-client with baseUrl pointed at the standalone server', () => {
  const stand = standalone();
  const client = (k: { publicKey: string; privateKey: string }) =>
    getClient({ publicKey: k.publicKey, privateKey: k.privateKey, baseUrl: `${stand.server.url}/api/public/v1.0`, projectId: G1 });

  it('creates, lists and deletes agent API keys through its generic project calls', async () => {
    const { project } = client(OWNER);
    // It has no agent-key methods; its calls build `${baseUrl}/groups/${id}…`, so the id carries the rest of the path
    // (a trailing `#` turns assignTeams' `/teams` suffix into a fragment, which is never sent).
    const created = (await project.assignTeams(`${G1}/agentapikeys#`, { desc: 'from mongodb-atlas-api-client' } as never)) as unknown as Record<string, string>;
    expect(created).toMatchObject({ createdBy: 'PUBLIC_API', createdUserId: OWNER.id, desc: 'from mongodb-atlas-api-client' });
    expect(stand.model().agentApiKeys.get(created._id)?.key).toBe(created.key);

    const list = (await project.getById(`${G1}/agentapikeys`)) as unknown as { _id: string; key: string }[];
    expect(list.find((k) => k._id === created._id)?.key).toBe(maskedOf(created.key));
    const enveloped = (await project.getById(`${G1}/agentapikeys`, { envelope: true } as never)) as unknown as { status: number; content: unknown[] };
    expect(enveloped.status).toBe(200);
    expect(enveloped.content).toHaveLength(list.length);

    expect(await project.delete(`${G1}/agentapikeys/${created._id}`)).toBe(true);
    expect(stand.model().agentApiKeys.get(created._id)).toBeUndefined();
  });

  it('gets the documented error bodies back as data', async () => {
    const { project } = client({ publicKey: OWNER.publicKey, privateKey: WRONG_PRIVATE_KEY });
    expect(await project.getById(`${G1}/agentapikeys`)).toEqual(UNAUTHORIZED);
    const reader = client(READ_ONLY).project;
    expect(await reader.assignTeams(`${G1}/agentapikeys#`, { desc: 'x' } as never)).toMatchObject({ error: 401, errorCode: 'USER_UNAUTHORIZED' });
  });
});
