/**
 * Rackspace Identity v2.0 credential rotation, through both front doors: validate (GET/HEAD, belongsTo), revoke
 * (own, other), a user's credentials and API key (get, reset), a user by name — with the documented caller roles and
 * fault bodies (spec "Identity: token validation, revocation and API-key rotation"), and the corrections: the
 * product-wide `admin`/`observer` roles on Monitoring, `X-RateLimit-Used`.
 */
import { expect, it } from 'vitest';
import { describeDoors, type Door } from './support/doors.js';

const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' }; // monitoring:admin, identity:default, 123456
const OLIVIA = { username: 'olivia', apiKey: '0b5e0b5e0b5e0b5e0b5e0b5e0b5e0b5e' }; // identity:default, 123456
const BOB = { username: 'bob', apiKey: 'b0bb0bb0bb0bb0bb0bb0bb0bb0bb0b00' }; // identity:default, 654321
const UMA = { username: 'uma', apiKey: 'a11ce5a11ce5a11ce5a11ce5a11ce5a1' }; // identity:user-admin, domain 123456
const IDA = { username: 'ida', apiKey: '1da01da01da01da01da01da01da01da0' }; // identity:admin
const PAT = { username: 'pat', apiKey: '9a79a79a79a79a79a79a79a79a79a79a' }; // product-wide admin only
const OTTO = { username: 'otto', apiKey: '0770077007700770077007700770077a' }; // product-wide observer only
const JSON_CT = 'application/json; charset=UTF-8';
const NO_TOKEN = "No valid token provided. Please use the 'X-Auth-Token' header with a valid token.";

