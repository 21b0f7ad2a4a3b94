// A CommonJS test file under Jest's default runtime: the emulator as a real HTTP server on a free port, started and
// stopped by this file. (MSW cannot be loaded here: see the README's "In tests: Jest".)
const { createEmulator } = require('token-api-emulator');

const emulator = createEmulator();
let server;
beforeAll(async () => {
  server = await emulator.listen({ port: 0 });
});
afterEach(() => emulator.reset());
afterAll(() => server.close());

async function login() {
  const res = await fetch(`${server.url}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' } } }),
  });
  expect(res.status).toBe(200);
  const { access } = await res.json();
  return { token: access.token.id, monitoring: access.serviceCatalog[0].endpoints[0].publicURL };
}

test('logs in and creates a Rackspace agent token over HTTP; the emulator has it', async () => {
  const { token, monitoring } = await login();
  expect(monitoring).toBe(`${server.url}/v1.0/123456`);
  const res = await fetch(`${monitoring}/agent_tokens`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'from-cjs-jest' }),
  });
  expect(res.status).toBe(201);
  const id = res.headers.get('x-object-id');
  expect(emulator.rackspace.agentTokens.get(id)).toMatchObject({ id, label: 'from-cjs-jest' });
});

test('starts from the fixtures again in the next test', async () => {
  const { token, monitoring } = await login();
  const list = await (await fetch(`${monitoring}/agent_tokens`, { headers: { 'x-auth-token': token } })).json();
  expect(list.values.map((t) => t.label)).not.toContain('from-cjs-jest');
});

test('signs Prefactor JWTs (the bundled jose) and answers Ops Manager digest challenges', async () => {
  const created = await fetch(`${server.url}/api/v1/api_token`, {
    method: 'POST',
    headers: { authorization: 'Bearer pf_test_acme_account_active', 'content-type': 'application/json' },
    body: JSON.stringify({ details: { token_scope: 'account' } }),
  });
  expect(created.status).toBe(200);
  const { token } = await created.json();
  const ping = await fetch(`${server.url}/api/v1/ping`, { headers: { authorization: `Bearer ${token}` } });
  expect(ping.status).toBe(200);

  const url = `${server.url}/api/public/v1.0/groups/5e2211c17a3e5a48f5497df1/agentapikeys`;
  const challenge = await fetch(url);
  expect(challenge.status).toBe(401);
  expect(challenge.headers.get('www-authenticate')).toMatch(/^Digest realm="MMS Public API"/);
  const authorization = emulator.opsmanager.authorization('GET', url, 'readonly');
  const list = await fetch(url, { headers: { authorization } });
  expect(list.status).toBe(200);
  expect(Array.isArray(await list.json())).toBe(true);
});
