/**
 * The one request-budget model: a fixed window per vendor and key (the vendor chooses the key, e.g. Rackspace's
 * tenant), counted on the emulator's clock. A budget configured on the emulator is enforced (429 past it); without
 * one, a vendor's documented budget is only counted, so its headers report it as the real service does.
 */
export interface RateLimitConfig {
  limit: number;
  windowMs: number;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** When the window ends (epoch ms). */
  resetMs: number;
  windowMs: number;
  exceeded: boolean;
  /** A configured budget (enforced), not a vendor's documented one (counted only). */
  enforced: boolean;
}

export class RateLimits {
  private configs = new Map<string, RateLimitConfig>();
  private windows = new Map<string, { start: number; count: number }>();

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

  /** Counts one request; undefined when the vendor has neither a configured nor a documented budget. */
  consume(vendor: string, key: string, now: number, documented?: RateLimitConfig): RateLimitState | undefined {
    const configured = this.configs.get(vendor);
    const config = configured ?? documented;
    if (!config) return undefined;
    const k = `${vendor}\u0000${key}`;
    let w = this.windows.get(k);
    if (!w || now >= w.start + config.windowMs || now < w.start) this.windows.set(k, (w = { start: now, count: 0 }));
    w.count++;
    return {
      limit: config.limit,
      remaining: Math.max(0, config.limit - w.count),
      resetMs: w.start + config.windowMs,
      windowMs: config.windowMs,
      exceeded: w.count > config.limit,
      enforced: configured !== undefined,
    };
  }
}

/** The common report of a budget: `X-RateLimit-Limit`, `-Remaining` and `-Reset` (epoch seconds). */
export function rateLimitHeaders(rate: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(rate.limit),
    'x-ratelimit-remaining': String(rate.remaining),
    'x-ratelimit-reset': String(Math.ceil(rate.resetMs / 1000)),
  };
}
