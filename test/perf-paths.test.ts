/**
 * The fast paths behave like the plain ones: the chunked sorted ids of `Table` (against a sorted array), the
 * Prefactor JWT verification cache (every use still checks expiry, status and account), the PFID check without
 * the pfid package, and jose / @prefactor/pfid kept off the start-up module graph.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePartition, generateWithTimestamp, isPfid } from '@prefactor/pfid';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';
import { createClock } from '../src/core/clock.js';
import { loadFixtureFile, DEFAULT_FIXTURES_PATH } from '../src/core/fixtures.js';
import { ALL_VENDORS } from '../src/vendors/index.js';
import { lowerBound, Table } from '../src/core/store.js';
import { seededRandom } from '../src/core/ids.js';
import { verifyApiToken } from '../src/vendors/prefactor/jwt.js';
import { looksLikePfid, type PrefactorModel } from '../src/vendors/prefactor/model.js';

// ------------------------------------------------------------------ Table

interface Rec {
  id: string;
  part: string;
  v: number;
}

/** The obvious implementation: one sorted array per partition. */
class Reference {
  readonly byId = new Map<string, Rec>();
  sorted(part: string): string[] {
    return [...this.byId.values()]
      .filter((r) => r.part === part)
      .map((r) => r.id)
      .sort();
  }
}

function expectSame(table: Table<Rec>, ref: Reference, parts: string[], rnd: () => number) {
  expect(table.size).toBe(ref.byId.size);
  for (const part of parts) {
    const ids = ref.sorted(part);
    expect(table.ids(part)).toEqual(ids);
    expect(table.count(part)).toBe(ids.length);
    for (const limit of [0, 1, 7, 1000, Number.MAX_SAFE_INTEGER]) {
      for (const offset of [0, 1, Math.floor(rnd() * (ids.length + 2)), ids.length - 1, ids.length, ids.length + 5]) {
        if (offset < 0) continue;
        const asc = ids.slice(offset, offset + Math.min(limit, ids.length)).map((id) => ref.byId.get(id));
        expect(table.pageAt(part, offset, limit)).toEqual(asc);
        const desc = [...ids].reverse().slice(offset, offset + Math.min(limit, ids.length)).map((id) => ref.byId.get(id));
        expect(table.pageAt(part, offset, limit, true)).toEqual(desc);
      }
      const froms = [undefined, '', '~', ids[0], ids[ids.length - 1], ids[Math.floor(rnd() * ids.length)], randomId(rnd)];
      for (const from of froms) {
        const start = from === undefined ? 0 : lowerBound(ids, from);
        const end = Math.min(ids.length, start + limit);
        expect(table.pageFrom(part, from, limit)).toEqual({
          items: ids.slice(start, end).map((id) => ref.byId.get(id)),
          nextId: end < ids.length ? ids[end] : null,
        });
      }
    }
  }
}

/** The emulator's own seeded generator, so a failure can be replayed. */
const prng = seededRandom;
const randomId = (rnd: () => number) => Math.floor(rnd() * 2 ** 40).toString(36).padStart(8, '0');

describe('Table (chunked sorted ids)', () => {
  it('matches a sorted array through inserts, appends, replaces, deletes and a bulk load, across chunk splits', () => {
    const rnd = prng(7);
    const parts = ['a', 'b', ''];
    const table = new Table<Rec>(
      (r) => r.id,
      (r) => r.part,
    );
    const ref = new Reference();
    // A bulk load big enough for several chunks, with a duplicate id (the later record wins, as with set).
    const seed: Rec[] = [];
    for (let i = 0; i < 3000; i++) seed.push({ id: randomId(rnd), part: parts[i % 3], v: i });
    seed.push({ ...seed[10], v: -1 });
    table.load(seed);
    for (const r of seed) ref.byId.set(r.id, r);
    expectSame(table, ref, parts, rnd);

    let appended = 'zz';
    for (let step = 0; step < 6000; step++) {
      const x = rnd();
      if (x < 0.45) {
        const r = { id: randomId(rnd), part: parts[Math.floor(rnd() * 3)], v: step };
        if (ref.byId.has(r.id)) r.part = ref.byId.get(r.id)!.part;
        table.set(r);
        ref.byId.set(r.id, r);
      } else if (x < 0.6) {
        // Time-ordered ids (PFIDs): always the last of their partition.
        appended += 'a';
        const r = { id: appended, part: 'b', v: step };
        table.set(r);
        ref.byId.set(r.id, r);
      } else if (x < 0.7) {
        const ids = [...ref.byId.keys()];
        const id = ids[Math.floor(rnd() * ids.length)];
        const r = { ...ref.byId.get(id)!, v: -step };
        expect(table.set(r)).toBe(r);
        ref.byId.set(id, r);
      } else {
        const ids = [...ref.byId.keys()];
        const id = rnd() < 0.1 ? randomId(rnd) : ids[Math.floor(rnd() * ids.length)];
        expect(table.delete(id)).toBe(ref.byId.get(id));
        ref.byId.delete(id);
      }
      if (step % 1500 === 0) expectSame(table, ref, parts, rnd);
    }
    expectSame(table, ref, parts, rnd);
    // A second load into partitions that already hold ids merges them.
    const more: Rec[] = [];
    for (let i = 0; i < 1500; i++) more.push({ id: randomId(rnd), part: parts[i % 2], v: i });
    table.load(more);
    for (const r of more) if (!ref.byId.has(r.id) || ref.byId.get(r.id)!.part === r.part) ref.byId.set(r.id, r);
    expectSame(table, ref, parts, rnd);
    // Deleting everything leaves empty partitions that still answer.
    for (const id of [...ref.byId.keys()]) table.delete(id);
    ref.byId.clear();
    expectSame(table, ref, parts, rnd);
    expect(table.pageFrom('nowhere', undefined, 5)).toEqual({ items: [], nextId: null });
    expect(table.pageAt('nowhere', 0, 5)).toEqual([]);
  });

  it('ids() is a snapshot: a later insert does not change an array already returned', () => {
    const table = new Table<Rec>((r) => r.id);
    table.set({ id: 'b', part: '', v: 0 });
    const before = table.ids('');
    table.set({ id: 'a', part: '', v: 1 });
    expect(before).toEqual(['b']);
    expect(table.ids('')).toEqual(['a', 'b']);
  });
});

