// Fixture files the bench generates from the shipped defaults, and what it can learn from the defaults about the
// vendors other than Rackspace (credentials), without depending on those vendors' fixture formats more than needed.
import { createHash } from 'node:crypto';

export const TENANT = '123456'; // alice (monitoring:admin): list and get
export const CREATE_TENANT = '654321'; // bob (monitoring:admin): create, so the list tenant never grows
export const ALICE_TOKEN = 'bench-alice-identity-token';
export const BOB_TOKEN = 'bench-bob-identity-token';

/** `count` agent tokens of one tenant, ids `<64 hex>.<tenant>` like the real ones, reproducible. */
export function agentTokens(tenantId, count) {
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const id = `${createHash('sha256').update(`bench-${tenantId}-${i}`).digest('hex')}.${tenantId}`;
    out[i] = { tenantId, id, token: id, label: `bench-${i}` };
  }
  return out;
}

/**
 * The shipped fixtures with exactly `count` agent tokens in tenant 123456 (the other tenants' tokens kept) and two
 * known identity tokens (alice, bob) that live until 2099. Every other vendor's section is kept as shipped.
 */
export function rackspaceFixture(defaults, count) {
  const f = structuredClone(defaults);
  delete f.$schema; // relative to fixtures/, meaningless in a temp dir
  const rs = (f.rackspace ??= {});
  rs.agentTokens = [...(rs.agentTokens ?? []).filter((t) => t.tenantId !== TENANT), ...agentTokens(TENANT, count)];
  rs.identityTokens = [
    ...(rs.identityTokens ?? []).filter((t) => t.id !== ALICE_TOKEN && t.id !== BOB_TOKEN),
    { id: ALICE_TOKEN, username: 'alice', tenantId: TENANT, expires: '2099-01-01T00:00:00Z' },
    { id: BOB_TOKEN, username: 'bob', tenantId: CREATE_TENANT, expires: '2099-01-01T00:00:00Z' },
  ];
  return f;
}

// ------------------------------------------------------------------ discovery in other vendors' defaults

function* walk(node, path = []) {
  if (Array.isArray(node)) for (let i = 0; i < node.length; i++) yield* walk(node[i], [...path, i]);
  else if (node && typeof node === 'object') {
    yield { node, path };
    for (const [k, v] of Object.entries(node)) yield* walk(v, [...path, k]);
  }
}

const pick = (o, names) => names.map((n) => o[n]).find((v) => typeof v === 'string' && v.length > 0);

const ROLE_RANK = { GROUP_READ_ONLY: 0, GROUP_OWNER: 1, ORG_READ_ONLY: 2, ORG_OWNER: 3, GLOBAL_READ_ONLY: 4, GLOBAL_OWNER: 5 };

