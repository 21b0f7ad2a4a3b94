/** `emulator.opsmanager` and `emulator.prefactor`: typed seeding whose records the real API then serves. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/default.json', import.meta.url), 'utf8'));
const ACME = fixtures.prefactor.accounts[0].id as string;
const ACME_ENV = fixtures.prefactor.environments.find((e: { account_id: string }) => e.account_id === ACME).id as string;
const PROD = '5e2211c17a3e5a48f5497df1';

describe('emulator.prefactor', () => {
  it('creates a token whose JWT authenticates, and one with a literal bearer', async () => {
    const emulator = createEmulator({ vendors: ['prefactor'] });
    const { details, token } = await emulator.prefactor.apiTokens.create({ account_id: ACME });
    expect(details).toMatchObject({ account_id: ACME, token_scope: 'account', status: 'active', type: 'api_token' });
    expect(token.split('.')).toHaveLength(3);
    const ping = (bearer: string) =>
      emulator.handle(new Request('https://app.prefactorai.com/api/v1/ping', { headers: { authorization: `Bearer ${bearer}` } }));
    expect((await ping(token)).status).toBe(200);
    const literal = await emulator.prefactor.apiTokens.create({ account_id: ACME, token_scope: 'environment', environment_id: ACME_ENV, token: 'my-test-bearer' });
    expect(literal.token).toBe('my-test-bearer');
    expect((await ping('my-test-bearer')).status).toBe(200);
    emulator.prefactor.apiTokens.setStatus(literal.details.id, 'suspended');
    expect(emulator.prefactor.apiTokens.get(literal.details.id)?.available_actions).toEqual({ activate: true, suspend: false, revoke: true, delete: false });
    expect((await ping('my-test-bearer')).status).toBe(401);
    expect(emulator.prefactor.apiTokens.list(ACME).map((t) => t.id)).toContain(details.id);
    expect(emulator.prefactor.apiTokens.delete(details.id)).toBe(true);
    expect(emulator.prefactor.apiTokens.get(details.id)).toBeUndefined();
  });

  it('checks input like the API does', async () => {
    const emulator = createEmulator({ vendors: ['prefactor'] });
    await expect(emulator.prefactor.apiTokens.create({ account_id: 'nope' })).rejects.toThrow('account_id');
    await expect(emulator.prefactor.apiTokens.create({ account_id: ACME, token_scope: 'environment' })).rejects.toThrow('environment_id');
    await expect(emulator.prefactor.apiTokens.create({ account_id: ACME, environment_id: ACME_ENV })).rejects.toThrow('must be absent');
  });
});

describe('emulator.opsmanager', () => {
  it('creates agent keys the list endpoint serves, and signs a digest header for a request', async () => {
    const emulator = createEmulator({ vendors: ['opsmanager'] });
    const key = emulator.opsmanager.agentApiKeys.create({ groupId: PROD, desc: 'seeded' });
    expect(key).toMatchObject({ groupId: PROD, desc: 'seeded', createdBy: 'PUBLIC_API', key: expect.stringMatching(/^[0-9a-f]{56}$/) });
    const url = `https://cloud.mongodb.com/api/public/v1.0/groups/${PROD}/agentapikeys`;
    const res = await emulator.handle(
      new Request(url, { headers: { authorization: emulator.opsmanager.authorization('GET', url, 'readonly') } }),
    );
    expect(res.status).toBe(200);
    const listed = await res.json();
    const mine = listed.find((k: { _id: string }) => k._id === key._id);
    expect(mine.key).toBe(`${'*'.repeat(52)}${key.key.slice(-4)}`);
    expect(emulator.opsmanager.agentApiKeys.delete(key._id)).toBe(true);
  });
});
