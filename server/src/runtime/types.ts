import type {
  FanOut,
  NodeFailure,
  NodeRegistry,
  PortValue,
  ProgressDetail,
  SchemaChange,
  TensorFlowApi,
} from '@pipewright/nodes';
import type { SqlLimits } from './duckdb-sandbox.js';

/** One node to run: what the worker hands to executeNode. */
export interface ExecuteNodeRequest {
  runId: string;
  nodeId: string;
  type: string;
  version: number;
  /** Resolved and defaulted params (from the plan). */
  params: Record<string, unknown>;
  /** Upstream outputs by input port name. */
  inputs: Record<string, PortValue>;
  /** When false, the node runs even if its outputs are stored under the same key. */
  useCache: boolean;
  /** The sample the plan asks this source to read instead of all its rows (PlanJob.sample). */
  sample?: import('@pipewright/nodes').RowSample;
}

export interface ExecuteNodeDeps {
  store: import('./artifact-store.js').ArtifactStore;
  /** The loaded TensorFlow.js module (see loadTensorFlow). */
  tf: TensorFlowApi;
  /** Directories a source node may read; relative paths resolve against them in order. */
  dataDirs: string[];
  /**
   * A last say on each file a source node resolved (its real path): a refused
   * file reads as not found. The worker refuses other workspaces' datasets.
   */
  mayRead?(realPath: string): Promise<boolean>;
  /** Finds the named datasets of the run's workspace; without it a node that names a dataset fails. */
  datasets?: DatasetResolver;
  /** Scratch space; each job gets its own directory inside, removed afterwards. */
  workDir: string;
  signal: AbortSignal;
  onProgress(pct: number, detail: ProgressDetail): void;
  onLog(level: 'info' | 'warn' | 'error', message: string): void;
  /** Memory, threads and statement time limit of the job's DuckDB (defaults: DEFAULT_SQL_LIMITS). */
  sqlLimits?: Partial<SqlLimits>;
  /** Named database connections (name → postgres:// URL) that source.postgres may query. */
  connections?: Readonly<Record<string, string>>;
  /**
   * Hands parts of the node's work to other workers (NodeFanOut): given the
   * job's key, the ctx's `fanOut`. Absent: a node does all its work itself.
   */
  fanOut?(jobKey: string): Promise<FanOut>;
  /** The most rows a source.postgres query may give (DEFAULT_POSTGRES_ROW_LIMIT when absent). */
  postgresRowLimit?: number;
  /** Where node types are looked up; the catalog's registry when absent. */
  registry?: NodeRegistry;
  /**
   * The fused unit this node runs in (consecutive data nodes of a run on this worker, sharing one DuckDB):
   * absent, the node runs in a sandbox and directory of its own.
   */
  unit?: import('./fused-unit.js').FusedUnit;
}

export interface ExecuteNodeResult {
  /** Cache key of this job: hash of type, version, canonical params, input keys (and a source file's fingerprint). */
  key: string;
  cached: boolean;
  outputs: Record<string, PortValue>;
  durationMs: number;
}

/** Thrown by executeNode: what the run records as the node's error. */
export class NodeRunError extends Error {
  /** True when the node stopped because the run was cancelled, not because it failed. */
  readonly cancelled: boolean;

  constructor(
    readonly nodeId: string,
    readonly failure: NodeFailure,
    options: { cancelled?: boolean } = {},
  ) {
    super(`node "${nodeId}": ${failure.message}`);
    this.name = 'NodeRunError';
    this.cancelled = options.cancelled ?? false;
  }
}

/** A version of a named dataset, found for a job. */
export interface ResolvedDataset {
  name: string;
  version: number;
  format: 'csv' | 'parquet';
  /** The version's file, resolved (what the job stages). */
  realPath: string;
  /** Of the file's content: joins the job's cache key. */
  fingerprint: string;
  delimiter?: string;
  schemaChange?: SchemaChange;
}

export interface DatasetResolver {
  /**
   * The version `version` of dataset `name`, or its latest; a NodeError
   * naming `param` when there is no such dataset or version.
   */
  resolve(name: string, version: number | undefined, param: string): Promise<ResolvedDataset>;
}
