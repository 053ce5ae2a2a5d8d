import { NodeRegistry, type AnyNodeDefinition } from './core/index.js';
import { cleanDuplicates } from './clean/duplicates/node.js';
import { cleanMissing } from './clean/missing/node.js';
import { evaluateClassification } from './evaluate/classification/node.js';
import { evaluateScore } from './evaluate/score/node.js';
import { sourceCsv } from './source/csv/node.js';
import { splitRandom } from './split/random/node.js';
import { trainLogisticNode } from './train/logistic/node.js';
import { trainLinearNode } from './train/linear/node.js';
import { trainMlpNode } from './train/mlp/node.js';

/** Every node, listed explicitly: adding a node means adding it here. */
export const catalog: AnyNodeDefinition[] = [
  sourceCsv,
  cleanMissing,
  cleanDuplicates,
  splitRandom,
  trainLinearNode,
  trainLogisticNode,
  trainMlpNode,
  evaluateScore,
  evaluateClassification,
];

export const registry = new NodeRegistry(catalog);
