import { z } from 'zod';
import { columnParam, columnsParam } from '../core/column-params.js';
import type { NodeDescription, NodeDocs, NodeQueue } from '../core/define-node.js';
import type { TaskParam } from './trainer-input.js';

/**
 * What a trainer is, without how it fits or scores: its params and docs (the
 * `train.<algorithm>` node the studio shows) and what its models do. Each
 * trainer folder keeps it in `description.ts`, which imports nothing its fit
 * needs, so the studio bundles descriptions and no trainer.
 */
export interface TrainerDescription<A extends string = string, P extends z.ZodObject = z.ZodObject> {
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
  /** Why its models cannot be written as ONNX (the studio shows the reason); absent, its run code writes them. */
  onnx?: { cannot: string };
  /** The `train.<algorithm>` node made of it. */
  node: NodeDescription<P> & { type: `train.${A}` };
}

export type TrainerTasks<Params> =
  | readonly ['classification']
  | readonly ['regression']
  | readonly ['clustering']
  | (Params extends { task: TaskParam } ? readonly ['classification', 'regression'] : never);

/** Any trainer's description, whatever its params. */
export type AnyTrainerDescription = TrainerDescription<string, z.ZodObject>;

/** The params every trainer's schema gives, whatever else it takes. */
export interface BaseTrainerParams {
  features: string[];
  label?: string;
  folds?: number;
}

export function describeTrainer<A extends string, P extends z.ZodObject & z.ZodType<BaseTrainerParams>>(
  spec: Omit<TrainerDescription<A, P>, 'node'>,
): TrainerDescription<A, P> {
  const type = `train.${spec.algorithm}` as const;
  const node: NodeDescription<P> & { type: typeof type } = {
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
  };
  return { ...spec, node };
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
