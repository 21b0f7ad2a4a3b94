import { BadRequest, NotFound, Unauthorized } from '../../core/errors.js';
import { empty, isJsonContentType, isPlainObject, json, parseJson, readText, text, type EmulatorRequest, type EmulatorResponse } from '../../core/http.js';
import type { Route, RouteContext } from '../../core/types.js';
import { authenticate } from './auth.js';
import { JSON_TYPE } from './errors.js';
import { accessToken, accessUser, identityRoutes } from './identity.js';
import { LABEL_MAX, type AgentToken, type RackspaceModel, type User } from './model.js';

type Ctx = RouteContext<RackspaceModel>;

/** Where this client reaches a tenant's Monitoring API (the catalog's publicURL, Location, next_href). */
const publicUrl = (ctx: Ctx, tenantId: string) => `${ctx.serviceOrigin('monitoring')}/v1.0/${tenantId}`;

const wire = (t: AgentToken) => ({ id: t.id, token: t.token, label: t.label });

// ---------------------------------------------------------------- Identity v2.0

const identityBadRequest = (message: string) => new BadRequest(message);

async function login(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const parsed = parseJson(await readText(request));
  if (!parsed.ok || parsed.empty) throw identityBadRequest('Invalid JSON request body');
  const auth = isPlainObject(parsed.value) ? parsed.value.auth : undefined;
  if (!isPlainObject(auth))
    throw identityBadRequest('Invalid request body: unable to parse Auth data. Please review XML or JSON formatting.');

  const apiKeyCreds = auth['RAX-KSKEY:apiKeyCredentials'];
  const passwordCreds = auth.passwordCredentials;
  if (auth.tenantId !== undefined && auth.tenantName !== undefined)
    throw identityBadRequest('Invalid request. Specify tenantId OR tenantName, not both.');
  for (const k of ['tenantId', 'tenantName'] as const)
    if (auth[k] !== undefined && typeof auth[k] !== 'string') throw identityBadRequest(`Invalid ${k}: expected a string`);

  let user: User | undefined;
  let method: 'APIKEY' | 'PASSWORD';
  if (isPlainObject(apiKeyCreds)) {
    method = 'APIKEY';
    const { username, apiKey } = apiKeyCreds;
    if (typeof username !== 'string' || !username) throw identityBadRequest('Expecting username');
    if (typeof apiKey !== 'string' || !apiKey) throw identityBadRequest('Expecting apiKey');
    user = ctx.state.users.get(username);
    if (!user || user.apiKey !== apiKey) throw new Unauthorized('Username or api key is invalid.');
  } else if (isPlainObject(passwordCreds)) {
    method = 'PASSWORD';
    const { username, password } = passwordCreds;
    if (typeof username !== 'string' || !username) throw identityBadRequest('Expecting username');
    if (typeof password !== 'string' || !password) throw identityBadRequest('Expecting password');
    user = ctx.state.users.get(username);
    if (!user || user.password === undefined || user.password !== password)
      throw new Unauthorized('Unable to authenticate user with credentials provided.');
  } else {
    throw identityBadRequest('Invalid request body: unable to parse Auth data. Please review XML or JSON formatting.');
  }

  const asked = (auth.tenantId ?? auth.tenantName) as string | undefined;
  if (asked !== undefined && asked !== user.tenantId)
    throw new Unauthorized(`Tenant with Name/Id: '${asked}' is not valid for User '${user.username}' (id: '${user.id}')`);

  const token = ctx.state.issueIdentityToken(user, user.tenantId, method);
  const tenant = user.tenantId;
  return json(
    {
      access: {
        token: accessToken(token),
        // One endpoint with no region: fog picks the entry by name and refuses a region it was not given [src].
        serviceCatalog: [
          { name: 'cloudMonitoring', type: 'rax:monitor', endpoints: [{ tenantId: tenant, publicURL: publicUrl(ctx, tenant) }] },
        ],
        user: accessUser(user),
      },
    },
    200,
    {},
    JSON_TYPE,
  );
}

function versionDocument(_request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  return json(
    {
      version: {
        id: 'v2.0',
        status: 'CURRENT',
        updated: '2009-10-09T11:30:00Z',
        links: [{ rel: 'self', href: `${ctx.origin}/v2.0/` }],
        'media-types': { values: [{ base: 'application/json', type: 'application/vnd.openstack.identity+json;version=2.0' }] },
      },
    },
    200,
    {},
    JSON_TYPE,
  );
}

// ---------------------------------------------------------------- Monitoring agent tokens

const notFound = (id: string) =>
  new NotFound('Object does not exist', undefined, `Object "AgentToken" with key "${id}" does not exist`);

