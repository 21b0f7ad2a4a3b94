import { describe, expect, it } from 'vitest';
import { createEmulator, FixtureError } from '../src/index.js';
import { AccessList, inCidr, parseCidr, sameBlock } from '../src/vendors/opsmanager/iplist.js';
import { NONCE_TTL_MS } from '../src/vendors/opsmanager/digest.js';
import type { OpsManagerModel } from '../src/vendors/opsmanager/index.js';
import { describeDoors, type Door } from './support/doors.js';
import { digestAuthorization, digestFetch, getChallenge, parseChallenge, sendWith, type Credentials, type SendInit } from './support/digest.js';

// The default fixtures (fixtures/default.json → "opsmanager").
const ORG_A = '5e2211c17a3e5a48f5497de3';
const G1 = '5e2211c17a3e5a48f5497df1'; // Acme Production (org A): two agent keys
const G2 = '5e2211c17a3e5a48f5497df2'; // Acme Staging (org A): none
const G3 = '5e2211c17a3e5a48f5497df3'; // Globex Analytics (org B): one PROVISIONING key
const MISSING_GROUP = '5e2211c17a3e5a48f5497dff';
const key = (username: string, password: string, id: string): Credentials & { id: string } => ({ username, password, id });
const OWNER = key('ownerkey', '7c6c2f1e-3b4a-4d5e-8f90-1a2b3c4d5e6f', '5e2211c17a3e5a48f5497e01'); // ORG_OWNER of A, loopback only
const GROUP_OWNER = key('groupown', '0f9e8d7c-6b5a-4493-8271-605f4e3d2c1b', '5e2211c17a3e5a48f5497e02'); // GROUP_OWNER of G2
const READ_ONLY = key('readonly', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', '5e2211c17a3e5a48f5497e03'); // GROUP_READ_ONLY of G1
const GLOBAL_OWNER = key('globalow', '9d8c7b6a-5f4e-4d3c-a2b1-0f1e2d3c4b5a', '5e2211c17a3e5a48f5497e04');
const GLOBAL_READ = key('globalro', 'c0ffee00-1234-4abc-9def-0123456789ab', '5e2211c17a3e5a48f5497e05');
const OUTSIDER = key('outsider', 'deadbeef-0000-4000-8000-00000000beef', '5e2211c17a3e5a48f5497e06'); // GROUP_OWNER of G1, not from loopback
const NO_ACCESS = key('noaccess', 'b0b0b0b0-1111-4222-8333-444455556666', '5e2211c17a3e5a48f5497e07'); // ORG_MEMBER of B

const CHALLENGE_RE = /^Digest realm="MMS Public API", domain="", nonce="([A-Za-z0-9_-]{32})", algorithm=MD5, qop="auth", stale=(true|false)$/;
const UNAUTHORIZED = { reason: 'Unauthorized', error: 401, detail: 'You are not authorized for this resource.' };
const UNAUTHORIZED_PRETTY = '{\n  "reason" : "Unauthorized",\n  "error" : 401,\n  "detail" : "You are not authorized for this resource."\n}';
const VERSION_RE = /^gitHash=[0-9a-f]{40}; versionString=\d+\.\d+\.\d+\.\d+\.\d{8}T\d{4}Z$/;
const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' };

const model = (door: Door) => door.emulator.model<OpsManagerModel>('opsmanager');
const api = (door: Door, path: string) => `${door.origin('opsmanager')}/api/public/v1.0${path}`;
const keysUrl = (door: Door, group: string, query = '') => api(door, `/groups/${group}/agentapikeys${query}`);

function expectDocumentedHeaders(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.headers.get('strict-transport-security')).toBe('max-age=300');
  expect(res.headers.get('vary')).toBe('Accept-Encoding');
  expect(res.headers.get('x-mongodb-service-version')).toMatch(VERSION_RE);
}

async function expectApiError(res: Response, status: number, errorCode: string, parameters: string[], detail?: string) {
  expect(res.status).toBe(status);
  expectDocumentedHeaders(res);
  const body = await res.json();
  expect(Object.keys(body)).toEqual(['detail', 'error', 'errorCode', 'parameters', 'reason']);
  expect(body).toMatchObject({ error: status, errorCode, parameters, reason: REASONS[status] });
  if (detail !== undefined) expect(body.detail).toBe(detail);
  return body;
}

/** The bare 401 of a failed digest, with a fresh challenge; returns the challenge's parameters. */
async function expectChallenge(res: Response, stale = false) {
  expect(res.status).toBe(401);
  expectDocumentedHeaders(res);
  const header = res.headers.get('www-authenticate')!;
  expect(header).toMatch(CHALLENGE_RE);
  expect(CHALLENGE_RE.exec(header)![2]).toBe(String(stale));
  const text = await res.text();
  expect(JSON.parse(text)).toEqual(UNAUTHORIZED);
  return parseChallenge(header);
}

const call = (door: Door, url: string, creds: Credentials, init: SendInit = {}) => digestFetch(url, creds, init);
const agentKeyCount = (door: Door) => model(door).agentApiKeys.size;

