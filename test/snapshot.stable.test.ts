import { expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';

// The dashboard's reset check and every "back to the fixtures" assertion compare state with the fixtures: a field the
// emulator fills in at load time (an access-list entry's creation time) must not make two loads of them differ.
it('a snapshot of the fixtures is the fixtures, whenever they were loaded', () => {
  const early = createEmulator({ clock: { start: '2026-01-01T00:00:00Z', frozen: true } });
  const late = createEmulator({ clock: { start: '2027-06-01T12:34:56Z', frozen: true } });
  expect(late.snapshot()).toEqual(early.snapshot());
});
