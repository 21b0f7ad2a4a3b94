/**
 * Ops Manager programmatic API keys through both front doors: organization keys, their access lists (and the older
 * `whitelist` paths), project keys — and that every change applies to the very next digest request (spec
 * "Programmatic API keys (organization and project) and their access lists").
 */
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';
import { describeDoors, type Door } from './support/doors.js';
import { digestFetch, type Credentials, type SendInit } from './support/digest.js';

const ORG_A = '5e2211c17a3e5a48f5497de3';
const ORG_B = '5e2211c17a3e5a48f5497de4';
const G1 = '5e2211c17a3e5a48f5497df1'; // Acme Production
const G2 = '5e2211c17a3e5a48f5497df2'; // Acme Staging
const OWNER = { username: 'ownerkey', password: '7c6c2f1e-3b4a-4d5e-8f90-1a2b3c4d5e6f', id: '5e2211c17a3e5a48f5497e01' }; // ORG_OWNER of A
const GROUP_OWNER = { username: 'groupown', password: '0f9e8d7c-6b5a-4493-8271-605f4e3d2c1b', id: '5e2211c17a3e5a48f5497e02' }; // GROUP_OWNER of G2
const READ_ONLY = { username: 'readonly', password: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', id: '5e2211c17a3e5a48f5497e03' }; // GROUP_READ_ONLY of G1
const GLOBAL_OWNER = { username: 'globalow', password: '9d8c7b6a-5f4e-4d3c-a2b1-0f1e2d3c4b5a' };
const NO_ACCESS = { username: 'noaccess', password: 'b0b0b0b0-1111-4222-8333-444455556666' }; // ORG_MEMBER of B
const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

const api = (door: Door, path: string) => `${door.origin('opsmanager')}/api/public/v1.0${path}`;
const call = (door: Door, path: string, creds: Credentials, init: SendInit = {}) => digestFetch(api(door, path), creds, init);

async function expectApiError(res: Response, status: number, errorCode: string, parameters: string[] = [], detail?: string) {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body).toMatchObject({ error: status, errorCode, parameters, reason: REASONS[status] });
  if (detail !== undefined) expect(body.detail).toBe(detail);
}

async function ok(res: Response, status = 200) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.headers.get('strict-transport-security')).toBe('max-age=300');
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