describeDoors('Ops Manager agent API keys', (door) => {
  it('lists the current keys after every change, plain, pretty and enveloped (no stale answer)', async () => {
    const ids = async (query = '') => {
      const res = await call(door, keysUrl(door, G1, query), READ_ONLY);
      const body = await res.json();
      return ((query.includes('envelope') ? body.content : body) as { _id: string }[]).map((k) => k._id);
    };
    const before = await ids();
    const created = await (await call(door, keysUrl(door, G1), OWNER, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"desc":"fresh"}',
    })).json();
    expect(await ids()).toEqual([...before, created._id]);
    expect(await ids('?pretty=true')).toEqual([...before, created._id]);
    expect(await ids('?envelope=true')).toEqual([...before, created._id]);
    expect((await call(door, keysUrl(door, G1, `/${created._id}`), OWNER, { method: 'DELETE' })).status).toBe(200);
    expect(await ids()).toEqual(before);
    const seeded = door.emulator.opsmanager.agentApiKeys.create({ groupId: G1, desc: 'seeded' });
    expect(await ids()).toEqual([...before, seeded._id]);
  });

  it('creates a key like the seed (200, the full object, pretty), lists it masked, deletes it (200, no body)', async () => {
    const before = door.emulator.clock.now();
    const res = await call(door, keysUrl(door, G1, '?pretty=true'), OWNER, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: '\n      {\n        "desc": "Agent API Key for this project"\n      }',
    });
    expect(res.status).toBe(200);
    expectDocumentedHeaders(res);
    const text = await res.text();
    const created = JSON.parse(text);
    expect(Object.keys(created)).toEqual(['_id', 'createdBy', 'createdIpAddr', 'createdTime', 'createdUserId', 'desc', 'key']);
    expect(text).toBe(
      `{\n  "_id" : "${created._id}",\n  "createdBy" : "PUBLIC_API",\n  "createdIpAddr" : "127.0.0.1",\n` +
        `  "createdTime" : ${created.createdTime},\n  "createdUserId" : "${OWNER.id}",\n` +
        `  "desc" : "Agent API Key for this project",\n  "key" : "${created.key}"\n}`,
    );
    expect(created._id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.key).toMatch(/^[0-9a-f]{56}$/);
    expect(typeof created.createdTime).toBe('number');
    expect(created.createdTime).toBeGreaterThanOrEqual(before);
    expect(created.createdTime).toBeLessThanOrEqual(door.emulator.clock.now());
    expect(model(door).agentApiKeys.get(created._id)).toEqual({ groupId: G1, ...created });

    const listed = await call(door, keysUrl(door, G1), READ_ONLY);
    expect(listed.status).toBe(200);
    expectDocumentedHeaders(listed);
    const listText = await listed.text();
    expect(listText.startsWith('[{')).toBe(true); // compact unless pretty=true
    const list = JSON.parse(listText);
    expect(list.map((k: { _id: string }) => k._id)).toEqual(['5e2211c17a3e5a48f5497f01', '5e2211c17a3e5a48f5497f02', created._id]);
    expect(list[2]).toEqual({ ...created, key: `${'*'.repeat(52)}${created.key.slice(-4)}` });
    expect(list[0].key).toBe(`${'*'.repeat(52)}8b87`);
    expect(list[1].key).toBe(`${'*'.repeat(28)}1100`); // an old 32-hex key

    const deleted = await call(door, keysUrl(door, G1, `/${created._id}`), OWNER, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expectDocumentedHeaders(deleted);
    expect(await deleted.text()).toBe('');
    expect(model(door).agentApiKeys.get(created._id)).toBeUndefined();
    const after = await (await call(door, keysUrl(door, G1), OWNER)).json();
    expect(after.map((k: { _id: string }) => k._id)).not.toContain(created._id);

    const path = `/api/public/v1.0/groups/${G1}/agentapikeys/${created._id}`;
    await expectApiError(await call(door, keysUrl(door, G1, `/${created._id}`), OWNER, { method: 'DELETE' }), 404, 'RESOURCE_NOT_FOUND', [path], `Cannot find resource ${path}.`);
  });

  it('records the caller as createdUserId and each key gets its own _id and key', async () => {
    const a = await (await call(door, keysUrl(door, G2), GROUP_OWNER, { method: 'POST', body: { desc: 'a' } })).json();
    const b = await (await call(door, keysUrl(door, G2), OWNER, { method: 'POST', body: { desc: '' } })).json();
    expect(a.createdUserId).toBe(GROUP_OWNER.id);
    expect(b.createdUserId).toBe(OWNER.id);
    expect(b.desc).toBe('');
    expect(a._id).not.toBe(b._id);
    expect(a.key).not.toBe(b.key);
    expect(model(door).agentApiKeys.count(G2)).toBe(2);
  });

  it('prints lists, empty lists and keys without creator fields the Jackson way with pretty=true', async () => {
    const g3 = await call(door, keysUrl(door, G3, '?pretty=true'), GLOBAL_READ);
    expect(g3.status).toBe(200);
    expect(await g3.text()).toBe(
      '[ {\n  "_id" : "5e2211c17a3e5a48f5497f03",\n  "createdBy" : "PROVISIONING",\n  "createdTime" : 1579291075000,\n' +
        `  "desc" : "Provisioned with the project",\n  "key" : "${'*'.repeat(52)}8e9f"\n} ]`,
    );
    const empty = await call(door, keysUrl(door, G2, '?pretty=true'), OWNER);
    expect(await empty.text()).toBe('[ ]');
    const enveloped = await call(door, keysUrl(door, G2, '?pretty=true&envelope=true'), OWNER);
    expect(await enveloped.text()).toBe('{\n  "status" : 200,\n  "content" : [ ]\n}');
    const compact = await call(door, keysUrl(door, G2, '?pretty=false'), OWNER);
    expect(await compact.text()).toBe('[]');
    const two = await call(door, keysUrl(door, G1, '?envelope=true&pretty=TRUE'), OWNER);
    const text = await two.text();
    expect(text).toMatch(/^\{\n  "status" : 200,\n  "content" : \[ \{\n    "_id" : "5e2211c17a3e5a48f5497f01",\n/);
    expect(text).toContain('\n  }, {\n    "_id" : "5e2211c17a3e5a48f5497f02",\n');
    expect(text.endsWith('\n  } ]\n}')).toBe(true);
  });

  it('wraps every answer in {"status","content"} with envelope=true, errors included, keeping the HTTP status', async () => {
    const created = await call(door, keysUrl(door, G1, '?envelope=true'), OWNER, { method: 'POST', body: { desc: 'env' } });
    expect(created.status).toBe(200);
    const body = await created.json();
    expect(Object.keys(body)).toEqual(['status', 'content']);
    expect(body.status).toBe(200);
    expect(body.content).toMatchObject({ desc: 'env', createdBy: 'PUBLIC_API' });
    expect(model(door).agentApiKeys.get(body.content._id)).toBeDefined();

    const deleted = await call(door, keysUrl(door, G1, `/${body.content._id}?envelope=true`), OWNER, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ status: 200 });

    const missing = await call(door, keysUrl(door, MISSING_GROUP, '?envelope=true'), GLOBAL_OWNER);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      status: 404,
      content: {
        detail: `No group with ID ${MISSING_GROUP} exists.`,
        error: 404,
        errorCode: 'GROUP_NOT_FOUND',
        parameters: [MISSING_GROUP],
        reason: 'Not Found',
      },
    });

    const unauthorized = await fetch(keysUrl(door, G1, '?envelope=true'));
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toMatch(CHALLENGE_RE);
    expect(await unauthorized.json()).toEqual({ status: 401, content: UNAUTHORIZED });

    const pretty = await fetch(keysUrl(door, G1, '?envelope=true&pretty=true'));
    expect(await pretty.text()).toBe(
      '{\n  "status" : 401,\n  "content" : {\n    "reason" : "Unauthorized",\n    "error" : 401,\n    "detail" : "You are not authorized for this resource."\n  }\n}',
    );
  });

  it('pretty-prints error bodies too (the 401 is exactly the captured 106 bytes)', async () => {
    const res = await fetch(keysUrl(door, G1, '?pretty=true'));
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).toBe(UNAUTHORIZED_PRETTY);
    expect(Buffer.byteLength(text)).toBe(106);
    const notFound = await call(door, api(door, '/nowhere?pretty=true'), OWNER);
    expect(await notFound.text()).toBe(
      '{\n  "detail" : "Cannot find resource /api/public/v1.0/nowhere.",\n  "error" : 404,\n  "errorCode" : "RESOURCE_NOT_FOUND",\n' +
        '  "parameters" : [ "/api/public/v1.0/nowhere" ],\n  "reason" : "Not Found"\n}',
    );
  });
});

