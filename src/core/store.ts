/**
 * In-memory tables: a Map by id for O(1) lookups, and per-partition (tenant, project, account) id lists kept
 * sorted, so marker and offset pagination is a binary search plus a slice, never a scan of the whole table.
 */
export class Table<T> {
  private readonly byId = new Map<string, T>();
  private readonly parts = new Map<string, string[]>();

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

  /** Insert or replace (the partition of a record never changes). */
  set(record: T): T {
    const id = this.idOf(record);
    if (!this.byId.has(id)) {
      const key = this.partitionOf(record);
      let ids = this.parts.get(key);
      if (!ids) this.parts.set(key, (ids = []));
      const at = lowerBound(ids, id);
      if (at === ids.length) ids.push(id);
      else ids.splice(at, 0, id);
    }
    this.byId.set(id, record);
    return record;
  }

  delete(id: string): T | undefined {
    const record = this.byId.get(id);
    if (record === undefined) return undefined;
    this.byId.delete(id);
    const ids = this.parts.get(this.partitionOf(record));
    if (ids) {
      const at = lowerBound(ids, id);
      if (ids[at] === id) ids.splice(at, 1);
    }
    return record;
  }

  clear(): void {
    this.byId.clear();
    this.parts.clear();
  }

  values(): IterableIterator<T> {
    return this.byId.values();
  }

  /** The sorted ids of one partition (do not mutate). */
  ids(partition: string): readonly string[] {
    return this.parts.get(partition) ?? EMPTY;
  }

  count(partition: string): number {
    return this.ids(partition).length;
  }

  /** Records of a partition in id order, starting at the first id ≥ `from` (or the start), at most `limit`. */
  pageFrom(partition: string, from: string | undefined, limit: number): { items: T[]; nextId: string | null } {
    const ids = this.ids(partition);
    const start = from === undefined ? 0 : lowerBound(ids, from);
    return this.slice(ids, start, limit);
  }

  /** Records of a partition by position: `offset` 0-based, in ascending or descending id order. */
  pageAt(partition: string, offset: number, limit: number, descending = false): T[] {
    const ids = this.ids(partition);
    const out: T[] = [];
    for (let i = offset; i < offset + limit && i < ids.length; i++) {
      out.push(this.byId.get(ids[descending ? ids.length - 1 - i : i])!);
    }
    return out;
  }

  private slice(ids: readonly string[], start: number, limit: number): { items: T[]; nextId: string | null } {
    const end = Math.min(ids.length, start + limit);
    const items: T[] = [];
    for (let i = start; i < end; i++) items.push(this.byId.get(ids[i])!);
    return { items, nextId: end < ids.length ? ids[end] : null };
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

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
