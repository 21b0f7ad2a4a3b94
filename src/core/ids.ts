import { randomBytes } from 'node:crypto';

/**
 * Random material for ids and secrets. Ids come from the OS's CSPRNG in batches (one `randomBytes` call per
 * 4 KiB instead of per id), which matters when fixtures or benchmarks create many records.
 */
let pool = Buffer.alloc(0);
let poolPos = 0;

export function randomBuf(n: number): Buffer {
  if (n > 1024) return randomBytes(n);
  if (poolPos + n > pool.length) {
    pool = randomBytes(4096);
    poolPos = 0;
  }
  const out = pool.subarray(poolPos, poolPos + n);
  poolPos += n;
  return out;
}

export const randomHex = (chars: number): string => randomBuf(Math.ceil(chars / 2)).toString('hex').slice(0, chars);

export const randomBase64Url = (bytes: number): string => randomBuf(bytes).toString('base64url');

/** A MongoDB-style ObjectId: 4-byte seconds timestamp, then 8 random bytes (24 lowercase hex). */
export function objectId(nowMs: number): string {
  const ts = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return ts + randomHex(16);
}

/**
 * A seeded pseudo-random sequence (mulberry32) for reproducible decisions such as fault probability.
 * Not for secrets.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
