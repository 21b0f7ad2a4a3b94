import { createHash } from 'node:crypto';

/**
 * Configured request budgets per vendor (off unless configured): a fixed window per vendor and key (the vendor
 * chooses the key, e.g. Rackspace's tenant), counted on the emulator's clock.
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

  /** Windows kept before expired ones are swept (doubles with what is live, so a sweep is amortised). */
  private nextSweep = 1024;
  private overflowed = 0;

  /**
   * Counts one request; undefined when the vendor has no budget. Budgets are counted before authentication (a
   * client over budget gets 429 whoever it is), and the key comes from the path, so anyone can name new keys: the
   * windows are swept when they have doubled, at most `MAX_WINDOWS` are kept (past that, new keys share one
   * overflow window), and a long key is kept as its hash.
   */
  consume(vendor: string, key: string, now: number): RateLimitState | undefined {
    const config = this.configs.get(vendor);
    if (!config) return undefined;
    let k = `${vendor}\u0000${key.length > MAX_KEY_LENGTH ? createHash('sha256').update(key).digest('base64') : key}`;
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
    if (!w || now >= w.start + config.windowMs || now < w.start) this.windows.set(k, (w = { start: now, count: 0 }));
    w.count++;
    return {
      limit: config.limit,
      remaining: Math.max(0, config.limit - w.count),
      resetMs: w.start + config.windowMs,
      windowMs: config.windowMs,
      exceeded: w.count > config.limit,
    };
  }

  /** Drops windows that have ended (or that a clock moved back has not reached). */
  private sweep(now: number): void {
    for (const [k, w] of this.windows) {
      const windowMs = this.configs.get(k.slice(0, k.indexOf('\u0000')))?.windowMs ?? 0;
      if (now >= w.start + windowMs || now < w.start) this.windows.delete(k);
    }
  }

  /** How many windows are kept (tests check the bound). */
  get size(): number {
    return this.windows.size;
  }
}

/** At most this many windows at once (a few MB at most). */
export const MAX_WINDOWS = 10_000;
/** Keys longer than this are kept as their hash. */
const MAX_KEY_LENGTH = 128;
