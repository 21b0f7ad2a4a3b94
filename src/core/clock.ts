/**
 * The emulator's clock. Everything time-based (token expiry, timestamps in created records, nonce lifetimes)
 * reads `now()` from here, so tests can move time instead of waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch, as the emulator sees them. */
  now(): number;
  /** Move the clock forward (or back, with a negative number) by `ms`. */
  advance(ms: number): void;
  /** Set the clock to an instant; it keeps running from there unless frozen. */
  set(instant: number | string | Date): void;
  /** Stop the clock at its current instant (a frozen clock only moves with `advance`/`set`). */
  freeze(): void;
  /** Let the clock run with real time again from its current instant. */
  unfreeze(): void;
  readonly frozen: boolean;
  /** Back to where the clock started (the emulator's `reset()` does this to a clock it created). */
  reset(): void;
}

export function toEpochMs(instant: number | string | Date): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new TypeError(`not a valid instant: ${String(instant)}`);
  return ms;
}

export function createClock(opts: { start?: number | string | Date; frozen?: boolean } = {}): Clock {
  let offset = opts.start === undefined ? 0 : toEpochMs(opts.start) - Date.now();
  let frozenAt: number | undefined = opts.frozen ? Date.now() + offset : undefined;
  const initial = { offset, frozenAt };
  return {
    reset() {
      offset = initial.offset;
      frozenAt = initial.frozenAt;
    },
    now: () => (frozenAt !== undefined ? frozenAt : Date.now() + offset),
    advance(ms) {
      if (!Number.isFinite(ms)) throw new TypeError(`not a number of milliseconds: ${ms}`);
      if (frozenAt !== undefined) frozenAt += ms;
      else offset += ms;
    },
    set(instant) {
      const ms = toEpochMs(instant);
      if (frozenAt !== undefined) frozenAt = ms;
      else offset = ms - Date.now();
    },
    freeze() {
      if (frozenAt === undefined) frozenAt = Date.now() + offset;
    },
    unfreeze() {
      if (frozenAt !== undefined) {
        offset = frozenAt - Date.now();
        frozenAt = undefined;
      }
    },
    get frozen() {
      return frozenAt !== undefined;
    },
  };
}
