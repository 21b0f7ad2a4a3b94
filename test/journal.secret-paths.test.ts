/**
 * Secrets in a path (`VendorDefinition.secrets.paths`): Rackspace's identity token in `/v2.0/tokens/{tokenId}`
 * (validate, check, revoke) never reaches the journal, its control-plane endpoint, nor the CLI's per-request log line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SecretPaths } from '../src/core/journal.js';
import { startCli, stopAll } from './support/cli.js';
import { describeDoors, type Door } from './support/doors.js';

const ALICE = { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' }; // monitoring:admin, tenant 123456
const IDA = { username: 'ida', apiKey: '1da01da01da01da01da01da01da01da0' }; // identity:admin

async function login(origin: string, who: { username: string; apiKey: string }): Promise<{ token: string; url: string }> {
  const res = await fetch(`${origin}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': who } }),
  });
  expect(res.status).toBe(200);
  const body = await res.json();
  return { token: body.access.token.id, url: body.access.serviceCatalog[0].endpoints[0].publicURL };
}

describeDoors('Secret path segments stay out of the journal', (door: Door) => {
  it('validate, check and revoke by token id: the journal shows [REDACTED] in its place', async () => {
    const identity = door.origin('rackspace', 'identity');
    const alice = await login(identity, ALICE);
    const ida = await login(identity, IDA);
    const asIda = { 'x-auth-token': ida.token };
    expect((await fetch(`${identity}/v2.0/tokens/${alice.token}?belongsTo=123456`, { headers: asIda })).status).toBe(200);
    expect((await fetch(`${identity}/v2.0/tokens/${alice.token}`, { method: 'HEAD', headers: asIda })).status).toBe(200);
    // The token still works on Monitoring until it is revoked.
    expect((await fetch(`${alice.url}/agent_tokens`, { headers: { 'x-auth-token': alice.token } })).status).toBe(200);
    expect((await fetch(`${identity}/v2.0/tokens/${alice.token}/`, { method: 'DELETE', headers: asIda })).status).toBe(204);

    const entries = door.emulator.journal.list({ vendor: 'rackspace' });
    const byOp = (op: string) => entries.filter((e) => e.operation === op).map((e) => e.path);
    expect(byOp('identity.tokens.validate')).toEqual(['/v2.0/tokens/[REDACTED]']);
    expect(byOp('identity.tokens.check')).toEqual(['/v2.0/tokens/[REDACTED]']);
    expect(byOp('identity.tokens.revoke')).toEqual(['/v2.0/tokens/[REDACTED]/']);
    expect(byOp('agentTokens.list')).toEqual(['/v1.0/123456/agent_tokens']);
    // The query is the vendor's (a tenant), kept; the rest of every entry holds neither secret either.
    expect(entries.find((e) => e.operation === 'identity.tokens.validate')!.query).toEqual({ belongsTo: '123456' });
    const everything = JSON.stringify(entries);
    expect(everything).not.toContain(alice.token);
    expect(everything).not.toContain(ida.token);

    // Filters see the path as shown: a filter cannot confirm a token value.
    expect(door.emulator.journal.list({ path: `/v2.0/tokens/${alice.token}` })).toEqual([]);
    expect(door.emulator.journal.list({ path: '/v2.0/tokens/*', method: 'GET' }).map((e) => e.operation)).toEqual(['identity.tokens.validate']);

    // The control plane's journal is the same list.
    const served = await (await fetch(`${door.control()}/__emulator/requests?vendor=rackspace`)).text();
    expect(served).toContain('/v2.0/tokens/[REDACTED]');
    expect(served).not.toContain(alice.token);
  });

  it('leaves other paths as they were', async () => {
    const identity = door.origin('rackspace', 'identity');
    await login(identity, ALICE);
    expect(door.emulator.journal.list({ operation: 'identity.tokens.create' }).map((e) => e.path)).toEqual(['/v2.0/tokens']);
  });
});

describe('SecretPaths', () => {
  const paths = new SecretPaths(['/v2.0/tokens/:tokenId', '/v1.0/*/agent_tokens/:id']);

  it('replaces the `:name` segments of a matching path, keeps `*` segments, a trailing slash and unmatched paths', () => {
    expect(paths.redact('/v2.0/tokens/AAsecret')).toBe('/v2.0/tokens/[REDACTED]');
    expect(paths.redact('/v2.0/tokens/AAsecret/')).toBe('/v2.0/tokens/[REDACTED]/');
    expect(paths.redact('/v1.0/123456/agent_tokens/abc.123456')).toBe('/v1.0/123456/agent_tokens/[REDACTED]');
    for (const kept of ['/v2.0/tokens', '/v2.0/tokens/', '/v2.0/tokens//', '/v2.0/tokens/a/b', '/v2.0/users/x', '/', '', '/v1.0//agent_tokens/x'])
      expect(paths.redact(kept)).toBe(kept);
    expect(new SecretPaths().redact('/v2.0/tokens/AAsecret')).toBe('/v2.0/tokens/AAsecret');
  });

  it('as a log line: the path redacted, secret-named or JWT-shaped query values replaced, the rest as sent', () => {
    expect(paths.redactTarget('/v2.0/tokens/AAsecret?belongsTo=123456')).toBe('/v2.0/tokens/[REDACTED]?belongsTo=123456');
    expect(paths.redactTarget('/x?api_key=s3cret&a=1&t=eyJa.eyJb.c&bad=%E0')).toBe('/x?api_key=[REDACTED]&a=1&t=[REDACTED]&bad=%E0');
    expect(paths.redactTarget('/x?flag')).toBe('/x?flag');
  });
});

describe('CLI request log', () => {
  afterEach(stopAll);

  it('prints the token path with the token redacted', async () => {
    const cli = startCli(['--port', '0', '--vendors', 'rackspace']);
    const base = await cli.url;
    const { token } = await login(base, ALICE);
    expect((await fetch(`${base}/v2.0/tokens/${token}`, { headers: { 'x-auth-token': token } })).status).toBe(200);
    expect((await fetch(`${base}/v2.0/tokens`, { method: 'DELETE', headers: { 'x-auth-token': token } })).status).toBe(204);
    const end = Date.now() + 5000;
    while (!/^DELETE \/v2\.0\/tokens 204 /m.test(cli.out()) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(cli.out()).toMatch(/^GET \/v2\.0\/tokens\/\[REDACTED\] 200 /m);
    expect(cli.out()).toMatch(/^DELETE \/v2\.0\/tokens 204 /m);
    expect(cli.out()).not.toContain(token);
  });
});