// ------------------------------------------------------------------ PFIDs

describe('PFIDs without the pfid package', () => {
  it('looksLikePfid agrees with isPfid', () => {
    const samples: unknown[] = [undefined, null, 42, '', 'x'.repeat(32), '8'.repeat(32), '0'.repeat(31), '0'.repeat(33)];
    for (let i = 0; i < 200; i++) {
      const id = generateWithTimestamp(generatePartition(), Math.floor(Math.random() * 2 ** 48));
      samples.push(id, id.toUpperCase(), `${id.slice(0, 5)}i${id.slice(6)}`, `${id.slice(0, 5)}u${id.slice(6)}`, `${id}\n`, ` ${id.slice(1)}`);
    }
    for (let i = 0; i < 500; i++) samples.push(randomBytes(20).toString('base64url').slice(0, 32).toLowerCase());
    for (const s of samples) expect([s, looksLikePfid(s)]).toEqual([s, isPfid(s)]);
  });

  it('jose and @prefactor/pfid are not on the static import graph of the main entry or the CLI', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      // Static imports only: `import … from '…'`, `export … from '…'`, `import '…'` (not `import('…')`).
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"();]*?['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        if (spec.startsWith('.')) visit(join(dirname(file), spec));
        else bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    };
    visit(join(root, 'dist/index.js'));
    visit(join(root, 'dist/cli.js'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...bare].filter((b) => b === 'jose' || b === '@prefactor/pfid')).toEqual([]);
  });
});

// ------------------------------------------------------------------ JWT verification cache

const ORIGIN = 'https://app.prefactorai.com';
const ACME_ACTIVE = 'pf_test_acme_account_active';
const ACME_ACCOUNT = '01jgge1w00kgnrfpmczeqk3s5s5aarhr';

