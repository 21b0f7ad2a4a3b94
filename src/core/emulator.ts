/**
 * The emulator as a container: the vendors it was given, their state, faults, journal, rate limits and clock, and
 * their lifecycle (reset, snapshot, restore, change listeners). How one request is answered is the pipeline
 * (`pipeline.ts`); the control plane is its own route table (`control.ts`). Core knows no vendor: the definitions
 * come in through `createEmulatorCore({ vendors })` (`src/index.ts` supplies the built-in ones).
 */
import { startServer } from '#platform';
import { createClock, type Clock } from './clock.js';
import { controlPlane } from './control.js';
import { Faults } from './faults.js';
import { loadFixtureFile, parseFixtures } from './fixtures.js';
import { fromFetchRequest, json, toFetchResponse, type EmulatorResponse } from './http.js';
import { Journal } from './journal.js';
import { createPipeline } from './pipeline.js';
import { RateLimits } from './ratelimit.js';
import type { Emulator, EmulatorCore, EmulatorOptions, FixtureFile, VendorDefinition, VendorName } from './types.js';

export type {
  Emulator,
  EmulatorCore,
  EmulatorOptions,
  FixtureFile,
  ListenOptions,
  RequestInfo,
  RunningServer,
  VendorApis,
  VendorName,
} from './types.js';

export interface CoreOptions extends Omit<EmulatorOptions, 'vendors'> {
  /** The vendors this emulator serves. */
  vendors: readonly VendorDefinition[];
  /** Other vendors a fixture file may mention (checked, then ignored). */
  knownVendors?: readonly VendorDefinition[];
}

export function createEmulatorCore(coreOptions: CoreOptions, publicOptions: EmulatorOptions = coreOptions as EmulatorOptions): Emulator {
  const definitions = [...coreOptions.vendors];
  const names = new Set<string>();
  for (const v of definitions) {
    if (names.has(v.name)) throw new Error(`vendor "${v.name}" is given twice`);
    names.add(v.name);
  }
  const known = coreOptions.knownVendors ?? [];
  const parse = (data: FixtureFile) => parseFixtures(definitions, data, undefined, false, known);
  let fixtures =
    coreOptions.fixtures === undefined
      ? parse({})
      : typeof coreOptions.fixtures === 'string'
        ? loadFixtureFile(definitions, coreOptions.fixtures, known)
        : parse(coreOptions.fixtures);
  const ownClock = !isClock(coreOptions.clock);
  const clock: Clock = isClock(coreOptions.clock) ? coreOptions.clock : createClock(coreOptions.clock);

  const states = new Map<string, unknown>();
  const envs = new Map(definitions.map((v) => [v.name, { clock, options: coreOptions.vendorOptions?.[v.name] ?? {} }]));
  const load = (data: FixtureFile) => {
    // Models copy what they keep (test/perf-paths.test.ts checks that no model shares an object with its fixture),
    // so nothing a test does to the live state can reach the fixtures that `reset()` returns to.
    for (const v of definitions) states.set(v.name, v.createState(data[v.name] ?? v.fixtureSchema.parse({}, v.name), envs.get(v.name)!));
  };
  load(fixtures);

  const faults = new Faults(coreOptions.seed);
  for (const rule of coreOptions.faults ?? []) faults.add(rule, { permanent: true });
  const journal = new Journal(
    coreOptions.journalLimit ?? 1000,
    definitions.flatMap((v) => v.secrets?.headers ?? []),
    definitions.flatMap((v) => v.secrets?.paths ?? []),
  );
  const rateLimits = new RateLimits();
  for (const [vendor, config] of Object.entries(coreOptions.rateLimits ?? {})) rateLimits.set(vendor, config);
  const listeners = new Set<(reason: string, vendor?: string) => void | Promise<void>>();

  const emulator = {
    vendors: definitions.map((v) => v.name),
    definitions,
    clock,
    faults,
    journal,
    rateLimits,
    options: publicOptions,
    get fixtures() {
      return fixtures;
    },
    setFixtures(next) {
      fixtures = parse(next);
      this.reset();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async changed(reason, vendor) {
      for (const l of listeners) await l(reason, vendor);
    },
    async handle(request, info = {}) {
      const url = new URL(request.url);
      const answer = await emulator.answer(fromFetchRequest(request, url), { signal: request.signal, ...info });
      return toFetchResponse(answer);
    },
    answer(request, info = {}) {
      const finish = (response: EmulatorResponse) => (request.method === 'HEAD' ? response.withoutBody() : response);
      // The last resort, the same on every front door: a bug outside any vendor's error rendering.
      const lastResort = (e: unknown) => {
        console.error('token-api-emulator: failed to answer', request.method, journal.secretPaths.redact(request.path), e);
        return json({ error: 'internal', message: 'The emulator failed to answer this request' }, 500);
      };
      let answered: Promise<EmulatorResponse>;
      try {
        answered = (info.controlPlane !== false ? control(request, info) : undefined) ?? pipeline(request, info);
      } catch (e) {
        answered = Promise.reject(e);
      }
      // HEAD: the GET answer's status and headers, no body (every front door, every route).
      return answered.catch(lastResort).then(finish);
    },
    reset() {
      if (ownClock) clock.reset();
      load(fixtures);
      faults.clear(true);
      faults.reseed(coreOptions.seed);
      journal.clear();
      rateLimits.resetCounts();
    },
    snapshot() {
      const out: FixtureFile = {};
      for (const v of definitions) out[v.name] = v.exportState(states.get(v.name));
      return JSON.parse(JSON.stringify(out));
    },
    restore(snapshot) {
      load(parse(snapshot));
    },
    model<T>(name: VendorName) {
      if (!states.has(name)) throw new Error(`vendor ${name} is not enabled (enabled: ${[...states.keys()].join(', ')})`);
      return states.get(name) as T;
    },
    async listen(opts = {}) {
      return startServer(emulator, opts);
    },
  } satisfies EmulatorCore as EmulatorCore as Emulator;
  // `emulator.<vendor>`: the vendor's typed API over its current state (a reset replaces the state object).
  const apis = new WeakMap<object, unknown>();
  for (const v of definitions) {
    if (!v.api || v.name in emulator) continue;
    Object.defineProperty(emulator, v.name, {
      enumerable: true,
      get() {
        const state = states.get(v.name) as object;
        let api = apis.get(state);
        if (api === undefined) apis.set(state, (api = v.api!(state, envs.get(v.name)!)));
        return api;
      },
    });
  }

  const control = controlPlane(emulator);
  const pipeline = createPipeline({
    definitions,
    stateOf: (name) => states.get(name),
    clock,
    faults,
    rateLimits,
    journal,
    faultTimeoutMs: coreOptions.faultTimeoutMs ?? 30_000,
    hasListeners: () => listeners.size > 0,
    changed: (reason, vendor) => emulator.changed(reason, vendor),
  });
  return emulator;
}

function isClock(c: EmulatorOptions['clock']): c is Clock {
  return !!c && typeof (c as Clock).now === 'function';
}
