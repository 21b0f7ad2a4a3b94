/**
 * One contract suite, both front doors: `describeDoors(title, (door) => { … })` registers the same tests twice,
 * once against the standalone server (`listen({ port: 0 })`, real HTTP over loopback) and once through MSW
 * (`setupServer(...toMswHandlers(emulator))`, fetch to the vendors' real URLs). Inside a test, build URLs with
 * `door.origin(vendor, service)`; the state is reset to the fixtures before each test.
 */
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/index.js';

export type DoorKind = 'server' | 'msw';

export interface Door {
  readonly kind: DoorKind;
  readonly emulator: Emulator;
  /** Where a client reaches `vendor`'s `service` through this door (`http://127.0.0.1:PORT` or the real origin). */
  origin(vendor: string, service?: string): string;
  /** Where the control plane (`/__emulator/…`) is reached through this door. */
  control(): string;
}

export function describeDoors(title: string, body: (door: Door) => void, options: EmulatorOptions = {}): void {
  for (const kind of ['server', 'msw'] as const) {
    describe(`${title} [${kind}]`, () => {
      let emulator: Emulator;
      let origin: Door['origin'];
      let control = '';
      let stop: () => Promise<void> | void = () => undefined;
      const door: Door = {
        kind,
        get emulator() {
          return emulator;
        },
        origin: (vendor, service) => origin(vendor, service),
        control: () => control,
      };
      beforeAll(async () => {
        emulator = createEmulator(options);
        if (kind === 'server') {
          const server = await emulator.listen({ port: 0 });
          origin = () => server.url;
          control = server.url;
          stop = () => server.close();
        } else {
          const { setupServer } = await import('msw/node');
          const { toMswHandlers } = await import('../../src/msw.js');
          const server = setupServer(...toMswHandlers(emulator));
          server.listen({ onUnhandledRequest: 'error' });
          control = 'http://token-api-emulator.local';
          origin = (vendor, service) => {
            const def = emulator.definitions.find((d) => d.name === vendor);
            if (!def) throw new Error(`vendor ${vendor} not enabled`);
            const services = def.services;
            return (service ? services[service] : Object.values(services)[0]).origins[0];
          };
          stop = () => server.close();
        }
      });
      afterAll(async () => {
        await stop();
      });
      beforeEach(() => {
        emulator.reset();
      });
      body(door);
    });
  }
}
