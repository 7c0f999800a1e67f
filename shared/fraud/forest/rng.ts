/**
 * A tiny seeded PRNG (mulberry32). Hand-written rather than a dependency because training needs
 * one independent, reproducible stream per tree that any worker can recreate from (seed, treeIndex),
 * so the forest is identical whatever the number of workers.
 */
export { mulberry32 } from '../../random/mulberry32.ts';

/** Mixes a base seed and a stream index into a well-spread 32-bit seed. */
export function streamSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