describeDoors('Ops Manager roles', (door) => {
  it('a read-only key lists but cannot create or delete (401 USER_UNAUTHORIZED), and nothing changes', async () => {
    const before = agentKeyCount(door);
    expect((await call(door, keysUrl(door, G1), READ_ONLY)).status).toBe(200);
    await expectApiError(
      await call(door, keysUrl(door, G1), READ_ONLY, { method: 'POST', body: { desc: 'nope' } }),
      401,
      'USER_UNAUTHORIZED',
      [],
      'Current user is not authorized to perform this action.',
    );
    await expectApiError(await call(door, keysUrl(door, G1, '/5e2211c17a3e5a48f5497f01'), READ_ONLY, { method: 'DELETE' }), 401, 'USER_UNAUTHORIZED', []);
    // Authorization comes before the body is read: a bad body from a reader is still USER_UNAUTHORIZED.
    await expectApiError(await call(door, keysUrl(door, G1), READ_ONLY, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } }), 401, 'USER_UNAUTHORIZED', []);
    expect(agentKeyCount(door)).toBe(before);
    expect(model(door).agentApiKeys.get('5e2211c17a3e5a48f5497f01')).toBeDefined();
  });

  it('a key without a role in the project gets 401 NOT_IN_GROUP, also for a group that does not exist', async () => {
    const before = agentKeyCount(door);
    const detail = 'The current user is not in the group, or the group does not exist.';
    await expectApiError(await call(door, keysUrl(door, G2), READ_ONLY), 401, 'NOT_IN_GROUP', [], detail);
    await expectApiError(await call(door, keysUrl(door, G3), NO_ACCESS), 401, 'NOT_IN_GROUP', [], detail);
    await expectApiError(await call(door, keysUrl(door, G1), GROUP_OWNER, { method: 'POST', body: { desc: 'x' } }), 401, 'NOT_IN_GROUP', []);
    await expectApiError(await call(door, keysUrl(door, MISSING_GROUP), OWNER), 401, 'NOT_IN_GROUP', []);
    expect(agentKeyCount(door)).toBe(before);
  });

  it("an org owner owns every project of its org and none of another org's", async () => {
    for (const g of [G1, G2]) {
      const res = await call(door, keysUrl(door, g), OWNER, { method: 'POST', body: { desc: `in ${g}` } });
      expect(res.status).toBe(200);
      expect(model(door).agentApiKeys.get((await res.json())._id)?.groupId).toBe(g);
    }
    const before = agentKeyCount(door);
    await expectApiError(await call(door, keysUrl(door, G3), OWNER, { method: 'POST', body: { desc: 'x' } }), 401, 'NOT_IN_GROUP', []);
    await expectApiError(await call(door, keysUrl(door, G3), OWNER), 401, 'NOT_IN_GROUP', []);
    await expectApiError(await call(door, keysUrl(door, G3, '/5e2211c17a3e5a48f5497f03'), OWNER, { method: 'DELETE' }), 401, 'NOT_IN_GROUP', []);
    // Another project's key through one's own project is simply not there.
    const path = `/api/public/v1.0/groups/${G1}/agentapikeys/5e2211c17a3e5a48f5497f03`;
    await expectApiError(await call(door, keysUrl(door, G1, '/5e2211c17a3e5a48f5497f03'), OWNER, { method: 'DELETE' }), 404, 'RESOURCE_NOT_FOUND', [path]);
    expect(agentKeyCount(door)).toBe(before);
    expect(model(door).agentApiKeys.get('5e2211c17a3e5a48f5497f03')).toBeDefined();
  });

  it('a project owner owns its project only', async () => {
    expect((await call(door, keysUrl(door, G2), GROUP_OWNER, { method: 'POST', body: { desc: 'staging' } })).status).toBe(200);
    expect((await call(door, keysUrl(door, G2), GROUP_OWNER)).status).toBe(200);
    await expectApiError(await call(door, keysUrl(door, G1), GROUP_OWNER), 401, 'NOT_IN_GROUP', []);
  });

  it('global keys reach every project; GLOBAL_READ_ONLY only lists; they learn a project is missing (404 GROUP_NOT_FOUND)', async () => {
    const created = await call(door, keysUrl(door, G3), GLOBAL_OWNER, { method: 'POST', body: { desc: 'global' } });
    expect(created.status).toBe(200);
    const { _id } = await created.json();
    expect((await call(door, keysUrl(door, G1), GLOBAL_READ)).status).toBe(200);
    expect((await (await call(door, keysUrl(door, G3), GLOBAL_READ)).json()).map((k: { _id: string }) => k._id)).toContain(_id);
    await expectApiError(await call(door, keysUrl(door, G3), GLOBAL_READ, { method: 'POST', body: { desc: 'x' } }), 401, 'USER_UNAUTHORIZED', []);
    await expectApiError(await call(door, keysUrl(door, G3, `/${_id}`), GLOBAL_READ, { method: 'DELETE' }), 401, 'USER_UNAUTHORIZED', []);
    expect((await call(door, keysUrl(door, G3, `/${_id}`), GLOBAL_OWNER, { method: 'DELETE' })).status).toBe(200);
    expect(model(door).agentApiKeys.get(_id)).toBeUndefined();
    for (const who of [GLOBAL_OWNER, GLOBAL_READ])
      await expectApiError(await call(door, keysUrl(door, MISSING_GROUP), who), 404, 'GROUP_NOT_FOUND', [MISSING_GROUP], `No group with ID ${MISSING_GROUP} exists.`);
  });

  it('a malformed project id is 404 INVALID_GROUP_ID for everyone', async () => {
    for (const [id, who] of [['not-a-group', OWNER], ['5e2211c17a3e5a48f5497df', GLOBAL_OWNER], ['5e2211c17a3e5a48f5497df1x', READ_ONLY]] as const)
      await expectApiError(await call(door, keysUrl(door, id), who), 404, 'INVALID_GROUP_ID', [id], `An invalid group ID ${id} was specified.`);
    // Ids are ObjectIds: upper-case hex names the same project.
    expect((await call(door, keysUrl(door, G1.toUpperCase()), READ_ONLY)).status).toBe(200);
  });

  it('ORG_READ_ONLY reads every project of its org; other project roles list; ORG_MEMBER alone reaches nothing', async () => {
    const snap = door.emulator.snapshot() as { opsmanager: { apiKeys: unknown[] } };
    snap.opsmanager.apiKeys.push(
      { id: '5e2211c17a3e5a48f5497e11', publicKey: 'orgreadr', privateKey: '00000000-0000-4000-8000-000000000011', roles: [{ orgId: ORG_A, roleName: 'ORG_READ_ONLY' }] },
      { id: '5e2211c17a3e5a48f5497e12', publicKey: 'dataread', privateKey: '00000000-0000-4000-8000-000000000012', roles: [{ groupId: G1, roleName: 'GROUP_DATA_ACCESS_READ_ONLY' }] },
      { id: '5e2211c17a3e5a48f5497e13', publicKey: 'orgmembr', privateKey: '00000000-0000-4000-8000-000000000013', roles: [{ orgId: ORG_A, roleName: 'ORG_MEMBER' }] },
    );
    door.emulator.restore(snap);
    const orgReader = { username: 'orgreadr', password: '00000000-0000-4000-8000-000000000011' };
    const dataReader = { username: 'dataread', password: '00000000-0000-4000-8000-000000000012' };
    const member = { username: 'orgmembr', password: '00000000-0000-4000-8000-000000000013' };
    for (const g of [G1, G2]) expect((await call(door, keysUrl(door, g), orgReader)).status).toBe(200);
    await expectApiError(await call(door, keysUrl(door, G3), orgReader), 401, 'NOT_IN_GROUP', []);
    await expectApiError(await call(door, keysUrl(door, G1), orgReader, { method: 'POST', body: { desc: 'x' } }), 401, 'USER_UNAUTHORIZED', []);
    expect((await call(door, keysUrl(door, G1), dataReader)).status).toBe(200);
    await expectApiError(await call(door, keysUrl(door, G1), dataReader, { method: 'POST', body: { desc: 'x' } }), 401, 'USER_UNAUTHORIZED', []);
    await expectApiError(await call(door, keysUrl(door, G1), member), 401, 'NOT_IN_GROUP', []);
  });
});

