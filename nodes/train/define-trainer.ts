import { z } from 'zod';
import { columnParam, columnsParam } from '../core/column-params.js';
import { defineNode, type NodeDefinition, type NodeDocs, type NodeQueue } from '../core/define-node.js';
import type { ColumnBatch, NodeContext, ProgressDetail } from '../core/define-node.js';
import type { Tensor, TensorFlowApi } from '../core/tensorflow.js';
import type { FeatureEncoding, ModelTask } from '../core/values.js';
import type { RowSelection } from './feature-encoding.js';
import type { ModelView } from './model-state.js';
import type { OnnxGraphBuilder } from './onnx/onnx-graph.js';
import { trainModel } from './train-model.js';
import type { TaskParam } from './trainer-input.js';

/**
 * A trainer is one declaration: its params and docs (the node the studio
 * shows), how it fits, and how its models score rows. Scoring, cross-
 * validation and serving find `predict` and the fast `kernels` through the
 * trainer catalog (trainers.ts) by the bundle's `algorithm`, which is the
 * node type's second half: `train.<algorithm>`.
 */
export interface TrainerSpec<A extends string, P extends z.ZodObject> {
  algorithm: A;
  /** The node's version (default 1). */
  version?: number;
  title: string;
  description: string;
  docs: NodeDocs;
  params: P;
  queue: NodeQueue;
  /**
   * What its models do. One task: always that one. Classification and
   * regression: as the trainer's `task` param (taskParam) says, `auto`
   * judging by the label.
   */
  tasks: TrainerTasks<z.infer<P>>;
  /** Whether numeric features are standardised (distance and gradient models) or kept in their units. */
  standardize: boolean;
  fit(ctx: NodeContext, data: FitData, params: z.infer<P>, hooks: FitHooks): Promise<FitResult>;
  /** The model's outputs for rows of a batch, in plain JavaScript (see Predictor). */
  predict: Predictor;
  /** Faster forms of `predict` that serving takes where they exist. */
  kernels?: TrainerKernels;
  /** How its models are written as ONNX operators, or why they cannot be (the studio shows the reason). */
  onnx: OnnxExport;
}

/**
 * A model as ONNX operators: `write` adds the operators that turn the
 * encoded rows `x` (FLOAT, N × encoding.width, exactly the Float32 rows
 * encodeFeatures gives) into the model's outputs — FLOAT N × classes
 * probabilities, FLOAT N × 1 numbers, or INT64 N cluster indices — and
 * returns that value's name.
 */
export type OnnxExport = { write(graph: OnnxGraphBuilder, model: ModelView, x: string): string } | { cannot: string };

export type TrainerTasks<Params> =
  | readonly ['classification']
  | readonly ['regression']
  | readonly ['clustering']
  | (Params extends { task: TaskParam } ? readonly ['classification', 'regression'] : never);

/** A declared trainer: its spec and the `train.<algorithm>` node made of it. */
export interface Trainer<A extends string = string, P extends z.ZodObject = z.ZodObject> extends TrainerSpec<A, P> {
  node: NodeDefinition<P> & { type: `train.${A}` };
}

/** Any trainer of the catalog, whatever its params. */
export type AnyTrainer = Trainer<string, z.ZodObject>;

/**
 * Scores rows of `batch` (its feature columns, raw): classifiers give rows ×
 * classes probabilities (in the order of model.classes), regressors one
 * value per row, clustering one cluster index per row. Throws a NodeError
 * naming a damaged bundle when the state does not fit the encoding.
 */
export type Predictor = (model: ModelView, batch: ColumnBatch, rows?: RowSelection) => Float64Array;

/** `predict` of encoded rows (count × encoding.width, row-major, as encodeFeatures lays them out). */
export type EncodedPredictor = (x: Float32Array, count: number) => Float64Array;

/**
 * Faster forms of a trainer's `predict`, with the same outputs (tests hold
 * them to it): like TensorFlow.js kernels, one operation with a function per
 * place it runs. Each is built once per loaded model, after `predict` has
 * accepted the model's state.
 */
export interface TrainerKernels {
  /** Plain arithmetic on encoded rows, skipping the feature columns: the serving path for request rows. */
  encoded?(model: ModelView): EncodedPredictor;
  /** The same through TensorFlow.js, with the weights held as tensors. */
  tensors?: TensorKernel;
}

export interface TensorKernel {
  /**
   * From this many rows a call serving takes the tensor path, where
   * TensorFlow.js runs on a fast backend (measured: docs/performance.md);
   * absent, serving never does and the kernel is there to be measured.
   */
  fromRows?: number;
  /** The weights as tensors (kept), and the outputs of an encoded batch (rows × width), called inside tf.tidy. */
  load(tf: TensorFlowApi, model: ModelView): (x: Tensor) => Tensor;
}

/** The rows a fit learns from: indices into the batch, their targets and the encoding fitted on them. */
export interface FitData {
  batch: ColumnBatch;
  rows: Int32Array;
  encoding: FeatureEncoding;
  task: ModelTask;
  /** Class index per row (classification) or the number to predict (regression); empty for clustering. */
  targets: Int32Array | Float64Array;
  /** Number of classes (classification), 0 otherwise. */
  classCount: number;
}

export interface FitHooks {
  /** True for the model that is kept, false for a cross-validation fold. */
  final: boolean;
  /** Share of this fit done (0..1), with epoch and loss details; lets events and cancel through now and then. */
  progress(fraction: number, detail?: ProgressDetail): Promise<void>;
  signal: AbortSignal;
}

export interface FitResult {
  /** What `predict` reads: plain JSON, kept in the bundle. */
  state: Record<string, unknown>;
  /** Shown with the model (epochs, loss, tree sizes …). */
  summary?: Record<string, unknown>;
}

/** The params every trainer's schema gives, whatever else it takes. */
export interface BaseTrainerParams {
  features: string[];
  label?: string;
  folds?: number;
}

export function defineTrainer<A extends string, P extends z.ZodObject & z.ZodType<BaseTrainerParams>>(
  spec: TrainerSpec<A, P>,
): Trainer<A, P> {
  const type = `train.${spec.algorithm}` as const;
  const node = defineNode({
    type,
    version: spec.version ?? 1,
    category: 'train',
    title: spec.title,
    description: spec.description,
    docs: spec.docs,
    inputs: [{ name: 'in', type: 'table' }],
    outputs: [{ name: 'model', type: 'model' }],
    params: spec.params,
    queue: spec.queue,
    run: (ctx, inputs, params) => trainModel(ctx, inputs, params, spec),
  });
  return { ...spec, node: { ...node, type } };
}

/** The params every supervised trainer takes. */
export const trainerParams = {
  label: columnParam(),
  features: columnsParam().default([]),
  folds: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(0)
    .refine((k) => k !== 1, 'folds is 0 (no cross-validation) or at least 2'),
};

export const trainerParamDocs = {
  label: 'The column to predict.',
  features: 'Columns to learn from. Empty: every column except the label. Text columns are one-hot encoded.',
  folds: 'k for k-fold cross-validation (stratified for classes), reported with the model as mean ± std; 0: off.',
};

export const taskParam = z.enum(['auto', 'classification', 'regression']).default('auto');
export const taskParamDoc =
  'classification or regression; auto: text, boolean and whole-number labels with at most 20 values are classes, other numbers regression.';
