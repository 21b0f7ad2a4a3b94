/**
 * The platform under the emulator, Node.js variant. Everything the core and the vendors need that differs between
 * Node and a browser goes through `#platform` (package.json `imports`): Node resolves it to this file, bundlers
 * targeting browsers (the `browser` condition) to `./browser.ts`. Both export the same names
 * (test/platform.test.ts checks the types and the results). Here: node:crypto, Buffer, the file system, the
 * node:http front door and lowdb — the native paths the server's speed relies on.
 */
import { createHash, randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BlockList as NetBlockList } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Emulator, ListenOptions, RunningServer } from '../core/types.js';

// ---------------------------------------------------------------- randomness and encodings

/**
 * Random material for ids and secrets. It comes from the OS's CSPRNG in batches (one `randomBytes` call per
 * 4 KiB instead of per id), which matters when fixtures or benchmarks create many records.
 */
let pool = Buffer.alloc(0);
let poolPos = 0;

function randomBuf(n: number): Buffer {
  if (n > 1024) return cryptoRandomBytes(n);
  if (poolPos + n > pool.length) {
    pool = cryptoRandomBytes(4096);
    poolPos = 0;
  }
  const out = pool.subarray(poolPos, poolPos + n);
  poolPos += n;
  return out;
}

/** `n` fresh random bytes, owned by the caller. */
export const randomBytes = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array(randomBuf(n));

export const randomHex = (chars: number): string => randomBuf(Math.ceil(chars / 2)).toString('hex').slice(0, chars);

export const randomBase64Url = (bytes: number): string => randomBuf(bytes).toString('base64url');

/** The UTF-8 text of a body read in chunks. */
export const utf8Text = (chunks: Uint8Array[], total: number): string => Buffer.concat(chunks, total).toString('utf8');

// ---------------------------------------------------------------- hashes

export const md5Hex = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

export const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** Two strings equal, compared in constant time (for secrets such as a digest `response`). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---------------------------------------------------------------- IP subnets

/** What the emulator uses of node:net's `BlockList` (Ops Manager's access lists). */
export interface SubnetList {
  addSubnet(address: string, prefix: number, family?: 'ipv4' | 'ipv6'): void;
  check(address: string, family?: 'ipv4' | 'ipv6'): boolean;
}

/** node:net's own, on Node. */
export const BlockList: new () => SubnetList = NetBlockList;

// ---------------------------------------------------------------- Prefactor ids

/** What the emulator uses of `@prefactor/pfid`. */
export type PfidLibrary = Pick<typeof import('@prefactor/pfid'), 'generateWithTimestamp' | 'extractPartition' | 'generatePartition'>;
let pfidLib: PfidLibrary | undefined;

/**
 * `@prefactor/pfid` itself generates PFIDs on Node. It is loaded on the first id made (a create, or a fixture
 * deployment without an id), not at start-up; it is CommonJS, so `require` loads it synchronously and id generation
 * stays synchronous.
 */
export const pfidLibrary = (): PfidLibrary => (pfidLib ??= createRequire(import.meta.url)('@prefactor/pfid') as PfidLibrary);

// ---------------------------------------------------------------- files

/**
 * The default seed data shipped in the package (`fixtures/default.json`), found from this module's place:
 * `dist/platform/` in the library build, `dist/bin/` in the bundled CLI.
 */
export const DEFAULT_FIXTURES_PATH: string = ['../../fixtures/default.json', '../fixtures/default.json']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((p, i, all) => existsSync(p) || i === all.length - 1)!;

/** A fixture file's text; throws with the system's error code (`ENOENT`, …) as `code`. */
export const readTextFile = (file: string | URL): string => readFileSync(file, 'utf8');

export const fileExists = (file: string): boolean => existsSync(file);

/** A file opened for appending (`persistTo`'s change log); writes to it are synchronous, so a change is on disk
 * before the answer that reports it is sent. */
export const openToAppend = (file: string): number => openSync(file, 'a');

export const writeToFile = (fd: number, text: string): void => {
  writeSync(fd, text);
};

export const closeFile = (fd: number): void => closeSync(fd);

export const writeTextFile = (file: string, text: string): void => writeFileSync(file, text);

export const renameFile = (from: string, to: string): void => renameSync(from, to);

/** The UTF-8 length of a string in bytes. */
export const byteLength = (text: string): number => Buffer.byteLength(text);

/** lowdb, for `persistTo` (loaded only when persisting). */
export async function loadLowdb() {
  const [{ Low }, { JSONFile }] = await Promise.all([import('lowdb'), import('lowdb/node')]);
  return { Low, JSONFile };
}

// ---------------------------------------------------------------- the node:http front door

/** `emulator.listen()`: the server module is loaded on first use, so MSW-only users never load node:http. */
export async function startServer(emulator: Emulator, opts?: ListenOptions): Promise<RunningServer> {
  const server = await import('../core/server.js');
  return server.startServer(emulator, opts);
}
