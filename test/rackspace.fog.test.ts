/**
 * The real Rackspace client, fog (Debian `ruby-fog-rackspace`), against the standalone server: it logs in through
 * /v2.0/tokens, follows the catalog's publicURL, creates, lists with limit/marker, gets and deletes agent tokens.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type RackspaceModel, type RunningServer } from '../src/index.js';
import { available, requireTool } from './support/tools.js';

const script = fileURLToPath(new URL('./clients/fog_rackspace.rb', import.meta.url));
const identityScript = fileURLToPath(new URL('./clients/fog_rackspace_identity.rb', import.meta.url));
const hasFog = requireTool('ruby-fog-rackspace', available('ruby', ['-e', "require 'fog/rackspace'"]));

describe.skipIf(!hasFog)('fog (ruby-fog-rackspace) against the standalone server', () => {
  let emulator: Emulator;
  let server: RunningServer;
  beforeAll(async () => {
    emulator = createEmulator();
    server = await emulator.listen({ port: 0 });
  });
  afterAll(() => server.close());

  it('creates, lists with limit/marker, gets and deletes agent tokens', async () => {
    const before = emulator.model<RackspaceModel>('rackspace').agentTokens.count('123456');
    const { stdout } = await promisify(execFile)('ruby', [script], {
      env: { ...process.env, EMU_URL: server.url, EMU_USER: 'alice', EMU_APIKEY: '0123456789abcdef0123456789abcdef', HOME: '/nonexistent' },
      timeout: 60_000,
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(seen.ok).toBe(true);
    expect(seen.endpoint).toBe(`${server.url}/v1.0/123456`);
    expect(seen.created.map((t: { label: string }) => t.label)).toEqual(['fog-a', 'fog-b', 'fog-c']);
    // 4 fixture tokens + 3 created, 2 per page
    expect(seen.page_sizes).toEqual([2, 2, 2, 1]);
    expect(seen.next_markers.at(-1)).toBeNull();
    expect(seen.delete_status).toBe(204);
    expect(seen.get_after_delete).toBeNull();
    const model = emulator.model<RackspaceModel>('rackspace');
    expect(model.agentTokens.count('123456')).toBe(before + 2);
    expect(model.agentTokens.get(seen.created[1].id)).toBeUndefined();
    expect(model.agentTokens.get(seen.created[0].id)?.label).toBe('fog-a');
  });

  it('rotates a key with fog’s identity calls: get_user_by_name, list_credentials, reset, old key refused, revoke → 401', async () => {
    const { stdout } = await promisify(execFile)('ruby', [identityScript], {
      env: { ...process.env, EMU_URL: server.url, EMU_USER: 'carl', EMU_APIKEY: 'c0ffeec0ffeec0ffeec0ffeec0ffee00', HOME: '/nonexistent' },
      timeout: 60_000,
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    const carl = emulator.rackspace.users.get('carl')!;
    expect(seen).toMatchObject({ ok: true, user_id: carl.id, old_key_login_status: 401, after_revoke_status: 401 });
    expect(seen.new_key).toBe(carl.apiKey);
    expect(seen.new_key).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.credentials_after_reset).toEqual([carl.apiKey]);
    // The token issued before the reset kept working until it was revoked.
    expect(seen.tokens_after_reset).toBe(seen.tokens_before);
    const ops = emulator.journal.list({ vendor: 'rackspace' }).map((e) => `${e.operation} ${e.status}`);
    expect(ops).toEqual(expect.arrayContaining(['identity.apiKey.reset 200', 'identity.tokens.revokeOwn 204', 'agentTokens.list 401']));
  });
});
