import { isPlainObject, type EmulatorRequest, type EmulatorResponse } from '../../core/http.js';
import { readJsonBody } from './body.js';
import { programmaticKeyRoutes } from './programmatic.js';
import { API_BASE } from './resources.js';
import type { Route, RouteContext } from '../../core/types.js';
import { authenticate, authorize, objectIdParam } from './auth.js';
import { omError, respond } from './errors.js';
import { DESC_MAX, type AgentApiKey, type OpsManagerModel } from './model.js';

type Ctx = RouteContext<OpsManagerModel>;

export { API_BASE };
const AGENT_KEYS = `${API_BASE}/groups/:groupId/agentapikeys`;
const AGENT_KEY = `${AGENT_KEYS}/:agentApiKeyId`;

/** The object as the API shows it: everything but the project, in the documented (alphabetical) order. */
const wire = (k: AgentApiKey) => ({
  _id: k._id,
  createdBy: k.createdBy,
  createdIpAddr: k.createdIpAddr,
  createdTime: k.createdTime,
  createdUserId: k.createdUserId,
  desc: k.desc,
  key: k.key,
});

/** Lists show `*` × (length − 4) and the last 4 characters of each key [doc][inf: the exact rule]. */
export const maskKey = (key: string): string => '*'.repeat(Math.max(0, key.length - 4)) + key.slice(-4);

/**
 * The create body: a JSON object whose only attribute is `desc`, a string of at most 1,000 characters [doc].
 * Not JSON → MALFORMED_JSON; JSON but not an object, or `desc` not a string → INVALID_JSON; another attribute →
 * INVALID_ATTRIBUTE (unknown fields are rejected [doc]); no body, or no or a null `desc` → MISSING_ATTRIBUTE desc
 * [inf]; `desc` too long → INVALID_ATTRIBUTE desc [inf]. An empty `desc` is allowed [inf].
 */
async function readCreateBody(request: EmulatorRequest): Promise<{ desc: string }> {
  const body = await readJsonBody(request);
  if (body === undefined) throw omError('MISSING_ATTRIBUTE', 'desc');
  if (!isPlainObject(body)) throw omError('INVALID_JSON');
  for (const k of Object.keys(body)) if (k !== 'desc') throw omError('INVALID_ATTRIBUTE', k);
  const desc = body.desc;
  if (desc === undefined || desc === null) throw omError('MISSING_ATTRIBUTE', 'desc');
  if (typeof desc !== 'string') throw omError('INVALID_JSON');
  // Counted in UTF-16 code units, like Java's String.length() [inf].
  if (desc.length > DESC_MAX) throw omError('INVALID_ATTRIBUTE', 'desc');
  return { desc };
}

async function create(request: EmulatorRequest, ctx: Ctx): Promise<EmulatorResponse> {
  const key = authenticate(request, ctx);
  const group = authorize(ctx, key, 'owner');
  const { desc } = await readCreateBody(request);
  const created = ctx.state.createAgentApiKey(group.id, desc, key, ctx.clientIp);
  return respond(ctx, 200, wire(created));
}

function list(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const key = authenticate(request, ctx);
  const group = authorize(ctx, key, 'read');
  const keys = () => ctx.state.agentKeysOf(group.id).map((k) => ({ ...wire(k), key: maskKey(k.key) }));
  // The plain answer (no pretty, no envelope) is serialised once per state of the project's keys.
  if (!request.search.includes('=')) {
    const body = ctx.state.listBodies.get(group.id, ctx.state.agentApiKeys.version(group.id), () => JSON.stringify(keys()));
    return respond(ctx, 200, undefined, {}, body);
  }
  return respond(ctx, 200, keys());
}

function remove(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const key = authenticate(request, ctx);
  const group = authorize(ctx, key, 'owner');
  const id = objectIdParam(ctx.params.agentApiKeyId);
  const found = id === undefined ? undefined : ctx.state.agentApiKeys.get(id);
  // An unknown key (or another project's) is undocumented: RESOURCE_NOT_FOUND is the safe choice [inf].
  if (!found || found.groupId !== group.id) throw omError('RESOURCE_NOT_FOUND', ctx.path);
  ctx.state.agentApiKeys.delete(found._id);
  // 200 with no body [doc] (204 is possible on some versions [inf]).
  return respond(ctx, 200, undefined);
}

/**
 * Anything else under the API base: authenticated first, then RESOURCE_NOT_FOUND. The real server authenticates
 * every request to `/api/public/v1.0/*` in a filter before it routes to a resource, so a client without credentials
 * gets the digest challenge for unknown paths too (curl `--digest` could not otherwise get there), and the 404 is
 * only for authenticated callers. Paths outside the API (through MSW, on cloud.mongodb.com) are 404 at once.
 */
export function fallback(request: EmulatorRequest, ctx: Ctx): EmulatorResponse {
  const path = ctx.path;
  if (path === API_BASE || path.startsWith(`${API_BASE}/`)) authenticate(request, ctx);
  throw omError('RESOURCE_NOT_FOUND', path);
}

export const routes: Route<OpsManagerModel>[] = [
  { method: 'GET', path: AGENT_KEYS, name: 'agentApiKeys.list', service: 'api', handler: list },
  { method: 'POST', path: AGENT_KEYS, name: 'agentApiKeys.create', service: 'api', handler: create },
  { method: 'DELETE', path: AGENT_KEY, name: 'agentApiKeys.delete', service: 'api', handler: remove },
  ...programmaticKeyRoutes,
];
