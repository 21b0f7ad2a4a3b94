/**
 * Property-based checks of the credential-rotation routes with open-ended input (fast-check): whatever the body or
 * the path segment, the answer is the vendor's own documented error or a success — never a crash or a 500 — and a
 * refused request changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';
import { ERROR_CODES } from '../src/vendors/opsmanager/errors.js';

const OM = 'https://cloud.mongodb.com/api/public/v1.0';
const ORG_A = '5e2211c17a3e5a48f5497de3';
const G2 = '5e2211c17a3e5a48f5497df2';
const GROUP_OWNER_ID = '5e2211c17a3e5a48f5497e02';

/** JSON bodies: anything JSON, and arrays of access-list-shaped objects with arbitrary or address-like values. */
const address = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.tuple(fc.ipV4(), fc.integer({ min: -1, max: 40 })).map(([ip, p]) => `${ip}/${p}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 130 })).map(([ip, p]) => `${ip}/${p}`),
  fc.string(),
);
const entry = fc.record({ ipAddress: fc.oneof(address, fc.jsonValue()), cidrBlock: fc.oneof(address, fc.jsonValue()), other: fc.jsonValue() }, { requiredKeys: [] });
const accessListBody = fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.array(entry, { maxLength: 4 }).map((v) => JSON.stringify(v)), fc.string());
const keyBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record(
      { desc: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()), roles: fc.oneof(fc.array(fc.constantFrom('ORG_MEMBER', 'ORG_OWNER', 'GROUP_OWNER', 'GROUP_READ_ONLY', 'ORG_BILLING_ADMIN', 'GLOBAL_OWNER', 'x')), fc.jsonValue()), extra: fc.jsonValue() },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
);

describe('Ops Manager programmatic keys under arbitrary input', () => {
  const emulator = createEmulator({ vendors: ['opsmanager'] });
  const send = (method: string, url: string, body?: string) =>
    emulator.handle(
      new Request(url, { method, body, headers: { authorization: emulator.opsmanager.authorization(method, url, 'ownerkey'), 'content-type': 'application/json' } }),
    );
  const documented = async (res: Response, ok: number[]) => {
    if (ok.includes(res.status)) return true;
    const body = await res.json();
    expect(Object.keys(ERROR_CODES)).toContain(body.errorCode);
    expect(body.error).toBe(res.status);
    expect(ERROR_CODES[body.errorCode as keyof typeof ERROR_CODES].status).toBe(res.status);
    return false;
  };

  it('access-list POST: 200 with the merged list, or a documented 400 and the list unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(accessListBody, async (body) => {
        const before = emulator.opsmanager.apiKeys.get('groupown')!.accessList.map((e) => e.cidrBlock);
        const res = await send('POST', `${OM}/orgs/${ORG_A}/apiKeys/${GROUP_OWNER_ID}/accessList`, body);
        const after = emulator.opsmanager.apiKeys.get('groupown')!.accessList.map((e) => e.cidrBlock);
        if (await documented(res, [200])) expect(after.slice(0, before.length)).toEqual(before);
        else expect(after).toEqual(before);
        emulator.reset();
      }),
      { numRuns: 150 },
    );
  });

  it('org and project key create/update: 200, or a documented error and no key added or changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('org-create', 'org-patch', 'group-create', 'group-patch'), keyBody, async (kind, body) => {
        // Every authenticated request counts on the caller's access-list entry; the keys themselves must not change.
        const keys = () => JSON.stringify(emulator.opsmanager.apiKeys.list().map(({ accessList: _, ...k }) => k));
        const snapshot = keys();
        const url = {
          'org-create': `${OM}/orgs/${ORG_A}/apiKeys`,
          'org-patch': `${OM}/orgs/${ORG_A}/apiKeys/${GROUP_OWNER_ID}`,
          'group-create': `${OM}/groups/${G2}/apiKeys`,
          'group-patch': `${OM}/groups/${G2}/apiKeys/${GROUP_OWNER_ID}`,
        }[kind];
        const res = await send(kind.endsWith('create') ? 'POST' : 'PATCH', url, body);
        if (!(await documented(res, [200]))) expect(keys()).toBe(snapshot);
        emulator.reset();
      }),
      { numRuns: 150 },
    );
  });

  it('access-list entry paths: any segment is 200/204 or 404 API_KEY_WHITELIST_NOT_FOUND', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(address, fc.string()).filter((s) => s !== '' && s !== '.' && s !== '..'), fc.constantFrom('GET', 'DELETE'), async (segment, method) => {
        const res = await send(method, `${OM}/orgs/${ORG_A}/apiKeys/5e2211c17a3e5a48f5497e01/accessList/${encodeURIComponent(segment)}`);
        if (!(await documented(res, [200, 204]))) expect(res.status).toBe(404);
        emulator.reset();
      }),
      { numRuns: 150 },
    );
  });
});

describe('Rackspace identity administration under arbitrary path segments', () => {
  const emulator = createEmulator({ vendors: ['rackspace'] });
  it('answers an identity fault (401/403/404) for unknown tokens and users, and changes no key or token', async () => {
    const token = emulator.rackspace.login('alice');
    await fc.assert(
      fc.asyncProperty(
        // `.` and `..` are dot-segments: the URL parser removes them before any server sees the path.
        fc.string({ minLength: 1 }).filter((s) => s !== '.' && s !== '..'),
        fc.constantFrom(
          ['GET', (s: string) => `/v2.0/tokens/${s}`],
          ['HEAD', (s: string) => `/v2.0/tokens/${s}`],
          ['DELETE', (s: string) => `/v2.0/tokens/${s}`],
          ['GET', (s: string) => `/v2.0/users/${s}/OS-KSADM/credentials`],
          ['GET', (s: string) => `/v2.0/users/${s}/OS-KSADM/credentials/RAX-KSKEY:apiKeyCredentials`],
          ['POST', (s: string) => `/v2.0/users/${s}/OS-KSADM/credentials/RAX-KSKEY:apiKeyCredentials/RAX-AUTH/reset`],
          ['GET', (s: string) => `/v2.0/users?name=${s}`],
        ),
        async (segment, [method, path]) => {
          const keys = emulator.rackspace.users.list().map((u) => u.apiKey);
          const res = await emulator.handle(
            new Request(`https://identity.api.rackspacecloud.com${(path as (s: string) => string)(encodeURIComponent(segment))}`, {
              method: method as string,
              headers: { 'x-auth-token': token },
            }),
          );
          expect([401, 403, 404]).toContain(res.status);
          if (method !== 'HEAD') {
            const body = await res.json();
            const [fault] = Object.keys(body);
            expect(body[fault].code).toBe(res.status);
            expect(typeof body[fault].message).toBe('string');
          }
          expect(emulator.rackspace.users.list().map((u) => u.apiKey)).toEqual(keys);
          expect(emulator.rackspace.identityTokens.get(token)).toBeDefined();
        },
      ),
      { numRuns: 200 },
    );
  });
});
