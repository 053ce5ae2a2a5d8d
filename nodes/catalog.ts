import { NodeRegistry, type AnyNodeDefinition } from './core/index.js';
import { cleanDuplicates } from './clean/duplicates/node.js';
import { cleanMissing } from './clean/missing/node.js';
import { deployService } from './deploy/service/node.js';
import { evaluateClassification } from './evaluate/classification/node.js';
import { evaluateScore } from './evaluate/score/node.js';
import { evaluateImportance } from './evaluate/importance/node.js';
import { sourceCsv } from './source/csv/node.js';
import { splitRandom } from './split/random/node.js';
import { evaluateRegression } from './evaluate/regression/node.js';
import { cleanFilter } from './clean/filter/node.js';
import { cleanJoin } from './clean/join/node.js';
import { cleanOutliers } from './clean/outliers/node.js';
import { cleanSelect } from './clean/select/node.js';
import { cleanSql } from './clean/sql/node.js';
import { sampleRows } from './sample/rows/node.js';
import { exploreCorrelation } from './explore/correlation/node.js';
import { exploreScatter } from './explore/scatter/node.js';
import { exploreProfile } from './explore/profile/node.js';
import { featureBin } from './feature/bin/node.js';
import { featureExpression } from './feature/expression/node.js';
import { featureOnehot } from './feature/onehot/node.js';
import { featureScale } from './feature/scale/node.js';
import { sourceParquet } from './source/parquet/node.js';
import { sourcePostgres } from './source/postgres/node.js';
import { transformApply } from './transform/apply/node.js';
import { trainers } from './train/trainers.js';
import { modelOnnx } from './model/onnx/node.js';
import { trainTune } from './train/tune/node.js';

/** Every node, listed explicitly: adding a node means adding it here (a trainer: in train/trainers.ts). */
export const catalog: AnyNodeDefinition[] = [
  sourceCsv,
  sourceParquet,
  sourcePostgres,
  sampleRows,
  exploreProfile,
  exploreCorrelation,
  exploreScatter,
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
  // Trainers are listed in train/trainers.ts.
  ...trainers.map((trainer) => trainer.node),
  modelOnnx,
  trainTune,
  evaluateScore,
  evaluateImportance,
  evaluateClassification,
  evaluateRegression,
  deployService,
];

export const registry = new NodeRegistry(catalog);
