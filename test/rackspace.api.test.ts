/** `emulator.rackspace`: typed seeding and inspection, seen by clients exactly like API-made records. */
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';

describe('emulator.rackspace', () => {
  it('creates agent tokens in the wire format that the API then serves', async () => {
    const emulator = createEmulator({ vendors: ['rackspace'] });
    const t = emulator.rackspace.agentTokens.create({ tenantId: '123456', label: 'seeded' });
    expect(t).toEqual({ id: expect.stringMatching(/^[0-9a-f]{64}\.123456$/), token: t.id, label: 'seeded' });
    const token = emulator.rackspace.login('alice');
    const res = await emulator.handle(
      new Request(`http://emulator.test/v1.0/123456/agent_tokens/${t.id}`, { headers: { 'x-auth-token': token } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(t);
    expect(emulator.rackspace.agentTokens.list('123456').map((x) => x.id)).toContain(t.id);
    expect(emulator.rackspace.agentTokens.get(t.id)).toEqual(t);
    expect(emulator.rackspace.agentTokens.delete(t.id)).toBe(true);
    expect(emulator.rackspace.agentTokens.get(t.id)).toBeUndefined();
  });

  it('checks input like the API does', () => {
    const emulator = createEmulator({ vendors: ['rackspace'] });
    expect(() => emulator.rackspace.agentTokens.create({ tenantId: '123456', label: '' })).toThrow(TypeError);
    expect(() => emulator.rackspace.agentTokens.create({ tenantId: '' })).toThrow('tenantId');
    expect(() => emulator.rackspace.login('nobody')).toThrow('no Rackspace user');
  });

  it('follows reset and never shares state between emulators', () => {
    const a = createEmulator({ vendors: ['rackspace'] });
    const b = createEmulator({ vendors: ['rackspace'] });
    const t = a.rackspace.agentTokens.create({ tenantId: '123456' });
    expect(b.rackspace.agentTokens.get(t.id)).toBeUndefined();
    a.reset();
    expect(a.rackspace.agentTokens.get(t.id)).toBeUndefined();
    // Fixture objects are copied: mutating a model record does not reach another emulator's fixtures.
    const user = a.rackspace.users.get('alice') as { roles: string[] };
    user.roles.push('monitoring:observer');
    expect(b.rackspace.users.get('alice')!.roles).toEqual(['monitoring:admin']);
    a.reset();
    expect(a.rackspace.users.get('alice')!.roles).toEqual(['monitoring:admin']);
  });

  it('resets API keys and revokes identity tokens like the Identity API, and reset() brings the fixture key back', async () => {
    const emulator = createEmulator({ vendors: ['rackspace'] });
    const token = emulator.rackspace.login('alice');
    expect(emulator.rackspace.identityTokens.list('alice').map((t) => t.id)).toEqual([token]);
    const key = emulator.rackspace.users.resetApiKey('alice');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const login = (apiKey: string) =>
      emulator.handle(
        new Request('http://emulator.test/v2.0/tokens', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey } } }),
        }),
      );
    expect((await login('0123456789abcdef0123456789abcdef')).status).toBe(401);
    expect((await login(key)).status).toBe(200);
    const list = () => emulator.handle(new Request('http://emulator.test/v1.0/123456/agent_tokens', { headers: { 'x-auth-token': token } }));
    expect((await list()).status).toBe(200);
    expect(emulator.rackspace.identityTokens.revoke(token)).toBe(true);
    expect(emulator.rackspace.identityTokens.revoke(token)).toBe(false);
    expect(emulator.rackspace.identityTokens.get(token)).toBeUndefined();
    expect((await list()).status).toBe(401);
    expect(() => emulator.rackspace.users.resetApiKey('nobody')).toThrow('no Rackspace user');
    emulator.reset();
    expect(emulator.rackspace.users.get('alice')!.apiKey).toBe('0123456789abcdef0123456789abcdef');
  });
});
