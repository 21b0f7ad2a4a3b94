import { expect, it } from 'vitest';
import { createEmulator, type RackspaceModel } from '../src/index.js';
import { describeDoors, type Door } from './support/doors.js';

const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' };

async function login(door: Door) {
  const res = await fetch(`${door.origin('rackspace', 'identity')}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE } }),
  });
  expect(res.status).toBe(200);
  const body = await res.json();
  return { token: body.access.token.id as string, url: body.access.serviceCatalog[0].endpoints[0].publicURL as string };
}

const create = (url: string, token: string, init: RequestInit = {}) =>
  fetch(`${url}/agent_tokens`, {
    method: 'POST',
    ...init,
    headers: { 'x-auth-token': token, 'content-type': 'application/json', ...(init.headers ?? {}) },
    body: '{"label":"x"}',
  });

const ctl = (door: Door, path: string, method = 'GET', body?: unknown) =>
  fetch(`${door.control()}/__emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

describeDoors(
  'control plane',
  (door) => {
    it('a POSTed fault makes the next create 503 in the Rackspace envelope, the one after succeeds', async () => {
      const { token, url } = await login(door);
      const added = await ctl(door, '/faults', 'POST', { vendor: 'rackspace', method: 'POST', status: 503, times: 1 });
      expect(added.status).toBe(201);
      const rule = await added.json();
      expect(rule).toMatchObject({ id: expect.any(String), vendor: 'rackspace', method: 'POST', status: 503, times: 1, fired: 0 });
      expect((await (await ctl(door, '/faults')).json()).faults).toHaveLength(1);

      const before = door.emulator.model<RackspaceModel>('rackspace').agentTokens.size;
      const failed = await create(url, token);
      expect(failed.status).toBe(503);
      const body = await failed.json();
      expect(body).toMatchObject({ type: 'systemFailureError', code: 503 });
      expect(body.txnId).toBe(failed.headers.get('x-response-id'));
      expect(door.emulator.model<RackspaceModel>('rackspace').agentTokens.size).toBe(before);
      expect((await create(url, token)).status).toBe(201);
      expect((await (await ctl(door, '/faults')).json()).faults).toEqual([]);
    });

    it('matches faults by path pattern and answers 500 as internalError; DELETE removes rules', async () => {
      const { token, url } = await login(door);
      const r = await (await ctl(door, '/faults', 'POST', { path: '/v1.0/*/agent_tokens', method: 'GET', status: 500 })).json();
      const list = await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } });
      expect(list.status).toBe(500);
      expect((await list.json()).type).toBe('internalError');
      const id = door.emulator.model<RackspaceModel>('rackspace').agentTokens.ids('123456')[0];
      expect((await fetch(`${url}/agent_tokens/${id}`, { headers: { 'x-auth-token': token } })).status).toBe(200);
      expect((await ctl(door, `/faults/${r.id}`, 'DELETE')).status).toBe(204);
      expect((await ctl(door, `/faults/${r.id}`, 'DELETE')).status).toBe(404);
      expect((await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } })).status).toBe(200);
      await ctl(door, '/faults', 'POST', { status: 429 });
      expect((await ctl(door, '/faults', 'DELETE')).status).toBe(204);
      expect((await ctl(door, '/faults')).status).toBe(200);
      expect((await (await ctl(door, '/faults')).json()).faults).toEqual([]);
    });

    it('rejects invalid fault rules with 400 naming the field', async () => {
      for (const [rule, field] of [
        [{ status: 200 }, 'status'],
        [{ probability: 2 }, 'probability'],
        [{ kind: 'explode' }, 'kind'],
        [{ times: 0 }, 'times'],
        [{ latencyMs: [5, 1] }, 'latencyMs'],
        [{ colour: 'red' }, 'colour'],
      ] as const) {
        const res = await ctl(door, '/faults', 'POST', rule);
        expect(res.status).toBe(400);
        expect((await res.json()).message).toContain(field);
      }
      expect((await ctl(door, '/faults', 'POST', '{oops')).status).toBe(400);
      expect(door.emulator.faults.size).toBe(0);
    });

    it('gives the same probabilistic sequence for the same seed', async () => {
      const run = async () => {
        door.emulator.reset(); // restarts the seeded sequence (and forgets logins)
        const { token, url } = await login(door);
        door.emulator.faults.add({ vendor: 'rackspace', path: '/v1.0/*/agent_tokens', method: 'GET', status: 503, probability: 0.5 });
        const seq: number[] = [];
        for (let i = 0; i < 16; i++) seq.push((await fetch(`${url}/agent_tokens?limit=1`, { headers: { 'x-auth-token': token } })).status);
        return seq;
      };
      const first = await run();
      expect(first).toContain(503);
      expect(first).toContain(200);
      expect(await run()).toEqual(first);
      // The same seed in another emulator makes the same decisions.
      const other = createEmulator({ seed: 42, vendors: ['rackspace'] });
      other.faults.add({ status: 503, probability: 0.5 });
      const seq: number[] = [];
      for (let i = 0; i < 16; i++) {
        const res = await other.handle(new Request('http://x/v1.0/123456/agent_tokens?limit=1', { headers: { 'x-auth-token': 'nope' } }));
        seq.push(res.status === 503 ? 503 : 200);
      }
      expect(seq).toEqual(first);
    });

    it('X-Emulator-Fault answers one request with a status, a reset or a timeout', async () => {
      const { token, url } = await login(door);
      const res = await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token, 'x-emulator-fault': '429' } });
      expect(res.status).toBe(429);
      expect((await res.json()).type).toBe('rateLimitReached');
      await expect(fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token, 'x-emulator-fault': 'reset' } })).rejects.toThrow();
      // A client that gives up first: its own timeout fires.
      const t0 = Date.now();
      await expect(
        fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token, 'x-emulator-fault': 'timeout' }, signal: AbortSignal.timeout(150) }),
      ).rejects.toThrow();
      expect(Date.now() - t0).toBeLessThan(2000);
      // A patient client: the emulator drops the request after its configured maximum (400 ms here).
      await expect(fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token, 'x-emulator-fault': 'timeout' } })).rejects.toThrow();
      expect((await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } })).status).toBe(200);
    });

    it('adds latency from a rule', async () => {
      const { token, url } = await login(door);
      door.emulator.faults.add({ vendor: 'rackspace', latencyMs: [120, 140] });
      const t0 = performance.now();
      const res = await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } });
      expect(res.status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
    });

    it('journals requests with status and redacted secrets, filters them and clears them', async () => {
      const { token, url } = await login(door);
      await ctl(door, '/faults', 'POST', { vendor: 'rackspace', method: 'POST', status: 503, times: 1 });
      await create(url, token);
      await create(url, token);
      const res = await ctl(door, '/requests?vendor=rackspace&method=POST');
      const { requests, count } = await res.json();
      expect(count).toBe(3); // login + 2 creates
      const [loginEntry, faulted, ok] = requests;
      expect(loginEntry.operation).toBe('identity.tokens.create');
      expect(loginEntry.requestBody.auth['RAX-KSKEY:apiKeyCredentials'].apiKey).toBe('[REDACTED]');
      expect(loginEntry.responseBody.access.token.id).toBe('[REDACTED]');
      expect(loginEntry.responseBody.access.token.tenant.id).toBe('123456');
      expect(faulted).toMatchObject({ operation: 'agentTokens.create (fault)', status: 503, vendor: 'rackspace', method: 'POST' });
      expect(ok).toMatchObject({ operation: 'agentTokens.create', status: 201, requestBody: { label: 'x' } });
      expect(ok.requestHeaders['x-auth-token']).toBe('[REDACTED]');
      expect(JSON.stringify(requests)).not.toContain(token);
      expect(ok.responseHeaders['x-object-id']).toMatch(/\.123456$/);
      expect(typeof ok.durationMs).toBe('number');

      expect((await (await ctl(door, '/requests?status=201')).json()).count).toBe(1);
      expect((await (await ctl(door, '/requests?path=/v1.0/*')).json()).count).toBe(2);
      expect(door.emulator.journal.list({ operation: 'agentTokens.create' })).toHaveLength(1);
      const future = new Date(door.emulator.clock.now() + 60_000).toISOString();
      expect((await (await ctl(door, `/requests?since=${future}`)).json()).count).toBe(0);
      expect((await ctl(door, '/requests?status=abc')).status).toBe(400);
      expect((await ctl(door, '/requests', 'DELETE')).status).toBe(204);
      expect((await (await ctl(door, '/requests')).json()).count).toBe(0);
    });

    it('moves the clock: advancing 25 h makes a Rackspace token 401', async () => {
      const { token, url } = await login(door);
      expect((await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } })).status).toBe(200);
      const before = door.emulator.clock.now();
      const res = await ctl(door, '/clock', 'POST', { advance: '25h' });
      expect(res.status).toBe(200);
      const view = await res.json();
      expect(view.epochMs - before).toBeGreaterThanOrEqual(25 * 3600_000);
      const expired = await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } });
      expect(expired.status).toBe(401);
      expect((await expired.json()).type).toBe('unauthorizedError');
      const set = await (await ctl(door, '/clock', 'POST', { set: '2030-01-01T00:00:00Z', freeze: true })).json();
      expect(set).toMatchObject({ now: '2030-01-01T00:00:00.000Z', frozen: true });
      expect((await ctl(door, '/clock', 'POST', { advance: 'soon' })).status).toBe(400);
      expect((await ctl(door, '/clock', 'POST', { warp: 1 })).status).toBe(400);
      door.emulator.clock.unfreeze();
    });

    it('round-trips the state through GET and PUT /__emulator/state, and rejects a bad one with its JSON path', async () => {
      const { token, url } = await login(door);
      await create(url, token);
      const state = await (await ctl(door, '/state')).json();
      expect(state.rackspace.agentTokens.length).toBe(door.emulator.model<RackspaceModel>('rackspace').agentTokens.size);
      door.emulator.reset();
      const put = await ctl(door, '/state', 'PUT', state);
      expect(put.status).toBe(200);
      expect(await (await ctl(door, '/state')).json()).toEqual(state);
      // The login survived the round trip: the token still works.
      expect((await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } })).status).toBe(200);

      const broken = structuredClone(state);
      broken.rackspace.users[1].apiKey = 42;
      const bad = await ctl(door, '/state', 'PUT', broken);
      expect(bad.status).toBe(400);
      const err = await bad.json();
      expect(err.path).toBe('rackspace.users[1].apiKey');
      expect(err.message).toContain('rackspace.users[1].apiKey: expected a string');
      expect(await (await ctl(door, '/state')).json()).toEqual(state);
    });

    it('enforces a configured rate limit with X-RateLimit-* counting down and the vendor 429', async () => {
      const { token, url } = await login(door);
      const set = await ctl(door, '/rate-limits', 'PUT', { rackspace: { limit: 3, window: '1m' } });
      expect(await set.json()).toEqual({ rackspace: { limit: 3, windowMs: 60_000 } });
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-ratelimit-limit')).toBe('3');
        expect(res.headers.get('x-ratelimit-window')).toBe('1 minute');
        remaining.push(res.headers.get('x-ratelimit-remaining')!);
      }
      expect(remaining).toEqual(['2', '1', '0']);
      const over = await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } });
      expect(over.status).toBe(429);
      expect((await over.json()).type).toBe('rateLimitReached');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      door.emulator.clock.advance(61_000);
      expect((await fetch(`${url}/agent_tokens`, { headers: { 'x-auth-token': token } })).status).toBe(200);
      expect((await ctl(door, '/rate-limits', 'PUT', { rackspace: null })).status).toBe(200);
      expect((await ctl(door, '/rate-limits', 'PUT', { nowhere: { limit: 1 } })).status).toBe(400);
    });

    it('POST /__emulator/reset goes back to the fixtures', async () => {
      const { token, url } = await login(door);
      const before = door.emulator.model<RackspaceModel>('rackspace').agentTokens.size;
      await create(url, token);
      expect((await ctl(door, '/reset', 'POST')).status).toBe(204);
      expect(door.emulator.model<RackspaceModel>('rackspace').agentTokens.size).toBe(before);
      expect((await ctl(door, '/nope')).status).toBe(404);
    });
  },
  { seed: 42, faultTimeoutMs: 400, vendors: ['rackspace'] },
);

it('requires the admin token on the control plane when one is set', async () => {
  const emulator = createEmulator({ adminToken: 's3cret', vendors: ['rackspace'] });
  const server = await emulator.listen({ port: 0 });
  try {
    const denied = await fetch(`${server.url}/__emulator/health`);
    expect(denied.status).toBe(401);
    expect((await fetch(`${server.url}/__emulator/health`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${server.url}/__emulator/health`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    // Vendor routes are not affected.
    expect((await fetch(`${server.url}/v2.0/tokens`, { method: 'POST', body: '{}' })).status).toBe(400);
  } finally {
    await server.close();
  }
});
