import type { TreeOptions } from './tree-builder.ts';

export interface ForestOptions {
  nEstimators: number;
  /** Draw a bootstrap sample (with replacement, as many rows as the data) per tree. */
  bootstrap: boolean;
  seed: number;
  /** Features examined per node: 'sqrt' (scikit-learn's default), a count, or a fraction in (0, 1]. */
  maxFeatures: 'sqrt' | 'log2' | number;
  maxDepth: number;
  minNumSamples: number;
  minLeafSamples: number;
  gainThreshold: number;
  maxBins: number;
  mlCartCompat: boolean;
  /** worker_threads to use; 0 trains in the calling thread. Defaults to the machine's parallelism. */
  workers?: number;
}

/** Defaults mirror scikit-learn's RandomForestClassifier: 100 fully grown Gini trees, sqrt features. */
export const DEFAULT_FOREST_OPTIONS: ForestOptions = {
  nEstimators: 100,
  bootstrap: true,
  seed: 42,
  maxFeatures: 'sqrt',
  maxDepth: Number.POSITIVE_INFINITY,
  minNumSamples: 1,
  minLeafSamples: 1,
  gainThreshold: 1e-12,
  maxBins: 256,
  mlCartCompat: false,
};

export function resolveTreeOptions(o: ForestOptions, nFeatures: number): TreeOptions {
  let m: number;
  if (o.maxFeatures === 'sqrt') m = Math.floor(Math.sqrt(nFeatures));
  else if (o.maxFeatures === 'log2') m = Math.floor(Math.log2(nFeatures));
  else if (o.maxFeatures > 0 && o.maxFeatures <= 1 && !Number.isInteger(o.maxFeatures))
    m = Math.floor(o.maxFeatures * nFeatures);
  else m = Math.floor(o.maxFeatures);
  if (o.maxFeatures === 1) m = 1;
  return {
    maxDepth: o.maxDepth,
    minNumSamples: o.minNumSamples,
    minLeafSamples: o.minLeafSamples,
    gainThreshold: o.gainThreshold,
    maxFeatures: Math.max(1, Math.min(nFeatures, m)),
    mlCartCompat: o.mlCartCompat,
  };
}