describeDoors('Ops Manager IP access lists', (door) => {
  it('a key whose access list leaves out the caller gets 403 IP_ADDRESS_NOT_ON_ACCESS_LIST, and nothing changes', async () => {
    const before = agentKeyCount(door);
    for (const init of [{}, { method: 'POST', body: { desc: 'x' } }, { method: 'DELETE' }]) {
      const url = init.method === 'DELETE' ? keysUrl(door, G1, '/5e2211c17a3e5a48f5497f01') : keysUrl(door, G1);
      await expectApiError(
        await call(door, url, OUTSIDER, init),
        403,
        'IP_ADDRESS_NOT_ON_ACCESS_LIST',
        ['127.0.0.1'],
        'IP address 127.0.0.1 is not allowed to access this resource.',
      );
    }
    expect(agentKeyCount(door)).toBe(before);
    // The access list is checked after authentication: wrong credentials are still the 401.
    await expectChallenge(await call(door, keysUrl(door, G1), { ...OUTSIDER, password: 'wrong' }));
  });

  it('a key whose access list includes loopback works (the owner key lists 127.0.0.1/32 and ::1/128)', async () => {
    expect((await call(door, keysUrl(door, G1), OWNER)).status).toBe(200);
  });
});

describe('Ops Manager IP access lists by client address (emulator.handle)', () => {
  const emulator = createEmulator({ vendors: ['opsmanager'] });
  const url = `https://opsmanager.internal/api/public/v1.0/groups/${G1}/agentapikeys`;
  async function asClient(clientIp: string, creds: Credentials) {
    const first = await emulator.handle(new Request(url), { clientIp });
    const challenge = parseChallenge(first.headers.get('www-authenticate'));
    return emulator.handle(new Request(url, { headers: { authorization: digestAuthorization('GET', url, creds, challenge) } }), { clientIp });
  }

  it('matches IPv4 and IPv6 CIDR blocks, and IPv4-mapped IPv6 addresses as IPv4', async () => {
    expect((await asClient('::1', OWNER)).status).toBe(200);
    expect((await asClient('::ffff:127.0.0.1', OWNER)).status).toBe(200);
    expect((await asClient('127.0.0.2', OWNER)).status).toBe(403);
    expect((await asClient('::2', OWNER)).status).toBe(403);
    expect((await asClient('203.0.113.77', OUTSIDER)).status).toBe(200);
    expect((await asClient('203.0.114.1', OUTSIDER)).status).toBe(403);
    expect((await asClient('2001:db8:ffff::1', OUTSIDER)).status).toBe(200);
    expect((await asClient('2001:db9::1', OUTSIDER)).status).toBe(403);
    const denied = await asClient('2001:db9::1', OUTSIDER);
    expect((await denied.json()).parameters).toEqual(['2001:db9::1']);
    expect((await asClient('198.51.100.7', READ_ONLY)).status).toBe(200); // no access list: anywhere
  });

  it('records the caller address as createdIpAddr', async () => {
    const first = await emulator.handle(new Request(url, { method: 'POST' }), { clientIp: '::1' });
    const challenge = parseChallenge(first.headers.get('www-authenticate'));
    const res = await emulator.handle(
      new Request(url, {
        method: 'POST',
        headers: { authorization: digestAuthorization('POST', url, OWNER, challenge), 'content-type': 'application/json' },
        body: '{"desc":"v6"}',
      }),
      { clientIp: '::1' },
    );
    expect(res.status).toBe(200);
    expect((await res.json()).createdIpAddr).toBe('::1');
  });
});

