import { expect, it } from 'vitest';
import type { RackspaceModel } from '../src/index.js';
import { describeDoors, type Door } from './support/doors.js';

const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef', password: 'Alice-Passw0rd' }; // admin, 123456
const CARL = { username: 'carl', apiKey: 'c0ffeec0ffeec0ffeec0ffeec0ffee00' }; // creator, 123456
const OLIVIA = { username: 'olivia', apiKey: '0b5e0b5e0b5e0b5e0b5e0b5e0b5e0b5e' }; // observer, 123456
const BOB = { username: 'bob', apiKey: 'b0bb0bb0bb0bb0bb0bb0bb0bb0bb0b00' }; // admin, 654321
const HYBRID = { username: 'hybrid', apiKey: '4b1d4b1d4b1d4b1d4b1d4b1d4b1d4b1d' }; // admin, hybrid:000000
const ID_RE = /^[0-9a-f]{64}\.123456$/;
const JSON_CT = 'application/json; charset=UTF-8';

async function loginRaw(door: Door, auth: unknown, init: RequestInit = {}) {
  return fetch(`${door.origin('rackspace', 'identity')}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: typeof auth === 'string' ? auth : JSON.stringify(auth),
    ...init,
  });
}

async function login(door: Door, who: { username: string; apiKey: string }) {
  const res = await loginRaw(door, { auth: { 'RAX-KSKEY:apiKeyCredentials': who } });
  expect(res.status).toBe(200);
  const body = await res.json();
  return { token: body.access.token.id as string, url: body.access.serviceCatalog[0].endpoints[0].publicURL as string, body };
}

function call(url: string, token: string | undefined, method = 'GET', body?: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method,
    headers: {
      ...(token !== undefined ? { 'x-auth-token': token } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectError(res: Response, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe(JSON_CT);
  const body = await res.json();
  expect(body).toMatchObject({ type, code: status });
  expect(typeof body.message).toBe('string');
  expect(typeof body.details).toBe('string');
  expect(body.txnId).toBe(res.headers.get('x-response-id'));
  return body;
}

describeDoors('Rackspace Identity v2.0', (door) => {
  it('logs in with an API key: token, 24 h expiry, tenant, roles and a cloudMonitoring entry pointing back here', async () => {
    const before = door.emulator.clock.now();
    const { body } = await login(door, ALICE);
    const { token, serviceCatalog, user } = body.access;
    expect(token.id).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const expires = Date.parse(token.expires);
    expect(expires - before).toBeGreaterThanOrEqual(24 * 3600_000 - 1000);
    expect(expires - before).toBeLessThanOrEqual(24 * 3600_000 + 5000);
    expect(token.tenant).toEqual({ id: '123456', name: '123456' });
    expect(token['RAX-AUTH:authenticatedBy']).toEqual(['APIKEY']);
    expect(serviceCatalog).toEqual([
      {
        name: 'cloudMonitoring',
        type: 'rax:monitor',
        endpoints: [{ tenantId: '123456', publicURL: `${door.origin('rackspace', 'monitoring')}/v1.0/123456` }],
      },
    ]);
    expect(user.name).toBe('alice');
    expect(user.roles.map((r: { name: string }) => r.name)).toContain('monitoring:admin');
    expect(user['RAX-AUTH:defaultRegion']).toBe('ORD');
  });

  it('logs in with a password, and with a matching tenantId or tenantName', async () => {
    let res = await loginRaw(door, { auth: { passwordCredentials: { username: 'alice', password: ALICE.password } } });
    expect(res.status).toBe(200);
    expect((await res.json()).access.token['RAX-AUTH:authenticatedBy']).toEqual(['PASSWORD']);
    res = await loginRaw(door, { auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE, tenantId: '123456' } });
    expect(res.status).toBe(200);
    res = await loginRaw(door, { auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE, tenantName: '123456' } });
    expect(res.status).toBe(200);
  });

  it('answers wrong credentials with the identity 401 body', async () => {
    let res = await loginRaw(door, { auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey: 'wrong' } } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ unauthorized: { code: 401, message: 'Username or api key is invalid.' } });
    res = await loginRaw(door, { auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'nobody', apiKey: 'x' } } });
    expect(res.status).toBe(401);
    res = await loginRaw(door, { auth: { passwordCredentials: { username: 'alice', password: 'nope' } } });
    expect(res.status).toBe(401);
    expect((await res.json()).unauthorized.code).toBe(401);
  });

  it('refuses a tenant the user does not belong to', async () => {
    const res = await loginRaw(door, { auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE, tenantId: '654321' } });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.unauthorized.message).toMatch(/^Tenant with Name\/Id: '654321' is not valid for User 'alice'/);
  });

  it('answers malformed and incomplete bodies with 400 badRequest', async () => {
    for (const bad of ['{not json', '', '[]', { auth: {} }, { auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice' } } }]) {
      const res = await loginRaw(door, bad);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.badRequest.code).toBe(400);
      expect(body.badRequest.message).toEqual(expect.any(String));
    }
    const res = await loginRaw(door, '{not json');
    expect(await res.json()).toEqual({ badRequest: { code: 400, message: 'Invalid JSON request body' } });
    const both = await loginRaw(door, { auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE, tenantId: '123456', tenantName: '123456' } });
    expect(both.status).toBe(400);
  });

  it('answers POST /v2.0 with 405 methodNotAllowed', async () => {
    const res = await fetch(`${door.origin('rackspace', 'identity')}/v2.0`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ methodNotAllowed: { code: 405 } });
  });

  it('accepts the empty X-Auth-Token header fog sends while logging in', async () => {
    const res = await loginRaw(door, { auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE } }, {
      headers: { 'content-type': 'application/json', 'x-auth-token': '' },
    });
    expect(res.status).toBe(200);
  });
});

describeDoors('Rackspace Monitoring agent tokens', (door) => {
  const model = () => door.emulator.model<RackspaceModel>('rackspace');

  it('creates (201, empty body, Location, X-Object-ID), gets, lists, updates (204) and deletes (204)', async () => {
    const { token, url } = await login(door, ALICE);
    const created = await call(`${url}/agent_tokens`, token, 'POST', { label: 'my agent' });
    expect(created.status).toBe(201);
    expect(await created.text()).toBe('');
    const id = created.headers.get('x-object-id')!;
    expect(id).toMatch(ID_RE);
    expect(created.headers.get('location')).toBe(`${url}/agent_tokens/${id}`);
    expect(created.headers.get('content-type')).toBe('text/plain');
    expect(model().agentTokens.get(id)).toEqual({ tenantId: '123456', id, token: id, label: 'my agent' });

    const got = await call(`${url}/agent_tokens/${id}`, token);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe(JSON_CT);
    expect(await got.json()).toEqual({ id, token: id, label: 'my agent' });

    const listed = await (await call(`${url}/agent_tokens?limit=1000`, token)).json();
    expect(listed.values).toContainEqual({ id, token: id, label: 'my agent' });

    const updated = await call(`${url}/agent_tokens/${id}?_who=me&_why=test`, token, 'PUT', { label: 'aNewLabel' });
    expect(updated.status).toBe(204);
    expect(await updated.text()).toBe('');
    expect(updated.headers.get('location')).toBe(`${url}/agent_tokens/${id}`);
    expect(updated.headers.get('x-object-id')).toBe(id);
    expect((await (await call(`${url}/agent_tokens/${id}`, token)).json()).label).toBe('aNewLabel');

    const deleted = await call(`${url}/agent_tokens/${id}`, token, 'DELETE');
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect(model().agentTokens.get(id)).toBeUndefined();

    const again = await call(`${url}/agent_tokens/${id}`, token);
    const body = await expectError(again, 404, 'notFoundError');
    expect(body.message).toBe('Object does not exist');
    expect(body.details).toBe(`Object "AgentToken" with key "${id}" does not exist`);
    await expectError(await call(`${url}/agent_tokens/${id}`, token, 'DELETE'), 404, 'notFoundError');
    await expectError(await call(`${url}/agent_tokens/${id}`, token, 'PUT', { label: 'x' }), 404, 'notFoundError');
  });

  it('creates without a label (label null) and with an empty body', async () => {
    const { token, url } = await login(door, ALICE);
    for (const body of [{}, undefined, { label: null }]) {
      const res = await call(`${url}/agent_tokens`, token, 'POST', body);
      expect(res.status).toBe(201);
      const id = res.headers.get('x-object-id')!;
      expect(await (await call(`${url}/agent_tokens/${id}`, token)).json()).toEqual({ id, token: id, label: null });
    }
  });

  it('sends X-Response-Id (unique) and X-RateLimit-* on every response, errors included', async () => {
    const { token, url } = await login(door, ALICE);
    const a = await call(`${url}/agent_tokens`, token);
    const b = await call(`${url}/agent_tokens/missing`, token);
    for (const res of [a, b]) {
      expect(res.headers.get('x-response-id')).toMatch(/^\.rh-/);
      expect(res.headers.get('x-ratelimit-limit')).toBe('50000');
      expect(res.headers.get('x-ratelimit-window')).toBe('24 hours');
      expect(res.headers.get('x-ratelimit-type')).toBe('global');
    }
    expect(a.headers.get('x-response-id')).not.toBe(b.headers.get('x-response-id'));
    expect(Number(b.headers.get('x-ratelimit-remaining'))).toBe(Number(a.headers.get('x-ratelimit-remaining')) - 1);
  });

  it('paginates by marker: sorted by id, default limit 100, next_marker/next_href, null on the last page', async () => {
    const { token, url } = await login(door, ALICE);
    for (let i = 0; i < 5; i++) await call(`${url}/agent_tokens`, token, 'POST', { label: `t${i}` });
    const all = await (await call(`${url}/agent_tokens`, token)).json();
    expect(all.metadata).toEqual({ count: 9, limit: 100, marker: null, next_marker: null, next_href: null });
    const ids = all.values.map((v: { id: string }) => v.id);
    expect(ids).toEqual([...ids].sort());

    const first = await (await call(`${url}/agent_tokens?limit=4`, token)).json();
    expect(first.values.map((v: { id: string }) => v.id)).toEqual(ids.slice(0, 4));
    expect(first.metadata).toEqual({
      count: 4,
      limit: 4,
      marker: null,
      next_marker: ids[4],
      next_href: `${url}/agent_tokens?limit=4&marker=${encodeURIComponent(ids[4])}`,
    });
    const second = await (await call(first.metadata.next_href, token)).json();
    expect(second.values.map((v: { id: string }) => v.id)).toEqual(ids.slice(4, 8));
    expect(second.metadata.marker).toBe(ids[4]);
    const last = await (await call(second.metadata.next_href, token)).json();
    expect(last.values.map((v: { id: string }) => v.id)).toEqual(ids.slice(8));
    expect(last.metadata.next_marker).toBeNull();
    expect(last.metadata.next_href).toBeNull();
    // An empty marker (fog sends `?marker` bare) is no marker.
    expect((await (await call(`${url}/agent_tokens?limit=2&marker`, token)).json()).values[0].id).toBe(ids[0]);
  });

  it('lists the current state after every change (no stale page)', async () => {
    const { token, url } = await login(door, ALICE);
    const labels = async () =>
      ((await (await call(`${url}/agent_tokens?limit=1000`, token)).json()).values as { id: string; label: string | null }[]);
    const before = await labels();
    const id = before[0].id;
    expect((await call(`${url}/agent_tokens/${id}`, token, 'PUT', { label: 'renamed' })).status).toBe(204);
    expect((await labels()).find((t) => t.id === id)?.label).toBe('renamed');
    const created = (await call(`${url}/agent_tokens`, token, 'POST', { label: 'new' })).headers.get('x-object-id');
    expect((await labels()).map((t) => t.id)).toContain(created);
    expect((await call(`${url}/agent_tokens/${id}`, token, 'DELETE')).status).toBe(204);
    expect((await labels()).map((t) => t.id)).not.toContain(id);
    door.emulator.rackspace.agentTokens.create({ tenantId: '123456', label: 'seeded' });
    expect((await labels()).map((t) => t.label)).toContain('seeded');
    door.emulator.reset();
    const again = await login(door, ALICE);
    expect(((await (await call(`${again.url}/agent_tokens?limit=1000`, again.token)).json()).values as unknown[]).length).toBe(before.length);
  });

  it('rejects a bad limit with 400 invalidLimit', async () => {
    const { token, url } = await login(door, ALICE);
    for (const limit of ['0', '1001', 'abc', '-1', '1.5']) {
      await expectError(await call(`${url}/agent_tokens?limit=${limit}`, token), 400, 'invalidLimit');
    }
    expect((await call(`${url}/agent_tokens?limit=1000`, token)).status).toBe(200);
  });

  it('lists only the URL tenant\'s tokens (tenant ids may contain ":")', async () => {
    const { token, url } = await login(door, HYBRID);
    expect(url).toBe(`${door.origin('rackspace', 'monitoring')}/v1.0/hybrid:000000`);
    const res = await call(`${url}/agent_tokens`, token, 'POST', { label: 'h' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-object-id')).toMatch(/^[0-9a-f]{64}\.hybrid:000000$/);
    const list = await (await call(`${url}/agent_tokens`, token)).json();
    expect(list.values.every((v: { id: string }) => v.id.endsWith('.hybrid:000000'))).toBe(true);
    expect(list.metadata.count).toBe(2);
  });

  it('answers missing, unknown, expired and another tenant\'s tokens with 401 unauthorizedError', async () => {
    const alice = await login(door, ALICE);
    const bob = await login(door, BOB);
    const before = model().agentTokens.size;
    await expectError(await call(`${alice.url}/agent_tokens`, undefined), 401, 'unauthorizedError');
    await expectError(await call(`${alice.url}/agent_tokens`, 'not-a-token'), 401, 'unauthorizedError');
    const foreign = await call(`${alice.url}/agent_tokens`, bob.token, 'POST', { label: 'x' });
    const body = await expectError(foreign, 401, 'unauthorizedError');
    expect(body.details).toContain('123456');
    expect(foreign.headers.get('www-authenticate')).toMatch(/^Keystone uri=/);
    // Another tenant's agent token through one's own tenant is simply not there.
    const bobsId = model().agentTokens.ids('654321')[0];
    await expectError(await call(`${alice.url}/agent_tokens/${bobsId}`, alice.token), 404, 'notFoundError');
    await expectError(await call(`${alice.url}/agent_tokens/${bobsId}`, alice.token, 'DELETE'), 404, 'notFoundError');
    expect(model().agentTokens.size).toBe(before);

    door.emulator.clock.advance(24 * 3600_000 + 1000);
    await expectError(await call(`${alice.url}/agent_tokens`, alice.token), 401, 'unauthorizedError');
  });

  it('enforces roles: observer reads only, creator cannot delete, both get 403 forbiddenError', async () => {
    const olivia = await login(door, OLIVIA);
    const carl = await login(door, CARL);
    const before = model().agentTokens.size;
    expect((await call(`${olivia.url}/agent_tokens`, olivia.token)).status).toBe(200);
    await expectError(await call(`${olivia.url}/agent_tokens`, olivia.token, 'POST', { label: 'x' }), 403, 'forbiddenError');
    const id = model().agentTokens.ids('123456')[0];
    await expectError(await call(`${olivia.url}/agent_tokens/${id}`, olivia.token, 'PUT', { label: 'x' }), 403, 'forbiddenError');
    await expectError(await call(`${olivia.url}/agent_tokens/${id}`, olivia.token, 'DELETE'), 403, 'forbiddenError');
    expect(model().agentTokens.size).toBe(before);

    const created = await call(`${carl.url}/agent_tokens`, carl.token, 'POST', { label: 'by carl' });
    expect(created.status).toBe(201);
    expect((await call(`${carl.url}/agent_tokens/${id}`, carl.token, 'PUT', { label: 'renamed' })).status).toBe(204);
    await expectError(await call(`${carl.url}/agent_tokens/${id}`, carl.token, 'DELETE'), 403, 'forbiddenError');
    expect(model().agentTokens.get(id)?.label).toBe('renamed');
  });

  it('answers bad bodies with 400 badRequest naming the problem, and changes nothing', async () => {
    const { token, url } = await login(door, ALICE);
    const before = model().agentTokens.size;
    const cases: [unknown, string | RegExp, Record<string, string>?][] = [
      [{ label: '' }, /between 1 and 255/],
      [{ label: 'x'.repeat(256) }, /between 1 and 255/],
      [{ label: 42 }, /must be a string/],
      [{ label: 'ok', extra: true }, "Unknown key 'extra' for AgentToken"],
      ['{"label":', /not valid JSON/],
      ['[1,2]', /JSON object/],
      [{ label: 'x' }, /Content-Type must be application\/json/, { 'content-type': 'text/plain' }],
    ];
    for (const [body, details, headers] of cases) {
      const res = await call(`${url}/agent_tokens`, token, 'POST', body, headers);
      const err = await expectError(res, 400, 'badRequest');
      expect(err.details).toMatch(details);
    }
    const empty = await expectError(await call(`${url}/agent_tokens`, token, 'POST', { label: '' }), 400, 'badRequest');
    expect(empty.message).toBe("Validation error for key 'label'");
    expect(model().agentTokens.size).toBe(before);
    const id = model().agentTokens.ids('123456')[0];
    await expectError(await call(`${url}/agent_tokens/${id}`, token, 'PUT', { label: '' }), 400, 'badRequest');
    expect(model().agentTokens.get(id)?.label).not.toBe('');
    expect((await call(`${url}/agent_tokens`, token, 'POST', { label: 'x'.repeat(255) })).status).toBe(201);
  });

  it('answers a body over 1 MiB with 413 requestTooLargeError', async () => {
    const { token, url } = await login(door, ALICE);
    const before = model().agentTokens.size;
    const res = await call(`${url}/agent_tokens`, token, 'POST', JSON.stringify({ label: 'x'.repeat(1024 * 1024) }));
    await expectError(res, 413, 'requestTooLargeError');
    expect(model().agentTokens.size).toBe(before);
  });

  it('answers unknown paths under /v1.0 with a JSON 404 in the Monitoring envelope', async () => {
    const { token, url } = await login(door, ALICE);
    await expectError(await call(`${url}/entities`, token), 404, 'notFoundError');
  });
});
