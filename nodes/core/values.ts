import type { TableSampleInfo } from './row-sample.js';

/**
 * The values that travel on ports between jobs. Every value is plain JSON so
 * it can be stored in PostgreSQL and the artifact store, and read by the
 * browser; tables point at a Parquet file instead of holding rows.
 */

export type LogicalType = 'number' | 'string' | 'boolean' | 'datetime';

export interface ColumnInfo {
  name: string;
  type: LogicalType;
  /** The DuckDB type, e.g. DOUBLE, BIGINT, VARCHAR. */
  sqlType: string;
}

/** One step of fitted preprocessing, applied identically in SQL and row by row. */
export type TransformStep =
  | { op: 'impute'; column: string; value: number | string | boolean }
  /** Drops rows with a missing value while fitting; rows being scored are kept as they are. */
  | { op: 'dropMissing'; columns: string[] }
  | { op: 'clip'; column: string; min: number; max: number }
  /** Drops rows outside [min, max] while fitting; rows being scored are clipped instead. */
  | { op: 'dropOutside'; column: string; min: number; max: number }
  | { op: 'scale'; column: string; center: number; scale: number }
  | { op: 'onehot'; column: string; categories: string[]; other: boolean }
  | { op: 'bin'; column: string; edges: number[] };

export interface FittedTransform {
  /** Unique per fitted output (the producing job's cache key): used to tell whether a table already had it. */
  id: string;
  nodeId: string;
  nodeType: string;
  steps: TransformStep[];
}

export interface TableRef {
  kind: 'table';
  /** Content address of this value: the producing job's cache key plus the port. */
  key: string;
  /** Where the runtime stored the Parquet file (artifact-store relative); `deferred:<key>` when none was written. */
  uri: string;
  rows: number;
  columns: ColumnInfo[];
  /** Fitted transforms applied to these rows since their source, oldest first. */
  transforms: FittedTransform[];
  /** Set by evaluate.score: what the predictions in this table are of, so an evaluator need not be told the label. */
  scoring?: ScoringInfo;
  /** Set by sample.rows (or a source that read a sample for it): how many rows were kept of how many. */
  sample?: TableSampleInfo;
  /**
   * Set when the rows were not written (an intermediate of fused data nodes that only they read): the SQL
   * that computes them again from stored tables, for a preview or a later run that reads them.
   */
  deferred?: DeferredTable;
}

/**
 * A table kept as the SQL that made it. `inputs` are the keys of the stored tables it reads, each under the
 * relation name the runtime derives from its key; `statements` ran before `select` (a node's scratch tables).
 */
export interface DeferredTable {
  inputs: string[];
  statements: string[];
  select: string;
}

export interface ScoringInfo {
  task: ModelTask;
  /** The model's label column (the true values, when the table has them). */
  label?: string;
  /** The model's classes, in the order of its probability columns. */
  classes?: (string | number | boolean)[];
}

export interface TransformValue {
  kind: 'transform';
  key: string;
  transform: FittedTransform;
}

export type MetricValue = number | string | null | number[] | number[][] | Record<string, unknown> | unknown[];

export interface MetricsValue {
  kind: 'metrics';
  key: string;
  metrics: Record<string, MetricValue>;
}

export type ModelTask = 'classification' | 'regression' | 'clustering';

/** A trained model with everything needed to score raw rows. */
export interface ModelBundle {
  kind: 'model';
  key: string;
  format: 'pipewright-model/v1';
  algorithm: string;
  task: ModelTask;
  /** Label column (absent for clustering). */
  label?: string;
  /** Original label values, in the order of the model's outputs (classification). */
  classes?: (string | number | boolean)[];
  /** Raw columns a row must provide, with types: the prediction input schema. */
  inputs: ColumnInfo[];
  /** Fitted transforms between the table's source and the trainer, oldest first. */
  transforms: FittedTransform[];
  /** Trainer-owned encoding of raw features into the numeric feature vector. */
  encoding: FeatureEncoding;
  /** Algorithm-specific parameters (weights etc.), plain JSON. */
  state: Record<string, unknown>;
  /** Training summary: rows, epochs, final loss, cross-validation. */
  training: Record<string, unknown>;
}

/** How a trainer turns a row into its numeric vector: numbers as they are (optionally standardised), strings one-hot. */
export interface FeatureEncoding {
  features: EncodedFeature[];
  /** Length of the resulting vector. */
  width: number;
}

export type EncodedFeature =
  | { column: string; kind: 'numeric'; mean: number; std: number; fill: number }
  | { column: string; kind: 'onehot'; categories: string[] };

export type PortValue = TableRef | ModelBundle | TransformValue | MetricsValue;
