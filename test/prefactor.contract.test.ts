/**
 * Prefactor API tokens: the contract, through both front doors (standalone server and MSW).
 * Every test starts from the shipped default fixtures; tokens authenticate with their literal bearer strings.
 */
import { readFileSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { extractPartition, isPfid } from '@prefactor/pfid';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createEmulator, FixtureError } from '../src/index.js';
import { paginationOutput } from '../src/vendors/prefactor/routes.js';
import { describeDoors, type Door } from './support/doors.js';

const SECRET = 'prefactor-contract-test-secret';
const DEFAULTS = JSON.parse(readFileSync(new URL('../fixtures/default.json', import.meta.url), 'utf8'));
const F = DEFAULTS.prefactor as {
  accounts: { id: string; name: string }[];
  environments: { id: string; account_id: string; name: string }[];
  adminUsers: { id: string; account_id: string; email: string }[];
  apiTokens: (Record<string, unknown> & { id: string; account_id: string; status: string; token: string })[];
};
const byBearer = (bearer: string) => {
  const t = F.apiTokens.find((x) => x.token === bearer);
  if (!t) throw new Error(`no fixture token ${bearer}`);
  return t;
};

const ACME = {
  account: F.accounts[0].id,
  env: F.environments.find((e) => e.account_id === F.accounts[0].id)!.id,
  active: 'pf_test_acme_account_active',
  suspended: 'pf_test_acme_account_suspended',
  revoked: 'pf_test_acme_account_revoked',
  envActive: 'pf_test_acme_environment_active',
};
const GLOBEX = {
  account: F.accounts[1].id,
  env: F.environments.find((e) => e.account_id === F.accounts[1].id)!.id,
  active: 'pf_test_globex_account_active',
  suspended: 'pf_test_globex_account_suspended',
  envActive: 'pf_test_globex_environment_active',
};
const ACME_TOKEN_COUNT = F.apiTokens.filter((t) => t.account_id === ACME.account).length;

const DETAIL_KEYS = [
  'account_id',
  'agent_deployment_id',
  'agent_id',
  'available_actions',
  'created_by_admin_user_id',
  'environment_id',
  'expires_at',
  'id',
  'inserted_at',
  'last_used_at',
  'status',
  'token_scope',
  'type',
  'updated_at',
];
const ACTIONS_FOR: Record<string, Record<string, boolean>> = {
  active: { activate: false, suspend: true, revoke: true, delete: false },
  suspended: { activate: true, suspend: false, revoke: true, delete: false },
  revoked: { activate: false, suspend: false, revoke: false, delete: true },
};
const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

interface Res {
  status: number;
  headers: Headers;
  body: any;
}

interface CallOptions {
  /** Bearer string (default: Acme's active account token); `null` sends no Authorization header. */
  token?: string | null;
  body?: unknown;
  /** A raw body string sent as is. */
  raw?: string;
  headers?: Record<string, string>;
}

