import { z } from 'zod';
import { encodeCompact } from '../feature-encoding.js';
import { defineTrainer, taskParam, taskParamDoc, trainerParamDocs, trainerParams } from '../define-trainer.js';
import { growForest, predictForest, type ForestState } from './forest-model.js';
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
  })
  .strict();

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
    },
    example: '{ "type": "train.forest", "params": { "label": "churn", "trees": 100 } }',
  },
  params,
  queue: 'cpu',
  tasks: ['classification', 'regression'],
  standardize: false,
  async fit(ctx, data, p, hooks) {
    const width = data.encoding.width;
    const maxFeatures = featuresPerSplit(p.maxFeatures, width, data.task === 'classification');
    const state = await growForest(
      {
        encoding: data.encoding,
        compact: encodeCompact(data.encoding, data.batch, data.rows),
        targets: data.targets,
        classCount: data.classCount,
      },
      {
        ...(ctx.threads ? { threads: ctx.threads } : {}),
        trees: p.trees,
        maxDepth: p.maxDepth === 0 ? Infinity : p.maxDepth,
        minSamplesLeaf: p.minSamplesLeaf,
        maxFeatures,
        seed: p.seed,
        onTree: (done) => hooks.progress(done / p.trees, { detail: `tree ${done} of ${p.trees}` }),
      },
    );
    const nodes = state.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
    return { state: { ...state }, summary: { trees: p.trees, maxFeatures, nodes } };
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
