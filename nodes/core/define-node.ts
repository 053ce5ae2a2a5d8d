import { z } from 'zod';
import type { PortSpec } from './ports.js';
import type { SchemaChange } from './datasets.js';
import type { ColumnInfo, PortValue, TableRef } from './values.js';
import type { TensorFlowApi } from './tensorflow.js';
import type { RowSample } from './row-sample.js';
import type { OnnxRuntimeApi } from './onnx-runtime.js';
import type { ProgressDetail } from '../contracts/run-events.js';

/** A node as validation and the compiled plan see it: its resolved params and where its inputs come from. */
export interface GraphNode {
  id: string;
  type: string;
  params: Record<string, unknown>;
  inputs: Record<string, { nodeId: string; port: string }>;
}

export const NODE_CATEGORIES = [
  'source',
  'sample',
  'explore',
  'clean',
  'feature',
  'split',
  'train',
  'model',
  'evaluate',
  'transform',
  'deploy',
] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/** Which worker queue runs a node: data nodes on cpu, training where a GPU worker exists. */
export type NodeQueue = 'cpu' | 'gpu';

export type SqlValue = number | bigint | string | boolean | null;

export interface ColumnBatch {
  columns: ColumnInfo[];
  rowCount: number;
  /** One array per column: Float64Array for numeric columns (NaN = missing), otherwise values with null = missing. */
  values: (Float64Array | (string | boolean | null)[])[];
}

export interface WriteTableOptions {
  transforms?: TableRef['transforms'];
  lazy?: boolean;
}

/** DuckDB, sandboxed to the job: no file access beyond the job's own files. */
export interface SqlEngine {
  all(sql: string): Promise<Record<string, SqlValue>[]>;
  exec(sql: string): Promise<void>;
  columns(sql: string): Promise<ColumnBatch>;
  describe(sql: string): Promise<ColumnInfo[]>;
  /** A SQL table expression reading a table value, e.g. `read_parquet('…')`. */
  from(table: TableRef): string;
  /**
   * A select of the table's rows in their order with their number (from 1) added as the column `column`, as
   * `SELECT *, row_number() OVER () AS column FROM …` gives them — without that single-threaded numbering pass
   * where the table is held whole in this instance.
   */
  numbered(table: TableRef, column: string): Promise<string>;
  /**
   * Materialises a query as the node's output table on `port`. `lazy`: the select cannot fail on any row (it
   * casts nothing that may not convert, calls nothing that may raise), so a fused unit may keep a select that
   * only projects and filters the rows of its inputs as a view, computed when read, instead of copying its rows.
   */
  writeTable(port: string, selectSql: string, options?: WriteTableOptions): Promise<TableRef>;
  /**
   * Loads values computed in the node (e.g. predictions) as a table named
   * `name` that later queries of this job can join; returns the quoted name.
   */
  createTable(name: string, batch: ColumnBatch): Promise<string>;
}

export interface ArtifactAccess {
  /**
   * Resolves a user-given file path against the directories this run may
   * read, and makes it readable by ctx.sql. Returns the path to use in SQL.
   * Throws a NodeError naming `param` when the path is outside them or absent.
   */
  stageFile(path: string, param: string): Promise<string>;
  /** The bytes of a user-given file, resolved and refused as stageFile does (an imported model's .onnx). */
  readFile(path: string, param: string): Promise<Uint8Array>;
  /**
   * Makes a version of a named dataset of the run's workspace readable by
   * ctx.sql: `version` when given, else the latest. Throws a NodeError naming
   * `param` when the name or version does not exist.
   */
  stageDataset(name: string, version: number | undefined, param: string): Promise<StagedDataset>;
}

/** A dataset version staged for a job: the path to use in SQL, and what it is. */
export interface StagedDataset {
  file: string;
  name: string;
  version: number;
  format: 'csv' | 'parquet';
  /** The field separator found when a CSV version was made. */
  delimiter?: string;
  /** How its columns differ from the version before it, when they do. */
  schemaChange?: SchemaChange;
}

/**
 * Databases configured on the server by name (`PIPEWRIGHT_CONNECTIONS`,
 * `PIPEWRIGHT_CONNECTION_<NAME>`): a pipeline names one, never holds its secret.
 */
export interface ConnectionAccess {
  /**
   * Runs a read-only query on the named connection and gives its rows.
   * Throws a NodeError naming `param` when no connection has that name, and
   * one naming `queryParam` when the database refuses the query.
   */
  query(connection: string, sql: string, where: { param: string; queryParam: string }): Promise<ColumnBatch>;
}

/** What `ctx.progress(pct, detail)` adds to a node's progress event: the run-event contract's. */
export type { ProgressDetail };

export interface NodeContext {
  readonly runId: string;
  readonly nodeId: string;
  /** Key unique to this job's inputs and params; fitted transforms use it as their id. */
  readonly jobKey: string;
  readonly sql: SqlEngine;
  readonly tf: TensorFlowApi;
  /** onnxruntime, where the worker has it: imported ONNX models are read and scored with it. */
  readonly onnx?: OnnxRuntimeApi;
  readonly artifacts: ArtifactAccess;
  readonly connections: ConnectionAccess;
  readonly signal: AbortSignal;
  /**
   * Worker threads for CPU-heavy loops (trees of a forest): absent where
   * there are none (a browser, a bare test ctx), and then a node runs the
   * same work in its own thread.
   */
  readonly threads?: ThreadPool;
  /**
   * Jobs on the worker queue for parts of this node (a forest's trees, a
   * tuning node's trials): absent where there is no queue (a browser, a bare
   * test ctx, a part job itself) or the node defines no `runPart`, and then a
   * node does the work itself.
   */
  readonly fanOut?: FanOut;
  /**
   * Set on a source whose only reader is a sampling node (`sampleToPush`):
   * the sample to read instead of all its rows, where it can read less.
   */
  readonly sample?: RowSample;
  progress(pct: number, detail?: ProgressDetail): void;
  log(message: string, level?: 'info' | 'warn' | 'error'): void;
}

