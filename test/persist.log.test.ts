/** `persistTo`: a change log whose lines follow the changes, replayed on start, folded into the state file. */
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmulator, persistTo } from '../src/index.js';

const TENANT = '123456';
const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' };

async function session(file: string, options = {}) {
  const emulator = createEmulator({ vendors: ['rackspace'] });
  const persisted = await persistTo(emulator, file, options);
  const login = await emulator.handle(
    new Request('http://x/v2.0/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': ALICE } }),
    }),
  );
  const token = (await login.json()).access.token.id as string;
  const call = (method: string, path = '', body?: unknown) =>
    emulator.handle(
      new Request(`http://x/v1.0/${TENANT}/agent_tokens${path}`, {
        method,
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  const ids = () => emulator.model<{ agentTokens: { ids(t: string): readonly string[] } }>('rackspace').agentTokens.ids(TENANT);
  return { emulator, persisted, call, ids };
}

const lines = (file: string) => readFileSync(`${file}.log`, 'utf8').split('\n').filter(Boolean);

describe('persistTo: change log', () => {
  it('writes one line per changed record, and a new process replays them', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tae-log-')), 'state.json');
    const a = await session(file);
    const before = lines(file).length; // the login's identity token
    const created = await a.call('POST', '', { label: 'kept' });
    expect(created.status).toBe(201);
    const id = created.headers.get('x-object-id')!;
    const gone = (await (await a.call('POST', '', { label: 'gone' })).headers.get('x-object-id'))!;
    expect((await a.call('PUT', `/${gone}`, { label: 'renamed' })).status).toBe(204);
    expect((await a.call('DELETE', `/${gone}`)).status).toBe(204);
    const log = lines(file).slice(before).map((l) => JSON.parse(l));
    expect(log).toHaveLength(4);
    expect(log[0]).toMatchObject({ v: 'rackspace', c: 'agentTokens', id, r: { id, label: 'kept' } });
    expect(log[3]).toEqual({ v: 'rackspace', c: 'agentTokens', id: gone, r: null });
    // The state file itself was not rewritten for these changes.
    expect(JSON.stringify(JSON.parse(readFileSync(file, 'utf8')))).not.toContain(id);

    // A torn last line (a write no client was told about) is skipped.
    appendFileSync(`${file}.log`, '{"v":"rackspace","c":"agentTok');
    const b = await session(file);
    expect(b.persisted.loaded).toBe(true);
    expect(b.ids()).toContain(id);
    expect(b.ids()).not.toContain(gone);
    expect(b.emulator.snapshot()).toMatchObject({ rackspace: { agentTokens: expect.arrayContaining([expect.objectContaining({ id, label: 'kept' })]) } });
    b.persisted.stop();
    a.persisted.stop();
  });

  it('keeps a reset (one line for the whole state) and folds a long log into the state file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tae-log-')), 'state.json');
    const a = await session(file, { compactAfterBytes: 2000 });
    const fixtureIds = [...a.ids()];
    const made: string[] = [];
    for (let i = 0; i < 20; i++) made.push((await a.call('POST', '', { label: `n${i}` })).headers.get('x-object-id')!);
    await a.persisted.compacted();
    // Compacted: the state file holds the creates, the log holds at most what came after the last compaction.
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk.rackspace.agentTokens.length).toBeGreaterThan(fixtureIds.length);
    expect(lines(file).length).toBeLessThan(20);
    made.push((await a.call('POST', '', { label: 'after' })).headers.get('x-object-id')!);
    a.persisted.stop();
    const b = await session(file);
    for (const id of made) expect(b.ids()).toContain(id);

    b.emulator.reset();
    await b.emulator.changed('reset');
    b.persisted.stop();
    const c = await session(file);
    expect([...c.ids()]).toEqual(fixtureIds);
    c.persisted.stop();
  });
});
