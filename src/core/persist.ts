import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isPlainObject } from './http.js';
import type { Emulator, FixtureFile } from './emulator.js';
import { FixtureError } from './fixtures.js';

/**
 * `--persist FILE`: the state is loaded from FILE when it exists, and written back after every change a client is
 * told succeeded — before that answer is sent. lowdb's `JSONFile` writes atomically (a temporary file renamed over
 * the old one, through steno), so a process killed at any moment leaves either the previous or the new complete
 * file. (`new Low(new JSONFile(…))`, not `JSONFilePreset`, which silently stays in memory under Vitest.)
 */
export async function persistTo(emulator: Emulator, file: string): Promise<{ loaded: boolean; stop(): void }> {
  // Loaded here, not at import: only runs that persist pay for lowdb (the main entry re-exports this function).
  const [{ Low }, { JSONFile }] = await Promise.all([import('lowdb'), import('lowdb/node')]);
  const db = new Low<FixtureFile>(new JSONFile<FixtureFile>(file), {});
  let loaded = false;
  // Sections of vendors not enabled in this run (and `$schema`) are carried over unchanged on every save: a run
  // with `--vendors rackspace` must not erase what another run persisted for the others.
  let kept: Record<string, unknown> = {};
  if (existsSync(file)) {
    // Read here rather than with db.read(): lowdb keeps its default data when the file holds `null` (and would take
    // `0` or `false`), so such a file was taken as an empty state and overwritten. A state file is a JSON object.
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      throw new FixtureError(`${file}: the persisted state is not valid JSON (${(e as Error).message})`, file);
    }
    if (!isPlainObject(data))
      throw new FixtureError(`${file}: the persisted state is not a JSON object (it holds ${Array.isArray(data) ? "an array" : JSON.stringify(data)}); fix or remove the file`, file);
    db.data = data as FixtureFile;
    try {
      emulator.restore(db.data);
    } catch (e) {
      if (e instanceof FixtureError) throw new FixtureError(`${file}: ${e.message}`, file, e.jsonPath);
      throw e;
    }
    kept = Object.fromEntries(Object.entries(db.data).filter(([k]) => !emulator.vendors.includes(k)));
    loaded = true;
  }
  const save = async () => {
    db.data = { ...kept, ...emulator.snapshot() };
    await db.write();
  };
  await save();
  const stop = emulator.onChange(save);
  return { loaded, stop };
}
