import { byteLength, closeFile, fileExists, loadLowdb, openToAppend, readTextFile, renameFile, writeTextFile, writeToFile } from '#platform';
import { FixtureError } from './fixtures.js';
import { isPlainObject } from './http.js';
import type { Emulator, FixtureFile, PersistedCollection } from './types.js';

/**
 * `--persist FILE`: the state survives restarts and SIGKILL, at a cost that follows the change, not the state.
 *
 * - FILE holds a whole state (the fixture format), written atomically by lowdb's `JSONFile` (a temporary file
 *   renamed over the old one, through steno): a kill leaves the previous or the new complete file.
 * - `FILE.log` is an append-only change log, one JSON line per changed record (`{"v","c","id","r"}`, `r: null` for a
 *   deleted one), written synchronously after each change a client is told succeeded, before that answer is sent.
 *   Vendors name their collections and report changed records by id (`VendorDefinition.persist`); a change of the
 *   whole state (reset, restore, reload, or a vendor that does not track its records) is one `{"full":…}` line.
 * - Compaction, in the background once the log outgrows the state file: the state is snapshot, written to FILE,
 *   then the log lines the snapshot covers are dropped (the rest rewritten to a temporary file renamed over the
 *   log). Replaying a log over a newer snapshot gives the same state (each line sets a record's final value, or
 *   replaces everything), so a kill between the two steps loses nothing.
 *
 * (`new Low(new JSONFile(…))`, not `JSONFilePreset`, which silently stays in memory under Vitest.)
 */
export interface PersistOptions {
  /** Fold the log into FILE once it is larger than this many bytes and than FILE (default 4 MiB). */
  compactAfterBytes?: number;
}

export async function persistTo(emulator: Emulator, file: string, options: PersistOptions = {}): Promise<{ loaded: boolean; stop(): void; compacted(): Promise<void> }> {
  // Loaded here, not at import: only runs that persist pay for lowdb (the main entry re-exports this function).
  // In a browser this is where persisting stops, with a message that says why (src/platform/browser.ts).
  const { Low, JSONFile } = await loadLowdb();
  const db = new Low<FixtureFile>(new JSONFile<FixtureFile>(file), {});
  const logFile = `${file}.log`;

  let loaded = false;
  // Sections of vendors not enabled in this run (and `$schema`) are carried over unchanged on every save: a run
  // with `--vendors rackspace` must not erase what another run persisted for the others.
  let kept: Record<string, unknown> = {};
  const hasFile = fileExists(file);
  const logText = fileExists(logFile) ? readTextFile(logFile) : '';
  if (hasFile || logText) {
    let base: FixtureFile | undefined;
    if (hasFile) {
      // Read here rather than with db.read(): lowdb keeps its default data when the file holds `null` (and would
      // take `0` or `false`), so such a file was taken as an empty state and overwritten. A state file is an object.
      let data: unknown;
      try {
        data = JSON.parse(readTextFile(file));
      } catch (e) {
        throw new FixtureError(`${file}: the persisted state is not valid JSON (${(e as Error).message})`, file);
      }
      if (!isPlainObject(data))
        throw new FixtureError(`${file}: the persisted state is not a JSON object (it holds ${Array.isArray(data) ? 'an array' : JSON.stringify(data)}); fix or remove the file`, file);
      base = data;
    }
    const state = replay(base ?? emulator.snapshot(), logText, collectionIds(emulator));
    try {
      emulator.restore(state);
    } catch (e) {
      if (e instanceof FixtureError) throw new FixtureError(`${file}: ${e.message}`, file, e.jsonPath);
      throw e;
    }
    kept = Object.fromEntries(Object.entries(state).filter(([k]) => !emulator.vendors.includes(k)));
    loaded = true;
  }
  /** The whole state as saved: this run's vendors and what it keeps of the others. */
  const whole = (): FixtureFile => ({ ...kept, ...emulator.snapshot() });

  // ---------------------------------------------------------------- tracking changed records
  /** `vendor\0collection` → ids changed since the last write. */
  const pending = new Map<string, Set<string>>();
  /** Per vendor: the state object whose collections are tracked, and those collections. */
  const tracked = new Map<string, { state: unknown; collections: Record<string, PersistedCollection> | undefined }>();
  const track = () => {
    for (const def of emulator.definitions) {
      const state = emulator.model(def.name);
      if (tracked.get(def.name)?.state === state) continue;
      const collections = def.persist?.(state);
      for (const [name, c] of Object.entries(collections ?? {})) {
        const key = `${def.name}\u0000${name}`;
        c.source.track((id) => {
          let ids = pending.get(key);
          if (!ids) pending.set(key, (ids = new Set()));
          ids.add(id);
        });
      }
      tracked.set(def.name, { state, collections });
    }
  };
  /** A state object was replaced (a reset made without telling the listeners), or a vendor tracks nothing. */
  const needsFull = (vendor: string | undefined) =>
    vendor === undefined ||
    tracked.get(vendor)?.collections === undefined ||
    emulator.definitions.some((d) => tracked.get(d.name)?.state !== emulator.model(d.name));

  // ---------------------------------------------------------------- the log
  let fd = openToAppend(logFile);
  let logLines = 0;
  let logBytes = 0;
  let snapshotBytes = 0;
  const append = (text: string, lines: number) => {
    writeToFile(fd, text);
    logLines += lines;
    logBytes += byteLength(text);
  };

  /** Every pending record change as log lines. */
  const writeChanges = () => {
    let out = '';
    let lines = 0;
    for (const [key, ids] of pending) {
      const [v, c] = key.split('\u0000');
      const collection = tracked.get(v)?.collections?.[c];
      if (!collection) continue;
      for (const id of ids) {
        out += `${JSON.stringify({ v, c, id, r: collection.export(id) ?? null })}\n`;
        lines++;
      }
    }
    pending.clear();
    if (lines) append(out, lines);
  };

  /** The whole state as one line (it replaces everything before it). */
  const writeFull = () => {
    pending.clear();
    track();
    append(`${JSON.stringify({ full: whole() })}\n`, 1);
  };

  // ---------------------------------------------------------------- compaction
  let compaction: Promise<void> = Promise.resolve();
  let inFlight = 0;
  const compact = () => {
    inFlight++;
    return (compaction = compaction.then(async () => {
      try {
        const covered = logLines;
        db.data = whole();
        await db.write();
        snapshotBytes = byteLength(JSON.stringify(db.data));
        dropCoveredLines(covered);
      } finally {
        inFlight--;
      }
    }));
  };
  /** Drops the first `covered` lines of the log (synchronously: no change is appended meanwhile). */
  const dropCoveredLines = (covered: number) => {
    closeFile(fd);
    const text = readTextFile(logFile);
    let at = 0;
    for (let i = 0; i < covered && at !== -1; i++) at = text.indexOf('\n', at) + 1 || -1;
    const rest = at === -1 ? '' : text.slice(at);
    writeTextFile(`${logFile}.tmp`, rest);
    renameFile(`${logFile}.tmp`, logFile);
    fd = openToAppend(logFile);
    logLines -= covered;
    logBytes = byteLength(rest);
  };

  track();
  writeFull(); // the state as loaded (and validated), then straight into FILE
  await compact();

  const stop = emulator.onChange(async (_reason, vendor) => {
    if (needsFull(vendor)) writeFull();
    else writeChanges();
    // The log has grown past the state it would rebuild: fold it into FILE, without holding up the answer.
    if (logBytes > Math.max(options.compactAfterBytes ?? 4 * 1024 * 1024, snapshotBytes)) void compact();
  });
  return {
    loaded,
    /** Settles when the compactions started so far are done. */
    compacted: () => compaction,
    /** Stops persisting; what changed is folded into FILE first (unless a compaction is still being written). */
    stop() {
      stop();
      writeChanges();
      if (inFlight === 0) {
        writeTextFile(`${file}.tmp`, JSON.stringify(whole()));
        renameFile(`${file}.tmp`, file);
        dropCoveredLines(logLines);
      }
      closeFile(fd);
      for (const { collections } of tracked.values()) for (const c of Object.values(collections ?? {})) c.source.track(undefined);
    },
  };
}

