// Seeded pseudo-random numbers for the bootstrap: mulberry32, and a stable seed per named quantity.

/** Base seed of every bootstrap in the reports (changing it changes every CI). */
export const DEFAULT_SEED = 0x5c711a;

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seed for one named quantity (e.g. `T0/01:median`): FNV-1a of the key mixed with the base seed,
 * so a subtest's CI does not depend on which other subtests the experiment has.
 */
export function seedFor(key: string, base = DEFAULT_SEED): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h ^ base) >>> 0;
}
