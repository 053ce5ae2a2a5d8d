import { z } from 'zod';
import { encodeCompact } from '../feature-encoding.js';
import { defineTrainer, taskParam, taskParamDoc, trainerParamDocs, trainerParams } from '../define-trainer.js';
import type { FanOut, NodeContext } from '../../core/define-node.js';
import { NodeError } from '../../core/errors.js';
import type { FitData, FitHooks } from '../define-trainer.js';
import type { TreeArrays } from '../tree/tree-model.js';
import {
  forestOutputs,
  growForestTrees,
  predictForest,
  type ForestData,
  type ForestOptions,
  type ForestState,
} from './forest-model.js';
import { treeClassifierOnnx, treeRegressorOnnx } from '../tree/tree-onnx.js';

const params = z
  .object({
    ...trainerParams,
    task: taskParam,
    trees: z.number().int().min(1).max(2000).default(100),
    maxDepth: z.number().int().min(0).max(200).default(0),
    minSamplesLeaf: z.number().int().min(1).max(100_000).default(1),
    maxFeatures: z.enum(['auto', 'sqrt', 'log2', 'all']).default('auto'),
    seed: z.number().int().min(0).default(0),
    fanOut: z.enum(['auto', 'always', 'never']).default('auto'),
  })
  .strict();

type ForestParams = z.infer<typeof params>;

/**
 * From this many rows × trees (100,000 rows of 20 trees), with two workers or
 * more alive, `fanOut: auto` grows the trees as jobs across the workers:
 * below it, reading the table again on each worker costs more than it saves.
 */
export const FOREST_FAN_OUT_FROM = 2_000_000;

/** Trees `from` to `to` (excluded): one part of a forest grown as jobs. */
const treeRange = z
  .object({ from: z.number().int().min(0), to: z.number().int().min(1) })
  .strict()
  .refine((range) => range.from < range.to, 'an empty range of trees');
type TreeRange = z.infer<typeof treeRange>;

/** `trees` cut into `parts` ranges as even as can be, in order. */
function treeRanges(trees: number, parts: number): TreeRange[] {
  return Array.from({ length: parts }, (_, i) => ({
    from: Math.floor((i * trees) / parts),
    to: Math.floor(((i + 1) * trees) / parts),
  }));
}

function forestOptions(ctx: NodeContext, p: ForestParams, data: FitData): ForestOptions {
  return {
    ...(ctx.threads ? { threads: ctx.threads } : {}),
    trees: p.trees,
    maxDepth: p.maxDepth === 0 ? Infinity : p.maxDepth,
    minSamplesLeaf: p.minSamplesLeaf,
    maxFeatures: featuresPerSplit(p.maxFeatures, data.encoding.width, data.task === 'classification'),
    seed: p.seed,
  };
}

function forestData(data: FitData): ForestData {
  return {
    encoding: data.encoding,
    compact: encodeCompact(data.encoding, data.batch, data.rows),
    targets: data.targets,
    classCount: data.classCount,
  };
}

/** Whether this fit grows its trees as jobs over the workers (only the kept model's fit, never a fold's). */
function fansOut(
  ctx: NodeContext,
  p: ForestParams,
  data: FitData,
  hooks: FitHooks,
): ctx is NodeContext & {
  fanOut: FanOut;
} {
  if (!hooks.final || !ctx.fanOut || p.trees < 2 || p.fanOut === 'never') return false;
  return p.fanOut === 'always' || (ctx.fanOut.workers >= 2 && data.rows.length * p.trees >= FOREST_FAN_OUT_FROM);
}

/** Features drawn at each split: auto is √width for classes and every feature for numbers, as in scikit-learn. */
function featuresPerSplit(
  choice: z.infer<typeof params>['maxFeatures'],
  width: number,
  classification: boolean,
): number {
  const rule = choice === 'auto' ? (classification ? 'sqrt' : 'all') : choice;
  if (rule === 'all') return width;
  const count = rule === 'sqrt' ? Math.sqrt(width) : Math.log2(width);
  return Math.min(width, Math.max(1, Math.floor(count)));
}

export const forestTrainer = defineTrainer({
  algorithm: 'forest',
  title: 'Random forest',
  description: 'Train a random-forest classifier or regressor on the CPU.',
  docs: {
    summary:
      'Grows `trees` decision trees, each on a bootstrap sample of the rows and choosing every split among a ' +
      'random subset of the features (auto: √features for classes, all features for numbers, as in scikit-learn), ' +
      'and averages them: class probabilities for classifiers, the mean for regressors. Numbers keep their units, ' +
      'text features are one-hot encoded. Usually far more accurate than one tree; `seed` makes it repeatable.',
    params: {
      ...trainerParamDocs,
      task: taskParamDoc,
      trees: 'Number of trees.',
      maxDepth: 'Deepest level of splits of each tree; 0: no limit.',
      minSamplesLeaf: 'Fewest training rows a leaf may hold.',
      maxFeatures: 'Features tried at each split: auto, sqrt, log2 or all.',
      seed: 'Seeds the bootstrap samples and feature draws.',
      fanOut:
        'Grow the trees as jobs that idle workers take, each reading the same table: auto when rows × trees is ' +
        'at least 2,000,000 and two or more workers are alive; always; never. The forest is the same either way.',
    },
    example: '{ "type": "train.forest", "params": { "label": "churn", "trees": 100 } }',
  },
  params,
  queue: 'cpu',
  tasks: ['classification', 'regression'],
  standardize: false,
  async fit(ctx, data, p, hooks) {
    const options = forestOptions(ctx, p, data);
    let trees: TreeArrays[];
    if (fansOut(ctx, p, data, hooks)) {
      const ranges = treeRanges(p.trees, Math.min(p.trees, Math.max(2, ctx.fanOut.workers) * 2));
      let grown = 0;
      const parts = await ctx.fanOut.map<TreeRange, TreeArrays[]>(ranges, async (done, _index, part) => {
        grown += part.length;
        await hooks.progress(grown / p.trees, {
          detail: `tree ${grown} of ${p.trees} (${done} of ${ranges.length} jobs done)`,
        });
      });
      trees = parts.flat();
      ctx.log(`grew ${p.trees} trees as ${ranges.length} jobs over ${ctx.fanOut.workers} live workers`);
    } else {
      trees = await growForestTrees(
        forestData(data),
        { ...options, onTree: (done) => hooks.progress(done / p.trees, { detail: `tree ${done} of ${p.trees}` }) },
        0,
        p.trees,
      );
    }
    const nodes = trees.reduce((sum, tree) => sum + tree.feature.length, 0);
    const state: ForestState = { trees, outputs: forestOutputs(data) };
    return { state: { ...state }, summary: { trees: p.trees, maxFeatures: options.maxFeatures, nodes } };
  },
  async fitPart(ctx, data, p, part) {
    const range = treeRange.safeParse(part);
    if (!range.success || range.data.to > p.trees) {
      throw new NodeError(`a part of this forest must be a range of its ${p.trees} trees; got ${JSON.stringify(part)}`);
    }
    return growForestTrees(forestData(data), forestOptions(ctx, p, data), range.data.from, range.data.to);
  },
  predict: predictForest,
  onnx: {
    write(g, model, x) {
      const state = model.state as unknown as ForestState;
      if (model.task === 'classification')
        return treeClassifierOnnx(g, x, state.trees, state.outputs, 1 / state.trees.length);
      return treeRegressorOnnx(g, x, state.trees, 1, { scale: 1 / state.trees.length });
    },
  },
});