type IdsOf = Map<string, Map<string, (record: unknown) => string>>;

/** How each vendor's persisted collections name their records (vendor → collection → id of a fixture record). */
function collectionIds(emulator: Emulator): IdsOf {
  const out: IdsOf = new Map();
  for (const def of emulator.definitions) {
    const collections = def.persist?.(emulator.model(def.name));
    if (collections) out.set(def.name, new Map(Object.entries(collections).map(([c, x]) => [c, x.idOf])));
  }
  return out;
}

/** A state with a change log applied (a torn last line — a write the client was never told about — is skipped). */
export function replay(base: FixtureFile, log: string, idsOf: IdsOf): FixtureFile {
  let state = base;
  /** `vendor\0collection` → records by id, for the collections the log touches (written back at the end). */
  let open = new Map<string, Map<string, unknown>>();
  const writeBack = () => {
    for (const [key, records] of open) {
      const [v, c] = key.split('\u0000');
      state[v] = { ...((state[v] as object) ?? {}), [c]: [...records.values()] };
    }
    open = new Map();
  };
  for (const line of log.split('\n')) {
    if (!line) continue;
    let entry: { full?: FixtureFile; v?: string; c?: string; id?: string; r?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.full) {
      open = new Map();
      state = entry.full;
      continue;
    }
    const { v, c, id } = entry;
    const idOf = v !== undefined && c !== undefined ? idsOf.get(v)?.get(c) : undefined;
    if (!idOf || id === undefined) continue;
    const key = `${v}\u0000${c}`;
    let records = open.get(key);
    if (!records) {
      const list = ((state[v!] as Record<string, unknown> | undefined)?.[c!] as unknown[] | undefined) ?? [];
      open.set(key, (records = new Map(list.map((r) => [idOf(r), r]))));
    }
    if (entry.r === null || entry.r === undefined) records.delete(id);
    else records.set(id, entry.r);
  }
  writeBack();
  return state;
}