const PRIVATE_KEY_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describeDoors('Ops Manager programmatic API keys', (door) => {
  it('acceptance 2: org owner creates a GROUP_OWNER key, gives it an access list, it creates an agent key; entry removed → 403; key deleted → 401', async () => {
    // 1. The org owner creates a project key (create-and-assign): the private key is shown once.
    const created = await ok(await call(door, `/groups/${G1}/apiKeys`, OWNER, { method: 'POST', body: { desc: 'CI rotation key', roles: ['GROUP_OWNER'] } }));
    expect(created).toMatchObject({ desc: 'CI rotation key', publicKey: expect.stringMatching(/^[a-z]{8}$/), roles: [{ groupId: G1, roleName: 'GROUP_OWNER' }] });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.privateKey).toMatch(PRIVATE_KEY_RE);
    expect(created.links).toEqual([{ href: api(door, `/orgs/${ORG_A}/apiKeys/${created.id}`), rel: 'self' }]);
    const fresh = { username: created.publicKey, password: created.privateKey };
    // …and never again.
    const got = await ok(await call(door, `/orgs/${ORG_A}/apiKeys/${created.id}`, OWNER));
    expect(got.privateKey).toBe(`********-****-****-${created.privateKey.slice(-12)}`);

    // 2. Its access list: 127.0.0.1 and an office block.
    const list = await ok(
      await call(door, `/orgs/${ORG_A}/apiKeys/${created.id}/accessList`, OWNER, { method: 'POST', body: [{ ipAddress: '127.0.0.1' }, { cidrBlock: '192.0.2.0/24' }] }),
    );
    expect(list.totalCount).toBe(2);
    expect(list.results.map((e: { cidrBlock: string; ipAddress: string | null }) => [e.cidrBlock, e.ipAddress])).toEqual([
      ['127.0.0.1/32', '127.0.0.1'],
      ['192.0.2.0/24', null],
    ]);

    // 3. The new key works at once: it creates an agent API key in its project.
    const agentKey = await ok(await call(door, `/groups/${G1}/agentapikeys`, fresh, { method: 'POST', body: { desc: 'made by the new key' } }));
    expect(agentKey).toMatchObject({ createdBy: 'PUBLIC_API', createdUserId: created.id, createdIpAddr: '127.0.0.1' });
    expect(door.emulator.opsmanager.agentApiKeys.get(agentKey._id)).toBeDefined();
    // The entry that let it in counted the request [doc].
    const entry = await ok(await call(door, `/orgs/${ORG_A}/apiKeys/${created.id}/accessList/127.0.0.1`, fresh));
    expect(entry).toMatchObject({ cidrBlock: '127.0.0.1/32', ipAddress: '127.0.0.1', lastUsedAddress: '127.0.0.1' });
    expect(entry.count).toBeGreaterThanOrEqual(1);
    expect(entry.lastUsed).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // 4. Remove 127.0.0.1: the next request from loopback is refused [doc].
    const removed = await call(door, `/orgs/${ORG_A}/apiKeys/${created.id}/accessList/127.0.0.1`, OWNER, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    await expectApiError(await call(door, `/groups/${G1}/agentapikeys`, fresh), 403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', ['127.0.0.1'], 'IP address 127.0.0.1 is not allowed to access this resource.');

    // 5. Delete the key: from then on its digest fails (the bare 401 with a challenge).
    expect((await call(door, `/orgs/${ORG_A}/apiKeys/${created.id}`, OWNER, { method: 'DELETE' })).status).toBe(200);
    const refused = await call(door, `/groups/${G1}/agentapikeys`, fresh);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Digest realm="MMS Public API"/);
    expect(await refused.json()).toEqual({ reason: 'Unauthorized', error: 401, detail: 'You are not authorized for this resource.' });
    expect(door.emulator.opsmanager.apiKeys.get(created.id)).toBeUndefined();
  });

  it('lists org keys in the documented envelope and pages them with itemsPerPage/pageNum (links self/previous/next)', async () => {
    const all = await ok(await call(door, `/orgs/${ORG_A}/apiKeys`, OWNER));
    expect(all.totalCount).toBe(4);
    expect(all.results.map((k: { publicKey: string }) => k.publicKey)).toEqual(['ownerkey', 'groupown', 'readonly', 'outsider']);
    expect(all.links).toEqual([{ href: api(door, `/orgs/${ORG_A}/apiKeys?pageNum=1&itemsPerPage=100`), rel: 'self' }]);
    for (const k of all.results) expect(k.privateKey).toMatch(/^\*{8}-\*{4}-\*{4}-[0-9a-f]{12}$/);
    const p2 = await ok(await call(door, `/orgs/${ORG_A}/apiKeys?itemsPerPage=3&pageNum=2&pretty=true`, OWNER));
    expect(p2.totalCount).toBe(4);
    expect(p2.results.map((k: { publicKey: string }) => k.publicKey)).toEqual(['outsider']);
    expect(p2.links).toEqual([
      { href: api(door, `/orgs/${ORG_A}/apiKeys?pretty=true&pageNum=1&itemsPerPage=3`), rel: 'previous' },
      { href: api(door, `/orgs/${ORG_A}/apiKeys?pretty=true&pageNum=2&itemsPerPage=3`), rel: 'self' },
    ]);
    const p1 = await ok(await call(door, `/orgs/${ORG_A}/apiKeys?itemsPerPage=3`, OWNER));
    expect(p1.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'next']);
    const beyond = await ok(await call(door, `/orgs/${ORG_A}/apiKeys?itemsPerPage=3&pageNum=9`, OWNER));
    expect(beyond).toMatchObject({ results: [], totalCount: 4 });
    // envelope=true adds the status beside results [doc].
    const env = await ok(await call(door, `/orgs/${ORG_A}/apiKeys?envelope=true&itemsPerPage=1`, OWNER));
    expect(Object.keys(env).sort()).toEqual(['links', 'results', 'status', 'totalCount']);
    expect(env.status).toBe(200);
    for (const bad of ['itemsPerPage=0', 'itemsPerPage=501', 'pageNum=0', 'pageNum=x'])
      await expectApiError(await call(door, `/orgs/${ORG_A}/apiKeys?${bad}`, OWNER), 400, 'INVALID_ATTRIBUTE', [bad.split('=')[0]]);
    // Every key of the org lists (an org role, or only project roles); outside it → 401; a global caller learns an
    // org does not exist.
    expect((await call(door, `/orgs/${ORG_B}/apiKeys`, NO_ACCESS)).status).toBe(200);
    expect((await call(door, `/orgs/${ORG_A}/apiKeys`, READ_ONLY)).status).toBe(200);
    await expectApiError(await call(door, `/orgs/${ORG_B}/apiKeys`, OWNER), 401, 'USER_UNAUTHORIZED');
    await expectApiError(await call(door, '/orgs/5e2211c17a3e5a48f5497dee/apiKeys', GLOBAL_OWNER), 404, 'ORG_NOT_FOUND', ['5e2211c17a3e5a48f5497dee']);
  });

  it('creates, updates and deletes org keys as an org owner; read roles get NOT_ORG_ADMIN; bad bodies get the documented codes', async () => {
    const made = await ok(await call(door, `/orgs/${ORG_B}/apiKeys`, GLOBAL_OWNER, { method: 'POST', body: { desc: 'Globex automation', roles: ['ORG_MEMBER'] } }));
    expect(made.roles).toEqual([{ orgId: ORG_B, roleName: 'ORG_MEMBER' }]);
    expect(made.privateKey).toMatch(PRIVATE_KEY_RE);
    const fresh = { username: made.publicKey, password: made.privateKey };
    // An ORG_MEMBER reads the org's keys but may not change them.
    expect((await call(door, `/orgs/${ORG_B}/apiKeys`, fresh)).status).toBe(200);
    await expectApiError(await call(door, `/orgs/${ORG_B}/apiKeys`, fresh, { method: 'POST', body: { desc: 'x', roles: ['ORG_MEMBER'] } }), 401, 'NOT_ORG_ADMIN', [ORG_B]);
    // PATCH: desc and roles (org roles replaced); the role change applies to the next request.
    const patched = await ok(
      await call(door, `/orgs/${ORG_B}/apiKeys/${made.id}`, GLOBAL_OWNER, { method: 'PATCH', body: { desc: 'Globex owner', roles: ['ORG_OWNER'] } }),
    );
    expect(patched).toMatchObject({ desc: 'Globex owner', roles: [{ orgId: ORG_B, roleName: 'ORG_OWNER' }] });
    expect(patched.privateKey).toMatch(/^\*{8}/);
    expect((await call(door, `/orgs/${ORG_B}/apiKeys`, fresh, { method: 'POST', body: { desc: 'by the promoted key', roles: ['ORG_READ_ONLY'] } })).status).toBe(200);

    const bad = (body: unknown) => call(door, `/orgs/${ORG_B}/apiKeys`, GLOBAL_OWNER, { method: 'POST', body: body as object });
    await expectApiError(await bad({ roles: ['ORG_MEMBER'] }), 400, 'MISSING_ATTRIBUTE', ['desc']);
    await expectApiError(await bad({ desc: 'x' }), 400, 'MISSING_ATTRIBUTE', ['roles']);
    await expectApiError(await bad({ desc: 'x', roles: [] }), 400, 'MISSING_ATTRIBUTE', ['roles']);
    await expectApiError(await bad({ desc: 'x'.repeat(251), roles: ['ORG_MEMBER'] }), 400, 'INVALID_ATTRIBUTE', ['desc']);
    await expectApiError(await bad({ desc: 'x', roles: ['GROUP_OWNER'] }), 400, 'INVALID_ATTRIBUTE', ['roles']);
    await expectApiError(await bad({ desc: 'x', roles: ['ORG_MEMBER'], name: 'y' }), 400, 'INVALID_ATTRIBUTE', ['name']);
    await expectApiError(await bad({ desc: 'x', roles: ['ORG_BILLING_ADMIN'] }), 401, 'BILLING_UNSUPPORTED', [], 'Billing administrator roles are not supported by Ops Manager.');
    await expectApiError(await bad({ desc: 5, roles: ['ORG_MEMBER'] }), 400, 'INVALID_JSON');
    await expectApiError(await bad([]), 400, 'INVALID_JSON');
    await expectApiError(await call(door, `/orgs/${ORG_B}/apiKeys`, GLOBAL_OWNER, { method: 'POST', body: '{"desc":', headers: { 'content-type': 'application/json' } }), 400, 'MALFORMED_JSON');
    // Unknown ids: 400 API_KEY_NOT_FOUND [doc]; a key of another org is unknown here.
    await expectApiError(await call(door, `/orgs/${ORG_B}/apiKeys/5e2211c17a3e5a48f5497eff`, GLOBAL_OWNER), 400, 'API_KEY_NOT_FOUND', ['5e2211c17a3e5a48f5497eff'], 'No API Key with ID 5e2211c17a3e5a48f5497eff exists.');
    await expectApiError(await call(door, `/orgs/${ORG_B}/apiKeys/${OWNER.id}`, GLOBAL_OWNER), 400, 'API_KEY_NOT_FOUND', [OWNER.id]);
    // Delete → 200, no body; the deleted key is refused on its next request.
    const del = await call(door, `/orgs/${ORG_B}/apiKeys/${made.id}`, GLOBAL_OWNER, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.text()).toBe('');
    expect((await call(door, `/orgs/${ORG_B}/apiKeys`, fresh)).status).toBe(401);
    await expectApiError(await call(door, `/orgs/${ORG_B}/apiKeys/${made.id}`, GLOBAL_OWNER), 400, 'API_KEY_NOT_FOUND', [made.id]);
  });

  it('access lists: merge on POST, entries by IP, %2F, raw slash or ip%2F32, the whitelist paths, and who may touch them', async () => {
    const base = `/orgs/${ORG_A}/apiKeys/${GROUP_OWNER.id}`;
    const added = await ok(
      await call(door, `${base}/accessList`, GROUP_OWNER, { method: 'POST', body: [{ ipAddress: '127.0.0.1' }, { cidrBlock: '10.0.0.0/8' }, { cidrBlock: '2001:db8::/32' }] }),
    );
    expect(added.totalCount).toBe(3);
    const again = await ok(await call(door, `${base}/accessList`, GROUP_OWNER, { method: 'POST', body: [{ ipAddress: '127.0.0.1' }, { cidrBlock: '172.16.0.0/12' }] }));
    expect(again.results.map((e: { cidrBlock: string }) => e.cidrBlock)).toEqual(['127.0.0.1/32', '10.0.0.0/8', '2001:db8::/32', '172.16.0.0/12']);
    const e10 = again.results[1];
    expect(e10).toEqual({
      cidrBlock: '10.0.0.0/8',
      count: 0,
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      ipAddress: null,
      links: [{ href: api(door, `${base}/accessList/10.0.0.0%2F8`), rel: 'self' }],
    });
    for (const path of ['10.0.0.0%2F8', '10.0.0.0/8', '10.0.0.0%2f8']) {
      const one = await ok(await call(door, `${base}/accessList/${path}`, GROUP_OWNER));
      expect(one.cidrBlock).toBe('10.0.0.0/8');
      expect(one.links[1]).toEqual({ href: api(door, base), rel: 'http://mms.mongodb.com/apiKeys' });
    }
    expect((await ok(await call(door, `${base}/accessList/127.0.0.1%2F32`, GROUP_OWNER))).ipAddress).toBe('127.0.0.1');
    // The older whitelist paths are the same list.
    const wl = await ok(await call(door, `${base}/whitelist?itemsPerPage=2`, GROUP_OWNER));
    expect(wl.totalCount).toBe(4);
    expect(wl.results[0].links[0].href).toBe(api(door, `${base}/whitelist/127.0.0.1`));
    expect((await call(door, `${base}/whitelist/172.16.0.0%2F12`, OWNER, { method: 'DELETE' })).status).toBe(204);
    await expectApiError(await call(door, `${base}/accessList/172.16.0.0%2F12`, GROUP_OWNER), 404, 'API_KEY_WHITELIST_NOT_FOUND');
    await expectApiError(await call(door, `${base}/accessList/not-an-ip`, GROUP_OWNER, { method: 'DELETE' }), 404, 'API_KEY_WHITELIST_NOT_FOUND');
    // Bad additions change nothing.
    const post = (body: unknown) => call(door, `${base}/accessList`, GROUP_OWNER, { method: 'POST', body: body as object });
    await expectApiError(await post([{ ipAddress: '1.2.3.4', cidrBlock: '1.2.3.0/24' }]), 400, 'BAD_WHITELIST_ADD_REQUEST');
    await expectApiError(await post([{ ipAddress: '1.2.3.4' }, { cidrBlock: '1.2.3.4/32' }]), 400, 'DUPLICATE_ADDRESSES_IN_INPUT');
    await expectApiError(await post({ ipAddress: '1.2.3.4' }), 400, 'INVALID_JSON');
    await expectApiError(await post([{ ipAddress: '1.2.3.400' }]), 400, 'INVALID_ATTRIBUTE', ['ipAddress']);
    await expectApiError(await post([{ cidrBlock: '1.2.3.4/33' }]), 400, 'INVALID_ATTRIBUTE', ['cidrBlock']);
    await expectApiError(await post([{ comment: 'x' }]), 400, 'INVALID_ATTRIBUTE', ['comment']);
    await expectApiError(await post([{}]), 400, 'MISSING_ATTRIBUTE', ['ipAddress']);
    expect(door.emulator.opsmanager.apiKeys.get('groupown')!.accessList).toHaveLength(3);
    // Another member of the org that is not an owner → 400 API_KEY_WHITELIST_ACCESS_DENIED [doc]; outside the org → 401.
    await expectApiError(await call(door, `${base}/accessList`, READ_ONLY), 400, 'API_KEY_WHITELIST_ACCESS_DENIED');
    await expectApiError(await call(door, `${base}/accessList`, NO_ACCESS), 401, 'USER_UNAUTHORIZED');
    // A 204 has no body, even with envelope=true.
    const gone = await call(door, `${base}/accessList/10.0.0.0%2F8?envelope=true`, OWNER, { method: 'DELETE' });
    expect(gone.status).toBe(204);
    expect(await gone.text()).toBe('');
    expect(door.emulator.opsmanager.apiKeys.get('groupown')!.accessList.map((e) => e.cidrBlock)).toEqual(['127.0.0.1/32', '2001:db8::/32']);
  });

  it('project keys: list, create-and-assign, change roles, unassign (refused on the next request); who may; wrong-scope roles', async () => {
    const listed = await ok(await call(door, `/groups/${G1}/apiKeys`, READ_ONLY));
    expect(listed.results.map((k: { publicKey: string }) => k.publicKey)).toEqual(['readonly', 'outsider']);
    // Read-only roles list but may not manage.
    await expectApiError(await call(door, `/groups/${G1}/apiKeys`, READ_ONLY, { method: 'POST', body: { desc: 'x', roles: ['GROUP_READ_ONLY'] } }), 401, 'USER_UNAUTHORIZED');
    // A project owner creates a key in its project (GROUP_OWNER of G2).
    const made = await ok(await call(door, `/groups/${G2}/apiKeys`, GROUP_OWNER, { method: 'POST', body: { desc: 'staging deployer', roles: ['GROUP_READ_ONLY'] } }));
    expect(made.roles).toEqual([{ groupId: G2, roleName: 'GROUP_READ_ONLY' }]);
    const fresh = { username: made.publicKey, password: made.privateKey };
    expect((await call(door, `/groups/${G2}/agentapikeys`, fresh)).status).toBe(200);
    await expectApiError(await call(door, `/groups/${G2}/agentapikeys`, fresh, { method: 'POST', body: { desc: 'x' } }), 401, 'USER_UNAUTHORIZED');
    // PATCH changes its roles in the project ("any roles not in this array are removed") → it may now create.
    const promoted = await ok(await call(door, `/groups/${G2}/apiKeys/${made.id}`, GROUP_OWNER, { method: 'PATCH', body: { roles: ['GROUP_OWNER'] } }));
    expect(promoted.roles).toEqual([{ groupId: G2, roleName: 'GROUP_OWNER' }]);
    expect((await call(door, `/groups/${G2}/agentapikeys`, fresh, { method: 'POST', body: { desc: 'by the promoted key' } })).status).toBe(200);
    // The same PATCH assigns an org key to another project (the org owner on G1).
    const assigned = await ok(await call(door, `/groups/${G1}/apiKeys/${made.id}`, OWNER, { method: 'PATCH', body: { roles: ['GROUP_READ_ONLY', 'GROUP_READ_ONLY'] } }));
    expect(assigned.roles).toEqual([
      { groupId: G2, roleName: 'GROUP_OWNER' },
      { groupId: G1, roleName: 'GROUP_READ_ONLY' },
    ]);
    expect((await call(door, `/groups/${G1}/agentapikeys`, fresh)).status).toBe(200);
    // Unassign from G2: refused there on the next request, still in the org and in G1.
    const un = await call(door, `/groups/${G2}/apiKeys/${made.id}`, GROUP_OWNER, { method: 'DELETE' });
    expect(un.status).toBe(200);
    expect(await un.text()).toBe('');
    await expectApiError(await call(door, `/groups/${G2}/agentapikeys`, fresh), 401, 'NOT_IN_GROUP');
    expect((await call(door, `/groups/${G1}/agentapikeys`, fresh)).status).toBe(200);
    expect((await ok(await call(door, `/orgs/${ORG_A}/apiKeys/${made.id}`, OWNER))).roles).toEqual([{ groupId: G1, roleName: 'GROUP_READ_ONLY' }]);
    await expectApiError(await call(door, `/groups/${G2}/apiKeys/${made.id}`, GROUP_OWNER, { method: 'DELETE' }), 400, 'API_KEY_NOT_FOUND', [made.id]);
    // Roles of another scope, unknown attributes, keys of another org.
    await expectApiError(
      await call(door, `/groups/${G2}/apiKeys`, GROUP_OWNER, { method: 'POST', body: { desc: 'x', roles: ['ORG_OWNER'] } }),
      400,
      'INVALID_ROLE_FOR_GROUP',
      ['ORG_OWNER', G2],
      `Role ORG_OWNER is invalid for group ${G2}.`,
    );
    await expectApiError(await call(door, `/groups/${G2}/apiKeys/${made.id}`, GROUP_OWNER, { method: 'PATCH', body: { roles: ['GROUP_OWNER'], desc: 'x' } }), 400, 'INVALID_ATTRIBUTE', ['desc']);
    await expectApiError(await call(door, `/groups/${G2}/apiKeys/5e2211c17a3e5a48f5497e07`, GLOBAL_OWNER, { method: 'PATCH', body: { roles: ['GROUP_OWNER'] } }), 400, 'API_KEY_NOT_FOUND', ['5e2211c17a3e5a48f5497e07']);
    expect((await call(door, `/groups/${G2}/apiKeys/${made.id}`, GROUP_OWNER, { method: 'PUT', body: {} })).status).toBe(405);
  });

  it('names the new operations in the journal; faults and rate limits apply to them', async () => {
    await call(door, `/orgs/${ORG_A}/apiKeys`, OWNER);
    await call(door, `/orgs/${ORG_A}/apiKeys/${OWNER.id}/whitelist`, OWNER);
    const ops = door.emulator.journal.list({ vendor: 'opsmanager', status: 200 }).map((e) => e.operation);
    expect(ops).toEqual(['orgApiKeys.list', 'orgApiKeys.whitelist.list']);
    door.emulator.faults.add({ vendor: 'opsmanager', method: 'POST', path: '/api/public/v1.0/orgs/*/apiKeys', status: 503, times: 1 });
    const faulted = await fetch(api(door, `/orgs/${ORG_A}/apiKeys`), { method: 'POST' });
    expect(faulted.status).toBe(503);
    expect(await faulted.json()).toMatchObject({ error: 503, reason: 'Service Unavailable' });
    expect((await call(door, `/orgs/${ORG_A}/apiKeys`, OWNER, { method: 'POST', body: { desc: 'x', roles: ['ORG_MEMBER'] } })).status).toBe(200);
    expect(door.emulator.opsmanager.apiKeys.list()).toHaveLength(8);
    door.emulator.rateLimits.set('opsmanager', { limit: 2, windowMs: 60_000 });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) statuses.push((last = await fetch(api(door, `/orgs/${ORG_A}/apiKeys`))).status);
    expect(statuses).toEqual([401, 401, 429]);
    expect((await last!.json()).errorCode).toBe('RATE_LIMITED');
  });
});

