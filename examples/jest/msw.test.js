// Through MSW: the code under test calls the real Rackspace URLs; `emulator` is this file's own.
import { expect, test } from '@jest/globals';

const login = async () => {
  const res = await fetch('https://identity.api.rackspacecloud.com/v2.0/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' } } }),
  });
  expect(res.status).toBe(200);
  const { access } = await res.json();
  return { token: access.token.id, monitoring: access.serviceCatalog[0].endpoints[0].publicURL };
};

test('creates an agent token at the real URL, and the emulator has it', async () => {
  const { token, monitoring } = await login();
  const res = await fetch(`${monitoring}/agent_tokens`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'from-jest' }),
  });
  expect(res.status).toBe(201);
  const id = res.headers.get('x-object-id');
  expect(emulator.rackspace.agentTokens.get(id)).toMatchObject({ id, label: 'from-jest' });
});

test('starts from the fixtures again in the next test', async () => {
  const { token, monitoring } = await login();
  const list = await (await fetch(`${monitoring}/agent_tokens`, { headers: { 'x-auth-token': token } })).json();
  expect(list.values.map((t) => t.label)).not.toContain('from-jest');
  expect(list.values).toHaveLength(emulator.rackspace.agentTokens.list('123456').length);
});
