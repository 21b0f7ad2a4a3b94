/** Parses durations like `25h`, `1h30m`, `90s`, `500ms`, `2d`, or a number of milliseconds. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new TypeError(`not a duration: ${input}`);
    return input;
  }
  const s = input.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  const sign = s.startsWith('-') ? -1 : 1;
  const body = s.replace(/^[-+]/, '');
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    total += Number(m[1]) * UNITS[m[2]];
    matched = re.lastIndex;
  }
  if (!body || matched !== body.length) throw new TypeError(`not a duration: "${input}" (use e.g. 25h, 1h30m, 90s, 500ms)`);
  return sign * total;
}

/** `20-200` → [20, 200]; `50` → 50 (milliseconds). */
export function parseLatency(input: string): number | [number, number] {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(input);
  if (!m) throw new TypeError(`not a latency: "${input}" (use e.g. 50 or 20-200, in milliseconds)`);
  const a = Number(m[1]);
  if (m[2] === undefined) return a;
  const b = Number(m[2]);
  if (b < a) throw new TypeError(`not a latency: "${input}" (min is above max)`);
  return [a, b];
}
