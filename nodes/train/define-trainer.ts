import { z } from 'zod';
import type { NodeDefinition } from '../core/define-node.js';
import type { ColumnBatch, NodeContext, NodeInputs, ProgressDetail } from '../core/define-node.js';
import type { Tensor, TensorFlowApi } from '../core/tensorflow.js';
import type { FeatureEncoding, ModelTask } from '../core/values.js';
import type { RowSelection } from './feature-encoding.js';
import type { ModelView } from './model-state.js';
import type { OnnxGraphBuilder } from './onnx/onnx-graph.js';
import { prepareFit, trainModel } from './train-model.js';
import type { BaseTrainerParams, TrainerDescription } from './trainer-description.js';

/**
 * How a trainer fits and how its models score rows, beside its description
 * (description.ts). Scoring, cross-validation and serving find `predict` and
 * the fast `kernels` through the trainer catalog (trainers.ts) by the
 * bundle's `algorithm`, which is the node type's second half: `train.<algorithm>`.
 */
export interface TrainerRun<P extends z.ZodObject> {
  fit(ctx: NodeContext, data: FitData, params: z.infer<P>, hooks: FitHooks): Promise<FitResult>;
  /**
   * A part of a fit that `fit` handed to `ctx.fanOut` (a forest's trees), run on another worker over the
   * same data: the node's `runPart`.
   */
  fitPart?(ctx: NodeContext, data: FitData, params: z.infer<P>, part: unknown): Promise<unknown>;
  /** The model's outputs for rows of a batch, in plain JavaScript (see Predictor). */
  predict: Predictor;
  /** Faster forms of `predict` that serving takes where they exist. */
  kernels?: TrainerKernels;
  /** How its models are written as ONNX operators; absent only where the description says why they cannot be. */
  onnx?: OnnxWriter;
}

/** A declared trainer: its description, its run code and the `train.<algorithm>` node made of them. */
export interface Trainer<A extends string = string, P extends z.ZodObject = z.ZodObject>
  extends Omit<TrainerDescription<A, P>, 'node' | 'onnx'>, Omit<TrainerRun<P>, 'onnx'> {
  /** How its models are written as ONNX operators, or why they cannot be. */
  onnx: OnnxExport;
  node: NodeDefinition<P> & { type: `train.${A}` };
}

/**
 * A model as ONNX operators: `write` adds the operators that turn the
 * encoded rows `x` (FLOAT, N × encoding.width, exactly the Float32 rows
 * encodeFeatures gives) into the model's outputs — FLOAT N × classes
 * probabilities, FLOAT N × 1 numbers, or INT64 N cluster indices — and
 * returns that value's name.
 */
export interface OnnxWriter {
  write(graph: OnnxGraphBuilder, model: ModelView, x: string): string;
}
export type OnnxExport = OnnxWriter | { cannot: string };

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

export function defineTrainer<A extends string, P extends z.ZodObject & z.ZodType<BaseTrainerParams>>(
  description: TrainerDescription<A, P>,
  run: TrainerRun<P>,
): Trainer<A, P> {
  const onnx = description.onnx ?? run.onnx;
  if (!onnx) throw new Error(`train.${description.algorithm} neither writes ONNX nor says why it cannot`);
  const trainer: Omit<Trainer<A, P>, 'node'> = { ...description, ...run, onnx };
  const node: NodeDefinition<P> & { type: `train.${A}` } = {
    ...description.node,
    run: (ctx, inputs, params) => trainModel(ctx, inputs, params, trainer),
    ...(run.fitPart
      ? {
          runPart: async (ctx: NodeContext, inputs: NodeInputs, params: z.infer<P>, part: unknown) => {
            const { data } = await prepareFit(ctx, inputs, params, trainer);
            return run.fitPart?.(ctx, data, params, part);
          },
        }
      : {}),
  };
  return { ...trainer, node };
}

export {
  describeTrainer,
  taskParam,
  taskParamDoc,
  trainerParamDocs,
  trainerParams,
  type AnyTrainerDescription,
  type BaseTrainerParams,
  type TrainerDescription,
  type TrainerTasks,
} from './trainer-description.js';
