import { NodeRegistry, type AnyNodeDefinition } from './core/index.js';
import { cleanDuplicates } from './clean/duplicates/node.js';
import { cleanMissing } from './clean/missing/node.js';
import { deployService } from './deploy/service/node.js';
import { evaluateClassification } from './evaluate/classification/node.js';
import { evaluateScore } from './evaluate/score/node.js';
import { evaluateImportance } from './evaluate/importance/node.js';
import { sourceCsv } from './source/csv/node.js';
import { splitRandom } from './split/random/node.js';
import { trainLogisticNode } from './train/logistic/node.js';
import { trainTreeNode } from './train/tree/node.js';
import { trainForestNode } from './train/forest/node.js';
import { trainKnnNode } from './train/knn/node.js';
import { trainNaiveBayesNode } from './train/naivebayes/node.js';
import { trainKmeansNode } from './train/kmeans/node.js';
import { evaluateRegression } from './evaluate/regression/node.js';
import { trainLinearNode } from './train/linear/node.js';
import { trainMlpNode } from './train/mlp/node.js';
import { cleanFilter } from './clean/filter/node.js';
import { cleanJoin } from './clean/join/node.js';
import { cleanOutliers } from './clean/outliers/node.js';
import { cleanSelect } from './clean/select/node.js';
import { cleanSql } from './clean/sql/node.js';
import { exploreProfile } from './explore/profile/node.js';
import { featureBin } from './feature/bin/node.js';
import { featureExpression } from './feature/expression/node.js';
import { featureOnehot } from './feature/onehot/node.js';
import { featureScale } from './feature/scale/node.js';
import { sourceParquet } from './source/parquet/node.js';
import { sourcePostgres } from './source/postgres/node.js';
import { transformApply } from './transform/apply/node.js';

/** Every node, listed explicitly: adding a node means adding it here. */
export const catalog: AnyNodeDefinition[] = [
  sourceCsv,
  sourceParquet,
  sourcePostgres,
  exploreProfile,
  cleanMissing,
  cleanDuplicates,
  cleanOutliers,
  cleanSelect,
  cleanFilter,
  cleanSql,
  cleanJoin,
  featureScale,
  featureOnehot,
  featureBin,
  featureExpression,
  splitRandom,
  transformApply,
  trainLinearNode,
  trainLogisticNode,
  trainMlpNode,
  trainTreeNode,
  trainForestNode,
  trainKnnNode,
  trainNaiveBayesNode,
  trainKmeansNode,
  evaluateScore,
  evaluateImportance,
  evaluateClassification,
  evaluateRegression,
  deployService,
];

export const registry = new NodeRegistry(catalog);
