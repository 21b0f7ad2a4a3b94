/**
 * A small app that manages agent tokens at three vendors with plain `fetch` (and `digest-fetch` for Ops Manager's
 * HTTP Digest). It knows nothing about the emulator: by default it calls the vendors' real URLs, which the tests
 * (tokens.test.ts) intercept with `useEmulator()`.
 */
import DigestClient from 'digest-fetch';

export interface RackspaceConfig {
  identityUrl?: string;
  username: string;
  apiKey: string;
}

export interface OpsManagerConfig {
  /** `https://cloud.mongodb.com` or your Ops Manager's URL. */
  baseUrl?: string;
  publicKey: string;
  privateKey: string;
}

export interface PrefactorConfig {
  baseUrl?: string;
  /** An API token (a bearer JWT). */
  token: string;
}

export class VendorError extends Error {
  constructor(
    readonly vendor: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${vendor} answered ${status}: ${body.slice(0, 200)}`);
    this.name = 'VendorError';
  }
}

async function expectOk(vendor: string, res: Response): Promise<Response> {
  if (!res.ok) throw new VendorError(vendor, res.status, await res.text());
  return res;
}

// ---------------------------------------------------------------- Rackspace Cloud Monitoring

export interface RackspaceSession {
  token: string;
  /** The Cloud Monitoring endpoint from the service catalog (`…/v1.0/{tenantId}`). */
  monitoringUrl: string;
}

export interface AgentToken {
  id: string;
  token: string;
  label: string | null;
}

export async function rackspaceLogin(config: RackspaceConfig): Promise<RackspaceSession> {
  const res = await fetch(`${config.identityUrl ?? 'https://identity.api.rackspacecloud.com'}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: config.username, apiKey: config.apiKey } } }),
  });
  const { access } = await (await expectOk('rackspace', res)).json();
  const monitoring = access.serviceCatalog.find((s: { type: string }) => s.type === 'rax:monitor');
  if (!monitoring) throw new Error('the service catalog has no Cloud Monitoring endpoint');
  return { token: access.token.id, monitoringUrl: monitoring.endpoints[0].publicURL };
}

/** Creates an agent token and returns it (the create answers 201 with its id in `X-Object-ID`). */
export async function createAgentToken(session: RackspaceSession, label: string): Promise<AgentToken> {
  const created = await fetch(`${session.monitoringUrl}/agent_tokens`, {
    method: 'POST',
    headers: { 'x-auth-token': session.token, 'content-type': 'application/json' },
    body: JSON.stringify({ label }),
  });
  await expectOk('rackspace', created);
  const res = await fetch(created.headers.get('location')!, { headers: { 'x-auth-token': session.token } });
  return (await expectOk('rackspace', res)).json();
}

/** Every agent token of the tenant, following `next_href` from page to page. */
export async function listAgentTokens(session: RackspaceSession, pageSize = 100): Promise<AgentToken[]> {
  const all: AgentToken[] = [];
  let url: string | null = `${session.monitoringUrl}/agent_tokens?limit=${pageSize}`;
  while (url) {
    const res = await expectOk('rackspace', await fetch(url, { headers: { 'x-auth-token': session.token } }));
    const page: { values: AgentToken[]; metadata: { next_href: string | null } } = await res.json();
    all.push(...page.values);
    url = page.metadata.next_href;
  }
  return all;
}

// ---------------------------------------------------------------- MongoDB Ops Manager

export interface AgentApiKey {
  _id: string;
  key: string;
  desc: string;
  createdTime: number;
}

/** A project's agent API keys (keys masked, as the API shows them), authenticated with HTTP Digest. */
export async function listAgentApiKeys(config: OpsManagerConfig, groupId: string): Promise<AgentApiKey[]> {
  const client = new DigestClient(config.publicKey, config.privateKey);
  const base = config.baseUrl ?? 'https://cloud.mongodb.com';
  const res = await client.fetch(`${base}/api/public/v1.0/groups/${groupId}/agentapikeys`, { headers: { accept: 'application/json' } });
  return (await expectOk('opsmanager', res)).json();
}

// ---------------------------------------------------------------- Prefactor

const prefactor = (config: PrefactorConfig, path: string, init: RequestInit = {}) =>
  fetch(`${config.baseUrl ?? 'https://app.prefactorai.com'}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${config.token}`, accept: 'application/json', ...init.headers },
  });

/** Whether the token is accepted (`GET /api/v1/ping`). */
export async function prefactorPing(config: PrefactorConfig): Promise<boolean> {
  const res = await prefactor(config, '/ping');
  if (res.status === 401 || res.status === 403) return false;
  await expectOk('prefactor', res);
  return true;
}

export interface CreatedApiToken {
  id: string;
  status: string;
  token_scope: string;
  /** The new bearer token, shown once. */
  token: string;
}

/** Creates an account-scoped API token in `accountId` and returns it with its bearer token. */
export async function createPrefactorToken(config: PrefactorConfig, accountId: string): Promise<CreatedApiToken> {
  const res = await prefactor(config, '/api_token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ details: { token_scope: 'account', account_id: accountId } }),
  });
  const body = await (await expectOk('prefactor', res)).json();
  return { id: body.details.id, status: body.details.status, token_scope: body.details.token_scope, token: body.token };
}