describe('Ops Manager CIDR matching', () => {
  const matches = (entry: string, ip: string) => inCidr(ip, parseCidr(entry)!);
  it('parses addresses and blocks of both families, and refuses what is neither', () => {
    expect(matches('10.0.0.0/8', '10.255.1.2')).toBe(true);
    expect(matches('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(matches('10.1.2.3/8', '10.9.9.9')).toBe(true); // host bits are ignored
    expect(matches('0.0.0.0/0', '192.0.2.1')).toBe(true);
    expect(matches('0.0.0.0/0', '::1')).toBe(false);
    expect(matches('192.0.2.7', '192.0.2.7')).toBe(true);
    expect(matches('::/0', '2001:db8::1')).toBe(true);
    expect(matches('fe80::/10', 'fe80::1%eth0')).toBe(true);
    expect(matches('2001:db8::/127', '2001:db8::1')).toBe(true);
    expect(matches('2001:db8::/128', '2001:db8::1')).toBe(false);
    expect(matches('::ffff:10.0.0.0/104', '10.20.30.40')).toBe(true);
    expect(matches('10.0.0.0/8', '::ffff:10.1.1.1')).toBe(true);
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/x', '300.1.1.1', 'example.com', '', '::1/-1'])
      expect(parseCidr(bad), bad).toBeUndefined();
  });

  it('an access list says which entry let an address in (the first that matches), short or long', () => {
    for (const n of [1, 3, 4, 5, 12]) {
      // n blocks 10.0.i.0/24, then 10.0.0.0/8 overlapping all of them.
      const entries = [...Array.from({ length: n }, (_, i) => `10.0.${i}.0/24`), '10.0.0.0/8'].map((w) => ({ w, cidr: parseCidr(w)! }));
      const list = new AccessList(entries);
      expect(list.match(`10.0.${n - 1}.9`), `${n}`).toBe(entries[n - 1]);
      expect(list.match('10.0.0.1')).toBe(entries[0]);
      expect(list.match('10.200.0.1')).toBe(entries[n]);
      expect(list.match('::ffff:10.0.0.1')).toBe(entries[0]);
      expect(list.match('192.0.2.1')).toBeUndefined();
      expect(list.match('not an address')).toBeUndefined();
      expect(list.allows('10.1.2.3')).toBe(true);
    }
    expect(new AccessList([]).match('192.0.2.1')).toBe(true);
    // One check per entries array: the same array gives the same check, a new array a new one.
    const entries = [{ cidr: parseCidr('127.0.0.1')! }];
    expect(AccessList.of(entries)).toBe(AccessList.of(entries));
    expect(AccessList.of([...entries])).not.toBe(AccessList.of(entries));
    expect(sameBlock(parseCidr('10.0.0.1/8')!, parseCidr('10.0.0.0/8')!)).toBe(true);
    expect(sameBlock(parseCidr('10.0.0.1/8')!, parseCidr('10.0.0.0/16')!)).toBe(false);
    expect(sameBlock(parseCidr('::ffff:10.0.0.0/104')!, parseCidr('10.9.9.9/8')!)).toBe(true);
  });
});

describeDoors('Ops Manager HTTP Digest', (door) => {
  const url = () => keysUrl(door, G1);

  it('challenges a request without credentials: the captured header, the bare body, a fresh nonce each time', async () => {
    const a = await expectChallenge(await fetch(url()));
    const b = await expectChallenge(await fetch(url(), { method: 'POST' }));
    expect(a.nonce).not.toBe(b.nonce);
    expect(a).toMatchObject({ realm: 'MMS Public API', domain: '', algorithm: 'MD5', qop: 'auth', stale: 'false' });
  });

  it('challenges before looking at the body or its content type', async () => {
    const before = agentKeyCount(door);
    await expectChallenge(await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }));
    await expectChallenge(await fetch(url(), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }));
    await expectChallenge(await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ desc: 'x'.repeat(2 * 1024 * 1024) }) }));
    expect(agentKeyCount(door)).toBe(before);
  });

  it('accepts qop=auth, RFC 2069 without qop, MD5-sess, a quoted or absent algorithm, and an unpadded nc', async () => {
    for (const opts of [{}, { qop: 'none' as const }, { algorithm: 'MD5-sess' }, { algorithm: '"MD5"' }, { algorithm: 'md5' }, { algorithm: null }, { nc: '1' }, { nc: 'a' }]) {
      const res = await digestFetch(url(), OWNER, {}, opts);
      expect(res.status, JSON.stringify(opts)).toBe(200);
    }
  });

  it('accepts the absolute-URI form of uri, and refuses a uri that is not the request (401)', async () => {
    let challenge = await getChallenge(url());
    expect((await sendWith(url(), OWNER, challenge, {}, { uri: url() })).status).toBe(200);
    challenge = await getChallenge(url());
    await expectChallenge(await sendWith(url(), OWNER, challenge, {}, { uri: `/api/public/v1.0/groups/${G2}/agentapikeys` }));
    // Signed without the query string that was sent.
    challenge = await getChallenge(url());
    await expectChallenge(await sendWith(`${url()}?pretty=true`, OWNER, challenge, {}, { uri: new URL(url()).pathname }));
    // With it, fine.
    expect((await sendWith(`${url()}?pretty=true`, OWNER, challenge)).status).toBe(200);
  });

  it('reuses a nonce with a rising nc (pre-emptive clients), and by default also tolerates a repeated or lower nc', async () => {
    const challenge = await getChallenge(url());
    const cnonce = '0a4f113b';
    for (const nc of [1, 2, 3, 10]) expect((await sendWith(url(), OWNER, challenge, {}, { nc, cnonce })).status).toBe(200);
    // Two requests in flight from digest-fetch carry the same nc and cnonce; urllib counts process-wide.
    for (const nc of [10, 4]) expect((await sendWith(url(), OWNER, challenge, {}, { nc, cnonce })).status).toBe(200);
    const created = await sendWith(url(), OWNER, challenge, { method: 'POST', body: { desc: 'same nonce' } }, { nc: 11 });
    expect(created.status).toBe(200);
  });

  it('answers an expired nonce of ours with stale=true once the clock moves, and the fresh nonce works', async () => {
    const challenge = await getChallenge(url());
    expect((await sendWith(url(), OWNER, challenge, {}, { nc: 1 })).status).toBe(200);
    door.emulator.clock.advance(NONCE_TTL_MS - 1000);
    expect((await sendWith(url(), OWNER, challenge, {}, { nc: 2 })).status).toBe(200);
    door.emulator.clock.advance(2000);
    const stale = await sendWith(url(), OWNER, challenge, {}, { nc: 3 });
    const fresh = await expectChallenge(stale, true);
    expect(fresh.nonce).not.toBe(challenge.nonce);
    // With the wrong password the expired nonce is just a failure (stale=false): stale promises the credentials were right.
    await expectChallenge(await sendWith(url(), { ...OWNER, password: 'wrong' }, challenge, {}, { nc: 4 }), false);
    expect((await sendWith(url(), OWNER, fresh, {}, { nc: 1 })).status).toBe(200);
  });

  it('answers a nonce it never issued with stale=false', async () => {
    await expectChallenge(await sendWith(url(), OWNER, { realm: 'MMS Public API', nonce: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), false);
  });

  it('answers a wrong private key, an unknown public key, another realm and other schemes with the same bare 401', async () => {
    await expectChallenge(await digestFetch(url(), { ...OWNER, password: 'ffffffff-ffff-4fff-8fff-ffffffffffff' }));
    await expectChallenge(await digestFetch(url(), { username: 'nobodyxx', password: OWNER.password }));
    await expectChallenge(await digestFetch(url(), OWNER, {}, { realm: 'Other' }));
    await expectChallenge(await fetch(url(), { headers: { authorization: `Basic ${Buffer.from(`${OWNER.username}:${OWNER.password}`).toString('base64')}` } }));
    await expectChallenge(await fetch(url(), { headers: { authorization: 'Bearer abc' } }));
  });

  it('answers malformed and incomplete Digest headers with the 401 challenge, never a crash', async () => {
    const c = await getChallenge(url());
    const good = digestAuthorization('GET', url(), OWNER, c);
    const bad = [
      'Digest',
      'Digest ',
      'Digest garbage',
      'Digest username="ownerkey',
      'Digest username=, realm="MMS Public API"',
      good.replace(/, response="[0-9a-f]{32}"/, ''),
      good.replace(/, nc=[0-9a-f]+/, ''),
      good.replace(/nc=([0-9a-f]+)/, 'nc=zz'),
      good.replace(/response="([0-9a-f]{32})"/, 'response="xyz"'),
      good.replace(/qop=auth/, 'qop=auth-int'),
      good.replace(/algorithm=MD5/, 'algorithm=SHA-256'),
      `${good}, username="ownerkey"`,
      `${good} trailing`,
      'Digest username="own\\"erkey", realm="MMS Public API", nonce="x", uri="/", response="00000000000000000000000000000000"',
      `Digest ${'a'.repeat(10000)}="b"`,
    ];
    for (const authorization of bad) {
      const res = await fetch(url(), { headers: { authorization } });
      expect(res.status, authorization.slice(0, 80)).toBe(401);
      await expectChallenge(res);
    }
    // The good one still works (the nonce was not used up by the failures).
    expect((await fetch(url(), { headers: { authorization: good } })).status).toBe(200);
  });

  it('signs the method: a digest computed for GET does not authorize a DELETE', async () => {
    const c = await getChallenge(url());
    const authorization = digestAuthorization('GET', keysUrl(door, G1, '/5e2211c17a3e5a48f5497f01'), OWNER, c);
    const res = await fetch(keysUrl(door, G1, '/5e2211c17a3e5a48f5497f01'), { method: 'DELETE', headers: { authorization } });
    await expectChallenge(res);
    expect(model(door).agentApiKeys.get('5e2211c17a3e5a48f5497f01')).toBeDefined();
  });
});

