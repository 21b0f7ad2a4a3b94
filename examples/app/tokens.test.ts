/**
 * The example app's suite: `useEmulator()` intercepts the three vendors' real URLs for this file, with the default
 * fixtures' credentials; each test starts from those fixtures again. Imports the package by its published names.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from 'token-api-emulator/vitest';
import {
  createAgentToken,
  createPrefactorToken,
  listAgentApiKeys,
  listAgentTokens,
  prefactorPing,
  rackspaceLogin,
  VendorError,
} from './tokens.js';

const emulator = useEmulator();

const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' }; // monitoring:admin of 123456
const READ_ONLY = { publicKey: 'readonly', privateKey: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' }; // of Acme Production
const ACME_PRODUCTION = '5e2211c17a3e5a48f5497df1';
const ACME_ACCOUNT = '01jgge1w00kgnrfpmczeqk3s5s5aarhr';

describe('Rackspace agent tokens', () => {
  it('logs in, creates a token and finds it in the list', async () => {
    const session = await rackspaceLogin(ALICE);
    expect(session.monitoringUrl).toBe('https://monitoring.api.rackspacecloud.com/v1.0/123456');
    const token = await createAgentToken(session, 'web-42');
    expect(token).toMatchObject({ label: 'web-42', id: expect.stringMatching(/^[0-9a-f]{64}\.123456$/) });
    expect(await listAgentTokens(session)).toContainEqual(token);
    expect(emulator.rackspace.agentTokens.get(token.id)?.label).toBe('web-42');
  });

  it('follows next_href across pages', async () => {
    for (let i = 0; i < 5; i++) emulator.rackspace.agentTokens.create({ tenantId: '123456', label: `seeded-${i}` });
    const session = await rackspaceLogin(ALICE);
    const all = await listAgentTokens(session, 2);
    expect(all.map((t) => t.id)).toEqual(emulator.rackspace.agentTokens.list('123456').map((t) => t.id));
    expect(all.filter((t) => t.label?.startsWith('seeded-'))).toHaveLength(5);
  });

  it('starts from the fixtures again in the next test', async () => {
    const labels = (await listAgentTokens(await rackspaceLogin(ALICE))).map((t) => t.label);
    expect(labels).not.toContain('web-42');
    expect(labels.filter((l) => l?.startsWith('seeded-'))).toEqual([]);
  });

  it('reports a wrong API key as the vendor error', async () => {
    const error = await rackspaceLogin({ ...ALICE, apiKey: 'ffffffffffffffffffffffffffffffff' }).catch((e) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error.status).toBe(401);
  });
});

describe('Ops Manager agent API keys', () => {
  it('lists a project’s keys with HTTP Digest, masked', async () => {
    const seeded = emulator.opsmanager.agentApiKeys.create({ groupId: ACME_PRODUCTION, desc: 'from the test' });
    const keys = await listAgentApiKeys(READ_ONLY, ACME_PRODUCTION);
    const mine = keys.find((k) => k._id === seeded._id);
    expect(mine?.desc).toBe('from the test');
    // Only the last 4 characters are shown.
    expect(mine?.key).toBe(`${'*'.repeat(seeded.key.length - 4)}${seeded.key.slice(-4)}`);
  });

  it('gets 401 with a wrong private key', async () => {
    const error = await listAgentApiKeys({ ...READ_ONLY, privateKey: '00000000-0000-4000-8000-000000000000' }, ACME_PRODUCTION).catch((e) => e);
    expect(error).toMatchObject({ vendor: 'opsmanager', status: 401 });
  });
});

describe('Prefactor API tokens', () => {
  it('pings with an active token and not with a suspended one', async () => {
    expect(await prefactorPing({ token: 'pf_test_acme_account_active' })).toBe(true);
    expect(await prefactorPing({ token: 'pf_test_acme_account_suspended' })).toBe(false);
  });

  it('creates a token whose bearer works at once', async () => {
    const created = await createPrefactorToken({ token: 'pf_test_acme_account_active' }, ACME_ACCOUNT);
    expect(created).toMatchObject({ status: 'active', token_scope: 'account' });
    expect(created.token.split('.')).toHaveLength(3); // a JWT
    expect(await prefactorPing({ token: created.token })).toBe(true);
  });
});
