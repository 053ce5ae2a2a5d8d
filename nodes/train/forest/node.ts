import { z } from 'zod';
import { encodeCompact } from '../feature-encoding.js';
import { defineTrainer } from '../define-trainer.js';
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
import { forestDescription } from './description.js';

type ForestParams = z.infer<typeof forestDescription.params>;

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
  choice: z.infer<typeof forestDescription.params>['maxFeatures'],
  width: number,
  classification: boolean,
): number {
  const rule = choice === 'auto' ? (classification ? 'sqrt' : 'all') : choice;
  if (rule === 'all') return width;
  const count = rule === 'sqrt' ? Math.sqrt(width) : Math.log2(width);
  return Math.min(width, Math.max(1, Math.floor(count)));
}

export const forestTrainer = defineTrainer(forestDescription, {
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