/** Reads and checks an agent token body: a JSON object whose only key is `label` (1–255 characters or null). */
async function readLabelBody(request: EmulatorRequest): Promise<{ label?: string | null }> {
  const text = await readText(request);
  if (text.trim() === '') return {};
  if (!isJsonContentType(request.headers.get('content-type')))
    throw new BadRequest(
      'Invalid Content-Type',
      undefined,
      `Content-Type must be application/json, got ${JSON.stringify(request.headers.get('content-type') ?? '(none)')}`,
    );
  const parsed = parseJson(text);
  if (!parsed.ok) throw new BadRequest('Invalid JSON', undefined, `The request body is not valid JSON: ${parsed.error}`);
  if (!isPlainObject(parsed.value)) throw new BadRequest('Validation error', undefined, 'The request body must be a JSON object');
  for (const key of Object.keys(parsed.value))
    if (key !== 'label') throw new BadRequest(`Validation error for key '${key}'`, undefined, `Unknown key '${key}' for AgentToken`);
  const label = parsed.value.label;
  if (label === undefined) return {};
  if (label === null) return { label: null };
  if (typeof label !== 'string')
    throw new BadRequest("Validation error for key 'label'", undefined, `Label must be a string, got ${typeof label}`);
  const length = [...label].length;
  if (length < 1 || length > LABEL_MAX)
    throw new BadRequest(
      "Validation error for key 'label'",
      undefined,
      `Label must be between 1 and ${LABEL_MAX} characters long (got ${length})`,
    );
  return { label };
}

function parseLimit(raw: string | null): number {
  if (raw === null || raw === '') return 100;
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 1000))
    throw new BadRequest('Limit must be between 1 and 1000', 'invalidLimit', `Invalid limit '${raw}': it must be an integer between 1 and 1000`);
  return n;
}

function list(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const { tenantId } = authenticate(request, ctx);
  const limit = parseLimit(ctx.query.get('limit'));
  const marker = ctx.query.get('marker') || null;
  const base = publicUrl(ctx, tenantId);
  // The same page for the same tenant state and the same client origin is serialised once.
  const key = `${base}\n${limit}\n${marker ?? ''}`;
  const body = ctx.state.listPages.get(key, ctx.state.agentTokens.version(tenantId), () => {
    const page = ctx.state.agentTokens.pageFrom(tenantId, marker ?? undefined, limit);
    const next = page.nextId;
    return JSON.stringify({
      values: page.items.map(wire),
      metadata: {
        count: page.items.length,
        limit,
        marker,
        next_marker: next,
        next_href: next === null ? null : `${base}/agent_tokens?limit=${limit}&marker=${encodeURIComponent(next)}`,
      },
    });
  });
  return text(body, 200, { 'content-type': JSON_TYPE });
}

function get(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const { tenantId } = authenticate(request, ctx);
  const t = ctx.state.agentTokens.get(ctx.params.id);
  if (!t || t.tenantId !== tenantId) throw notFound(ctx.params.id);
  return json(wire(t), 200, {}, JSON_TYPE);
}

/** 201/204 answers carry the object's link: `Location` exactly `<publicURL>/agent_tokens/{id}` [doc][src]. */
const objectHeaders = (ctx: Ctx, t: AgentToken) => ({
  location: `${publicUrl(ctx, t.tenantId)}/agent_tokens/${t.id}`,
  'x-object-id': t.id,
});

async function create(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const { tenantId } = authenticate(request, ctx);
  const body = await readLabelBody(request);
  const t = ctx.state.createAgentToken(tenantId, body.label ?? null);
  return empty(201, { ...objectHeaders(ctx, t), 'content-type': 'text/plain', 'content-length': '0' });
}

async function update(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const { tenantId } = authenticate(request, ctx);
  const t = ctx.state.agentTokens.get(ctx.params.id);
  if (!t || t.tenantId !== tenantId) throw notFound(ctx.params.id);
  const body = await readLabelBody(request);
  if (body.label !== undefined) ctx.state.agentTokens.set({ ...t, label: body.label });
  return empty(204, objectHeaders(ctx, t));
}

function remove(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const { tenantId } = authenticate(request, ctx);
  const t = ctx.state.agentTokens.get(ctx.params.id);
  if (!t || t.tenantId !== tenantId) throw notFound(ctx.params.id);
  ctx.state.agentTokens.delete(t.id);
  return empty(204);
}

const AGENT_TOKENS = '/v1.0/:tenantId/agent_tokens';

export const routes: Route<RackspaceModel>[] = [
  { method: 'GET', path: '/v2.0', name: 'identity.version', service: 'identity', handler: versionDocument },
  { method: 'POST', path: '/v2.0/tokens', name: 'identity.tokens.create', service: 'identity', handler: login },
  ...identityRoutes,
  { method: 'GET', path: AGENT_TOKENS, name: 'agentTokens.list', service: 'monitoring', handler: list },
  { method: 'POST', path: AGENT_TOKENS, name: 'agentTokens.create', service: 'monitoring', handler: create },
  { method: 'GET', path: `${AGENT_TOKENS}/:id`, name: 'agentTokens.get', service: 'monitoring', handler: get },
  { method: 'PUT', path: `${AGENT_TOKENS}/:id`, name: 'agentTokens.update', service: 'monitoring', handler: update },
  { method: 'DELETE', path: `${AGENT_TOKENS}/:id`, name: 'agentTokens.delete', service: 'monitoring', handler: remove },
];
