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

/**
 * The instants the clock may show: ones every model can store and serialise — RFC 3339 with a four-digit year
 * (Rackspace expiries, Prefactor timestamps), ids carrying a timestamp from 1970 (ObjectIds, pfids) — with a year of
 * room for lifetimes added to "now" (the longest is a day). Outside it, dates turn into `+275760-…` or `Invalid
 * Date` and every later answer would fail.
 */
export const MIN_INSTANT_MS = 0; // 1970-01-01T00:00:00.000Z
export const MAX_INSTANT_MS = Date.UTC(9998, 11, 31, 23, 59, 59, 999);

export class ClockRangeError extends RangeError {}

/** `ms` if the clock may show it; otherwise a `ClockRangeError` saying the range. */
export function checkInstant(ms: number, what = 'the clock'): number {
  if (!(ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS))
    throw new ClockRangeError(
      `${what} would be at ${Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms)}, outside ${new Date(MIN_INSTANT_MS).toISOString()} … ${new Date(MAX_INSTANT_MS).toISOString()}`,
    );
  return ms;
}

export function toEpochMs(instant: number | string | Date): number {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new TypeError(`not a valid instant: ${String(instant)}`);
  return ms;
}

/** The clock's instant checked against the range; every change is checked before anything moves. */
export function createClock(opts: { start?: number | string | Date; frozen?: boolean } = {}): Clock {
  let offset = opts.start === undefined ? 0 : checkInstant(toEpochMs(opts.start), 'the start') - Date.now();
  let frozenAt: number | undefined = opts.frozen ? Date.now() + offset : undefined;
  const initial = { offset, frozenAt };
  const now = () => (frozenAt !== undefined ? frozenAt : Date.now() + offset);
  return {
    reset() {
      offset = initial.offset;
      frozenAt = initial.frozenAt;
    },
    now,
    advance(ms) {
      if (!Number.isFinite(ms)) throw new TypeError(`not a number of milliseconds: ${ms}`);
      checkInstant(now() + ms);
      if (frozenAt !== undefined) frozenAt += ms;
      else offset += ms;
    },
    set(instant) {
      const ms = checkInstant(toEpochMs(instant));
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