/**
 * A pure function of a module (`kernel.module`, an import.meta.url-relative
 * URL, and its export `kernel.name`) called as fn(shared, task) on worker
 * threads: `shared` goes to each thread once (structured clone), tasks are
 * handed out one at a time to whichever thread is free, and the results
 * come back in task order — the same as calling fn in a loop, whatever
 * finished first. Cancelled with the job's signal.
 */
export interface ThreadPool {
  /** Threads it runs at once. */
  readonly size: number;
  map<S, T, R>(
    kernel: { module: string; name: string },
    shared: S,
    tasks: T[],
    onResult?: (done: number) => Promise<void> | void,
  ): Promise<R[]>;
  /**
   * Runs fn(tf, shared, thread) once on each of `size` threads at once, each
   * thread with its own TensorFlow.js on this worker's backend, and answers
   * their results in thread order: for work whose threads cooperate through
   * SharedArrayBuffers in `shared` (data-parallel training). fn may be
   * async. Absent where the worker's backend does not compute in this
   * process's threads (a GPU or libtensorflow, which use every core
   * already), and where the worker was not asked for threads
   * (PIPEWRIGHT_THREADS): threads that wait for each other lose on cores
   * that other work shares.
   */
  withTensorFlow?<S, R>(kernel: { module: string; name: string }, shared: S): Promise<R[]>;
}

/**
 * Parts of one node's work as jobs that any idle worker takes: each job runs
 * the node's `runPart` on the same inputs and params, reading the same
 * Parquet from the artifact store, and its result comes back here. A part
 * must be a pure function of its argument: the parts' results are the same
 * whichever worker ran them, and a part already done (the node's job run
 * again after its worker died) is not run again.
 */
export interface FanOut {
  /** Workers alive now, this one included: fanning out over fewer than two gains nothing. */
  readonly workers: number;
  /**
   * Runs `runPart(ctx, inputs, params, part)` for each part as its own job;
   * the results come back in part order. `onResult` is called as each part
   * finishes, in the order they finish, with the name of the worker that
   * ran it (where known). Cancelled with the job's signal; a part that
   * fails fails the node with its error.
   */
  map<T, R>(
    parts: T[],
    onResult?: (done: number, index: number, result: R, worker?: string) => Promise<void> | void,
  ): Promise<R[]>;
}

/** Inputs by port name; a port that takes several connections gets an array. */
export type NodeInputs = Record<string, PortValue | undefined>;
export type NodeOutputs = Record<string, PortValue>;

export interface NodeDocs {
  summary: string;
  params?: Record<string, string>;
  example?: string;
}

/**
 * A node as the studio, validation and the compiler see it: what it is, its
 * ports and its params, never how it runs. The studio bundles descriptions
 * only (descriptions.ts), so a node's run code and what it imports stay out
 * of the browser.
 */
export interface NodeDescription<P extends z.ZodObject = z.ZodObject> {
  type: string;
  version: number;
  category: NodeCategory;
  title: string;
  description: string;
  docs: NodeDocs;
  inputs: PortSpec[];
  outputs: PortSpec[];
  params: P;
  queue: NodeQueue;
  /** Names the param holding a file path whose content changes must invalidate the cache. */
  fileParam?: keyof z.infer<P> & string;
  /**
   * Names the param holding a named dataset (a `version` param beside it pins
   * one): the server pins the latest version when a run starts, and that
   * version's fingerprint joins the cache key.
   */
  datasetParam?: keyof z.infer<P> & string;
  /**
   * What params alone cannot say: whether the node fits where it sits in the graph (deploy.service's
   * `ifBetter` needs an evaluation of its model). Each problem names a param of this node.
   */
  checkGraph?(node: GraphNode, graph: GraphNode[]): { param?: string; message: string }[];
  /** A source that can read a sample of its data itself (ctx.sample) without reading all of it. */
  readsSample?: boolean;
  /**
   * A node that keeps a sample of its `in` table: the simple sample its params
   * ask for, which the compiler hands to the source before it when that source
   * `readsSample` and this node is its only reader; undefined when it cannot be.
   */
  sampleToPush?(params: z.infer<P>): RowSample | undefined;
}

/** A node as a worker runs it: its description and its run code. */
export interface NodeDefinition<P extends z.ZodObject = z.ZodObject> extends NodeDescription<P> {
  run(ctx: NodeContext, inputs: NodeInputs, params: z.infer<P>): Promise<NodeOutputs>;
  /**
   * One part of the node's work that `run` handed to `ctx.fanOut`, run as its own job on any worker:
   * a JSON-able result of a JSON-able part, a pure function of them, the inputs and the params.
   */
  runPart?(ctx: NodeContext, inputs: NodeInputs, params: z.infer<P>, part: unknown): Promise<unknown>;
}

export type AnyNodeDefinition = NodeDefinition<z.ZodObject>;
export type AnyNodeDescription = NodeDescription<z.ZodObject>;

/** A node's description, in a file of its own that imports nothing its run needs. */
export function describeNode<P extends z.ZodObject>(description: NodeDescription<P>): NodeDescription<P> {
  return description;
}

export function defineNode<P extends z.ZodObject>(definition: NodeDefinition<P>): NodeDefinition<P> {
  return definition;
}

/** JSON Schema of a node's params, for forms in the studio and the OpenAPI document. */
export function paramsJsonSchema(node: AnyNodeDescription): Record<string, unknown> {
  return z.toJSONSchema(node.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
