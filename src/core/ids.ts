import { randomBytes, randomHex } from '#platform';

/** Random material for ids and secrets, from the platform (Node's CSPRNG or the browser's, drawn in batches). */
export { randomBytes, randomHex, randomBase64Url } from '#platform';

/** A MongoDB-style ObjectId: 4-byte seconds timestamp, then 8 random bytes (24 lowercase hex). */
export function objectId(nowMs: number): string {
  const ts = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return ts + randomHex(16);
}

/** A random (version 4) UUID, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, from the platform's random bytes. */
export function uuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
