/** What the MSW front door adds over the shared contract suite: origins, vendor 404s, isolation from real hosts. */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';
import { toMswHandlers } from '../src/msw.js';

describe('toMswHandlers', () => {
  const emulator = createEmulator();
  const server = setupServer(
    ...toMswHandlers(emulator, {
      baseUrls: { rackspace: { identity: 'https://identity.test', monitoring: 'https://monitoring.test:8443' } },
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('serves a vendor at custom base URLs and hands out URLs on them', async () => {
    const res = await fetch('https://identity.test/v2.0/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' } } }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    const publicURL = body.access.serviceCatalog[0].endpoints[0].publicURL;
    expect(publicURL).toBe('https://monitoring.test:8443/v1.0/123456');
    const created = await fetch(`${publicURL}/agent_tokens`, {
      method: 'POST',
      headers: { 'x-auth-token': body.access.token.id, 'content-type': 'application/json' },
      body: '{"label":"via msw"}',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/^https:\/\/monitoring\.test:8443\/v1\.0\/123456\/agent_tokens\/[0-9a-f]{64}\.123456$/);
  });

  it('answers routes only on their own service host, and anything else there with the vendor 404', async () => {
    const wrongHost = await fetch('https://identity.test/v1.0/123456/agent_tokens');
    expect(wrongHost.status).toBe(404);
    const elsewhere = await fetch('https://monitoring.test:8443/somewhere/else');
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ type: 'notFoundError', code: 404 });
  });

  it('serves every service of a vendor at one base URL given as a string', async () => {
    const one = createEmulator({ vendors: ['rackspace'] });
    const local = setupServer(...toMswHandlers(one, { baseUrls: { rackspace: 'https://rs.test' }, controlUrl: false }));
    server.close();
    local.listen({ onUnhandledRequest: 'error' });
    try {
      const res = await fetch('https://rs.test/v2.0/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'alice', apiKey: '0123456789abcdef0123456789abcdef' } } }),
      });
      const body = await res.json();
      const publicURL = body.access.serviceCatalog[0].endpoints[0].publicURL;
      expect(publicURL).toBe('https://rs.test/v1.0/123456');
      const list = await fetch(`${publicURL}/agent_tokens`, { headers: { 'x-auth-token': body.access.token.id } });
      expect(list.status).toBe(200);
      expect((await list.json()).metadata.count).toBe(4);
    } finally {
      local.close();
      server.listen({ onUnhandledRequest: 'error' });
    }
  });

  it('serves the control plane at http://token-api-emulator.local', async () => {
    const res = await fetch('http://token-api-emulator.local/__emulator/health');
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('ok');
  });

  it('intercepts the real vendor hosts by default', () => {
    const handlers = toMswHandlers(createEmulator({ vendors: ['rackspace'] }));
    // Each origin is one RegExp (no capture groups: msw decodes captures, and a malformed escape made it throw).
    const paths = handlers.map((h) => (h.info as { path: unknown }).path).filter((p): p is RegExp => p instanceof RegExp);
    const served = (url: string) => paths.some((p) => p.test(url));
    expect(served('https://identity.api.rackspacecloud.com/v2.0/tokens')).toBe(true);
    expect(served('https://monitoring.api.rackspacecloud.com/v1.0/1/agent_tokens')).toBe(true);
    expect(served('https://identity.api.rackspacecloud.com.evil.example/v2.0/tokens')).toBe(false);
  });
});
