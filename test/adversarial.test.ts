/**
 * The adversarial suite: property-based requests (fast-check, fixed seed) over every vendor route × method, through
 * both front doors, with malformed JSON, wrong types, huge and odd strings, odd query strings and path tricks, with
 * and without valid credentials. Invariants checked on every request:
 * - no 5xx (no fault is injected here);
 * - every error body is the vendor's own envelope, every other body is JSON or empty;
 * - a request answered with an error changes no state (snapshots compared);
 * - the emulator stays healthy.
 * Plus: secrets sent or received never reach the journal, whatever the content type; a web origin cannot reach the
 * control plane of the server.
 *
 * Cases: FUZZ_RUNS for the main property per door (default 1,000 under CI=true, 150 otherwise; the secret and
 * origin properties run a quarter of that); FUZZ_SEED changes the seed (default fixed, so a failure reproduces).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { describeDoors, type Door } from './support/doors.js';
import { digestAuthorization, parseChallenge } from './support/digest.js';
import { send } from './support/raw-http.js';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const RUNS = Number(process.env.FUZZ_RUNS ?? (CI ? 1000 : 150));
/** Generous: a busy CI machine runs a case in a few ms; this only stops a hang. */
const TIMEOUT = 60_000 + RUNS * 100;
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const params = (runs = RUNS) => ({ seed: SEED, numRuns: runs, endOnFailure: true });

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' };
const OWNER = { username: 'ownerkey', password: '7c6c2f1e-3b4a-4d5e-8f90-1a2b3c4d5e6f' };
const PREFACTOR_BEARER_ID = '01jgk3wem0kgnrfp4s7mxydqjb5sca0q';

// ------------------------------------------------------------------ what a request is made of

/** Strings a client might put anywhere: odd, huge, encoded, Unicode (also lone surrogates), path tricks. */
const oddString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '..', '.', '%', '%2e%2e', '%2F', '%00', '%E0%A4%A', '%ZZ', '\u0000', '😀', '\ud800', '-1', '0', '1e309', 'NaN', 'null', 'true', '[]', '{}', '__proto__', 'constructor', '*', '**'),
  fc.integer({ min: 1, max: 6000 }).map((n) => 'a'.repeat(n)),
  fc.bigInt().map(String),
);

/** JSON values of every type, nested a little. */
const anyJson = fc.jsonValue({ maxDepth: 4 });

interface Case {
  vendor: string;
  service: string;
  method: string;
  path: string;
  query: string;
  contentType: string | undefined;
  body: string | undefined;
  auth: boolean;
}

/** Path segments with `:param`s filled from known ids (mostly) or odd strings, plus path tricks. */
function pathFor(template: string, ids: string[]) {
  const names = template.split('/').filter((s) => s.startsWith(':'));
  return fc
    .tuple(
      fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 2, arbitrary: oddString }), { minLength: names.length, maxLength: names.length }),
      fc.oneof({ weight: 6, arbitrary: fc.constant('') }, fc.constantFrom('/', '//', '/..', '/extra', '/%2e%2e/%2e%2e', '/x/y/z', '?', '#frag', ';a=b')),
    )
    .map(([values, suffix]) => {
      let i = 0;
      const filled = template
        .split('/')
        .map((s) => (s.startsWith(':') ? encodeURIComponentLoosely(values[i++]) : s))
        .join('/');
      return filled + suffix;
    });
}

/** Mostly encoded, sometimes raw (a raw `%`, `?` or `/` is a trick of its own). */
function encodeURIComponentLoosely(s: string): string {
  if (/^[\w.~-]*$/.test(s)) return s;
  try {
    return s.length % 3 === 0 ? s.replace(/[\s#?]/g, encodeURIComponent) : encodeURIComponent(s);
  } catch {
    return 'lone-surrogate';
  }
}

const queryKeys = fc.constantFrom(
  'pagination[page_size]',
  'pagination[offset]',
  'sorting[field]',
  'sorting[order]',
  'sorting[nulls]',
  'pageNum',
  'itemsPerPage',
  'includeCount',
  'envelope',
  'pretty',
  'limit',
  'marker',
  'token',
  'a[b][c]',
  'filter',
);
const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc
      .array(fc.tuple(fc.oneof(queryKeys, oddString), fc.oneof(oddString, fc.constantFrom('true', 'false', '-5', '0', '100000', '1.5', '1e3', 'id', 'desc'))), { maxLength: 5 })
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponentLoosely(k)}=${encodeURIComponentLoosely(v)}`).join('&')}` : '')),
  },
  fc.constantFrom('?', '?&&==&', '?%', '?a=%ZZ', '?pagination[page_size]=999999999999', '?envelope=true&pretty=true', '?pretty=1'),
);

