/**
 * The platform under the emulator, browser variant: what bundlers pick for `#platform` under the `browser`
 * condition (esbuild `--platform=browser`, Vite, webpack), so `createEmulator` and `token-api-emulator/msw` bundle
 * for a page or a service-worker setup with no `node:` built-in, polyfill or bundler configuration. Same names as
 * `./node.ts`; randomness from `crypto.getRandomValues`, hashes and encodings from `./portable.ts`, the default
 * fixtures embedded at build time. What needs Node (a server, files, persistence) throws a clear error instead.
 */
import { DEFAULT_FIXTURES_TEXT } from './default-fixtures.js';
import type * as NodePlatform from './node.js';
import type { PfidLibrary } from './node.js';
import { encodePfid, partitionOf, pfidBinary, PortableBlockList, toBase64Url, toHex } from './portable.js';

export { md5Hex, sha256Hex, sameText } from './portable.js';
export type { SubnetList } from './node.js';

// ---------------------------------------------------------------- randomness and encodings

let pool = new Uint8Array(0);
let poolPos = 0;

/** Random bytes from a pool refilled 4 KiB at a time (`getRandomValues` takes at most 64 KiB per call). */
function randomView(n: number): Uint8Array {
  if (n > 1024) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
    return out;
  }
  if (poolPos + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(4096));
    poolPos = 0;
  }
  const out = pool.subarray(poolPos, poolPos + n);
  poolPos += n;
  return out;
}

export const randomBytes = (n: number): Uint8Array<ArrayBuffer> => randomView(n).slice();

export const randomHex = (chars: number): string => toHex(randomView(Math.ceil(chars / 2))).slice(0, chars);

export const randomBase64Url = (bytes: number): string => toBase64Url(randomView(bytes));

/** `ignoreBOM`: keep a leading U+FEFF, as Buffer's decoding does. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function utf8Text(chunks: Uint8Array[], total: number): string {
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return decoder.decode(all);
}

// ---------------------------------------------------------------- IP subnets

/** node:net's `BlockList` as far as the emulator uses it, in plain JavaScript (test/platform.test.ts compares them). */
export const BlockList: typeof NodePlatform.BlockList = PortableBlockList;

// ---------------------------------------------------------------- Prefactor ids

/**
 * `@prefactor/pfid`'s functions the emulator uses, on the package's own format (the package needs Node's `crypto`
 * and `Buffer`); test/platform.test.ts checks them against the package byte for byte.
 */
const pfids: PfidLibrary = {
  generateWithTimestamp: (partition, timestampMs) => encodePfid(pfidBinary(partition, timestampMs, randomView(10))),
  extractPartition: partitionOf,
  generatePartition: () => new DataView(randomView(4).slice().buffer).getUint32(0) & 0x3fffffff,
};
export const pfidLibrary = (): PfidLibrary => pfids;

// ---------------------------------------------------------------- files

/** Not a file here: the name the embedded default fixtures go by (in messages, and for `readTextFile`). */
export const DEFAULT_FIXTURES_PATH: string = 'token-api-emulator/fixtures/default.json';

const NO_FILES = 'a browser has no file system: pass the fixtures as an object (createEmulator({ fixtures: { … } }))';

/** The embedded default fixtures under their name; any other file cannot be read in a browser. */
export function readTextFile(file: string | URL): string {
  if (String(file) === DEFAULT_FIXTURES_PATH) return DEFAULT_FIXTURES_TEXT;
  throw new Error(NO_FILES);
}

export const fileExists: typeof NodePlatform.fileExists = () => false;

/** `persistTo`'s file operations: it stops at `loadLowdb` before reaching any of them, but they refuse too. */
const noFiles = (): never => {
  throw new Error('a browser has no file system: persistTo() needs Node.js');
};
export const openToAppend: typeof NodePlatform.openToAppend = noFiles;
export const writeToFile: typeof NodePlatform.writeToFile = noFiles;
export const closeFile: typeof NodePlatform.closeFile = noFiles;
export const writeTextFile: typeof NodePlatform.writeTextFile = noFiles;
export const renameFile: typeof NodePlatform.renameFile = noFiles;

const encoder = new TextEncoder();
export const byteLength = (text: string): number => encoder.encode(text).byteLength;

export const loadLowdb: typeof NodePlatform.loadLowdb = async () => {
  throw new Error('persistTo() writes a file, which needs Node.js; in a browser keep state with emulator.snapshot() and emulator.restore()');
};

// ---------------------------------------------------------------- the node:http front door

export const startServer: typeof NodePlatform.startServer = async () => {
  throw new Error(
    'emulator.listen() starts a node:http server, which needs Node.js; in a browser serve the emulator through MSW: setupWorker(...toMswHandlers(emulator)).start()',
  );
};
