/**
 * Credential rotation survives a restart with `--persist` (the real executable, killed with SIGKILL after the
 * answers): a Rackspace API key reset and an identity-token revocation; Ops Manager programmatic keys made,
 * assigned, given an access list, used, and deleted — with the access-list entry's use counters.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, stopAll } from './support/cli.js';
import { digestFetch, type Credentials, type SendInit } from './support/digest.js';

afterEach(stopAll);

const start = (file: string) => startCli(['--port', '0', '--quiet', '--persist', file]);

const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' }; // monitoring:admin, tenant 123456
const OLIVIA = { username: 'olivia', apiKey: '0b5e0b5e0b5e0b5e0b5e0b5e0b5e0b5e' }; // monitoring:observer, tenant 123456
const ORG_A = '5e2211c17a3e5a48f5497de3';
const G1 = '5e2211c17a3e5a48f5497df1';
const OWNER = { username: 'ownerkey', password: '7c6c2f1e-3b4a-4d5e-8f90-1a2b3c4d5e6f' }; // ORG_OWNER of A, loopback only

const login = (base: string, who: { username: string; apiKey: string }) =>
  fetch(`${base}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': who } }),
  });
const monitoring = (base: string, token: string) => fetch(`${base}/v1.0/123456/agent_tokens`, { headers: { 'x-auth-token': token } });
const om = (base: string, path: string, creds: Credentials, init?: SendInit) => digestFetch(`${base}/api/public/v1.0${path}`, creds, init);

describe('--persist keeps credential rotation', () => {
  it('a reset API key, a revoked token, programmatic keys and their access-list use survive a SIGKILL and restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tae-rotation-')), 'state.json');
    const first = start(file);
    const base = await first.url;

    // Rackspace: alice resets her own API key with the token she logged in with; olivia revokes her own token.
    const aliceLogin = await (await login(base, ALICE)).json();
    const aliceToken = aliceLogin.access.token.id as string;
    const reset = await fetch(`${base}/v2.0/users/${aliceLogin.access.user.id}/OS-KSADM/credentials/RAX-KSKEY:apiKeyCredentials/RAX-AUTH/reset`, {
      method: 'POST',
      headers: { 'x-auth-token': aliceToken },
    });
    expect(reset.status).toBe(200);
    const newKey = (await reset.json())['RAX-KSKEY:apiKeyCredentials'].apiKey as string;
    expect(newKey).toMatch(/^[0-9a-f]{32}$/);
    const oliviaToken = (await (await login(base, OLIVIA)).json()).access.token.id as string;
    expect((await fetch(`${base}/v2.0/tokens`, { method: 'DELETE', headers: { 'x-auth-token': oliviaToken } })).status).toBe(204);

    // Ops Manager: a project key for G1 (create-and-assign), limited to 127.0.0.1, used once; a second key deleted.
    const made = await (await om(base, `/groups/${G1}/apiKeys`, OWNER, { method: 'POST', body: { desc: 'rotated in', roles: ['GROUP_OWNER'] } })).json();
    const fresh = { username: made.publicKey as string, password: made.privateKey as string };
    expect((await om(base, `/orgs/${ORG_A}/apiKeys/${made.id}/accessList`, OWNER, { method: 'POST', body: [{ ipAddress: '127.0.0.1' }] })).status).toBe(200);
    expect((await om(base, `/groups/${G1}/agentapikeys`, fresh, { method: 'POST', body: { desc: 'made by the new key' } })).status).toBe(200);
    const doomed = await (await om(base, `/orgs/${ORG_A}/apiKeys`, OWNER, { method: 'POST', body: { desc: 'rotated out', roles: ['ORG_READ_ONLY'] } })).json();
    expect((await om(base, `/orgs/${ORG_A}/apiKeys/${doomed.id}`, OWNER, { method: 'DELETE' })).status).toBe(200);

    first.child.kill('SIGKILL');
    await first.exited;

    const second = start(file);
    const base2 = await second.url;
    // The old key no longer logs in, the new one does; the token issued before the reset still works; the revoked
    // one does not.
    expect((await login(base2, ALICE)).status).toBe(401);
    expect((await login(base2, { username: 'alice', apiKey: newKey })).status).toBe(200);
    expect((await monitoring(base2, aliceToken)).status).toBe(200);
    expect((await monitoring(base2, oliviaToken)).status).toBe(401);

    // The new key still authenticates, still belongs to its org and project; the deleted one is refused.
    expect((await om(base2, `/groups/${G1}/agentapikeys`, fresh)).status).toBe(200);
    const orgKeys = await (await om(base2, `/orgs/${ORG_A}/apiKeys`, OWNER)).json();
    expect(orgKeys.results.map((k: { id: string }) => k.id)).toContain(made.id);
    expect(orgKeys.results.map((k: { id: string }) => k.id)).not.toContain(doomed.id);
    const projectKeys = await (await om(base2, `/groups/${G1}/apiKeys`, OWNER)).json();
    expect(projectKeys.results.find((k: { id: string }) => k.id === made.id)?.roles).toEqual([{ groupId: G1, roleName: 'GROUP_OWNER' }]);
    expect((await om(base2, `/groups/${G1}/agentapikeys`, { username: doomed.publicKey, password: doomed.privateKey })).status).toBe(401);
    // Its access-list entry: the use before the restart (the create) and the one just now.
    const entries = await (await om(base2, `/orgs/${ORG_A}/apiKeys/${made.id}/accessList`, OWNER)).json();
    expect(entries.results).toHaveLength(1);
    expect(entries.results[0]).toMatchObject({ ipAddress: '127.0.0.1', cidrBlock: '127.0.0.1/32', count: 2, lastUsedAddress: '127.0.0.1' });

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
