import { seededRandom } from './ids.js';

/**
 * Fault injection: rules that make matching requests slow, fail with a status (in the vendor's own envelope),
 * lose their connection (`reset`) or never get an answer (`timeout`). Probability draws come from one seeded
 * sequence, so `seed` makes a run reproducible.
 */
export type FaultKind = 'status' | 'reset' | 'timeout';

export interface FaultRule {
  /** Only this vendor's requests (`rackspace`, `opsmanager`, `prefactor`). */
  vendor?: string;
  /** Only this HTTP method. */
  method?: string;
  /** Only paths matching this pattern: `*` matches within one segment, `**` any number of segments. */
  path?: string;
  /** The status to answer with (kind `status`); a rule with neither status nor another kind only adds latency. */
  status?: number;
  kind?: FaultKind;
  /** Chance the rule fires for a matching request, 0–1 (default 1). */
  probability?: number;
  /** The rule expires after firing this many times. */
  times?: number;
  /** Delay before answering: fixed milliseconds or `[min, max]`. */
  latencyMs?: number | [number, number];
}

export interface StoredFaultRule extends FaultRule {
  id: string;
  /** How many times the rule has fired. */
  fired: number;
  /** Kept by `reset()` (rules given at start-up: CLI flags, `createEmulator({ faults })`). */
  permanent?: boolean;
}

export interface FaultDecision {
  latencyMs: number;
  /** The firing rule that decides the answer (status, reset or timeout), if any. */
  rule?: StoredFaultRule;
}

export class FaultRuleError extends Error {}

const METHODS = /^[A-Z]+$/;

/** Checks a rule given as JSON (control plane) or in code; throws FaultRuleError naming the field. */
export function validateRule(input: unknown): FaultRule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultRuleError('a fault rule must be a JSON object');
  const r = input as Record<string, unknown>;
  const known = ['vendor', 'method', 'path', 'status', 'kind', 'probability', 'times', 'latencyMs'];
  for (const k of Object.keys(r)) if (!known.includes(k)) throw new FaultRuleError(`unknown field "${k}" (expected ${known.join(', ')})`);
  const out: FaultRule = {};
  if (r.vendor !== undefined) {
    if (typeof r.vendor !== 'string' || !r.vendor) throw new FaultRuleError('vendor: expected a vendor name');
    out.vendor = r.vendor;
  }
  if (r.method !== undefined) {
    if (typeof r.method !== 'string' || !METHODS.test(r.method.toUpperCase())) throw new FaultRuleError('method: expected an HTTP method');
    out.method = r.method.toUpperCase();
  }
  if (r.path !== undefined) {
    if (typeof r.path !== 'string' || !r.path.startsWith('/')) throw new FaultRuleError('path: expected a pattern starting with "/"');
    out.path = r.path;
  }
  if (r.kind !== undefined) {
    if (r.kind !== 'status' && r.kind !== 'reset' && r.kind !== 'timeout') throw new FaultRuleError('kind: expected "status", "reset" or "timeout"');
    out.kind = r.kind;
  }
  if (r.status !== undefined) {
    if (!Number.isInteger(r.status) || (r.status as number) < 400 || (r.status as number) > 599)
      throw new FaultRuleError('status: expected an HTTP error status from 400 to 599');
    out.status = r.status as number;
  }
  if (r.probability !== undefined) {
    if (typeof r.probability !== 'number' || !(r.probability >= 0 && r.probability <= 1))
      throw new FaultRuleError('probability: expected a number from 0 to 1');
    out.probability = r.probability;
  }
  if (r.times !== undefined) {
    if (!Number.isInteger(r.times) || (r.times as number) < 1) throw new FaultRuleError('times: expected a positive integer');
    out.times = r.times as number;
  }
  if (r.latencyMs !== undefined) {
    const l = r.latencyMs;
    const ok = (n: unknown) => typeof n === 'number' && n >= 0 && n <= 600_000;
    if (Array.isArray(l)) {
      if (l.length !== 2 || !ok(l[0]) || !ok(l[1]) || (l[0] as number) > (l[1] as number))
        throw new FaultRuleError('latencyMs: expected milliseconds or [min, max] with min ≤ max (at most 600000)');
      out.latencyMs = [l[0], l[1]];
    } else if (ok(l)) out.latencyMs = l as number;
    else throw new FaultRuleError('latencyMs: expected milliseconds or [min, max] (at most 600000)');
  }
  if (out.kind === 'status' && out.status === undefined) throw new FaultRuleError('status: required with kind "status"');
  if (out.status !== undefined && out.kind && out.kind !== 'status') throw new FaultRuleError(`status: not allowed with kind "${out.kind}"`);
  return out;
}

/**
 * A compiled path pattern: `*` matches within one segment, `**` any number of whole segments (none included), and
 * a trailing `/` on the path is ignored. Matching never backtracks: within a segment the pieces between `*`s are
 * found leftmost-first, and runs of segments between `**`s likewise — the first place a piece fits is never worse
 * than a later one — so a match costs time linear in the path's length for a given pattern (a RegExp of nested
 * `.*` could take exponential time: one fault rule stopped the event loop).
 */
