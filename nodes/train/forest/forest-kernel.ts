import { seededRandom } from '../cross-validation.js';
import type { BinnedRows } from '../histogram/binned-features.js';
import { growHistogramCart } from '../histogram/histogram-cart.js';
import type { TreeArrays } from '../tree/tree-model.js';

/** What every tree of a forest reads: sent once to each thread. */
export interface ForestShared {
  binned: BinnedRows;
  width: number;
  targets: Int32Array | Float64Array;
  classCount: number;
  maxDepth: number;
  minSamplesLeaf: number;
  maxFeatures: number;
  seed: number;
}

/**
 * Tree `t` of a forest: its bootstrap sample and feature draws come from a
 * generator seeded by the forest's seed and t alone, so a tree is the same
 * whichever thread grows it and in whatever order. A thread kernel (see
 * ThreadPool): a pure function of its arguments.
 */
export function growForestTree(shared: ForestShared, t: number): TreeArrays {
  const rows = shared.targets.length;
  const random = seededRandom((shared.seed * 7919 + t * 104729 + 1) >>> 0);
  const weights = new Float64Array(rows);
  for (let i = 0; i < rows; i++) weights[Math.floor(random() * rows)]++;
  return growHistogramCart(
    { binned: shared.binned, width: shared.width, targets: shared.targets, classCount: shared.classCount },
    {
      maxDepth: shared.maxDepth,
      minSamplesLeaf: shared.minSamplesLeaf,
      maxFeatures: shared.maxFeatures,
      random,
      weights,
    },
  );
}