/** Bodies: valid-looking JSON of the wrong shape, malformed JSON, deep, huge, forms, text. */
const body = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        details: fc.option(fc.dictionary(fc.constantFrom('token_scope', 'account_id', 'environment_id', 'agent_id', 'expires_at', 'idempotency_key'), fc.oneof(anyJson, oddString)), { nil: undefined }),
        token_scope: fc.option(fc.oneof(fc.constantFrom('account', 'environment', 'agent_deployment'), oddString), { nil: undefined }),
        label: fc.option(fc.oneof(oddString, anyJson), { nil: undefined }),
        desc: fc.option(fc.oneof(oddString, anyJson), { nil: undefined }),
        auth: fc.option(anyJson, { nil: undefined }),
      })
      .map((v) => JSON.stringify(v)),
  },
  { weight: 2, arbitrary: fc.tuple(anyJson, fc.nat()).map(([v, n]) => { const s = JSON.stringify(v) ?? ''; return s.slice(0, n % (s.length + 1)); }) },
  fc.integer({ min: 1, max: 30_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: 30_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.constantFrom(1_048_577, 200_000).map((n) => JSON.stringify({ label: 'x'.repeat(n) })),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('label=x&desc=y', 'a=%ZZ&b', '\u0000', 'null', '""', '[]', '{}', '{"__proto__":{"polluted":1}}', '{"label":"a","label":"b"}'),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'garbage',
  undefined,
);

// ------------------------------------------------------------------ the vendors' envelopes

/**
 * Whose answer it is: through MSW the host decides; on the server, the path after URL normalisation (`/v2.0/%2e%2e`
 * is `/`), by the longest vendor prefix — none: the emulator's own 404 `{"error","message"}`.
 */
function answeringVendor(door: Door, c: Case): string | undefined {
  if (door.kind === 'msw') return c.vendor;
  let path: string;
  try {
    path = new URL(`http://h${c.path.startsWith('/') ? '' : '/'}${c.path}`).pathname;
  } catch {
    return c.vendor;
  }
  const prefixes = door.emulator.definitions.flatMap((d) => d.pathPrefixes.map((p) => ({ p, v: d.name }))).sort((a, b) => b.p.length - a.p.length);
  return prefixes.find(({ p }) => path === p || path.startsWith(`${p}/`) || path.startsWith(p))?.v;
}

function checkEnvelope(vendor: string | undefined, c: Case, status: number, text: string): void {
  const where = `${status} ${text.slice(0, 300)} ← ${c.method} ${c.path.slice(0, 120)}${c.query.slice(0, 120)} (auth ${c.auth}, ${c.contentType})`;
  if (c.method === 'HEAD' || text === '') {
    expect(status >= 400 && c.method !== 'HEAD' && status !== 405 ? where : 'ok').toBe('ok');
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`not JSON: ${where}`);
  }
  if (status < 400) return;
  const b = parsed as Record<string, unknown>;
  const ok = (cond: boolean) => expect(cond ? 'ok' : `not the ${vendor ?? 'emulator'} envelope: ${where}`).toBe('ok');
  // A request line and headers over node:http's limit are refused before any vendor is known (documented).
  if (status === 431 && b.error === 'headers_too_large') return;
  if (vendor === undefined) return void ok(status === 404 && b.error === 'not_found' && typeof b.message === 'string');
  if (vendor === 'rackspace') {
    // Identity's fault object on /v2.0, Monitoring's envelope elsewhere (a path that normalises out of /v2.0 is
    // no longer an identity path).
    const keys = Object.keys(b);
    const identityFault = keys.length === 1 && (b[keys[0]] as { code?: number }).code === status;
    const monitoring = typeof b.type === 'string' && b.code === status && typeof b.message === 'string' && typeof b.txnId === 'string';
    ok(identityFault || monitoring);
  } else if (vendor === 'prefactor') {
    ok(b.status === 'error' && typeof b.code === 'string' && typeof b.message === 'string');
  } else if (vendor === 'opsmanager') {
    const inner = (b.content ?? b) as Record<string, unknown>;
    ok(inner.error === status && typeof inner.reason === 'string');
  } else throw new Error(`no envelope check for ${vendor}`);
}

