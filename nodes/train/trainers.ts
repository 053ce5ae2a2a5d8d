import { NodeError } from '../core/errors.js';
import type { AnyTrainer } from './define-trainer.js';
import { boostingTrainer } from './boosting/node.js';
import { dummyTrainer } from './dummy/node.js';
import { forestTrainer } from './forest/node.js';
import { kmeansTrainer } from './kmeans/node.js';
import { knnTrainer } from './knn/node.js';
import { linearTrainer } from './linear/node.js';
import { logisticTrainer } from './logistic/node.js';
import { mlpTrainer } from './mlp/node.js';
import { naiveBayesTrainer } from './naivebayes/node.js';
import { treeTrainer } from './tree/node.js';

/**
 * Every trainer, listed explicitly: adding a trainer means adding its folder
 * and one line here. The catalog shows their nodes; scoring, cross-validation
 * and serving find a model's trainer here by its `algorithm`.
 */
export const trainers: readonly AnyTrainer[] = [
  linearTrainer,
  logisticTrainer,
  mlpTrainer,
  treeTrainer,
  forestTrainer,
  boostingTrainer,
  knnTrainer,
  naiveBayesTrainer,
  kmeansTrainer,
  dummyTrainer,
];

const byAlgorithm = new Map(trainers.map((trainer) => [trainer.algorithm, trainer]));

/** The trainer whose models carry `algorithm`; a NodeError when none does. */
export function trainerFor(algorithm: string): AnyTrainer {
  const trainer = byAlgorithm.get(algorithm);
  if (!trainer) throw new NodeError(`models trained by "${algorithm}" cannot be scored here`);
  return trainer;
}
