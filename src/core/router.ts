/**
 * A route table compiled once into a segment trie: dispatch walks one node per path segment (static children in
 * a Map, at most one `:param` child), so its cost depends on the path's length, not on the number of routes,
 * and no regular expression runs per request.
 */
export interface Match<R> {
  route: R;
  params: Record<string, string>;
}

export type Lookup<R> =
  | { kind: 'match'; route: R; params: Record<string, string> }
  | { kind: 'method'; allowed: string[]; route: R }
  | { kind: 'none' };

interface Node<R> {
  statics: Map<string, Node<R>>;
  param?: { name: string; node: Node<R> };
  methods?: Map<string, R>;
}

const newNode = <R>(): Node<R> => ({ statics: new Map() });

export class Router<R extends { method: string; path: string }> {
  private readonly root: Node<R> = newNode();

  constructor(routes: readonly R[] = []) {
    for (const r of routes) this.add(r);
  }

  add(route: R): void {
    let node = this.root;
    for (const seg of splitPath(route.path)) {
      if (seg.startsWith(':')) {
        const name = seg.slice(1);
        if (node.param && node.param.name !== name)
          throw new Error(`route ${route.method} ${route.path}: parameter :${name} clashes with :${node.param.name}`);
        node.param ??= { name, node: newNode() };
        node = node.param.node;
      } else {
        let next = node.statics.get(seg);
        if (!next) node.statics.set(seg, (next = newNode()));
        node = next;
      }
    }
    node.methods ??= new Map();
    const method = route.method.toUpperCase();
    if (node.methods.has(method)) throw new Error(`duplicate route ${method} ${route.path}`);
    node.methods.set(method, route);
  }

  /** `pathname` is the raw (still percent-encoded) path; parameters are decoded. */
  lookup(method: string, pathname: string): Lookup<R> {
    const params: Record<string, string> = {};
    const node = walk(this.root, splitPath(pathname), 0, params);
    if (!node?.methods) return { kind: 'none' };
    const route = node.methods.get(method) ?? (method === 'HEAD' ? node.methods.get('GET') : undefined);
    if (route) return { kind: 'match', route, params };
    return { kind: 'method', allowed: [...node.methods.keys()], route: node.methods.values().next().value as R };
  }
}

function walk<R>(node: Node<R>, segs: string[], i: number, params: Record<string, string>): Node<R> | undefined {
  if (i === segs.length) return node;
  const s = node.statics.get(segs[i]);
  if (s) {
    const found = walk(s, segs, i + 1, params);
    if (found?.methods) return found;
  }
  if (node.param && segs[i] !== '') {
    const found = walk(node.param.node, segs, i + 1, params);
    if (found?.methods) {
      params[node.param.name] = safeDecode(segs[i]);
      return found;
    }
  }
  return undefined;
}

export function splitPath(path: string): string[] {
  // "/a/b/" and "/a/b" are the same route; "//" never matches a parameter.
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
