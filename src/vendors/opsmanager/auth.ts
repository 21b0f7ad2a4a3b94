import type { EmulatorRequest } from '../../core/http.js';
import type { RouteContext } from '../../core/types.js';
import { challenge, expectedResponse, parseDigestHeader, REALM, sameHex } from './digest.js';
import { digestFailure, omError } from './errors.js';
import { AccessList } from './iplist.js';
import type { AccessEntry, ApiKey, Group, OpsManagerModel } from './model.js';

type Ctx = RouteContext<OpsManagerModel>;

/**
 * No access list (or an empty one) lets the key in from anywhere [doc]: `true`. Otherwise the entry that lets `ip`
 * in, or undefined.
 */
export function allowedFrom(key: ApiKey, ip: string): AccessEntry | true | undefined {
  return AccessList.of(key.accessList).match(ip);
}

// ---------------------------------------------------------------- Digest authentication

/** The request-target as the server saw it (path + query), normalised like a URL so spellings compare equal. */
function normalizeTarget(target: string, base: string): string | undefined {
  try {
    const u = new URL(target, base);
    return u.pathname + u.search;
  } catch {
    return undefined;
  }
}

const NC_RE = /^[0-9a-f]{1,8}$/i;

/**
 * Authenticates the programmatic API key of a request by HTTP Digest, before anything looks at the body or the
 * content type [doc]. Any failure — no or another scheme's header, a malformed one, an unknown public key, a wrong
 * private key, a `uri` that is not this request's, a nonce we did not issue — is the bare 401 with a fresh
 * challenge; an expired nonce of ours with a right digest (or, with `strictNonceCount`, a replayed count) is the
 * same 401 with `stale=true`. Then the key's IP access list: 403 IP_ADDRESS_NOT_ON_ACCESS_LIST.
 */
export function authenticate(request: EmulatorRequest, ctx: Ctx): ApiKey {
  const { state } = ctx;
  const fail = (stale = false) => digestFailure(challenge(state.nonces.issue(), stale));
  const header = request.headers.get('authorization');
  if (!header) throw fail();
  const p = parseDigestHeader(header);
  if (!p) throw fail();
  const { username, realm, nonce, uri, response } = p;
  if (!username || realm !== REALM || !nonce || uri === undefined || !response || !/^[0-9a-f]{32}$/i.test(response)) throw fail();
  // `algorithm` quoted or not, any case; we offer MD5 and also accept MD5-sess.
  const algorithm = p.algorithm;
  if (algorithm !== undefined && !/^md5(-sess)?$/i.test(algorithm)) throw fail();
  // RFC 2069 (no qop) or qop=auth; we do not offer auth-int.
  const qop = p.qop;
  if (qop !== undefined && qop.toLowerCase() !== 'auth') throw fail();
  if (qop !== undefined && (!p.nc || !NC_RE.test(p.nc) || p.cnonce === undefined)) throw fail();
  if (algorithm?.toLowerCase() === 'md5-sess' && p.cnonce === undefined) throw fail();
  // The digest covers the header's `uri`; it must name this request's target (RFC 7616 §3.4.6) [inf: 401, not 400].
  const mine = request.path + request.search;
  if (uri !== mine && normalizeTarget(uri, request.origin) !== normalizeTarget(mine, request.origin)) throw fail();

  const key = state.apiKeysByPublicKey.get(username);
  if (!key) throw fail();
  const expected = expectedResponse({
    method: request.method,
    uri,
    username,
    realm,
    password: key.privateKey,
    nonce,
    qop,
    nc: p.nc,
    cnonce: p.cnonce,
    algorithm,
  });
  if (!sameHex(expected, response)) throw fail();
  const verdict = state.nonces.use(nonce, qop ? parseInt(p.nc!, 16) : undefined);
  if (verdict === 'unknown') throw fail();
  if (verdict !== 'ok') throw fail(true);

  ctx.subject = key.id;
  const entry = allowedFrom(key, ctx.clientIp);
  if (!entry) throw omError('IP_ADDRESS_NOT_ON_ACCESS_LIST', ctx.clientIp);
  if (entry !== true) state.recordAccess(key, entry, ctx.clientIp);
  return key;
}

/** A 24-hex ObjectId in either case (the server parses ids as ObjectIds, so `5E22…` is `5e22…`). */
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** The ObjectId of a path segment (lowercased), or undefined when it is not one. */
export const objectIdParam = (raw: string): string | undefined => (OBJECT_ID.test(raw) ? raw.toLowerCase() : undefined);

/**
 * The project of the URL, for a key that needs `need` on it [doc]:
 * a malformed id → 404 INVALID_GROUP_ID; a project the key has no role in (or that does not exist) → 401
 * NOT_IN_GROUP, except that a key with a global role learns it does not exist (404 GROUP_NOT_FOUND); a role that
 * only reads, asked to write → 401 USER_UNAUTHORIZED.
 */
export function authorize(ctx: Ctx, key: ApiKey, need: 'read' | 'owner'): Group {
  const raw = ctx.params.groupId;
  const groupId = objectIdParam(raw);
  if (!groupId) throw omError('INVALID_GROUP_ID', raw);
  const group = ctx.state.groups.get(groupId);
  if (!group && ctx.state.hasGlobalRole(key)) throw omError('GROUP_NOT_FOUND', groupId);
  const access = ctx.state.accessTo(key, group, groupId);
  if (!group || access === 'none') throw omError('NOT_IN_GROUP');
  if (need === 'owner' && access !== 'owner') throw omError('USER_UNAUTHORIZED');
  return group;
}
