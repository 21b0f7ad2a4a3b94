import { fileExists as existsSync, loadLowdb } from '#platform';
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
  const { Low, JSONFile } = await loadLowdb();
  const db = new Low<FixtureFile>(new JSONFile<FixtureFile>(file), {});
  let loaded = false;
  if (existsSync(file)) {
    try {
      await db.read();
    } catch (e) {
      throw new FixtureError(`${file}: the persisted state is not valid JSON (${(e as Error).message})`, file);
    }
    try {
      emulator.restore(db.data);
    } catch (e) {
      if (e instanceof FixtureError) throw new FixtureError(`${file}: ${e.message}`, file, e.jsonPath);
      throw e;
    }
    loaded = true;
  }
  const save = async () => {
    db.data = emulator.snapshot();
    await db.write();
  };
  await save();
  const stop = emulator.onChange(save);
  return { loaded, stop };
}