describeDoors(
  'Ops Manager HTTP Digest with strictNonceCount',
  (door) => {
    it('refuses a nc that does not rise (401 stale=true), and a fresh nonce works', async () => {
      const url = keysUrl(door, G1);
      const challenge = await getChallenge(url);
      expect((await sendWith(url, OWNER, challenge, {}, { nc: 1 })).status).toBe(200);
      expect((await sendWith(url, OWNER, challenge, {}, { nc: 2 })).status).toBe(200);
      const fresh = await expectChallenge(await sendWith(url, OWNER, challenge, {}, { nc: 2 }), true);
      await expectChallenge(await sendWith(url, OWNER, challenge, {}, { nc: 1 }), true);
      expect((await sendWith(url, OWNER, challenge, {}, { nc: 3 })).status).toBe(200);
      expect((await sendWith(url, OWNER, fresh, {}, { nc: 1 })).status).toBe(200);
    });
  },
  { vendors: ['opsmanager'], vendorOptions: { opsmanager: { strictNonceCount: true, nonceTtlMs: 60_000 } } },
);

describeDoors('Ops Manager request bodies', (door) => {
  const url = () => keysUrl(door, G1);
  const post = (body: string | object, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    call(door, url(), OWNER, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });

  it('answers every bad body with the documented error and changes nothing', async () => {
    const before = agentKeyCount(door);
    const cases: [string | object, string, string[], string][] = [
      ['{"desc":', 'MALFORMED_JSON', [], 'Received JSON is malformed.'],
      ["{'desc':'x'}", 'MALFORMED_JSON', [], 'Received JSON is malformed.'],
      ['[{"desc":"x"}]', 'INVALID_JSON', [], 'Received JSON does not match expected format.'],
      ['"desc"', 'INVALID_JSON', [], 'Received JSON does not match expected format.'],
      ['42', 'INVALID_JSON', [], 'Received JSON does not match expected format.'],
      ['null', 'INVALID_JSON', [], 'Received JSON does not match expected format.'],
      [{ desc: 42 }, 'INVALID_JSON', [], 'Received JSON does not match expected format.'],
      [{ desc: true }, 'INVALID_JSON', [], 'Received JSON does not match expected format.'],
      [{ desc: { text: 'x' } }, 'INVALID_JSON', [], 'Received JSON does not match expected format.'],
      [{ desc: ['x'] }, 'INVALID_JSON', [], 'Received JSON does not match expected format.'],
      [{ desc: 'x', extra: 1 }, 'INVALID_ATTRIBUTE', ['extra'], 'Invalid attribute extra specified.'],
      [{ key: 'mine', desc: 'x' }, 'INVALID_ATTRIBUTE', ['key'], 'Invalid attribute key specified.'],
      [{ desc: 'x'.repeat(1001) }, 'INVALID_ATTRIBUTE', ['desc'], 'Invalid attribute desc specified.'],
      [{}, 'MISSING_ATTRIBUTE', ['desc'], 'The required attribute desc was not specified.'],
      [{ desc: null }, 'MISSING_ATTRIBUTE', ['desc'], 'The required attribute desc was not specified.'],
      ['', 'MISSING_ATTRIBUTE', ['desc'], 'The required attribute desc was not specified.'],
    ];
    for (const [body, code, parameters, detail] of cases) {
      const res = await post(body);
      const err = await expectApiError(res, 400, code, parameters, detail);
      expect(err.error, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
    expect(agentKeyCount(door)).toBe(before);
    expect((await post({ desc: 'x'.repeat(1000) })).status).toBe(200);
    // Length in UTF-16 code units, as Java counts it.
    expect((await post({ desc: '😀'.repeat(500) })).status).toBe(200);
    await expectApiError(await post({ desc: '😀'.repeat(501) }), 400, 'INVALID_ATTRIBUTE', ['desc']);
    expect(agentKeyCount(door)).toBe(before + 2);
  });

  it('answers a body of another content type with 415, and one without a content type is read as JSON', async () => {
    const before = agentKeyCount(door);
    const res = await post({ desc: 'x' }, { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expectDocumentedHeaders(res);
    expect(await res.json()).toEqual({
      detail: 'Content-Type text/plain is not supported; send application/json.',
      error: 415,
      reason: 'Unsupported Media Type',
    });
    expect(agentKeyCount(door)).toBe(before);
    const c = await getChallenge(url(), 'POST');
    const noType = await fetch(url(), {
      method: 'POST',
      headers: { authorization: digestAuthorization('POST', url(), OWNER, c) },
      body: new Uint8Array(Buffer.from('{"desc":"no content type"}')),
    });
    expect(noType.status).toBe(200);
    expect((await noType.json()).desc).toBe('no content type');
  });

  it('answers a body over 1 MiB with 413 and changes nothing', async () => {
    const before = agentKeyCount(door);
    const res = await post({ desc: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expectDocumentedHeaders(res);
    expect(await res.json()).toMatchObject({ error: 413, reason: 'Request Entity Too Large' });
    expect(agentKeyCount(door)).toBe(before);
  });
});

describeDoors('Ops Manager paths and methods', (door) => {
  it('answers unknown paths under the API with RESOURCE_NOT_FOUND, after authentication', async () => {
    for (const path of ['/groups', `/groups/${G1}`, `/groups/${G1}/agentapikeys/5e2211c17a3e5a48f5497f01/more`, '/orgs', '']) {
      const full = `/api/public/v1.0${path}`;
      await expectChallenge(await fetch(api(door, path)));
      await expectApiError(await call(door, api(door, path), OWNER), 404, 'RESOURCE_NOT_FOUND', [full], `Cannot find resource ${full}.`);
    }
    // Credentials do not matter once authenticated, but the access list still does.
    await expectApiError(await call(door, api(door, '/groups'), OUTSIDER), 403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', ['127.0.0.1']);
  });

  it('answers a method the resource does not have with 405 and Allow, after authentication', async () => {
    const before = agentKeyCount(door);
    await expectChallenge(await fetch(keysUrl(door, G1), { method: 'PUT' }));
    const put = await call(door, keysUrl(door, G1), OWNER, { method: 'PUT', body: { desc: 'x' } });
    expect(put.status).toBe(405);
    expectDocumentedHeaders(put);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect(await put.json()).toEqual({
      detail: `HTTP method PUT is not supported by /api/public/v1.0/groups/${G1}/agentapikeys.`,
      error: 405,
      reason: 'Method Not Allowed',
    });
    const get = await call(door, keysUrl(door, G1, '/5e2211c17a3e5a48f5497f01'), OWNER);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('DELETE');
    expect((await call(door, keysUrl(door, G1, '/5e2211c17a3e5a48f5497f01'), OWNER, { method: 'PATCH', body: { desc: 'x' } })).status).toBe(405);
    expect(agentKeyCount(door)).toBe(before);
  });

  it('answers DELETE of an unknown or malformed agent key id with RESOURCE_NOT_FOUND', async () => {
    for (const id of ['5e2211c17a3e5a48f5497fff', 'nope']) {
      const path = `/api/public/v1.0/groups/${G1}/agentapikeys/${id}`;
      await expectApiError(await call(door, keysUrl(door, G1, `/${id}`), OWNER, { method: 'DELETE' }), 404, 'RESOURCE_NOT_FOUND', [path]);
    }
  });

  if (door.kind === 'msw') {
    it('answers on any self-hosted origin through MSW, e.g. https://opsmanager.example.com:8443', async () => {
      const base = `https://opsmanager.example.com:8443/api/public/v1.0/groups/${G1}/agentapikeys`;
      await expectChallenge(await fetch(base));
      const created = await digestFetch(`${base}?pretty=true`, OWNER, { method: 'POST', body: { desc: 'self-hosted' } });
      expect(created.status).toBe(200);
      expectDocumentedHeaders(created);
      const body = await created.json();
      expect(body).toMatchObject({ desc: 'self-hosted', createdBy: 'PUBLIC_API', createdUserId: OWNER.id, createdIpAddr: '127.0.0.1' });
      const list = await (await digestFetch(base, READ_ONLY)).json();
      expect(list.map((k: { _id: string }) => k._id)).toContain(body._id);
      expect((await digestFetch(`${base}/${body._id}`, OWNER, { method: 'DELETE' })).status).toBe(200);
      expect(model(door).agentApiKeys.get(body._id)).toBeUndefined();
      await expectApiError(await digestFetch('http://10.1.2.3:8080/api/public/v1.0/unknown', OWNER), 404, 'RESOURCE_NOT_FOUND', ['/api/public/v1.0/unknown']);
    });

    it('answers paths outside the API on cloud.mongodb.com with a 404 at once', async () => {
      const res = await fetch('https://cloud.mongodb.com/v2/somewhere');
      expect(res.status).toBe(404);
      expect((await res.json()).errorCode).toBe('RESOURCE_NOT_FOUND');
    });
  }
});

describeDoors(
  'Ops Manager rate limit (the emulator\'s rateLimits)',
  (door) => {
    it('answers 429 RATE_LIMITED once a project\'s budget is used up, and again after the window', async () => {
      // Each digest call is two requests (the challenge, then the signed one).
      const url = keysUrl(door, G1);
      expect((await call(door, url, OWNER)).status).toBe(200);
      expect((await call(door, url, OWNER)).status).toBe(200);
      const path = `/api/public/v1.0/groups/${G1}/agentapikeys`;
      const limited = await fetch(url);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      await expectApiError(limited, 429, 'RATE_LIMITED', [path, '4', '1'], `Resource ${path} is limited to 4 requests every 1 minutes.`);
      const before = agentKeyCount(door);
      const sneaky = await fetch(url, { method: 'POST', headers: { authorization: door.emulator.opsmanager.authorization('POST', url, OWNER.username), 'content-type': 'application/json' }, body: '{"desc":"x"}' });
      await expectApiError(sneaky, 429, 'RATE_LIMITED', [path, '4', '1']);
      expect(agentKeyCount(door)).toBe(before);
      expect((await call(door, keysUrl(door, G2), OWNER)).status).toBe(200); // another project has its own budget
      door.emulator.clock.advance(60_000);
      expect((await call(door, url, OWNER)).status).toBe(200);
    });
  },
  { vendors: ['opsmanager'], rateLimits: { opsmanager: { limit: 4, windowMs: 60_000 } } },
);

describe('emulator.opsmanager (typed API)', () => {
  it('seeds and inspects agent API keys, and signs requests for a programmatic key', async () => {
    const emulator = createEmulator({ vendors: ['opsmanager'] });
    const om = emulator.opsmanager;
    const created = om.agentApiKeys.create({ groupId: G2, desc: 'seeded', createdUserId: OWNER.id, createdIpAddr: '10.0.0.9' });
    expect(created).toMatchObject({ groupId: G2, desc: 'seeded', createdBy: 'PUBLIC_API', createdUserId: OWNER.id, createdIpAddr: '10.0.0.9' });
    expect(created.key).toMatch(/^[0-9a-f]{56}$/);
    expect(om.agentApiKeys.list(G2)).toEqual([created]);
    expect(om.apiKeys.get('ownerkey')?.id).toBe(OWNER.id);
    expect(() => om.agentApiKeys.create({ groupId: MISSING_GROUP })).toThrow(TypeError);
    const url = `https://cloud.mongodb.com/api/public/v1.0/groups/${G2}/agentapikeys?pretty=true`;
    const res = await emulator.handle(new Request(url, { headers: { authorization: om.authorization('GET', url, 'ownerkey') } }));
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text())[0]._id).toBe(created._id);
    expect(om.agentApiKeys.delete(created._id)).toBe(true);
    expect(om.agentApiKeys.get(created._id)).toBeUndefined();
  });
});

describe('Ops Manager fixtures', () => {
  const base = () => JSON.parse(JSON.stringify(createEmulator({ vendors: ['opsmanager'] }).snapshot().opsmanager));
  const load = (opsmanager: unknown) => createEmulator({ vendors: ['opsmanager'], fixtures: { opsmanager } });

  it('ships two orgs, three groups, an owner, a read-only and a global key, keys with and without loopback access', () => {
    const m = createEmulator().model<OpsManagerModel>('opsmanager');
    expect(m.orgs.size).toBe(2);
    expect(m.groups.size).toBe(3);
    const roles = [...m.apiKeys.values()].flatMap((k) => k.roles.map((r) => r.roleName));
    expect(roles).toEqual(expect.arrayContaining(['ORG_OWNER', 'GROUP_OWNER', 'GROUP_READ_ONLY', 'GLOBAL_OWNER', 'GLOBAL_READ_ONLY']));
    expect(m.apiKeysByPublicKey.get('ownerkey')?.accessList.map((e) => e.cidrBlock)).toEqual(['127.0.0.1/32', '::1/128']);
    expect(m.apiKeysByPublicKey.get('outsider')?.accessList.map((e) => e.cidrBlock)).toEqual(['203.0.113.0/24', '2001:db8::/32']);
  });

  it('round-trips through snapshot and restore', () => {
    const e = createEmulator({ vendors: ['opsmanager'] });
    const snap = e.snapshot();
    e.opsmanager.agentApiKeys.create({ groupId: G1, desc: 'new', createdBy: 'PROVISIONING' });
    const changed = e.snapshot();
    e.restore(snap);
    expect(e.snapshot()).toEqual(snap);
    e.restore(changed);
    expect(e.snapshot()).toEqual(changed);
    expect(load({}).snapshot().opsmanager).toEqual({ orgs: [], groups: [], apiKeys: [], agentApiKeys: [] });
  });

  it('refuses bad fixtures with the JSON path of the problem', () => {
    const cases: [(f: any) => void, RegExp][] = [
      [(f) => (f.groups[0].orgId = '5e2211c17a3e5a48f5497000'), /^opsmanager\.groups\[0\]\.orgId: no org with id/],
      [(f) => (f.orgs[0].id = 'acme'), /^opsmanager\.orgs\[0\]\.id: expected a 24-hex ObjectId/],
      [(f) => (f.orgs[1].id = f.orgs[0].id), /^opsmanager\.orgs\[1\]\.id: duplicate id/],
      [(f) => (f.apiKeys[0].publicKey = 'Owner123'), /^opsmanager\.apiKeys\[0\]\.publicKey: expected a public key of 8 lowercase letters/],
      [(f) => (f.apiKeys[1].publicKey = f.apiKeys[0].publicKey), /^opsmanager\.apiKeys\[1\]\.publicKey: duplicate publicKey/],
      [(f) => (f.apiKeys[0].privateKey = 'secret'), /^opsmanager\.apiKeys\[0\]\.privateKey: expected a private key in UUID form/],
      [(f) => (f.apiKeys[0].roles[0].orgId = '5e2211c17a3e5a48f5497000'), /^opsmanager\.apiKeys\[0\]\.roles\[0\]\.orgId: no org with id/],
      [(f) => (f.apiKeys[1].roles[0].groupId = '5e2211c17a3e5a48f5497000'), /^opsmanager\.apiKeys\[1\]\.roles\[0\]\.groupId: no group with id/],
      [(f) => (f.apiKeys[1].roles[0].roleName = 'GROUP_SUPERUSER'), /^opsmanager\.apiKeys\[1\]\.roles\[0\]\.roleName: unknown group role "GROUP_SUPERUSER"/],
      [(f) => (f.apiKeys[1].roles[0] = { orgId: ORG_A, roleName: 'GROUP_OWNER' }), /^opsmanager\.apiKeys\[1\]\.roles\[0\]: GROUP_OWNER takes a groupId/],
      [(f) => (f.apiKeys[3].roles[0].orgId = ORG_A), /^opsmanager\.apiKeys\[3\]\.roles\[0\]: GLOBAL_OWNER is global/],
      [(f) => (f.apiKeys[0].roles[0].roleName = 'owner'), /^opsmanager\.apiKeys\[0\]\.roles\[0\]\.roleName: expected a role name/],
      [(f) => (f.apiKeys[0].accessList = ['127.0.0.1/33']), /^opsmanager\.apiKeys\[0\]\.accessList\[0\]: expected an IP address or CIDR block/],
      [(f) => (f.apiKeys[0].accessList = ['localhost']), /^opsmanager\.apiKeys\[0\]\.accessList\[0\]: expected an IP address or CIDR block/],
      [(f) => (f.apiKeys[0].extra = 1), /^opsmanager\.apiKeys\[0\]\.extra: unknown key/],
      [(f) => (f.agentApiKeys[0].groupId = '5e2211c17a3e5a48f5497000'), /^opsmanager\.agentApiKeys\[0\]\.groupId: no group with id/],
      [(f) => (f.agentApiKeys[0].key = 'ABC'), /^opsmanager\.agentApiKeys\[0\]\.key: expected an agent API key/],
      [(f) => (f.agentApiKeys[0].createdBy = 'ROBOT'), /^opsmanager\.agentApiKeys\[0\]\.createdBy: expected one of/],
      [(f) => (f.agentApiKeys[0].createdTime = '2020-01-01'), /^opsmanager\.agentApiKeys\[0\]\.createdTime: expected a number/],
      [(f) => (f.agentApiKeys[0].createdIpAddr = 'here'), /^opsmanager\.agentApiKeys\[0\]\.createdIpAddr: expected an IP address/],
      [(f) => (f.agentApiKeys[1]._id = f.agentApiKeys[0]._id), /^opsmanager\.agentApiKeys\[1\]\._id: duplicate _id/],
      [(f) => (f.agentApiKeys[0].desc = 'x'.repeat(1001)), /^opsmanager\.agentApiKeys\[0\]\.desc: expected at most 1000 characters/],
    ];
    for (const [mutate, message] of cases) {
      const f = base();
      mutate(f);
      let error: unknown;
      try {
        load(f);
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(FixtureError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('refuses unknown or ill-typed vendor options', () => {
    expect(() => createEmulator({ vendors: ['opsmanager'], vendorOptions: { opsmanager: { nonceTTL: 5 } } })).toThrow(/unknown opsmanager option "nonceTTL"/);
    expect(() => createEmulator({ vendors: ['opsmanager'], vendorOptions: { opsmanager: { strictNonceCount: 'yes' } } })).toThrow(/boolean/);
    expect(() => createEmulator({ vendors: ['opsmanager'], vendorOptions: { opsmanager: { nonceTtlMs: -1 } } })).toThrow(/positive number/);
  });
});
