/**
 * Shapes of the metrics that evaluate nodes and trainers report, so the
 * studio can chart them without guessing. Every field is plain JSON.
 */

export interface ClassScoresMetric {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface RocCurveMetric {
  /** The class whose probability is ranked (binary: the second sorted class). */
  positive: string | number | boolean;
  points: { fpr: number; tpr: number; threshold: number | null }[];
}

export interface ConfusionMatrixMetric {
  labels: (string | number | boolean)[];
  /** matrix[true class][predicted class]. */
  matrix: number[][];
}

/** What evaluate.classification gives. */
export interface ClassificationMetricsReport {
  rows: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc: number | null;
  logLoss: number | null;
  confusionMatrix: ConfusionMatrixMetric;
  perClass: Record<string, ClassScoresMetric>;
  rocCurve?: RocCurveMetric;
  /** More than two classes: one ROC curve per class, that class against the rest. */
  rocCurves?: RocCurveMetric[];
  /** The accuracy of always answering the most common true class of these rows: what a model must beat. */
  baselineAccuracy: number;
  /** That class, as text. */
  majorityClass: string;
}

export interface ResidualPoint {
  actual: number;
  predicted: number;
  residual: number;
}

/** What evaluate.regression gives; residuals are a bounded, evenly spread sample for charts. */
export interface RegressionMetricsReport {
  rows: number;
  mae: number;
  rmse: number;
  r2: number;
  residuals: ResidualPoint[];
  /** Always predicting the mean of these rows: R² 0 by definition, and its RMSE and MAE; a model must beat them. */
  baselineR2: number;
  baselineRmse: number;
  baselineMae: number;
}

/** What evaluate.clustering gives. */
export interface ClusteringMetricsReport {
  rows: number;
  /** Adjusted Rand index of the clusters against the label (1 = the same grouping, about 0 = chance). */
  ari: number;
  clusterSizes: Record<string, number>;
}

export interface FeatureImportance {
  feature: string;
  /** Mean drop of the score when the feature's values are shuffled (higher = more important). */
  importance: number;
  std: number;
}

/** What evaluate.importance gives, most important first. */
export interface ImportanceMetricsReport {
  rows: number;
  /** accuracy (classifiers) or r2 (regressors), on the rows as they are. */
  metric: 'accuracy' | 'r2';
  baseline: number;
  repeats: number;
  importances: FeatureImportance[];
}

export interface MeanStdMetric {
  mean: number;
  std: number;
  /** One value per fold. */
  values: number[];
}

/** k-fold cross-validation a trainer keeps in `model.training.cv`. */
export interface CrossValidationReport {
  folds: number;
  /** Classifiers: accuracy, f1, logLoss; regressors: r2, rmse, mae. */
  [metric: string]: MeanStdMetric | number;
}

/** A value a tuning trial gave one of the trainer's params. */
export type TrialValue = number | string | boolean | number[];

/** One trial of train.tune: the params it tried and its cross-validation score. */
export interface TuningTrial {
  /** 1-based, in the order the search laid the trials out. */
  trial: number;
  params: Record<string, TrialValue>;
  /** The tuned metric over the folds. */
  score: MeanStdMetric;
  /** Every metric the folds gave, mean ± std: in the finished report, not in progress events (they resend the table). */
  cv?: CrossValidationReport;
  /** The worker that ran it, where it ran as a job. */
  worker?: string;
}

/** What train.tune reports as trials finish (progress) and once done (metrics `tuning`). */
export interface TuningReport {
  /** The trainer's node type, e.g. train.forest. */
  trainer: string;
  search: 'grid' | 'random';
  metric: string;
  /** max: higher scores are better (accuracy, f1, r2); min: lower (logLoss, rmse, mae). */
  goal: 'max' | 'min';
  folds: number;
  /** Trials laid out; `trials` holds those finished so far, in trial order. */
  planned: number;
  trials: TuningTrial[];
  /** The trial number of the best score so far (ties: the earlier trial). */
  best: number | null;
}
