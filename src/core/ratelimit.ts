import { sha256Hex } from '#platform';

/**
 * The one request-budget model: a fixed window per vendor and key (the vendor chooses the key, e.g. Rackspace's
 * tenant), counted on the emulator's clock. A budget configured on the emulator is enforced (429 past it), and
 * counted before authentication (a client over budget gets 429 whoever it is). Without one, a vendor's documented
 * budget is only counted — for authenticated callers only (`peek` otherwise) — so its headers report it as the
 * real service does.
 */
export interface RateLimitConfig {
  limit: number;
  windowMs: number;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Requests counted in the window (past the limit too). */
  used: number;
  /** When the window ends (epoch ms). */
  resetMs: number;
  windowMs: number;
  exceeded: boolean;
  /** A configured budget (enforced), not a vendor's documented one (counted only). */
  enforced: boolean;
}

interface Window {
  start: number;
  count: number;
  windowMs: number;
}

export class RateLimits {
  private configs = new Map<string, RateLimitConfig>();
  private windows = new Map<string, Window>();

  set(vendor: string, config: RateLimitConfig | null): void {
    if (config === null) this.configs.delete(vendor);
    else {
      if (!(Number.isInteger(config.limit) && config.limit >= 0)) throw new TypeError('limit: expected a non-negative integer');
      if (!(config.windowMs > 0)) throw new TypeError('window: expected a positive duration');
      this.configs.set(vendor, { limit: config.limit, windowMs: config.windowMs });
    }
    for (const k of [...this.windows.keys()]) if (k.startsWith(`${vendor}\u0000`)) this.windows.delete(k);
  }

  get(vendor: string): RateLimitConfig | undefined {
    return this.configs.get(vendor);
  }

  all(): Record<string, RateLimitConfig> {
    return Object.fromEntries(this.configs);
  }

  /** Forget all counts (the budgets stay). */
  resetCounts(): void {
    this.windows.clear();
  }

  /** Windows kept before expired ones are swept (doubles with what is live, so a sweep is amortised). */
  private nextSweep = 1024;
  private overflowed = 0;

  /**
   * Counts one request against the configured budget, else `documented`; undefined when there is neither. The key
   * comes from the path, so anyone can name new keys: the windows are swept when they have doubled, at most
   * `MAX_WINDOWS` are kept (past that, new keys share one overflow window), and a long key is kept as its hash.
   */
  consume(vendor: string, key: string, now: number, documented?: RateLimitConfig): RateLimitState | undefined {
    const configured = this.configs.get(vendor);
    const config = configured ?? documented;
    if (!config) return undefined;
    let k = windowKey(vendor, key);
    let w = this.windows.get(k);
    // At the cap, a sweep every 1,024 overflowing requests keeps the work per request constant.
    if (!w && (this.windows.size >= this.nextSweep || (this.windows.size >= MAX_WINDOWS && ++this.overflowed >= 1024))) {
      this.sweep(now);
      this.overflowed = 0;
      this.nextSweep = Math.max(1024, this.windows.size * 2);
    }
    if (!w && this.windows.size >= MAX_WINDOWS) {
      k = `${vendor}\u0000\u0000overflow`;
      w = this.windows.get(k);
    }
    if (!w || now >= w.start + config.windowMs || now < w.start) this.windows.set(k, (w = { start: now, count: 0, windowMs: config.windowMs }));
    w.count++;
    return state(config, w.start, w.count, configured !== undefined);
  }

  /** The budget as it stands, without counting a request or creating a window (an unauthenticated caller). */
  peek(vendor: string, key: string, now: number, documented?: RateLimitConfig): RateLimitState | undefined {
    const configured = this.configs.get(vendor);
    const config = configured ?? documented;
    if (!config) return undefined;
    const w = this.windows.get(windowKey(vendor, key));
    const live = w && now - w.start < config.windowMs && now >= w.start;
    return state(config, live ? w.start : now, live ? w.count : 0, configured !== undefined);
  }

  /** Drops windows that have ended (or that a clock moved back has not reached). */
  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now >= w.start + w.windowMs || now < w.start) this.windows.delete(k);
  }

  /** How many windows are kept (tests check the bound). */
  get size(): number {
    return this.windows.size;
  }
}

function windowKey(vendor: string, key: string): string {
  return `${vendor}\u0000${key.length > MAX_KEY_LENGTH ? sha256Hex(key) : key}`;
}

function state(config: RateLimitConfig, start: number, count: number, enforced: boolean): RateLimitState {
  return {
    limit: config.limit,
    remaining: Math.max(0, config.limit - count),
    used: count,
    resetMs: start + config.windowMs,
    windowMs: config.windowMs,
    exceeded: count > config.limit,
    enforced,
  };
}

/** At most this many windows at once (a few MB at most). */
export const MAX_WINDOWS = 10_000;
/** Keys longer than this are kept as their hash. */
const MAX_KEY_LENGTH = 128;

/** The common report of a budget: `X-RateLimit-Limit`, `-Remaining` and `-Reset` (epoch seconds). */
export function rateLimitHeaders(rate: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(rate.limit),
    'x-ratelimit-remaining': String(rate.remaining),
    'x-ratelimit-reset': String(Math.ceil(rate.resetMs / 1000)),
  };
}
