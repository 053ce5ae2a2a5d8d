import { NodeRegistry } from './core/catalog-registry.js';
import type { AnyNodeDescription } from './core/define-node.js';
import { cleanDuplicatesDescription } from './clean/duplicates/description.js';
import { cleanMissingDescription } from './clean/missing/description.js';
import { deployServiceDescription } from './deploy/service/description.js';
import { evaluateClassificationDescription } from './evaluate/classification/description.js';
import { evaluateScoreDescription } from './evaluate/score/description.js';
import { evaluateImportanceDescription } from './evaluate/importance/description.js';
import { sourceCsvDescription } from './source/csv/description.js';
import { splitRandomDescription } from './split/random/description.js';
import { evaluateRegressionDescription } from './evaluate/regression/description.js';
import { cleanFilterDescription } from './clean/filter/description.js';
import { cleanJoinDescription } from './clean/join/description.js';
import { cleanOutliersDescription } from './clean/outliers/description.js';
import { cleanSelectDescription } from './clean/select/description.js';
import { cleanSqlDescription } from './clean/sql/description.js';
import { sampleRowsDescription } from './sample/rows/description.js';
import { exploreCorrelationDescription } from './explore/correlation/description.js';
import { exploreScatterDescription } from './explore/scatter/description.js';
import { exploreProfileDescription } from './explore/profile/description.js';
import { featureBinDescription } from './feature/bin/description.js';
import { featureExpressionDescription } from './feature/expression/description.js';
import { featureOnehotDescription } from './feature/onehot/description.js';
import { featureScaleDescription } from './feature/scale/description.js';
import { sourceParquetDescription } from './source/parquet/description.js';
import { sourcePostgresDescription } from './source/postgres/description.js';
import { transformApplyDescription } from './transform/apply/description.js';
import { trainerDescriptions } from './train/trainer-descriptions.js';
import { modelOnnxDescription } from './model/onnx/description.js';
import { trainTuneDescription } from './train/tune/description.js';

/**
 * Every node's description, in the order of catalog.ts (a test holds the two
 * lists to each other): what the studio imports — the palette, ports and
 * forms — without any node's run code. Adding a node means adding its
 * description here and the node in catalog.ts (a trainer: in
 * train/trainer-descriptions.ts and train/trainers.ts).
 */
export const descriptions: AnyNodeDescription[] = [
  sourceCsvDescription,
  sourceParquetDescription,
  sourcePostgresDescription,
  sampleRowsDescription,
  exploreProfileDescription,
  exploreCorrelationDescription,
  exploreScatterDescription,
  cleanMissingDescription,
  cleanDuplicatesDescription,
  cleanOutliersDescription,
  cleanSelectDescription,
  cleanFilterDescription,
  cleanSqlDescription,
  cleanJoinDescription,
  featureScaleDescription,
  featureOnehotDescription,
  featureBinDescription,
  featureExpressionDescription,
  splitRandomDescription,
  transformApplyDescription,
  // Trainers are listed in train/trainer-descriptions.ts.
  ...trainerDescriptions.map((trainer) => trainer.node),
  modelOnnxDescription,
  trainTuneDescription,
  evaluateScoreDescription,
  evaluateImportanceDescription,
  evaluateClassificationDescription,
  evaluateRegressionDescription,
  deployServiceDescription,
];

export const descriptionRegistry = new NodeRegistry(descriptions);