describe('Ops Manager programmatic keys in fixtures, snapshots and emulator.opsmanager', () => {
  it('correction [doc: the agent API keys resource lists createdBy SERVER_POOLS]: accepted in fixtures and state', async () => {
    const e = createEmulator({ vendors: ['opsmanager'] });
    const snap = e.snapshot() as { opsmanager: { agentApiKeys: { createdBy: string }[] } };
    snap.opsmanager.agentApiKeys[0].createdBy = 'SERVER_POOLS';
    e.restore(snap);
    expect(e.opsmanager.agentApiKeys.list(G1).map((k) => k.createdBy)).toContain('SERVER_POOLS');
    expect(e.opsmanager.agentApiKeys.create({ groupId: G2, createdBy: 'SERVER_POOLS' }).createdBy).toBe('SERVER_POOLS');
  });

  it('keeps keys made through the API, their org and their access-list use across snapshot and restore', async () => {
    const e = createEmulator({ vendors: ['opsmanager'] });
    const key = e.opsmanager.apiKeys.create({ desc: 'seeded', roles: [{ groupId: G2, roleName: 'GROUP_OWNER' }], accessList: ['127.0.0.1', '10.0.0.0/8'] });
    expect(key.orgId).toBe(ORG_A);
    expect(key.privateKey).toMatch(PRIVATE_KEY_RE);
    const res = await e.handle(new Request(`https://cloud.mongodb.com/api/public/v1.0/groups/${G2}/agentapikeys`, { headers: { authorization: e.opsmanager.authorization('GET', `https://cloud.mongodb.com/api/public/v1.0/groups/${G2}/agentapikeys`, key.publicKey) } }));
    expect(res.status).toBe(200);
    expect(e.opsmanager.apiKeys.get(key.publicKey)!.accessList[0]).toMatchObject({ count: 1, lastUsedAddress: '127.0.0.1' });
    const snap = e.snapshot();
    const again = createEmulator({ vendors: ['opsmanager'], fixtures: snap });
    expect(again.snapshot()).toEqual(snap);
    expect(again.opsmanager.apiKeys.get(key.id)!.accessList[0]).toMatchObject({ ipAddress: '127.0.0.1', count: 1, lastUsedAddress: '127.0.0.1' });
    expect(() => e.opsmanager.apiKeys.create({ desc: 'x', roles: [{ roleName: 'GROUP_OWNER' }] })).toThrow(TypeError);
    expect(() => e.opsmanager.apiKeys.setAccessList(key.id, ['nope'])).toThrow('accessList[0]');
    expect(e.opsmanager.apiKeys.delete(key.publicKey)).toBe(true);
    expect(e.opsmanager.apiKeys.get(key.id)).toBeUndefined();
  });

  it('refuses bad programmatic-key fixtures with the JSON path', () => {
    const base = () => JSON.parse(JSON.stringify(createEmulator({ vendors: ['opsmanager'] }).snapshot().opsmanager));
    const f1 = base();
    f1.apiKeys[0].orgId = '5e2211c17a3e5a48f5497d00';
    expect(() => createEmulator({ vendors: ['opsmanager'], fixtures: { opsmanager: f1 } })).toThrow(/opsmanager\.apiKeys\[0\]\.orgId: no org/);
    const f2 = base();
    f2.apiKeys[0].accessListUsage = [{ entry: '9.9.9.9', created: '2026-01-01T00:00:00Z', count: 0 }];
    expect(() => createEmulator({ vendors: ['opsmanager'], fixtures: { opsmanager: f2 } })).toThrow(/accessListUsage\[0\]\.entry/);
  });
});