describe('Prefactor JWT verification cache', () => {
  const call = async (e: ReturnType<typeof createEmulator>, method: string, path: string, token: string, body?: unknown) => {
    const r = await e.handle(
      new Request(`${ORIGIN}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return { status: r.status, body: (await r.json()) as any };
  };
  const create = async (e: ReturnType<typeof createEmulator>, details: Record<string, unknown> = {}) => {
    const r = await call(e, 'POST', '/api_token', ACME_ACTIVE, { details: { token_scope: 'account', account_id: ACME_ACCOUNT, ...details } });
    expect(r.status).toBe(200);
    return r.body as { token: string; details: { id: string } };
  };

  it('a JWT used before is still refused once suspended, revoked, deleted or expired, and after a reset', async () => {
    const e = createEmulator({ clock: { frozen: true, start: '2030-01-01T00:00:00Z' } });
    const { token, details } = await create(e, { expires_at: '2030-01-01T01:00:00Z' });
    for (let i = 0; i < 3; i++) expect((await call(e, 'GET', '/ping', token)).status).toBe(200);

    expect((await call(e, 'POST', `/api_token/${details.id}/suspend`, ACME_ACTIVE, {})).status).toBe(200);
    expect((await call(e, 'GET', '/ping', token)).status).toBe(401);
    expect((await call(e, 'POST', `/api_token/${details.id}/activate`, ACME_ACTIVE, {})).status).toBe(200);
    expect((await call(e, 'GET', '/ping', token)).status).toBe(200);

    // Expiry is checked on every use, both ways on the emulator clock.
    e.clock.advance(3_600_000);
    expect((await call(e, 'GET', '/ping', token)).status).toBe(401);
    e.clock.advance(-1000);
    expect((await call(e, 'GET', '/ping', token)).status).toBe(200);

    expect((await call(e, 'POST', `/api_token/${details.id}/revoke`, ACME_ACTIVE, {})).status).toBe(200);
    expect((await call(e, 'GET', '/ping', token)).status).toBe(401);
    expect((await call(e, 'DELETE', `/api_token/${details.id}`, ACME_ACTIVE)).status).toBe(200);
    expect((await call(e, 'GET', '/ping', token)).status).toBe(401);

    const second = await create(e);
    expect((await call(e, 'GET', '/ping', second.token)).status).toBe(200);
    e.reset();
    expect((await call(e, 'GET', '/ping', second.token)).status).toBe(401);
  });

  it('a tampered, unsigned or foreign JWT is refused every time, also next to a cached good one', async () => {
    const e = createEmulator({ vendorOptions: { prefactor: { jwtSecret: 'cache-test-secret' } } });
    const { token } = await create(e);
    const [h, p, s] = token.split('.');
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.at(-2) === 'A' ? 'B' : 'A'}${s.at(-1)}`;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    const foreign = await new SignJWT(JSON.parse(Buffer.from(p, 'base64url').toString()))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('another-secret'));
    for (let i = 0; i < 3; i++) {
      expect((await call(e, 'GET', '/ping', token)).status).toBe(200);
      for (const bad of [flipped, none, foreign, `${token}x`, `${h}.${p}`, `${token}.`])
        expect([bad, (await call(e, 'GET', '/ping', bad)).status]).toEqual([bad, 401]);
    }
    const model = e.model<PrefactorModel>('prefactor');
    expect(await verifyApiToken(model.secret, flipped, Date.now())).toBeUndefined();
    expect(await verifyApiToken(model.secret, token, Date.now())).toEqual({ id: expect.any(String), accountId: ACME_ACCOUNT });
    // The same JWT under another secret is a different question.
    expect(await verifyApiToken(new TextEncoder().encode('another-secret'), token, Date.now())).toBeUndefined();
  });

  it('a JWT signed with the configured secret by someone else: nbf and exp are checked on every use', async () => {
    const secret = new TextEncoder().encode('cache-test-secret');
    const jwt = await new SignJWT({ account_id: 'acc' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setJti('tok')
      .setNotBefore(2_000)
      .setExpirationTime(3_000)
      .sign(secret);
    const at = (s: number) => verifyApiToken(secret, jwt, s * 1000);
    expect(await at(1_999)).toBeUndefined();
    expect(await at(2_000)).toEqual({ id: 'tok', accountId: 'acc' });
    expect(await at(1_999.999)).toBeUndefined();
    expect(await at(2_999.999)).toEqual({ id: 'tok', accountId: 'acc' });
    expect(await at(3_000)).toBeUndefined();
    expect(await at(2_500)).toEqual({ id: 'tok', accountId: 'acc' });
  });
});

// ------------------------------------------------------------------ models own their objects

describe('vendor models', () => {
  it('share no object or array with the fixture they are built from (so the emulator need not deep-copy it first)', () => {
    const fixtures = loadFixtureFile(ALL_VENDORS, DEFAULT_FIXTURES_PATH) as Record<string, any>;
    // Nested arrays the defaults leave out.
    const rs = fixtures.rackspace;
    rs.identityTokens = [{ id: 'tok', username: rs.users[0].username, tenantId: rs.users[0].tenantId, expires: '2099-01-01T00:00:00Z', authenticatedBy: ['PASSWORD'] }];
    const env = { clock: createClock(), options: {} };
    for (const v of ALL_VENDORS) {
      const fixture = fixtures[v.name];
      const owned = new Set<object>();
      const collect = (x: unknown) => {
        if (x === null || typeof x !== 'object' || owned.has(x)) return;
        owned.add(x);
        for (const y of Object.values(x)) collect(y);
      };
      collect(fixture);
      expect(owned.size).toBeGreaterThan(10);
      const state = v.createState(fixture, env);
      const seen = new Set<unknown>();
      const shared: string[] = [];
      const walk = (x: unknown, path: string) => {
        if (x === null || typeof x !== 'object' || seen.has(x)) return;
        seen.add(x);
        if (owned.has(x)) shared.push(path);
        if (x === env.clock || ArrayBuffer.isView(x)) return;
        if (x instanceof Map) for (const [k, y] of x) walk(y, `${path}.get(${JSON.stringify(k)})`);
        else if (x instanceof Set) for (const y of x) walk(y, `${path}:set`);
        else for (const [k, y] of Object.entries(x)) walk(y, `${path}.${k}`);
      };
      walk(state, v.name);
      expect(shared).toEqual([]);
    }
  });
});