/** The state as a string, without what an authenticated failing request may touch by design. */
function stateOf(emulator: Emulator): string {
  const s = emulator.snapshot() as Record<string, Record<string, unknown>>;
  // [doc] Prefactor sets last_used_at when an authenticated request then fails for another reason.
  for (const t of (s.prefactor?.apiTokens as Record<string, unknown>[] | undefined) ?? []) delete t.last_used_at;
  // [doc] Ops Manager counts every request an access-list entry lets in (digest and access list pass first), also
  // one the resource then refuses: the entry's use (count, last used) may change, nothing else. A fixture entry that
  // recorded no use gets its usage row (with the time it was loaded) on its first use, so rows may appear; the
  // entries themselves (`accessList`) are compared.
  for (const k of (s.opsmanager?.apiKeys as { accessListUsage?: Record<string, unknown>[] }[] | undefined) ?? [])
    delete k.accessListUsage;
  return JSON.stringify(s);
}

/** Every string under a key named like an id, per vendor: the values paths are filled from. */
function knownIds(emulator: Emulator, vendor: string): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, key = '') => {
    if (typeof v === 'string' && /(^|_)id$|Id$|^_id$|^publicKey$/.test(key)) out.add(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk((emulator.snapshot() as Record<string, unknown>)[vendor]);
  out.delete(PREFACTOR_BEARER_ID); // the bearer the fuzz authenticates with is not revoked by it
  return [...out];
}

// ------------------------------------------------------------------ sending

async function authHeaders(door: Door, c: Case, url: string, rackspaceToken: () => Promise<string>): Promise<Record<string, string>> {
  if (!c.auth) return {};
  if (c.vendor === 'rackspace') return { 'x-auth-token': await rackspaceToken() };
  if (c.vendor === 'prefactor') return { authorization: 'Bearer pf_test_acme_account_active' };
  // Ops Manager: a fresh challenge, then the request signed for it.
  const challenge = await fetch(url, { method: 'GET' });
  await challenge.arrayBuffer();
  const header = challenge.headers.get('www-authenticate');
  if (challenge.status !== 401 || !header?.startsWith('Digest')) return {};
  return { authorization: digestAuthorization(c.method, url, OWNER, parseChallenge(header)) };
}

async function sendCase(door: Door, c: Case, rackspaceToken: () => Promise<string>): Promise<{ status: number; text: string }> {
  const url = `${door.origin(c.vendor, c.service)}${c.path}${c.query}`;
  const headers: Record<string, string> = { ...(await authHeaders(door, c, url, rackspaceToken)) };
  if (c.contentType) headers['content-type'] = c.contentType;
  const withBody = c.body !== undefined && c.method !== 'GET' && c.method !== 'HEAD';
  if (door.kind === 'server') {
    // Raw node:http: the path is sent as written (no URL normalisation), bodies of any size.
    const res = await send(door.origin(c.vendor, c.service), `${c.path}${c.query}`, { method: c.method, headers, chunks: withBody ? [c.body!] : [] });
    return { status: res.status, text: res.text };
  }
  let res: Response;
  try {
    res = await fetch(url, { method: c.method, headers, body: withBody ? c.body : undefined });
  } catch (e) {
    // fetch itself refuses some URLs (a lone surrogate was replaced above; nothing else is expected here).
    throw new Error(`fetch refused ${c.method} ${url}: ${(e as Error).message}`);
  }
  return { status: res.status, text: await res.text() };
}

// ------------------------------------------------------------------ the properties

describeDoors('adversarial requests', (door) => {
  it(`every route × method with hostile input: no 5xx, the vendor's envelope, errors change nothing, healthy (${RUNS} cases)`, async () => {
    const emulator = door.emulator;
    const routes = emulator.definitions.flatMap((def) => [
      ...def.routes.map((r) => ({ vendor: def.name, service: r.service ?? Object.keys(def.services)[0], template: r.path })),
      // Paths no route has, under each prefix.
      ...def.pathPrefixes.map((p) => ({ vendor: def.name, service: Object.keys(def.services)[0], template: `${p}/:unknown` })),
    ]);
    const ids = Object.fromEntries(emulator.vendors.map((v) => [v, knownIds(emulator, v)]));
    let token: string | undefined;
    const rackspaceToken = async () => {
      if (token) return token;
      const res = await fetch(`${door.origin('rackspace', 'identity')}/v2.0/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE } }),
      });
      return (token = (await res.json()).access.token.id as string);
    };
    await rackspaceToken();

    const cases = fc.constantFrom(...routes).chain((r) =>
      fc.record({
        vendor: fc.constant(r.vendor),
        service: fc.constant(r.service),
        method: fc.constantFrom(...METHODS),
        path: pathFor(r.template, ids[r.vendor]),
        query,
        contentType,
        body,
        auth: fc.boolean(),
      }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const before = stateOf(emulator);
        const { status, text } = await sendCase(door, c, rackspaceToken);
        expect(status < 500 ? 'ok' : `${status} for ${c.method} ${c.path.slice(0, 200)}${c.query.slice(0, 200)}: ${text.slice(0, 300)}`).toBe('ok');
        checkEnvelope(answeringVendor(door, c), c, status, text);
        if (status >= 400) expect(stateOf(emulator) === before ? 'unchanged' : `state changed by ${c.method} ${c.path} → ${status}`).toBe('unchanged');
        if (++n % 200 === 0) expect((await fetch(`${door.control()}/__emulator/health`)).status).toBe(200);
      }),
      params(),
    );
    expect((await fetch(`${door.control()}/__emulator/health`)).status).toBe(200);
    // Nothing leaked in between: a normal login still works.
    token = undefined;
    expect(await rackspaceToken()).toMatch(/^AA/);
  }, TIMEOUT);

  it('no secret a client sends or receives reaches the journal, whatever the content type', async () => {
    const emulator = door.emulator;
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `S3cr3t${s}`);
    const format = fc.constantFrom('json', 'form', 'pairs', 'truncated', 'deep');
    const type = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/octet-stream', undefined);
    const field = fc.constantFrom('password', 'apiKey');
    await fc.assert(
      fc.asyncProperty(secret, format, type, field, async (s, f, t, k) => {
        emulator.journal.clear();
        const creds = k === 'password' ? { passwordCredentials: { username: 'alice', password: s } } : { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey: s } };
        const json = JSON.stringify({ auth: creds });
        const text =
          f === 'json'
            ? json
            : f === 'form'
              ? `auth[${Object.keys(creds)[0]}][username]=alice&auth[${Object.keys(creds)[0]}][${k}]=${s}`
              : f === 'pairs'
                ? `username: alice\n${k}: ${s}\n`
                : f === 'truncated'
                  ? json.slice(0, json.indexOf(s) + s.length)
                  : '{"a":'.repeat(200) + json + '}'.repeat(200);
        await fetch(`${door.origin('rackspace', 'identity')}/v2.0/tokens`, { method: 'POST', headers: t ? { 'content-type': t } : {}, body: text });
        const journal = JSON.stringify(emulator.journal.list());
        expect(journal).toContain('/v2.0/tokens');
        expect(journal.includes(s) ? `${s} in the journal (${f}, ${t})` : 'absent').toBe('absent');
      }),
      params(Math.max(100, Math.round(RUNS / 4))),
    );

    // What clients receive: identity tokens, created Ops Manager agent keys, Prefactor JWTs (and what they send back).
    emulator.journal.clear();
    const login = await fetch(`${door.origin('rackspace', 'identity')}/v2.0/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE } }),
    });
    const identity = (await login.json()).access.token.id as string;
    const received: string[] = [identity, ALICE.apiKey, OWNER.password, 'pf_test_acme_account_active'];
    await fetch(`${door.origin('rackspace', 'monitoring')}/v1.0/123456/agent_tokens`, { headers: { 'x-auth-token': identity } });
    const pf = await fetch(`${door.origin('prefactor')}/api/v1/api_token`, {
      method: 'POST',
      headers: { authorization: 'Bearer pf_test_acme_account_active', 'content-type': 'application/json' },
      body: JSON.stringify({ details: { token_scope: 'account' } }),
    });
    const created = await pf.json();
    expect(pf.status).toBeLessThan(300);
    const jwt = JSON.stringify(created).match(/eyJ[\w-]+\.[\w-]+\.[\w-]+/)?.[0];
    expect(jwt).toBeDefined();
    received.push(jwt!);
    await fetch(`${door.origin('prefactor')}/api/v1/ping`, { headers: { authorization: `Bearer ${jwt}` } });
    const groupUrl = `${door.origin('opsmanager')}/api/public/v1.0/groups/5e2211c17a3e5a48f5497df1/agentapikeys`;
    const challenge = await fetch(groupUrl, { method: 'POST' });
    const om = await fetch(groupUrl, {
      method: 'POST',
      headers: { authorization: digestAuthorization('POST', groupUrl, OWNER, parseChallenge(challenge.headers.get('www-authenticate'))), 'content-type': 'application/json' },
      body: JSON.stringify({ desc: 'fuzz' }),
    });
    expect(om.status).toBeLessThan(300);
    received.push((await om.json()).key);
    const journal = JSON.stringify(emulator.journal.list());
    for (const s of received) expect(journal.includes(s) ? `${s.slice(0, 12)}… in the journal` : 'absent').toBe('absent');
  }, TIMEOUT);

  if (door.kind === 'server') {
    it('no web origin or foreign Host reaches the control plane (no admin token)', async () => {
      const emulator = door.emulator;
      const base = door.control();
      const port = new URL(base).port;
      const allowed = new Set(['127.0.0.1', 'localhost', '[::1]'].map((h) => `http://${h}:${port}`));
      const origin = fc
        .tuple(fc.constantFrom('http', 'https'), fc.oneof(fc.domain(), fc.constantFrom('127.0.0.1', 'localhost', '[::1]', '0.0.0.0', '192.168.1.5')), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
        .map(([scheme, host, p]) => `${scheme}://${host}${p === undefined ? '' : `:${p}`}`)
        .filter((o) => !allowed.has(o));
      const origins = fc.oneof({ weight: 5, arbitrary: origin }, fc.constant('null'), fc.constantFrom('file://', 'chrome-extension://abc'));
      const control = fc.record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        path: fc.constantFrom('/__emulator/state', '/__emulator/reset', '/__emulator/faults', '/__emulator/clock', '/__emulator/requests', '/__emulator/rate-limits', '/__emulator/health'),
        type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined),
        body: fc.constantFrom('{"status":503}', '{"set":"2040-01-01T00:00:00Z"}', '{}', 'x'),
        how: fc.oneof(origins.map((o) => ({ origin: o })), fc.domain().map((h) => ({ host: h })), fc.domain().map((h) => ({ host: `${h}:${port}`, origin: `http://${h}:${port}` }))),
      });
      await fc.assert(
        fc.asyncProperty(control, async (c) => {
          const before = stateOf(emulator);
          const clock = emulator.clock.now();
          const headers: Record<string, string> = { ...c.how };
          if (c.type) headers['content-type'] = c.type;
          const res = await send(base, c.path, { method: c.method, headers, chunks: c.method === 'GET' ? [] : [c.body] });
          expect(res.status).toBe(403);
          expect(JSON.parse(res.text).error).toBe('forbidden');
          expect(stateOf(emulator)).toBe(before);
          expect(emulator.faults.size).toBe(0);
          expect(Math.abs(emulator.clock.now() - clock)).toBeLessThan(60_000);
        }),
        params(Math.max(100, Math.round(RUNS / 4))),
      );
    }, TIMEOUT);
  }
});
