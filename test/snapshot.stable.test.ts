import { expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';

// The dashboard's reset check and every "back to the fixtures" assertion compare state with the fixtures: a field the
// emulator fills in at load time (an access-list entry's creation time) must not make them differ an hour later.
it('a snapshot of the fixtures is the fixtures, whenever it is taken', () => {
  const emulator = createEmulator();
  const atLoad = emulator.snapshot();
  emulator.clock.advance(3_600_000);
  emulator.reset();
  emulator.clock.advance(7_200_000);
  expect(emulator.snapshot()).toEqual(atLoad);
});