/** The array of agent API keys in an Ops Manager fixture section (objects with `_id`, `key` and `groupId`). */
function agentKeyArray(section) {
  for (const { node } of walk(section))
    for (const v of Object.values(node))
      if (Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object' && '_id' in x && 'key' in x && 'groupId' in x)) return v;
  return undefined;
}

/**
 * Ops Manager: programmatic API keys (`publicKey`/`privateKey` with `roles`) and a project id each may list. Best
 * first: the project with the most agent keys, then a key without an IP access list, then the narrowest role that
 * reaches it. `BENCH_OPSMANAGER=PUB:PRIV@GROUPID` overrides.
 */
export function opsManagerCandidates(section, env = process.env) {
  const out = [];
  const override = env.BENCH_OPSMANAGER;
  if (override) {
    const m = /^([^:]+):(.+)@([^@]+)$/.exec(override);
    if (m) out.push({ username: m[1], password: m[2], groupId: m[3], source: 'BENCH_OPSMANAGER' });
  }
  if (!section) return out;
  const groups = [];
  for (const { node, path } of walk(section)) {
    const parent = String(path[path.length - 2] ?? '').toLowerCase();
    if ((parent === 'groups' || parent === 'projects') && typeof node.id === 'string') groups.push({ id: node.id, orgId: node.orgId });
  }
  const keysPerGroup = new Map();
  for (const k of agentKeyArray(section) ?? []) keysPerGroup.set(k.groupId, (keysPerGroup.get(k.groupId) ?? 0) + 1);
  const best = (list) => list.sort((a, b) => (keysPerGroup.get(b.id) ?? 0) - (keysPerGroup.get(a.id) ?? 0))[0]?.id;
  const keys = [];
  for (const { node, path } of walk(section)) {
    const username = pick(node, ['publicKey', 'public_key']);
    const password = pick(node, ['privateKey', 'private_key']);
    if (!username || !password) continue;
    const restricted = Array.isArray(node.accessList) && node.accessList.length > 0;
    for (const role of Array.isArray(node.roles) ? node.roles : []) {
      const name = typeof role === 'string' ? role : role?.roleName;
      if (!name || !(name in ROLE_RANK)) continue;
      let groupId = typeof role === 'object' ? (role.groupId ?? role.projectId) : undefined;
      if (!groupId && name.startsWith('GLOBAL_')) groupId = best([...groups]);
      if (!groupId && name.startsWith('ORG_')) groupId = best(groups.filter((g) => g.orgId === role.orgId));
      if (!groupId) continue;
      const score = -(keysPerGroup.get(groupId) ?? 0) * 100 + (restricted ? 10 : 0) + ROLE_RANK[name];
      keys.push({ username, password, groupId, role: name, score, source: `opsmanager.${path.join('.')}` });
    }
  }
  keys.sort((a, b) => a.score - b.score);
  return [...out, ...keys];
}

/**
 * A copy of `section` whose project `groupId` has `count` agent API keys: existing ones kept, the rest cloned from
 * one of them with new ids (`_id` 24 hex, `key` = `_id` + 32 hex, like new-model keys). Undefined when the section
 * has no agent keys to clone.
 */
export function padAgentKeys(section, groupId, count) {
  const copy = structuredClone(section);
  const keys = agentKeyArray(copy);
  if (!keys) return undefined;
  const template = keys.find((k) => k.groupId === groupId && k.createdBy === 'PUBLIC_API') ?? keys.find((k) => k.groupId === groupId) ?? keys[0];
  let have = keys.filter((k) => k.groupId === groupId).length;
  for (let i = 0; have < count; i++, have++) {
    const h = createHash('sha256').update(`bench-agent-key-${groupId}-${i}`).digest('hex');
    const _id = `5e2211c1${h.slice(0, 16)}`;
    keys.push({ ...structuredClone(template), groupId, _id, key: `${_id}${h.slice(16, 48)}`, desc: `bench-${i}` });
  }
  return copy;
}

/**
 * Prefactor: bearer tokens the defaults declare (a `token` string on an active record, account-scoped first), or
 * any JWT-shaped string. `BENCH_PREFACTOR_TOKEN=<bearer>` overrides. The bench then creates a token with it and
 * uses the JWT it gets back, so that the JWT path is what is measured.
 */
export function prefactorCandidates(section, env = process.env) {
  const out = [];
  if (env.BENCH_PREFACTOR_TOKEN) out.push({ token: env.BENCH_PREFACTOR_TOKEN, source: 'BENCH_PREFACTOR_TOKEN', score: -1 });
  if (!section) return out;
  const found = [];
  for (const { node, path } of walk(section)) {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v !== 'string') continue;
      if (!(k === 'token' || JWT.test(v))) continue;
      const status = typeof node.status === 'string' ? node.status : 'active';
      if (status !== 'active') continue;
      const scope = node.token_scope ?? 'account';
      found.push({
        token: v,
        accountId: pick(node, ['account_id', 'accountId']) ?? decodeJwtPayload(v).account_id,
        source: `prefactor.${[...path, k].join('.')}`,
        score: scope === 'account' ? 0 : 1,
      });
    }
  }
  found.sort((a, b) => a.score - b.score);
  return [...out, ...found];
}

const JWT = /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function decodeJwtPayload(jwt) {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}