export type PathMatcher = (path: string) => boolean;

export function compilePattern(pattern: string): PathMatcher {
  // Runs of segment patterns separated by `**`: [[seg, seg], [seg], …].
  const runs: SegmentMatcher[][] = [[]];
  const parts = pattern.split('/').slice(1);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  for (const seg of parts) {
    if (seg === '**') runs.push([]);
    else runs[runs.length - 1].push(segmentMatcher(seg));
  }
  return (path: string) => {
    const segs = path.split('/').slice(1);
    if (segs.length > 1 && segs[segs.length - 1] === '') segs.pop();
    return matchRuns(runs, segs);
  };
}

type SegmentMatcher = (segment: string) => boolean;

/** One segment's pattern: literal pieces joined by `*`. */
function segmentMatcher(seg: string): SegmentMatcher {
  if (!seg.includes('*')) return (s) => s === seg;
  const pieces = seg.split('*');
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  const min = first.length + last.length + middle.reduce((n, p) => n + p.length, 0);
  return (s) => {
    if (s.length < min || !s.startsWith(first) || !s.endsWith(last)) return false;
    let at = first.length;
    const end = s.length - last.length;
    for (const p of middle) {
      const i = s.indexOf(p, at);
      if (i < 0 || i + p.length > end) return false;
      at = i + p.length;
    }
    return true;
  };
}

/** Segments against runs separated by `**`: the first run anchored at the start, the last at the end. */
function matchRuns(runs: SegmentMatcher[][], segs: string[]): boolean {
  const fits = (run: SegmentMatcher[], at: number) => run.every((m, i) => m(segs[at + i]));
  if (runs.length === 1) return segs.length === runs[0].length && fits(runs[0], 0);
  const head = runs[0];
  const tail = runs[runs.length - 1];
  if (segs.length < head.length + tail.length || !fits(head, 0) || !fits(tail, segs.length - tail.length)) return false;
  let at = head.length;
  const end = segs.length - tail.length;
  for (const run of runs.slice(1, -1)) {
    let found = -1;
    for (let i = at; i + run.length <= end; i++)
      if (fits(run, i)) {
        found = i;
        break;
      }
    if (found < 0) return false;
    at = found + run.length;
  }
  return true;
}

/** Parses the `X-Emulator-Fault` header: a status (`503`), `reset` or `timeout`. */
export function headerRule(value: string): FaultRule | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'reset' || v === 'timeout') return { kind: v };
  const n = Number(v);
  if (Number.isInteger(n) && n >= 400 && n <= 599) return { status: n };
  return undefined;
}

export class Faults {
  private rules: StoredFaultRule[] = [];
  private patterns = new Map<string, PathMatcher>();
  private random: () => number;
  private counter = 0;

  constructor(seed?: number) {
    this.random = seed === undefined ? Math.random : seededRandom(seed);
  }

  /** Restart the random sequence (same seed → same decisions). */
  reseed(seed?: number): void {
    this.random = seed === undefined ? Math.random : seededRandom(seed);
  }

  add(rule: FaultRule, opts: { permanent?: boolean } = {}): StoredFaultRule {
    const stored: StoredFaultRule = { id: `fault-${++this.counter}`, ...validateRule(rule), fired: 0 };
    if (opts.permanent) stored.permanent = true;
    if (stored.path) this.patterns.set(stored.id, compilePattern(stored.path));
    this.rules.push(stored);
    return { ...stored };
  }

  list(): StoredFaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  get(id: string): StoredFaultRule | undefined {
    const r = this.rules.find((x) => x.id === id);
    return r && { ...r };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    this.patterns.delete(id);
    return this.rules.length < before;
  }

  /** Removes every rule (`keepPermanent`: the start-up rules stay). */
  clear(keepPermanent = false): void {
    this.rules = keepPermanent ? this.rules.filter((r) => r.permanent) : [];
    for (const id of [...this.patterns.keys()]) if (!this.rules.some((r) => r.id === id)) this.patterns.delete(id);
  }

  get size(): number {
    return this.rules.length;
  }

  /** Which faults apply to one request; firing rules count down their `times`. */
  decide(vendor: string | undefined, method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    if (this.rules.length === 0) return decision;
    for (const rule of this.rules) {
      if (rule.vendor && rule.vendor !== vendor) continue;
      if (rule.method && rule.method !== method) continue;
      if (rule.path && !this.patterns.get(rule.id)!(path)) continue;
      if (rule.probability !== undefined && rule.probability < 1 && !(this.random() < rule.probability)) continue;
      rule.fired++;
      if (rule.latencyMs !== undefined) decision.latencyMs += this.latency(rule.latencyMs);
      const decisive = rule.status !== undefined || rule.kind === 'reset' || rule.kind === 'timeout';
      if (decisive && !decision.rule) decision.rule = { ...rule };
      if (rule.times !== undefined && rule.fired >= rule.times) this.remove(rule.id);
      if (decision.rule) break;
    }
    return decision;
  }

  latency(l: number | [number, number]): number {
    return Array.isArray(l) ? l[0] + Math.round(this.random() * (l[1] - l[0])) : l;
  }
}
