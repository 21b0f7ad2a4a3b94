/**
 * In-memory tables: a Map by id for O(1) lookups, and per-partition (tenant, project, account) id lists kept
 * sorted, so marker and offset pagination is a binary search plus a slice, never a scan of the whole table.
 */
/**
 * A collection that reports which records change (set, deleted or changed in place), by id: what persistence
 * writes to its change log, so that its cost follows the change, not the size of the state.
 */
export interface Tracked {
  /** The one listener (persistence), or undefined to stop. */
  track(listener: ((id: string) => void) | undefined): void;
}

/** `f(v)`, or undefined for a record that is gone (a persisted collection's `export`). */
export const ifPresent = <T, R>(v: T | undefined, f: (v: T) => R): R | undefined => (v === undefined ? undefined : f(v));

/** A Map of records by id that reports its changes (see `Tracked`). */
export class TrackedMap<V> extends Map<string, V> implements Tracked {
  private listener: ((id: string) => void) | undefined = undefined;

  track(listener: ((id: string) => void) | undefined): void {
    this.listener = listener;
  }
  override set(id: string, value: V): this {
    super.set(id, value);
    this.listener?.(id);
    return this;
  }
  override delete(id: string): boolean {
    const had = super.delete(id);
    if (had) this.listener?.(id);
    return had;
  }
  override clear(): void {
    const ids = this.listener ? [...this.keys()] : [];
    super.clear();
    for (const id of ids) this.listener?.(id);
  }
  /** A record changed without `set` (a field updated in place). */
  changedInPlace(id: string): void {
    this.listener?.(id);
  }
}

export class Table<T> implements Tracked {
  private readonly byId = new Map<string, T>();
  private listener: ((id: string) => void) | undefined = undefined;
  private readonly parts = new Map<string, SortedIds>();
  /** Per partition, the tick of its last change (ticks never repeat, not even after `clear`). */
  private readonly versions = new Map<string, number>();
  private tick = 0;

  constructor(
    private readonly idOf: (record: T) => string,
    private readonly partitionOf: (record: T) => string = () => '',
  ) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * A number that changes whenever a record of the partition is set or deleted: what was derived from the
   * partition (a serialised page) is still right while it is unchanged. Records changed in place, without `set`,
   * do not change it.
   */
  version(partition: string): number {
    return this.versions.get(partition) ?? 0;
  }

  track(listener: ((id: string) => void) | undefined): void {
    this.listener = listener;
  }

  /** A record changed without `set` (a field updated in place): persistence hears of it. */
  changedInPlace(id: string): void {
    this.listener?.(id);
  }

  /** Insert or replace (the partition of a record never changes). */
  set(record: T): T {
    const id = this.idOf(record);
    this.listener?.(id);
    this.versions.set(this.partitionOf(record), ++this.tick);
    if (!this.byId.has(id)) {
      const key = this.partitionOf(record);
      let ids = this.parts.get(key);
      if (!ids) this.parts.set(key, (ids = new SortedIds()));
      ids.insert(id);
    }
    this.byId.set(id, record);
    return record;
  }

  /**
   * `set` of many records at once (fixtures): the ids of each partition are appended and sorted once, instead of
   * a binary search and an array insert per record. Same result as calling `set` on each record in order.
   */
  load(records: Iterable<T>): void {
    const added = new Map<string, string[]>();
    const touched = new Set<string>();
    for (const record of records) {
      const id = this.idOf(record);
      this.listener?.(id);
      const key = this.partitionOf(record);
      touched.add(key);
      if (!this.byId.has(id)) {
        let ids = added.get(key);
        if (!ids) added.set(key, (ids = []));
        ids.push(id);
      }
      this.byId.set(id, record);
    }
    for (const key of touched) this.versions.set(key, ++this.tick);
    for (const [key, ids] of added) {
      const existing = this.parts.get(key);
      if (existing) for (const id of existing.toArray()) ids.push(id);
      // The default sort compares UTF-16 code units, as `<` does (and lowerBound with it). Fixture files are often
      // in id order already (exports of time-ordered ids): then there is nothing to sort.
      if (!isSorted(ids)) ids.sort();
      this.parts.set(key, SortedIds.fromSorted(ids));
    }
  }

  delete(id: string): T | undefined {
    const record = this.byId.get(id);
    if (record === undefined) return undefined;
    this.byId.delete(id);
    this.listener?.(id);
    const key = this.partitionOf(record);
    this.parts.get(key)?.remove(id);
    this.versions.set(key, ++this.tick);
    return record;
  }

  clear(): void {
    if (this.listener) for (const id of this.byId.keys()) this.listener(id);
    this.byId.clear();
    this.parts.clear();
    for (const key of this.versions.keys()) this.versions.set(key, ++this.tick);
  }

  values(): IterableIterator<T> {
    return this.byId.values();
  }

  /** The sorted ids of one partition (do not mutate; a copy made on demand, kept until the partition changes). */
  ids(partition: string): readonly string[] {
    return this.parts.get(partition)?.toArray() ?? EMPTY;
  }

  count(partition: string): number {
    return this.parts.get(partition)?.size ?? 0;
  }

  /** Records of a partition in id order, starting at the first id ≥ `from` (or the start), at most `limit`. */
  pageFrom(partition: string, from: string | undefined, limit: number): { items: T[]; nextId: string | null } {
    const ids = this.parts.get(partition);
    if (!ids) return { items: [], nextId: null };
    const items: T[] = [];
    const nextId = ids.walk(from === undefined ? ids.cursorAt(0) : ids.cursorFor(from), limit, false, (id) => {
      items.push(this.byId.get(id)!);
    });
    return { items, nextId };
  }

