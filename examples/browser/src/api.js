/**
 * The page's clients for the three vendors: plain `fetch` to the vendors' real URLs, as a front end would call them.
 * They know nothing about the emulator; in this example MSW's service worker answers them from it (src/main.js).
 * Ops Manager's HTTP Digest is done here, in the page: the first request gets a 401 challenge, the retry carries
 * the MD5 response computed with spark-md5.
 */
import SparkMD5 from 'spark-md5';

export class VendorError extends Error {
  constructor(vendor, status, body) {
    super(`${vendor} answered ${status}: ${body.slice(0, 200)}`);
    this.name = 'VendorError';
    this.vendor = vendor;
    this.status = status;
  }
}

async function ok(vendor, res) {
  if (!res.ok) throw new VendorError(vendor, res.status, await res.text());
  return res;
}

// ---------------------------------------------------------------- Rackspace Cloud Monitoring

/** Identity v2.0 login with an API key: the `X-Auth-Token` and the Cloud Monitoring endpoint from the catalog. */
export async function rackspaceLogin({ username, apiKey }, identityUrl = 'https://identity.api.rackspacecloud.com') {
  const res = await fetch(`${identityUrl}/v2.0/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username, apiKey } } }),
  });
  const { access } = await (await ok('rackspace', res)).json();
  const monitoring = access.serviceCatalog.find((s) => s.type === 'rax:monitor');
  return { token: access.token.id, monitoringUrl: monitoring.endpoints[0].publicURL };
}

/** Creates an agent token: 201 with no body, its URL in `Location` and its id in `X-Object-ID`. */
export async function createAgentToken(session, label) {
  const res = await fetch(`${session.monitoringUrl}/agent_tokens`, {
    method: 'POST',
    headers: { 'x-auth-token': session.token, 'content-type': 'application/json' },
    body: JSON.stringify({ label }),
  });
  await ok('rackspace', res);
  return { location: res.headers.get('location'), id: res.headers.get('x-object-id') };
}

export async function getAgentToken(session, id) {
  const res = await fetch(`${session.monitoringUrl}/agent_tokens/${encodeURIComponent(id)}`, { headers: { 'x-auth-token': session.token } });
  return (await ok('rackspace', res)).json();
}

/** Every agent token of the tenant, following `next_href`. */
export async function listAgentTokens(session, pageSize = 100) {
  const all = [];
  let url = `${session.monitoringUrl}/agent_tokens?limit=${pageSize}`;
  while (url) {
    const page = await (await ok('rackspace', await fetch(url, { headers: { 'x-auth-token': session.token } }))).json();
    all.push(...page.values);
    url = page.metadata.next_href;
  }
  return all;
}

// ---------------------------------------------------------------- MongoDB Ops Manager (HTTP Digest)

const md5 = (s) => SparkMD5.hash(s);

/** The challenge's parameters (`realm`, `nonce`, `qop`, …). */
function parseChallenge(header) {
  const params = {};
  for (const [, name, quoted, bare] of header.replace(/^Digest\s+/i, '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g))
    params[name.toLowerCase()] = quoted ?? bare;
  return params;
}

/** `fetch` with HTTP Digest (RFC 7616, MD5, qop=auth): unauthenticated first, then answering the 401's challenge. */
export async function digestFetch(url, { username, password }, init = {}) {
  const first = await fetch(url, init);
  const header = first.headers.get('www-authenticate');
  if (first.status !== 401 || !header) return first;
  const { realm, nonce, qop, opaque } = parseChallenge(header);
  const method = (init.method ?? 'GET').toUpperCase();
  const { pathname, search } = new URL(url);
  const uri = pathname + search;
  const cnonce = crypto.randomUUID().replace(/-/g, '');
  const nc = '00000001';
  const ha1 = md5(`${username}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
  const authorization =
    `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=MD5, ` +
    `qop=${qop}, nc=${nc}, cnonce="${cnonce}", response="${response}"${opaque ? `, opaque="${opaque}"` : ''}`;
  return fetch(url, { ...init, headers: { ...init.headers, authorization } });
}

/** A project's agent API keys (masked, as the API shows them). */
export async function listAgentApiKeys({ publicKey, privateKey }, groupId, baseUrl = 'https://cloud.mongodb.com') {
  const res = await digestFetch(`${baseUrl}/api/public/v1.0/groups/${groupId}/agentapikeys`, { username: publicKey, password: privateKey }, {
    headers: { accept: 'application/json' },
  });
  return (await ok('opsmanager', res)).json();
}

// ---------------------------------------------------------------- Prefactor

const prefactor = (token, path, init = {}, baseUrl = 'https://app.prefactorai.com') =>
  fetch(`${baseUrl}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...init.headers } });

/** Whether the bearer token is accepted (`GET /api/v1/ping`). */
export async function prefactorPing(token) {
  const res = await prefactor(token, '/ping');
  if (res.status === 401 || res.status === 403) return false;
  await ok('prefactor', res);
  return true;
}

/** Creates an account-scoped API token; its bearer (a JWT) is in the answer once. */
export async function createPrefactorToken(token, accountId) {
  const res = await prefactor(token, '/api_token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ details: { token_scope: 'account', account_id: accountId } }),
  });
  const body = await (await ok('prefactor', res)).json();
  return { ...body.details, token: body.token };
}
