import type { AnyTrainerDescription } from './trainer-description.js';
import { boostingDescription } from './boosting/description.js';
import { dummyDescription } from './dummy/description.js';
import { forestDescription } from './forest/description.js';
import { kmeansDescription } from './kmeans/description.js';
import { knnDescription } from './knn/description.js';
import { linearDescription } from './linear/description.js';
import { logisticDescription } from './logistic/description.js';
import { mlpDescription } from './mlp/description.js';
import { naiveBayesDescription } from './naivebayes/description.js';
import { treeDescription } from './tree/description.js';

/**
 * Every trainer's description, in the order of trainers.ts (a test holds the
 * two lists to each other): what the studio and train.tune's params know of
 * the trainers, without their fit and scoring code.
 */
export const trainerDescriptions: readonly AnyTrainerDescription[] = [
  linearDescription,
  logisticDescription,
  mlpDescription,
  treeDescription,
  forestDescription,
  boostingDescription,
  knnDescription,
  naiveBayesDescription,
  kmeansDescription,
  dummyDescription,
];