  /** Records of a partition by position: `offset` 0-based, in ascending or descending id order. */
  pageAt(partition: string, offset: number, limit: number, descending = false): T[] {
    const ids = this.parts.get(partition);
    const out: T[] = [];
    if (!ids || offset >= ids.size) return out;
    const start = Math.max(0, offset);
    ids.walk(ids.cursorAt(descending ? ids.size - 1 - start : start), limit, descending, (id) => {
      out.push(this.byId.get(id)!);
    });
    return out;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/** A chunk grows to this many ids, then splits in two; bulk loads fill chunks half way. */
const CHUNK_MAX = 1024;
const CHUNK_FILL = CHUNK_MAX >>> 1;

/**
 * The sorted ids of one partition, as a list of sorted chunks of at most CHUNK_MAX ids: an insert or a delete
 * moves at most one chunk's ids (a flat array of 100,000 ids moved up to 800 KB per insert), and finding an id is
 * two binary searches. Positions (offset pagination) walk the chunk lengths: a few hundred numbers at 100,000 ids.
 */
export class SortedIds {
  private chunks: string[][] = [];
  private count = 0;
  /** `toArray()`'s copy, until the next change. */
  private flat: string[] | undefined;

  static fromSorted(ids: readonly string[]): SortedIds {
    const s = new SortedIds();
    for (let i = 0; i < ids.length; i += CHUNK_FILL) s.chunks.push(ids.slice(i, i + CHUNK_FILL));
    s.count = ids.length;
    return s;
  }

  get size(): number {
    return this.count;
  }

  toArray(): readonly string[] {
    return (this.flat ??= this.chunks.length === 1 ? this.chunks[0].slice() : ([] as string[]).concat(...this.chunks));
  }

  /** Adds an id that is not in the list. */
  insert(id: string): void {
    const chunks = this.chunks;
    this.flat = undefined;
    this.count++;
    if (chunks.length === 0) {
      chunks.push([id]);
      return;
    }
    // The chunk whose last id is ≥ id, or the last chunk when id sorts after everything (an append).
    const c = Math.min(this.chunkFor(id), chunks.length - 1);
    const chunk = chunks[c];
    const at = chunk.length > 0 && chunk[chunk.length - 1] < id ? chunk.length : lowerBound(chunk, id);
    if (at === chunk.length) chunk.push(id);
    else chunk.splice(at, 0, id);
    if (chunk.length > CHUNK_MAX) chunks.splice(c + 1, 0, chunk.splice(CHUNK_FILL));
  }

  /** Removes an id; false when it is not in the list. */
  remove(id: string): boolean {
    const c = this.chunkFor(id);
    const chunk = this.chunks[c];
    if (chunk === undefined) return false;
    const at = lowerBound(chunk, id);
    if (chunk[at] !== id) return false;
    chunk.splice(at, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
    this.flat = undefined;
    this.count--;
    return true;
  }

  /** Where the first id ≥ `id` is (a cursor past the end when there is none). */
  cursorFor(id: string): Cursor {
    const c = this.chunkFor(id);
    return c === this.chunks.length ? { c, i: 0 } : { c, i: lowerBound(this.chunks[c], id) };
  }

  /** Where position `pos` (0-based, 0 ≤ pos < size) is. */
  cursorAt(pos: number): Cursor {
    const chunks = this.chunks;
    let c = 0;
    while (c < chunks.length && pos >= chunks[c].length) pos -= chunks[c++].length;
    return { c, i: pos };
  }

  /**
   * Calls `visit` with at most `limit` ids from `at` on, ascending or descending; returns the id after the last
   * one visited (ascending only; null when there is none).
   */
  walk(at: Cursor, limit: number, descending: boolean, visit: (id: string) => void): string | null {
    const chunks = this.chunks;
    let { c, i } = at;
    let left = limit;
    if (descending) {
      while (left > 0 && c >= 0 && c < chunks.length) {
        const chunk = chunks[c];
        for (; left > 0 && i >= 0; i--, left--) visit(chunk[i]);
        if (i < 0 && --c >= 0) i = chunks[c].length - 1;
      }
      return null;
    }
    while (c < chunks.length) {
      const chunk = chunks[c];
      for (; i < chunk.length; i++, left--) {
        if (left <= 0) return chunk[i];
        visit(chunk[i]);
      }
      c++;
      i = 0;
    }
    return null;
  }

  /** Index of the first chunk whose last id is ≥ `id` (chunks.length when none is). */
  private chunkFor(id: string): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid];
      if (chunk[chunk.length - 1] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

interface Cursor {
  /** Chunk index. */
  c: number;
  /** Index inside the chunk. */
  i: number;
}

function isSorted(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i - 1] > ids[i]) return false;
  return true;
}

/** First index whose id is ≥ `id` (ids compared as plain strings, like the vendors sort them). */
export function lowerBound(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Results derived from a table partition (a serialised list page), reused while the partition's `version` is
 * unchanged. Bounded: past `max` keys the oldest goes.
 */
export class DerivedCache<V> {
  private readonly map = new Map<string, { version: number; value: V }>();

  constructor(private readonly max = 256) {}

  get(key: string, version: number, make: () => V): V {
    const hit = this.map.get(key);
    if (hit && hit.version === version) return hit.value;
    const value = make();
    if (!hit && this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { version, value });
    return value;
  }
}