function identity(door: Door, path: string, token: string | undefined, method = 'GET', body?: unknown) {
  return fetch(`${door.origin('rackspace', 'identity')}/v2.0${path}`, {
    method,
    headers: {
      ...(token !== undefined ? { 'x-auth-token': token } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function login(door: Door, who: { username: string; apiKey: string }) {
  const res = await identity(door, '/tokens', undefined, 'POST', { auth: { 'RAX-KSKEY:apiKeyCredentials': who } });
  return { res, body: res.status === 200 ? await res.json() : await res.json().catch(() => null) };
}

async function tokenOf(door: Door, who: { username: string; apiKey: string }) {
  const { res, body } = await login(door, who);
  expect(res.status).toBe(200);
  return { token: body.access.token.id as string, userId: body.access.user.id as string, url: body.access.serviceCatalog[0].endpoints[0].publicURL as string };
}

const monitoring = (url: string, token: string, method = 'GET', body?: unknown) =>
  fetch(`${url}/agent_tokens`, {
    method,
    headers: { 'x-auth-token': token, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function expectFault(res: Response, status: number, fault: string, message: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe(JSON_CT);
  expect(await res.json()).toEqual({ [fault]: { code: status, message } });
}

const userId = (door: Door, username: string) => door.emulator.rackspace.users.get(username)!.id;
const credentials = (id: string) => `/users/${id}/OS-KSADM/credentials`;
const apiKeyPath = (id: string) => `${credentials(id)}/RAX-KSKEY:apiKeyCredentials`;

describeDoors('Rackspace Identity: key rotation end to end', (door) => {
  it('acceptance 1: reset the key → old key refused, new key works, old token works until revoked, then 401 on monitoring', async () => {
    const { token, userId: id, url } = await tokenOf(door, ALICE);
    // Reset [doc]: 200 with a new 32-hex key.
    const reset = await identity(door, `${apiKeyPath(id)}/RAX-AUTH/reset`, token, 'POST');
    expect(reset.status).toBe(200);
    expect(reset.headers.get('content-type')).toBe(JSON_CT);
    const fresh = (await reset.json())['RAX-KSKEY:apiKeyCredentials'];
    expect(fresh.username).toBe('alice');
    expect(fresh.apiKey).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh.apiKey).not.toBe(ALICE.apiKey);
    // The old key stops authenticating at once, the new one works.
    const old = await login(door, ALICE);
    expect(old.res.status).toBe(401);
    expect(old.body).toEqual({ unauthorized: { code: 401, message: 'Username or api key is invalid.' } });
    expect((await login(door, { username: 'alice', apiKey: fresh.apiKey })).res.status).toBe(200);
    // "The API key reset does not revoke existing tokens" [doc].
    expect((await monitoring(url, token)).status).toBe(200);
    // Revoke it → 204, then 401 on Monitoring at once and 404 on validation.
    const revoke = await identity(door, '/tokens', token, 'DELETE');
    expect(revoke.status).toBe(204);
    expect(await revoke.text()).toBe('');
    const after = await monitoring(url, token);
    expect(after.status).toBe(401);
    expect((await after.json()).type).toBe('unauthorizedError');
    // A second self-revoke is 401 [code test].
    await expectFault(await identity(door, '/tokens', token, 'DELETE'), 401, 'unauthorized', NO_TOKEN);
    // The model helper sees the new key.
    expect(door.emulator.rackspace.users.get('alice')!.apiKey).toBe(fresh.apiKey);
  });

  it('validates its own token (GET and HEAD), with belongsTo; no serviceCatalog in the answer', async () => {
    const { token } = await tokenOf(door, ALICE);
    const res = await identity(door, `/tokens/${token}`, token);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body.access).sort()).toEqual(['token', 'user']);
    expect(body.access.token).toMatchObject({ id: token, tenant: { id: '123456', name: '123456' }, 'RAX-AUTH:authenticatedBy': ['APIKEY'] });
    expect(body.access.user).toMatchObject({ name: 'alice', 'RAX-AUTH:phonePinState': 'ACTIVE', 'RAX-AUTH:defaultRegion': 'ORD' });
    expect(body.access.user.roles.map((r: { name: string }) => r.name)).toEqual(['identity:default', 'monitoring:admin']);
    const head = await identity(door, `/tokens/${token}?belongsTo=123456`, token, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    await expectFault(
      await identity(door, `/tokens/${token}?belongsTo=654321`, token),
      404,
      'itemNotFound',
      "Token doesn't belong to Tenant with Id/Name: '654321'",
    );
  });

  it('validating another user’s token needs identity:admin [code]: 403 for a default user and a user-admin, 200 for an admin', async () => {
    const alice = await tokenOf(door, ALICE);
    const bob = await tokenOf(door, BOB);
    const uma = await tokenOf(door, UMA);
    const ida = await tokenOf(door, IDA);
    await expectFault(await identity(door, `/tokens/${alice.token}`, bob.token), 403, 'forbidden', 'Not Authorized');
    await expectFault(await identity(door, `/tokens/${alice.token}`, uma.token), 403, 'forbidden', 'Not Authorized');
    const ok = await identity(door, `/tokens/${alice.token}?belongsTo=123456`, ida.token);
    expect(ok.status).toBe(200);
    expect((await ok.json()).access.user.name).toBe('alice');
    // Unknown, expired and whitespace tokens: 404 "Token not found." [code]
    await expectFault(await identity(door, '/tokens/nope', ida.token), 404, 'itemNotFound', 'Token not found.');
    await expectFault(await identity(door, '/tokens/a%20b', ida.token), 404, 'itemNotFound', 'Token not found.');
    door.emulator.clock.advance(24 * 3600_000 + 1);
    const ida2 = await tokenOf(door, IDA);
    await expectFault(await identity(door, `/tokens/${alice.token}`, ida2.token), 404, 'itemNotFound', 'Token not found.');
  });

  it('a missing, unknown or revoked X-Auth-Token on any identity admin call is 401 with the server’s wording', async () => {
    for (const [path, method] of [
      ['/tokens/x', 'GET'],
      ['/tokens', 'DELETE'],
      ['/tokens/x', 'DELETE'],
      ['/users?name=alice', 'GET'],
      [credentials(userId(door, 'alice')), 'GET'],
      [`${apiKeyPath(userId(door, 'alice'))}/RAX-AUTH/reset`, 'POST'],
    ] as const) {
      await expectFault(await identity(door, path, undefined, method), 401, 'unauthorized', NO_TOKEN);
      await expectFault(await identity(door, path, 'not-a-token', method), 401, 'unauthorized', NO_TOKEN);
    }
    expect(door.emulator.rackspace.users.get('alice')!.apiKey).toBe(ALICE.apiKey);
  });

  it('revokes another user’s token: user-admin in its domain, admin anywhere; others 403; unknown 404 "Token not found"', async () => {
    const alice = await tokenOf(door, ALICE);
    const bob = await tokenOf(door, BOB);
    const olivia = await tokenOf(door, OLIVIA);
    const uma = await tokenOf(door, UMA);
    const ida = await tokenOf(door, IDA);
    // identity:default may not revoke another's.
    await expectFault(await identity(door, `/tokens/${alice.token}`, olivia.token, 'DELETE'), 403, 'forbidden', 'Not Authorized');
    // A user-admin may not reach outside its domain (bob is 654321).
    await expectFault(await identity(door, `/tokens/${bob.token}`, uma.token, 'DELETE'), 403, 'forbidden', 'Not Authorized');
    expect((await monitoring(bob.url, bob.token)).status).toBe(200);
    // …but may revoke alice's (same domain): gone at once.
    expect((await identity(door, `/tokens/${alice.token}`, uma.token, 'DELETE')).status).toBe(204);
    expect((await monitoring(alice.url, alice.token)).status).toBe(401);
    await expectFault(await identity(door, `/tokens/${alice.token}`, uma.token, 'DELETE'), 404, 'itemNotFound', 'Token not found');
    // An admin anywhere.
    expect((await identity(door, `/tokens/${bob.token}`, ida.token, 'DELETE')).status).toBe(204);
    expect((await monitoring(bob.url, bob.token)).status).toBe(401);
    // Anyone revokes their own by id.
    expect((await identity(door, `/tokens/${olivia.token}`, olivia.token, 'DELETE')).status).toBe(204);
    expect((await monitoring(olivia.url, olivia.token)).status).toBe(401);
  });

  it('lists credentials and gets the API key in clear (self, user-admin of the domain, admin); 403/404 otherwise', async () => {
    const alice = await tokenOf(door, ALICE);
    const bob = await tokenOf(door, BOB);
    const uma = await tokenOf(door, UMA);
    const ida = await tokenOf(door, IDA);
    const id = userId(door, 'alice');
    const expected = { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey: ALICE.apiKey } };
    for (const t of [alice.token, uma.token, ida.token]) {
      const list = await identity(door, credentials(id), t);
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual({ credentials: [expected] });
      const get = await identity(door, apiKeyPath(id), t);
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual(expected);
    }
    // The colon percent-encoded is the same resource [inf].
    expect((await identity(door, `${credentials(id)}/RAX-KSKEY%3AapiKeyCredentials`, alice.token)).status).toBe(200);
    await expectFault(await identity(door, apiKeyPath(id), bob.token), 403, 'forbidden', 'Not Authorized');
    await expectFault(await identity(door, credentials(id), bob.token), 403, 'forbidden', 'Not Authorized');
    await expectFault(await identity(door, apiKeyPath('nobody'), ida.token), 404, 'itemNotFound', 'User nobody not found');
    // Another credential type is no resource.
    expect((await identity(door, `${credentials(id)}/passwordCredentials`, alice.token)).status).toBe(404);
  });

  it('reset: default users only their own (403 "This user can only reset their own apiKey"), user-admin its domain, admin anyone below', async () => {
    const olivia = await tokenOf(door, OLIVIA);
    const uma = await tokenOf(door, UMA);
    const ida = await tokenOf(door, IDA);
    const bob = await tokenOf(door, BOB);
    const reset = (who: string, token: string) => identity(door, `${apiKeyPath(userId(door, who))}/RAX-AUTH/reset`, token, 'POST');
    await expectFault(await reset('alice', olivia.token), 403, 'forbidden', 'This user can only reset their own apiKey');
    expect(door.emulator.rackspace.users.get('alice')!.apiKey).toBe(ALICE.apiKey);
    await expectFault(await reset('bob', uma.token), 403, 'forbidden', 'Not Authorized');
    await expectFault(await reset('ida', uma.token), 403, 'forbidden', 'Not Authorized');
    expect((await reset('alice', uma.token)).status).toBe(200);
    expect((await reset('uma', ida.token)).status).toBe(200);
    expect((await reset('bob', ida.token)).status).toBe(200);
    expect(door.emulator.rackspace.users.get('bob')!.apiKey).not.toBe(BOB.apiKey);
    // bob's token still works (reset never revokes) [doc].
    expect((await monitoring(bob.url, bob.token)).status).toBe(200);
  });

  it('gets a user by name (one object), lists the users a caller may see; unknown 404, out of reach 403', async () => {
    const alice = await tokenOf(door, ALICE);
    const uma = await tokenOf(door, UMA);
    const ida = await tokenOf(door, IDA);
    const res = await identity(door, '/users?name=uma', uma.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      user: {
        id: userId(door, 'uma'),
        username: 'uma',
        email: 'uma@example.com',
        enabled: true,
        'RAX-AUTH:defaultRegion': 'ORD',
        'RAX-AUTH:domainId': '123456',
        'RAX-AUTH:multiFactorEnabled': false,
      },
    });
    await expectFault(await identity(door, '/users?name=nobody', ida.token), 404, 'itemNotFound', "User not found: 'nobody'");
    await expectFault(await identity(door, '/users?name=uma', alice.token), 403, 'forbidden', 'Not Authorized');
    await expectFault(await identity(door, '/users?name=bob', uma.token), 403, 'forbidden', 'Not Authorized');
    expect((await identity(door, '/users?name=bob', ida.token)).status).toBe(200);
    const mine = await (await identity(door, '/users', uma.token)).json();
    expect(mine.users.map((u: { username: string }) => u.username).sort()).toEqual(['alice', 'carl', 'olivia', 'otto', 'pat', 'uma']);
    const own = await (await identity(door, '/users', alice.token)).json();
    expect(own.users.map((u: { username: string }) => u.username)).toEqual(['alice']);
  });

  it('correction [doc: Cloud Monitoring role-based access control]: product-wide `admin` has full access, `observer` reads only', async () => {
    const pat = await tokenOf(door, PAT);
    const created = await monitoring(pat.url, pat.token, 'POST', { label: 'by-pat' });
    expect(created.status).toBe(201);
    const id = created.headers.get('x-object-id')!;
    const otto = await tokenOf(door, OTTO);
    const listed = await monitoring(otto.url, otto.token);
    expect(listed.status).toBe(200);
    expect((await listed.json()).values.map((t: { id: string }) => t.id)).toContain(id);
    const refused = await monitoring(otto.url, otto.token, 'POST', { label: 'by-otto' });
    expect(refused.status).toBe(403);
    expect((await refused.json()).type).toBe('forbiddenError');
    expect((await fetch(`${pat.url}/agent_tokens/${id}`, { method: 'DELETE', headers: { 'x-auth-token': pat.token } })).status).toBe(204);
  });

  it('correction [doc: "Rate limiting" names X-RateLimit-Used]: Used and Remaining add up to the limit', async () => {
    const { token, url } = await tokenOf(door, ALICE);
    const a = await monitoring(url, token);
    const b = await monitoring(url, token);
    for (const r of [a, b])
      expect(Number(r.headers.get('x-ratelimit-used')) + Number(r.headers.get('x-ratelimit-remaining'))).toBe(Number(r.headers.get('x-ratelimit-limit')));
    expect(Number(b.headers.get('x-ratelimit-used'))).toBe(Number(a.headers.get('x-ratelimit-used')) + 1);
  });

  it('the new routes are in the journal by name, and faults and rate limits apply to them', async () => {
    const { token } = await tokenOf(door, ALICE);
    await identity(door, `/tokens/${token}`, token);
    await identity(door, credentials(userId(door, 'alice')), token);
    const ops = door.emulator.journal.list({ vendor: 'rackspace' }).map((e) => e.operation);
    expect(ops).toEqual(expect.arrayContaining(['identity.tokens.validate', 'identity.credentials.list']));
    door.emulator.faults.add({ vendor: 'rackspace', method: 'POST', path: '/v2.0/users/*/OS-KSADM/credentials/*/RAX-AUTH/reset', status: 503, times: 1 });
    const faulted = await identity(door, `${apiKeyPath(userId(door, 'alice'))}/RAX-AUTH/reset`, token, 'POST');
    expect(faulted.status).toBe(503);
    expect(Object.keys(await faulted.json())).toEqual(['serviceUnavailable']);
    expect(door.emulator.rackspace.users.get('alice')!.apiKey).toBe(ALICE.apiKey);
    door.emulator.rateLimits.set('rackspace', { limit: 1, windowMs: 60_000 });
    expect((await identity(door, `/tokens/${token}`, token)).status).toBe(200);
    const limited = await identity(door, `/tokens/${token}`, token);
    expect(limited.status).toBe(429);
    expect(Object.keys(await limited.json())).toEqual(['overLimit']);
  });
});