function client(door: Door) {
  const api = async (method: string, path: string, opts: CallOptions = {}): Promise<Res> => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? ACME.active : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${door.origin('prefactor')}/api/v1${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // left as text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  const create = async (details: Record<string, unknown>, token: string = ACME.active) => {
    const r = await api('POST', '/api_token', { token, body: { details } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { status: string; details: any; token: string };
  };
  const getToken = async (id: string, token: string = ACME.active) => api('GET', `/api_token/${id}`, { token });
  const listAll = async (token: string = ACME.active, query = '') => {
    const r = await api('GET', `/api_token?pagination[page_size]=100${query}`, { token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.summaries as any[];
  };
  return { api, create, getToken, listAll };
}

const expectError = (r: Res, status: number, code: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(r.body).toMatchObject({ status: 'error', code });
  expect(typeof r.body.message).toBe('string');
  expect(r.body.message.length).toBeGreaterThan(0);
  if (code !== 'validation_errors') expect(Object.keys(r.body).sort()).toEqual(['code', 'message', 'status']);
};

const expectValidation = (r: Res, fields: Record<string, string>) => {
  expectError(r, 422, 'validation_errors');
  for (const [field, code] of Object.entries(fields))
    expect(r.body.errors[field], `errors.${field} in ${JSON.stringify(r.body.errors)}`).toMatchObject({
      status: 'error',
      code,
      message: expect.any(String),
    });
};

/** Freezes the emulator's clock at `at` for this test, and lets it run from the real time again afterwards. */
function freezeAt(door: Door, at: string | number): void {
  const clock = door.emulator.clock;
  clock.freeze();
  clock.set(at);
  onTestFinished(() => {
    clock.set(Date.now());
    clock.unfreeze();
  });
}

/** Replaces the Prefactor state for this test (the next test's reset brings the defaults back). */
function seed(door: Door, edit: (f: typeof F) => void): void {
  const snap = door.emulator.snapshot() as Record<string, any>;
  edit(snap.prefactor);
  door.emulator.restore(snap);
}

describeDoors(
  'prefactor',
  (door) => {
    const { api, create, getToken, listAll } = client(door);

    // ------------------------------------------------------------ ping and auth

    describe('ping and authentication', () => {
      it('GET /ping answers token_type api for a live token, ignoring X-Prefactor-SDK', async () => {
        const r = await api('GET', '/ping', { headers: { 'X-Prefactor-SDK': 'typescript/0.2.9' } });
        expect(r.status).toBe(200);
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
        expect(r.body).toEqual({ status: 'success', details: { token_type: 'api' } });
      });

      it('no bearer → 401 not_authenticated', async () => {
        expectError(await api('GET', '/ping', { token: null }), 401, 'not_authenticated');
        expectError(await api('GET', '/ping', { token: null, headers: { authorization: 'Basic YTpi' } }), 401, 'not_authenticated');
        expectError(await api('GET', '/ping', { token: null, headers: { authorization: 'Bearer   ' } }), 401, 'not_authenticated');
        expectError(await api('GET', '/api_token', { token: null }), 401, 'not_authenticated');
        expectError(await api('POST', '/api_token', { token: null, body: { details: { token_scope: 'account' } } }), 401, 'not_authenticated');
        expect(await listAll()).toHaveLength(ACME_TOKEN_COUNT);
      });

      it('unknown, suspended and revoked bearers → 401 bad_authtoken', async () => {
        for (const token of ['pf_test_nobody', ACME.suspended, ACME.revoked, 'a.b.c', `${ACME.active}x`])
          expectError(await api('GET', '/ping', { token }), 401, 'bad_authtoken');
      });

      it('a created JWT authenticates; changed signature or payload, another key and alg none do not', async () => {
        const { token, details } = await create({ token_scope: 'account' });
        expect((await api('GET', '/ping', { token })).status).toBe(200);

        const [h, p, s] = token.split('.');
        const mid = Math.floor(s.length / 2);
        const flipped = `${h}.${p}.${s.slice(0, mid)}${s[mid] === 'A' ? 'B' : 'A'}${s.slice(mid + 1)}`;
        expectError(await api('GET', '/ping', { token: flipped }), 401, 'bad_authtoken');

        const claims = decodeJwt(token);
        const forgedPayload = Buffer.from(JSON.stringify({ ...claims, account_id: GLOBEX.account })).toString('base64url');
        expectError(await api('GET', '/ping', { token: `${h}.${forgedPayload}.${s}` }), 401, 'bad_authtoken');

        const unsigned = new UnsecuredJWT({ ...claims }).encode();
        expectError(await api('GET', '/ping', { token: unsigned }), 401, 'bad_authtoken');

        const otherKey = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode('not-the-secret'));
        expectError(await api('GET', '/ping', { token: otherKey }), 401, 'bad_authtoken');

        // Right key, but for a token that does not exist.
        const ghost = await new SignJWT({ ...claims, jti: '01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', sub: '01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .sign(new TextEncoder().encode(SECRET));
        expectError(await api('GET', '/ping', { token: ghost }), 401, 'bad_authtoken');

        // The token itself was never touched by any of this.
        expect((await getToken(details.id)).body.details.status).toBe('active');
        expect((await api('GET', '/ping', { token })).status).toBe(200);
      });

      it('correction [doc: ApiToken_Details.expires_at is a non-null date-time; code: the SDK types it a string]: a token created without one gets one, a year ahead [inf], and stops working then', async () => {
        const now = door.emulator.clock.now();
        const { token, details } = await create({ token_scope: 'account' });
        const year = 365 * 24 * 3_600_000;
        expect(details.expires_at).toBe(iso(Math.floor(now / 1000) * 1000 + year));
        expect(decodeJwt(token).exp).toBe(Date.parse(details.expires_at) / 1000);
        door.emulator.clock.advance(year + 1000);
        onTestFinished(() => door.emulator.clock.advance(-(year + 1000)));
        expectError(await api('GET', '/ping', { token }), 401, 'bad_authtoken');
      });

      it('a JWT stops authenticating when the emulator clock passes expires_at', async () => {
        const now = door.emulator.clock.now();
        const expires = iso(now + 3_600_000);
        const { token, details } = await create({ token_scope: 'account', expires_at: expires });
        expect(details.expires_at).toBe(expires);
        expect(decodeJwt(token).exp).toBe(Date.parse(expires) / 1000);
        expect((await api('GET', '/ping', { token })).status).toBe(200);
        door.emulator.clock.advance(3_600_000 + 1000);
        onTestFinished(() => door.emulator.clock.advance(-(3_600_000 + 1000)));
        expectError(await api('GET', '/ping', { token }), 401, 'bad_authtoken');
        // Still listed and still active: expiry is not a status change.
        expect((await getToken(details.id)).body.details).toMatchObject({ status: 'active', expires_at: expires });
      });

      it('a fixture token with an expires_at stops authenticating once it has passed', async () => {
        freezeAt(door, '2030-01-01T00:00:00Z');
        seed(door, (f) => {
          f.apiTokens.find((t) => t.token === ACME.active)!.expires_at = '2030-01-01T00:01:00Z';
        });
        expect((await api('GET', '/ping')).status).toBe(200);
        door.emulator.clock.advance(60_000);
        expectError(await api('GET', '/ping'), 401, 'bad_authtoken');
      });

      it('last_used_at is set on each authenticated call, from the emulator clock', async () => {
        freezeAt(door, '2031-03-04T05:06:07Z');
        const { token, details } = await create({ token_scope: 'account' });
        expect(details.last_used_at).toBeNull();
        expect((await api('GET', '/ping', { token })).status).toBe(200);
        door.emulator.clock.advance(90_000);
        // Read by another token: shows the ping's time, not this read's.
        let seen = (await getToken(details.id)).body.details;
        expect(seen.last_used_at).toBe('2031-03-04T05:06:07Z');
        expect(seen.updated_at).toBe('2031-03-04T05:06:07Z');
        // The reader's own last_used_at is now.
        const me = byBearer(ACME.active).id;
        expect((await getToken(me)).body.details.last_used_at).toBe('2031-03-04T05:07:37Z');
        // A refused call does not count as a use.
        expectError(await api('GET', '/ping', { token: ACME.suspended }), 401, 'bad_authtoken');
        expect((await getToken(byBearer(ACME.suspended).id)).body.details.last_used_at).toBeNull();
        door.emulator.clock.advance(1000);
        await api('GET', '/api_token', { token });
        seen = (await getToken(details.id)).body.details;
        expect(seen.last_used_at).toBe('2031-03-04T05:07:38Z');
        expect(seen.last_used_at).toMatch(RFC3339_UTC);
      });
    });

    // ------------------------------------------------------------ create

    describe('create', () => {
      it('wrapped {"details":{…}} → 200 with details and a signed HS256 JWT', async () => {
        freezeAt(door, '2032-06-01T12:00:00Z');
        const r = await api('POST', '/api_token', { body: { details: { token_scope: 'account', account_id: ACME.account } } });
        expect(r.status).toBe(200);
        expect(Object.keys(r.body).sort()).toEqual(['details', 'status', 'token']);
        expect(r.body.status).toBe('success');
        const d = r.body.details;
        expect(Object.keys(d).sort()).toEqual(DETAIL_KEYS);
        expect(d).toMatchObject({
          type: 'api_token',
          account_id: ACME.account,
          token_scope: 'account',
          status: 'active',
          environment_id: null,
          agent_id: null,
          agent_deployment_id: null,
          created_by_admin_user_id: null,
          // A token created without expires_at gets one (a non-null date-time [doc]; one year ahead [inf]).
          expires_at: '2033-06-01T12:00:00Z',
          last_used_at: null,
          inserted_at: '2032-06-01T12:00:00Z',
          updated_at: '2032-06-01T12:00:00Z',
          available_actions: ACTIONS_FOR.active,
        });
        expect(isPfid(d.id)).toBe(true);
        expect(extractPartition(d.id)).toBe(extractPartition(ACME.account));

        expect(decodeProtectedHeader(r.body.token)).toEqual({ alg: 'HS256', typ: 'JWT' });
        const claims = decodeJwt(r.body.token);
        expect(claims).toMatchObject({ jti: d.id, sub: d.id, account_id: ACME.account, token_scope: 'account' });
        expect(claims.iat).toBe(Date.parse('2032-06-01T12:00:00Z') / 1000);
        expect(claims.exp).toBe(Date.parse('2033-06-01T12:00:00Z') / 1000);
        expect(claims.environment_id).toBeUndefined();

        // State after: readable, listed, and the JWT is shown only at creation.
        const got = await getToken(d.id);
        expect(got.body).toEqual({ status: 'success', details: d });
        expect((await listAll()).map((t) => t.id)).toContain(d.id);
      });

      it('the seed\'s unwrapped form is accepted too', async () => {
        const r = await api('POST', '/api_token', { body: { token_scope: 'environment', environment_id: ACME.env, account_id: ACME.account } });
        expect(r.status).toBe(200);
        expect(r.body.details).toMatchObject({ token_scope: 'environment', environment_id: ACME.env, account_id: ACME.account });
        expect(decodeJwt(r.body.token)).toMatchObject({ token_scope: 'environment', environment_id: ACME.env });
        expect((await api('GET', '/ping', { token: r.body.token })).status).toBe(200);
      });

      it('agent_deployment scope stores agent_id and one agent_deployment_id per agent and environment', async () => {
        const agent = '01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
        const other = '01bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
        const a = (await create({ token_scope: 'agent_deployment', agent_id: agent, environment_id: ACME.env })).details;
        expect(a).toMatchObject({ token_scope: 'agent_deployment', agent_id: agent, environment_id: ACME.env });
        expect(isPfid(a.agent_deployment_id)).toBe(true);
        expect(extractPartition(a.agent_deployment_id)).toBe(extractPartition(ACME.account));
        const b = (await create({ token_scope: 'agent_deployment', agent_id: agent, environment_id: ACME.env })).details;
        expect(b.id).not.toBe(a.id);
        expect(b.agent_deployment_id).toBe(a.agent_deployment_id);
        const c = (await create({ token_scope: 'agent_deployment', agent_id: other, environment_id: ACME.env })).details;
        expect(c.agent_deployment_id).not.toBe(a.agent_deployment_id);
      });

      it('expires_at is kept (RFC 3339 UTC) and becomes the JWT exp', async () => {
        const r = await create({ token_scope: 'account', expires_at: '2099-12-31T23:59:59+02:00' });
        expect(r.details.expires_at).toBe('2099-12-31T21:59:59Z');
        expect(decodeJwt(r.token).exp).toBe(Date.parse('2099-12-31T21:59:59Z') / 1000);
        expect((await getToken(r.details.id)).body.details.expires_at).toBe('2099-12-31T21:59:59Z');
      });

      it('idempotency_key in the body: same key and request → the same token; another request → 422', async () => {
        const body = { details: { token_scope: 'account' }, idempotency_key: 'key-1' };
        const first = await api('POST', '/api_token', { body });
        const again = await api('POST', '/api_token', { body });
        expect(first.status).toBe(200);
        expect(again.status).toBe(200);
        expect(again.body.details.id).toBe(first.body.details.id);
        expect(again.body.token).toBe(first.body.token);
        // The unwrapped form of the same request is the same request.
        const unwrapped = await api('POST', '/api_token', { body: { token_scope: 'account', idempotency_key: 'key-1' } });
        expect(unwrapped.body.details.id).toBe(first.body.details.id);
        // Inside details works too.
        const inside = await api('POST', '/api_token', { body: { details: { token_scope: 'account', idempotency_key: 'key-1' } } });
        expect(inside.body.details.id).toBe(first.body.details.id);
        expect(await listAll()).toHaveLength(ACME_TOKEN_COUNT + 1);

        const changed = await api('POST', '/api_token', { body: { details: { token_scope: 'environment', environment_id: ACME.env }, idempotency_key: 'key-1' } });
        expectValidation(changed, { idempotency_key: 'invalid' });
        expect(await listAll()).toHaveLength(ACME_TOKEN_COUNT + 1);

        // Keys are per account.
        const globex = await api('POST', '/api_token', { token: GLOBEX.active, body });
        expect(globex.status).toBe(200);
        expect(globex.body.details.id).not.toBe(first.body.details.id);
      });

      it('Idempotency-Key header: same key → same token; a body key that differs → 422', async () => {
        const headers = { 'Idempotency-Key': 'hdr-1' };
        const first = await api('POST', '/api_token', { headers, body: { details: { token_scope: 'account' } } });
        const again = await api('POST', '/api_token', { headers, body: { details: { token_scope: 'account' } } });
        expect(again.body.details.id).toBe(first.body.details.id);
        expectValidation(
          await api('POST', '/api_token', { headers, body: { details: { token_scope: 'account' }, idempotency_key: 'other' } }),
          { idempotency_key: 'invalid' },
        );
        expectValidation(await api('POST', '/api_token', { headers: { 'Idempotency-Key': 'k'.repeat(65) }, body: { details: { token_scope: 'account' } } }), {
          'Idempotency-Key': 'invalid',
        });
        expectValidation(await api('POST', '/api_token', { body: { details: { token_scope: 'account' }, idempotency_key: 'k'.repeat(65) } }), {
          idempotency_key: 'invalid',
        });
        expectValidation(await api('POST', '/api_token', { body: { details: { token_scope: 'account' }, idempotency_key: 7 } }), {
          idempotency_key: 'invalid',
        });
        expect(await listAll()).toHaveLength(ACME_TOKEN_COUNT + 1);
      });

      it('a deleted token frees its idempotency key', async () => {
        const body = { details: { token_scope: 'account' }, idempotency_key: 'gone' };
        const first = (await api('POST', '/api_token', { body })).body.details.id;
        await api('POST', `/api_token/${first}/revoke`);
        expect((await api('DELETE', `/api_token/${first}`)).status).toBe(200);
        const second = await api('POST', '/api_token', { body });
        expect(second.status).toBe(200);
        expect(second.body.details.id).not.toBe(first);
      });

      it.each([
        ['no token_scope', { details: {} }, { token_scope: 'required' }],
        ['empty body object', {}, { token_scope: 'required' }],
        ['an unknown token_scope', { details: { token_scope: 'bogus' } }, { token_scope: 'invalid' }],
        ['a non-string token_scope', { details: { token_scope: 42 } }, { token_scope: 'invalid' }],
        ['environment scope without environment_id', { details: { token_scope: 'environment' } }, { environment_id: 'required' }],
        ['environment scope with an agent_id', { details: { token_scope: 'environment', environment_id: 'ENV', agent_id: '01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } }, { agent_id: 'must_be_absent' }],
        ['agent_deployment scope without ids', { details: { token_scope: 'agent_deployment' } }, { agent_id: 'required', environment_id: 'required' }],
        ['account scope with an environment_id', { details: { token_scope: 'account', environment_id: 'ENV' } }, { environment_id: 'must_be_absent' }],
        ['account scope with an agent_id', { details: { token_scope: 'account', agent_id: '01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } }, { agent_id: 'must_be_absent' }],
        ['a malformed environment_id', { details: { token_scope: 'environment', environment_id: 'prod' } }, { environment_id: 'invalid' }],
        ['a numeric environment_id', { details: { token_scope: 'environment', environment_id: 12 } }, { environment_id: 'invalid' }],
        ['an unknown environment', { details: { token_scope: 'environment', environment_id: '01zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' } }, { environment_id: 'invalid' }],
        ['another account\'s environment', { details: { token_scope: 'environment', environment_id: 'GLOBEX_ENV' } }, { environment_id: 'invalid' }],
        ['a malformed account_id', { details: { token_scope: 'account', account_id: 123 } }, { account_id: 'invalid' }],
        ['expires_at in the past', { details: { token_scope: 'account', expires_at: '2001-01-01T00:00:00Z' } }, { expires_at: 'invalid' }],
        ['expires_at that is not a date-time', { details: { token_scope: 'account', expires_at: 'tomorrow' } }, { expires_at: 'invalid' }],
        ['a numeric expires_at', { details: { token_scope: 'account', expires_at: 4102444800 } }, { expires_at: 'invalid' }],
        ['an impossible expires_at (February 30)', { details: { token_scope: 'account', expires_at: '2099-02-30T00:00:00Z' } }, { expires_at: 'invalid' }],
        ['an expires_at without a zone', { details: { token_scope: 'account', expires_at: '2099-01-01T00:00:00' } }, { expires_at: 'invalid' }],
        ['details that is not an object', { details: 'account' }, { details: 'invalid' }],
        ['details that is an array', { details: [] }, { details: 'invalid' }],
      ])('%s → 422 validation_errors, nothing created', async (_name, body, fields) => {
        const text = JSON.stringify(body).replaceAll('"ENV"', JSON.stringify(ACME.env)).replaceAll('"GLOBEX_ENV"', JSON.stringify(GLOBEX.env));
        expectValidation(await api('POST', '/api_token', { raw: text }), fields);
        expect(await listAll()).toHaveLength(ACME_TOKEN_COUNT);
      });

      it('an empty body → 422 (token_scope is required)', async () => {
        expectValidation(await api('POST', '/api_token'), { token_scope: 'required' });
      });

      it.each([
        ['malformed JSON', '{"details": {"token_scope": "account"'],
        ['a JSON array', '[{"token_scope":"account"}]'],
        ['a JSON string', '"account"'],
        ['null', 'null'],
        ['a form body', 'token_scope=account'],
      ])('%s → 400 bad_request, nothing created', async (_name, raw) => {
        expectError(await api('POST', '/api_token', { raw }), 400, 'bad_request');
        expect(await listAll()).toHaveLength(ACME_TOKEN_COUNT);
      });

      it('a body over 1 MiB → 413 in the envelope (code bad_request), nothing created', async () => {
        const raw = `{"details":{"token_scope":"account","pad":"${'x'.repeat(1024 * 1024)}"}}`;
        expectError(await api('POST', '/api_token', { raw }), 413, 'bad_request');
        expect(await listAll()).toHaveLength(ACME_TOKEN_COUNT);
      });

      it('creating in another account → 403 not_permitted', async () => {
        expectError(await api('POST', '/api_token', { body: { details: { token_scope: 'account', account_id: GLOBEX.account } } }), 403, 'not_permitted');
        expect(await listAll(GLOBEX.active)).toHaveLength(F.apiTokens.filter((t) => t.account_id === GLOBEX.account).length);
      });

      it('unknown fields are ignored', async () => {
        const r = await create({ token_scope: 'account', name: 'ci', status: 'revoked' });
        expect(r.details.status).toBe('active');
      });
    });

    // ------------------------------------------------------------ get

    describe('get', () => {
      it('returns ApiToken_Details exactly as the fixture gives it', async () => {
        const f = byBearer(ACME.suspended);
        const r = await getToken(f.id);
        expect(r.status).toBe(200);
        const { token: _bearer, ...fields } = f;
        expect(r.body).toEqual({
          status: 'success',
          details: { ...fields, agent_id: null, agent_deployment_id: null, available_actions: ACTIONS_FOR.suspended },
        });
        for (const k of ['inserted_at', 'updated_at']) expect(r.body.details[k]).toMatch(RFC3339_UTC);
      });

      it.each([
        ['an unknown PFID', '01zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'],
        ['a malformed id', 'not-an-id'],
        ['an upper-case PFID', 'ZZZ'],
        ['a too-long id', `${'0'.repeat(40)}`],
        ['an encoded slash', 'a%2Fb'],
      ])('%s → 404 not_found', async (_name, id) => {
        const real = id === 'ZZZ' ? byBearer(ACME.active).id.toUpperCase() : id;
        expectError(await getToken(real), 404, 'not_found');
        for (const action of ['suspend', 'activate', 'revoke'])
          expectError(await api('POST', `/api_token/${real}/${action}`, { body: {} }), 404, 'not_found');
        expectError(await api('DELETE', `/api_token/${real}`), 404, 'not_found');
      });

      it('another account\'s token → 403 not_permitted, for every operation, and nothing changes', async () => {
        const theirs = byBearer(GLOBEX.active).id;
        expectError(await getToken(theirs), 403, 'not_permitted');
        for (const action of ['suspend', 'revoke'])
          expectError(await api('POST', `/api_token/${theirs}/${action}`, { body: {} }), 403, 'not_permitted');
        const revokedTheirs = F.apiTokens.find((t) => t.account_id === GLOBEX.account && t.status === 'revoked')!.id;
        expectError(await api('DELETE', `/api_token/${revokedTheirs}`), 403, 'not_permitted');
        expect((await getToken(theirs, GLOBEX.active)).body.details.status).toBe('active');
        expect((await getToken(revokedTheirs, GLOBEX.active)).status).toBe(200);
      });
    });

    // ------------------------------------------------------------ lifecycle

    describe('lifecycle', () => {
      const cases: [string, string, string | null][] = [];
      const allowed: Record<string, Record<string, string | null>> = {
        active: { suspend: 'suspended', revoke: 'revoked' },
        suspended: { activate: 'active', revoke: 'revoked' },
        revoked: { delete: null },
      };
      for (const from of ['active', 'suspended', 'revoked'])
        for (const action of ['suspend', 'activate', 'revoke', 'delete'])
          cases.push([from, action, action in allowed[from] ? allowed[from][action] : 'REFUSED']);

      it.each(cases)('%s —%s→ %s', async (from, action, to) => {
        freezeAt(door, '2033-01-01T00:00:00Z');
        // A fresh token in the wanted status, driven there through the API.
        const t = (await create({ token_scope: 'account' })).details;
        if (from !== 'active') expect((await api('POST', `/api_token/${t.id}/${from === 'suspended' ? 'suspend' : 'revoke'}`)).status).toBe(200);
        const before = (await getToken(t.id)).body.details;
        expect(before.status).toBe(from);
        expect(before.available_actions).toEqual(ACTIONS_FOR[from]);
        expect(before.available_actions[action]).toBe(to !== 'REFUSED');
        door.emulator.clock.advance(5000);

        const r = action === 'delete' ? await api('DELETE', `/api_token/${t.id}`) : await api('POST', `/api_token/${t.id}/${action}`, { body: {} });
        if (to === 'REFUSED') {
          expectError(r, 409, 'invalid_action');
          expect((await getToken(t.id)).body.details).toEqual(before);
        } else if (to === null) {
          expect(r.status).toBe(200);
          expect(r.body).toEqual({ status: 'success', details: before });
          expectError(await getToken(t.id), 404, 'not_found');
          expect((await listAll()).map((x) => x.id)).not.toContain(t.id);
          expectError(await api('DELETE', `/api_token/${t.id}`), 404, 'not_found');
        } else {
          expect(r.status).toBe(200);
          expect(r.body.status).toBe('success');
          expect(r.body.details).toMatchObject({ id: t.id, status: to, available_actions: ACTIONS_FOR[to], updated_at: '2033-01-01T00:00:05Z' });
          expect(r.body.details.inserted_at).toBe(before.inserted_at);
          expect((await getToken(t.id)).body.details).toEqual(r.body.details);
        }
      });

      it('fixture tokens: suspended can be activated, revoked can be deleted', async () => {
        const s = byBearer(ACME.suspended).id;
        const r = await api('POST', `/api_token/${s}/activate`);
        expect(r.body.details.status).toBe('active');
        expect((await api('GET', '/ping', { token: ACME.suspended })).status).toBe(200);
        const v = byBearer(ACME.revoked).id;
        expect((await api('DELETE', `/api_token/${v}`)).status).toBe(200);
        expectError(await getToken(v), 404, 'not_found');
        expectError(await api('GET', '/ping', { token: ACME.revoked }), 401, 'bad_authtoken');
      });

      it('the acceptance walk: create, ping, suspend (401), activate, revoke (401), delete (404)', async () => {
        const { token, details } = await create({ token_scope: 'account' });
        const id = details.id;
        expect((await api('GET', '/ping', { token })).status).toBe(200);
        expect((await api('POST', `/api_token/${id}/suspend`, { body: {} })).body.details.status).toBe('suspended');
        expectError(await api('GET', '/ping', { token }), 401, 'bad_authtoken');
        expect((await api('POST', `/api_token/${id}/activate`, { body: {} })).body.details.status).toBe('active');
        expect((await api('GET', '/ping', { token })).status).toBe(200);
        expect((await api('POST', `/api_token/${id}/revoke`, { body: {} })).body.details.status).toBe('revoked');
        expectError(await api('GET', '/ping', { token }), 401, 'bad_authtoken');
        expect((await api('DELETE', `/api_token/${id}`)).status).toBe(200);
        expectError(await getToken(id), 404, 'not_found');
        expectError(await api('GET', '/ping', { token }), 401, 'bad_authtoken');
      });

      it('a token can suspend itself, and is then refused', async () => {
        const { token, details } = await create({ token_scope: 'account' });
        expect((await api('POST', `/api_token/${details.id}/suspend`, { token })).status).toBe(200);
        expectError(await api('POST', `/api_token/${details.id}/activate`, { token }), 401, 'bad_authtoken');
      });

      it('action bodies: none or {} work; malformed JSON or a non-object → 400 and no change', async () => {
        const id = (await create({ token_scope: 'account' })).details.id;
        expectError(await api('POST', `/api_token/${id}/suspend`, { raw: '{nope' }), 400, 'bad_request');
        expectError(await api('POST', `/api_token/${id}/suspend`, { raw: '[]' }), 400, 'bad_request');
        expect((await getToken(id)).body.details.status).toBe('active');
        expect((await api('POST', `/api_token/${id}/suspend`)).status).toBe(200);
        expect((await api('POST', `/api_token/${id}/activate`, { raw: '{}' })).status).toBe(200);
        const huge = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
        expectError(await api('POST', `/api_token/${id}/revoke`, { raw: huge }), 413, 'bad_request');
        expect((await getToken(id)).body.details.status).toBe('active');
      });
    });

    // ------------------------------------------------------------ scopes

    describe('environment-scoped tokens', () => {
      it('ping works; the list shows only its environment', async () => {
        expect((await api('GET', '/ping', { token: ACME.envActive })).status).toBe(200);
        await create({ token_scope: 'environment', environment_id: ACME.env });
        await create({ token_scope: 'account' });
        const seen = await listAll(ACME.envActive);
        expect(seen.length).toBe(2);
        for (const t of seen) expect(t.environment_id).toBe(ACME.env);
        const r = await api('GET', '/api_token', { token: ACME.envActive });
        expect(r.body.pagination).toMatchObject({ item_count: 2, item_start: 1, item_end: 2, page_count: 1 });
      });

      it('may manage tokens of its environment, and create environment and agent_deployment tokens there', async () => {
        const env = await create({ token_scope: 'environment', environment_id: ACME.env }, ACME.envActive);
        expect(env.details.environment_id).toBe(ACME.env);
        const agent = await create({ token_scope: 'agent_deployment', environment_id: ACME.env, agent_id: '01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }, ACME.envActive);
        expect(agent.details.agent_deployment_id).toMatch(/^[0-7]/);
        expect((await api('POST', `/api_token/${env.details.id}/suspend`, { token: ACME.envActive })).status).toBe(200);
        expect((await getToken(byBearer(ACME.envActive).id, ACME.envActive)).status).toBe(200);
        // An agent_deployment token is bound to its environment the same way.
        expect((await getToken(env.details.id, agent.token)).status).toBe(200);
        expectError(await getToken(byBearer(ACME.active).id, agent.token), 403, 'not_permitted');
      });

      it('reaching outside its environment → 403 not_permitted, and nothing changes', async () => {
        const accountToken = byBearer(ACME.active).id;
        expectError(await getToken(accountToken, ACME.envActive), 403, 'not_permitted');
        expectError(await api('POST', `/api_token/${accountToken}/suspend`, { token: ACME.envActive }), 403, 'not_permitted');
        expectError(await api('POST', '/api_token', { token: ACME.envActive, body: { details: { token_scope: 'account' } } }), 403, 'not_permitted');
        expectError(await api('GET', `/api_token?account_id=${GLOBEX.account}`, { token: ACME.envActive }), 403, 'not_permitted');
        expect((await getToken(accountToken)).body.details.status).toBe('active');
        expect(await listAll()).toHaveLength(ACME_TOKEN_COUNT);
      });
    });

    // ------------------------------------------------------------ list

    describe('list', () => {
      it('defaults: the caller\'s account, by id ascending, summaries without available_actions', async () => {
        const r = await api('GET', '/api_token');
        expect(r.status).toBe(200);
        expect(Object.keys(r.body).sort()).toEqual(['pagination', 'sorting', 'status', 'summaries']);
        expect(r.body.status).toBe('success');
        const ids = F.apiTokens.filter((t) => t.account_id === ACME.account).map((t) => t.id).sort();
        expect(r.body.summaries.map((s: any) => s.id)).toEqual(ids);
        for (const s of r.body.summaries) expect(Object.keys(s).sort()).toEqual(DETAIL_KEYS.filter((k) => k !== 'available_actions'));
        expect(r.body.sorting).toEqual({ field: 'id', direction: 'asc' });
        expect(r.body.pagination).toEqual({
          item_count: ids.length,
          item_start: 1,
          item_end: ids.length,
          page_index: 1,
          page_offset: 0,
          page_size: 20,
          page_count: 1,
          next_page_offset: null,
          previous_page_offset: null,
        });
        const own = await api('GET', `/api_token?account_id=${ACME.account}`);
        expect(own.body.summaries).toEqual(r.body.summaries.map((s: any) => (s.id === byBearer(ACME.active).id ? { ...s, last_used_at: expect.any(String) } : s)));
      });

      it('another account → 403; a malformed account_id → 422', async () => {
        expectError(await api('GET', `/api_token?account_id=${GLOBEX.account}`), 403, 'not_permitted');
        expectValidation(await api('GET', '/api_token?account_id=acme'), { account_id: 'invalid' });
      });

      it('pages: fields agree, the last page has no next, past the end is empty', async () => {
        for (let i = 0; i < 7; i++) await create({ token_scope: 'account' });
        const total = ACME_TOKEN_COUNT + 7; // 11
        const page = async (offset: number) => (await api('GET', `/api_token?pagination[offset]=${offset}&pagination[page_size]=5`)).body;

        const p1 = await page(0);
        expect(p1.summaries).toHaveLength(5);
        expect(p1.pagination).toEqual({ item_count: total, item_start: 1, item_end: 5, page_index: 1, page_offset: 0, page_size: 5, page_count: 3, next_page_offset: 5, previous_page_offset: null });
        const p2 = await page(5);
        expect(p2.pagination).toEqual({ item_count: total, item_start: 6, item_end: 10, page_index: 2, page_offset: 5, page_size: 5, page_count: 3, next_page_offset: 10, previous_page_offset: 0 });
        const p3 = await page(10);
        expect(p3.summaries).toHaveLength(1);
        expect(p3.pagination).toEqual({ item_count: total, item_start: 11, item_end: 11, page_index: 3, page_offset: 10, page_size: 5, page_count: 3, next_page_offset: null, previous_page_offset: 5 });
        const beyond = await page(15);
        expect(beyond.summaries).toEqual([]);
        expect(beyond.pagination).toEqual({ item_count: total, item_start: 0, item_end: 0, page_index: 4, page_offset: 15, page_size: 5, page_count: 3, next_page_offset: null, previous_page_offset: 10 });
        const farBeyond = await page(1000);
        expect(farBeyond.pagination).toMatchObject({ next_page_offset: null, previous_page_offset: 10, item_start: 0, item_end: 0 });

        // Walking next_page_offset visits every token once, in order.
        const seen: string[] = [];
        let offset: number | null = 0;
        while (offset !== null) {
          const p: any = await page(offset);
          expect(p.pagination.item_end - p.pagination.item_start + 1).toBe(p.summaries.length);
          seen.push(...p.summaries.map((s: any) => s.id));
          offset = p.pagination.next_page_offset;
        }
        expect(seen).toEqual((await listAll()).map((s) => s.id));
        expect(new Set(seen).size).toBe(total);

        // An offset that is not a multiple of the page size.
        const odd = await page(3);
        expect(odd.pagination).toMatchObject({ item_start: 4, item_end: 8, page_index: 2, page_count: 3, next_page_offset: 8, previous_page_offset: 0 });
        // page_size 1 and 100 are the bounds.
        expect((await api('GET', '/api_token?pagination[page_size]=1')).body.pagination).toMatchObject({ page_size: 1, page_count: total, next_page_offset: 1 });
        expect((await api('GET', '/api_token?pagination[page_size]=100')).body.summaries).toHaveLength(total);
      });

      it.each([
        ['pagination[page_size]=0', 'pagination[page_size]'],
        ['pagination[page_size]=101', 'pagination[page_size]'],
        ['pagination[page_size]=abc', 'pagination[page_size]'],
        ['pagination[page_size]=-1', 'pagination[page_size]'],
        ['pagination[page_size]=2.5', 'pagination[page_size]'],
        ['pagination[page_size]=', 'pagination[page_size]'],
        ['pagination[offset]=-1', 'pagination[offset]'],
        ['pagination[offset]=abc', 'pagination[offset]'],
        ['pagination[offset]=99999999999999999999', 'pagination[offset]'],
        ['sorting=bogus', 'sorting'],
        ['sorting=-', 'sorting'],
        ['sorting=id,inserted_at', 'sorting'],
        ['sorting[field]=bogus', 'sorting[field]'],
        ['sorting[direction]=up', 'sorting[direction]'],
        ['sorting[nulls]=middle', 'sorting[nulls]'],
        ['sorting=id&sorting[direction]=desc', 'sorting'],
      ])('%s → 422 validation_errors naming %s', async (query, field) => {
        expectValidation(await api('GET', `/api_token?${query}`), { [field]: 'invalid' });
      });

      it('percent-encoded brackets are the same parameters', async () => {
        const r = await api('GET', '/api_token?pagination%5Bpage_size%5D=2&sorting%5Bfield%5D=id&sorting%5Bdirection%5D=desc');
        expect(r.body.pagination.page_size).toBe(2);
        expect(r.body.sorting).toEqual({ field: 'id', direction: 'desc' });
      });

      it('sorting by id: -id and sorting[direction]=desc reverse the order', async () => {
        const asc = (await listAll()).map((s) => s.id);
        const minus = await api('GET', '/api_token?sorting=-id');
        expect(minus.body.summaries.map((s: any) => s.id)).toEqual([...asc].reverse());
        expect(minus.body.sorting).toEqual({ field: 'id', direction: 'desc' });
        const bracket = await api('GET', '/api_token?sorting[field]=id&sorting[direction]=desc');
        expect(bracket.body.summaries.map((s: any) => s.id)).toEqual([...asc].reverse());
        const plus = await api('GET', '/api_token?sorting=%2Bid');
        expect(plus.body.summaries.map((s: any) => s.id)).toEqual(asc);
        expect(plus.body.sorting).toEqual({ field: 'id', direction: 'asc' });
        // Paging a descending list.
        const p2 = await api('GET', '/api_token?sorting=-id&pagination[offset]=2&pagination[page_size]=2');
        expect(p2.body.summaries.map((s: any) => s.id)).toEqual([...asc].reverse().slice(2, 4));
      });

      it('sorting by inserted_at (both forms, both directions) is not id order', async () => {
        // Make the token with the smallest id the newest one.
        const first = F.apiTokens.filter((t) => t.account_id === ACME.account).map((t) => t.id).sort()[0];
        seed(door, (f) => {
          const t = f.apiTokens.find((x) => x.id === first)!;
          t.inserted_at = '2025-12-31T00:00:00Z';
          t.updated_at = '2025-12-31T00:00:00Z';
        });
        const order = async (q: string) => (await api('GET', `/api_token?${q}`)).body;
        const asc = await order('sorting=inserted_at');
        expect(asc.sorting).toEqual({ field: 'inserted_at', direction: 'asc' });
        const ins = asc.summaries.map((s: any) => s.inserted_at);
        expect(ins).toEqual([...ins].sort());
        expect(asc.summaries.at(-1).id).toBe(first);
        const desc = await order('sorting[field]=inserted_at&sorting[direction]=desc');
        expect(desc.sorting).toEqual({ field: 'inserted_at', direction: 'desc' });
        expect(desc.summaries.map((s: any) => s.id)).toEqual(asc.summaries.map((s: any) => s.id).reverse());
        expect(desc.summaries[0].id).toBe(first);
        expect((await order('sorting=-inserted_at')).summaries.map((s: any) => s.id)).toEqual(desc.summaries.map((s: any) => s.id));
        // Direction alone keeps the default field.
        expect((await order('sorting[direction]=desc')).sorting).toEqual({ field: 'id', direction: 'desc' });
        // Pages of a sorted list.
        const page = await order('sorting=-inserted_at&pagination[page_size]=1&pagination[offset]=0');
        expect(page.summaries[0].id).toBe(first);
        expect(page.pagination).toMatchObject({ item_count: ACME_TOKEN_COUNT, next_page_offset: 1 });
      });

      it('sorting by a nullable field puts nulls last ascending, first descending, unless told', async () => {
        await api('GET', '/ping'); // only the caller has a last_used_at
        const me = byBearer(ACME.active).id;
        const asc = (await api('GET', '/api_token?sorting=last_used_at')).body.summaries;
        expect(asc[0].id).toBe(me);
        const desc = (await api('GET', '/api_token?sorting=-last_used_at')).body.summaries;
        expect(desc.at(-1).id).toBe(me);
        const nullsFirst = (await api('GET', '/api_token?sorting[field]=last_used_at&sorting[nulls]=first')).body.summaries;
        expect(nullsFirst.at(-1).id).toBe(me);
      });
    });

    // ------------------------------------------------------------ other paths

    describe('unknown routes', () => {
      it('an unknown path under /api/v1 → 404 not_found', async () => {
        expectError(await api('GET', '/nothing_here'), 404, 'not_found');
        expectError(await api('GET', '/api_token/x/y/z'), 404, 'not_found');
      });

      it('a method the path does not have → 404 not_found', async () => {
        expectError(await api('PUT', '/api_token'), 404, 'not_found');
        expectError(await api('PATCH', `/api_token/${byBearer(ACME.active).id}`, { body: { status: 'revoked' } }), 404, 'not_found');
        expect((await getToken(byBearer(ACME.active).id)).body.details.status).toBe('active');
      });
    });
  },
  { vendorOptions: { prefactor: { jwtSecret: SECRET } } },
);

// ---------------------------------------------------------------- without a front door

describe('prefactor: secrets, fixtures and snapshots', () => {
  it('vendorOptions.prefactor.defaultTokenLifetimeMs sets the default expiry; null keeps expires_at null', async () => {
    for (const [lifetime, expected] of [[60_000, (now: number) => new Date(Math.floor(now / 1000) * 1000 + 60_000).toISOString().replace('.000Z', 'Z')], [null, () => null]] as const) {
      const e = createEmulator({ vendors: ['prefactor'], vendorOptions: { prefactor: { defaultTokenLifetimeMs: lifetime } } });
      const now = e.clock.now();
      const r = await e.handle(
        new Request('https://app.prefactorai.com/api/v1/api_token', {
          method: 'POST',
          headers: { authorization: `Bearer ${ACME.active}`, 'content-type': 'application/json' },
          body: JSON.stringify({ details: { token_scope: 'account' } }),
        }),
      );
      expect((await r.json()).details.expires_at).toBe(expected(now));
    }
    expect(() => createEmulator({ vendors: ['prefactor'], vendorOptions: { prefactor: { defaultTokenLifetimeMs: -1 } } })).toThrow('defaultTokenLifetimeMs');
  });

  const ping = (e: ReturnType<typeof createEmulator>, token: string) =>
    e.handle(new Request('https://app.prefactorai.com/api/v1/ping', { headers: { authorization: `Bearer ${token}` } }));
  const createVia = async (e: ReturnType<typeof createEmulator>) => {
    const r = await e.handle(
      new Request('https://app.prefactorai.com/api/v1/api_token', {
        method: 'POST',
        headers: { authorization: `Bearer ${ACME.active}`, 'content-type': 'application/json' },
        body: JSON.stringify({ details: { token_scope: 'account' } }),
      }),
    );
    expect(r.status).toBe(200);
    return (await r.json()) as { details: { id: string }; token: string };
  };

  it('the JWT secret is random per emulator by default, and survives reset()', async () => {
    const a = createEmulator();
    const b = createEmulator();
    const { token } = await createVia(a);
    expect((await ping(a, token)).status).toBe(200);
    expect((await ping(b, token)).status).toBe(401);
    // A snapshot restored keeps an issued JWT usable (as its literal bearer string).
    const snap = a.snapshot() as any;
    expect(snap.prefactor.apiTokens.some((t: any) => t.token === token)).toBe(true);
    a.reset();
    expect((await ping(a, token)).status).toBe(401);
    a.restore(snap);
    expect((await ping(a, token)).status).toBe(200);
    b.restore(snap);
    expect((await ping(b, token)).status).toBe(200);
  });

  it('a configured jwtSecret signs the tokens', async () => {
    const e = createEmulator({ vendorOptions: { prefactor: { jwtSecret: 'configured' } } });
    const { token } = await createVia(e);
    const { jwtVerify } = await import('jose');
    const { payload } = await jwtVerify(token, new TextEncoder().encode('configured'));
    expect(payload.account_id).toBe(ACME.account);
    expect(() => createEmulator({ vendorOptions: { prefactor: { jwtSecret: '' } } })).toThrow(/jwtSecret/);
    expect(() => createEmulator({ vendorOptions: { prefactor: { jwtSecret: 42 } } })).toThrow(/jwtSecret/);
  });

  it('the default fixtures export unchanged', () => {
    const e = createEmulator();
    const snap = e.snapshot() as any;
    expect(snap.prefactor.accounts).toEqual(F.accounts);
    expect(snap.prefactor.environments).toEqual(F.environments);
    expect(snap.prefactor.adminUsers).toEqual(F.adminUsers);
    expect(snap.prefactor.apiTokens).toEqual(
      F.apiTokens.map((t) => ({ ...t, agent_id: null, agent_deployment_id: null, available_actions: ACTIONS_FOR[t.status] })),
    );
    // Related records share their account's partition.
    for (const x of [...F.environments, ...F.adminUsers, ...F.apiTokens]) expect(extractPartition(x.id)).toBe(extractPartition(x.account_id));
  });

  const bad = (edit: (f: any) => void, path: RegExp) => {
    const f = JSON.parse(JSON.stringify(F));
    edit(f);
    let error: unknown;
    try {
      createEmulator({ fixtures: { prefactor: f } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FixtureError);
    expect((error as FixtureError).jsonPath).toMatch(path);
  };

  it('fixture validation names the JSON path of the problem', () => {
    bad((f) => (f.accounts[0].id = 'acme'), /^prefactor\.accounts\[0\]\.id$/);
    bad((f) => (f.accounts[1].id = f.accounts[0].id), /^prefactor\.accounts\[1\]\.id$/);
    bad((f) => (f.environments[0].account_id = '01zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'), /^prefactor\.environments\[0\]\.account_id$/);
    bad((f) => (f.adminUsers[0].email = 'nobody'), /^prefactor\.adminUsers\[0\]\.email$/);
    bad((f) => (f.apiTokens[0].account_id = '01zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'), /^prefactor\.apiTokens\[0\]\.account_id$/);
    bad((f) => (f.apiTokens[1].token = f.apiTokens[0].token), /^prefactor\.apiTokens\[1\]\.token$/);
    bad((f) => (f.apiTokens[0].token = 'has space'), /^prefactor\.apiTokens\[0\]\.token$/);
    bad((f) => (f.apiTokens[0].status = 'paused'), /^prefactor\.apiTokens\[0\]\.status$/);
    bad((f) => (f.apiTokens[0].environment_id = f.environments[0].id), /^prefactor\.apiTokens\[0\]\.environment_id$/);
    bad((f) => (f.apiTokens[3].environment_id = f.environments[1].id), /^prefactor\.apiTokens\[3\]\.environment_id$/);
    bad((f) => (f.apiTokens[3].environment_id = null), /^prefactor\.apiTokens\[3\]\.environment_id$/);
    bad((f) => (f.apiTokens[0].token_scope = 'agent_deployment'), /^prefactor\.apiTokens\[0\]\.(environment_id|agent_id)$/);
    bad((f) => (f.apiTokens[0].created_by_admin_user_id = f.adminUsers[1].id), /^prefactor\.apiTokens\[0\]\.created_by_admin_user_id$/);
    bad((f) => (f.apiTokens[0].available_actions = { activate: true, delete: false, revoke: true, suspend: false }), /^prefactor\.apiTokens\[0\]\.available_actions\.activate$/);
    bad((f) => (f.apiTokens[0].expires_at = 'soon'), /^prefactor\.apiTokens\[0\]\.expires_at$/);
    bad((f) => (f.apiTokens[0].inserted_at = '2025-02-30T00:00:00Z'), /^prefactor\.apiTokens\[0\]\.inserted_at$/);
    bad((f) => (f.apiTokens[0].color = 'red'), /^prefactor\.apiTokens\[0\]\.color$/);
    bad((f) => delete f.apiTokens[0].token, /^prefactor\.apiTokens\[0\]\.token$/);
  });

  it('a minimal fixture token needs only id, account_id, token_scope and token', async () => {
    const e = createEmulator({
      fixtures: {
        prefactor: {
          accounts: [F.accounts[0]],
          apiTokens: [{ id: F.apiTokens[0].id, account_id: ACME.account, token_scope: 'account', token: 'literal' }],
        },
      },
    });
    expect((await ping(e, 'literal')).status).toBe(200);
    const snap = e.snapshot() as any;
    expect(snap.prefactor.apiTokens[0]).toMatchObject({ status: 'active', expires_at: null, last_used_at: expect.any(String), type: 'api_token' });
  });

  it('paginationOutput of an empty list', () => {
    expect(paginationOutput(0, 0, 20, 0)).toEqual({
      item_count: 0,
      item_start: 0,
      item_end: 0,
      page_index: 1,
      page_offset: 0,
      page_size: 20,
      page_count: 1,
      next_page_offset: null,
      previous_page_offset: null,
    });
    expect(paginationOutput(0, 40, 20, 0)).toMatchObject({ page_index: 3, page_count: 1, next_page_offset: null, previous_page_offset: 0 });
  });
});
