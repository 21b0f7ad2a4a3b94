/**
 * A real client: `@prefactor/core`'s `HttpClient` (what Prefactor's SDK and CLI send requests with) against the
 * standalone server. It builds URLs with `new URL(path, apiUrl)`, sends `Authorization: Bearer`, JSON bodies, and
 * throws `HttpClientError` (with `status` and the parsed `responseBody`) on any non-2xx answer.
 *
 * `@prefactor/core` declares `engines: node >= 22`, but what is used here (fetch, Headers, AbortSignal.timeout,
 * zod 4 config types) runs on Node 20 too: checked on 20.20 and 24, so this suite runs on every Node the project
 * supports and does not skip.
 */
import { HttpClient, HttpClientError, type HttpTransportConfig } from '@prefactor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type RunningServer } from '../src/index.js';

const FIXTURE_TOKEN = 'pf_test_acme_account_active';

function clientFor(apiUrl: string, apiToken: string): HttpClient {
  // The CLI's settings (maxRetries 2, retry on 429 and 5xx), with short delays.
  const config: HttpTransportConfig = {
    apiUrl,
    apiToken,
    agentIdentifier: 'token-api-emulator-test',
    requestTimeout: 5_000,
    maxRetries: 2,
    initialRetryDelay: 10,
    maxRetryDelay: 50,
    retryMultiplier: 2,
    retryOnStatusCodes: [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)],
  };
  return new HttpClient(config);
}

async function failure(p: Promise<unknown>): Promise<HttpClientError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HttpClientError);
    return e as HttpClientError;
  }
  throw new Error('expected the request to fail');
}

describe('@prefactor/core HttpClient against the standalone server', () => {
  const emulator = createEmulator();
  let server: RunningServer;

  beforeAll(async () => {
    server = await emulator.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates a token, pings with it, suspends, activates, revokes and deletes it', async () => {
    const admin = clientFor(server.url, FIXTURE_TOKEN);

    const created = await admin.request<{ status: string; details: any; token: string }>('/api/v1/api_token', {
      method: 'POST',
      body: { details: { token_scope: 'account' } },
      headers: { 'X-Prefactor-SDK': 'token-api-emulator-test' },
    });
    expect(created.status).toBe('success');
    expect(created.details).toMatchObject({ status: 'active', token_scope: 'account', type: 'api_token' });
    expect(created.token.split('.')).toHaveLength(3);
    const id: string = created.details.id;

    const fresh = clientFor(server.url, created.token);
    expect(await fresh.request('/api/v1/ping')).toEqual({ status: 'success', details: { token_type: 'api' } });

    const suspended = await admin.request<any>(`/api/v1/api_token/${id}/suspend`, { method: 'POST', body: {} });
    expect(suspended.details.status).toBe('suspended');
    const refused = await failure(fresh.request('/api/v1/ping'));
    expect(refused.status).toBe(401);
    expect(refused.responseBody).toMatchObject({ status: 'error', code: 'bad_authtoken' });

    const activated = await admin.request<any>(`/api/v1/api_token/${id}/activate`, { method: 'POST', body: {} });
    expect(activated.details.status).toBe('active');
    expect(await fresh.request('/api/v1/ping')).toEqual({ status: 'success', details: { token_type: 'api' } });

    // Suspending twice is refused with 409 invalid_action (not retried: 409 is not in the retry list).
    await admin.request(`/api/v1/api_token/${id}/suspend`, { method: 'POST', body: {} });
    const twice = await failure(admin.request(`/api/v1/api_token/${id}/suspend`, { method: 'POST', body: {} }));
    expect(twice.status).toBe(409);
    expect(twice.responseBody).toMatchObject({ code: 'invalid_action' });

    const revoked = await admin.request<any>(`/api/v1/api_token/${id}/revoke`, { method: 'POST', body: {} });
    expect(revoked.details.status).toBe('revoked');
    expect(revoked.details.available_actions).toEqual({ activate: false, delete: true, revoke: false, suspend: false });
    expect((await failure(fresh.request('/api/v1/ping'))).status).toBe(401);

    const deleted = await admin.request<any>(`/api/v1/api_token/${id}`, { method: 'DELETE' });
    expect(deleted.details.id).toBe(id);
    const gone = await failure(admin.request(`/api/v1/api_token/${id}`));
    expect(gone.status).toBe(404);
    expect(gone.responseBody).toMatchObject({ code: 'not_found' });

    // The list, with the query the CLI builds.
    const list = await admin.request<any>(`/api/v1/api_token?account_id=${created.details.account_id}&pagination%5Bpage_size%5D=2`);
    expect(list.summaries).toHaveLength(2);
    expect(list.pagination).toMatchObject({ page_size: 2, page_index: 1, previous_page_offset: null });
  });

  it('a wrong token is a 401 HttpClientError, not retried', async () => {
    const err = await failure(clientFor(server.url, 'pf_test_nobody').request('/api/v1/ping'));
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
    expect(err.responseBody).toMatchObject({ code: 'bad_authtoken' });
  });
});
