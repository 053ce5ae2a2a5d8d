import { z } from 'zod';
import { columnParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    label: columnParam().optional(),
    repeats: z.number().int().min(1).max(100).default(5),
    seed: z.number().int().min(0).default(42),
  })
  .strict();

export const evaluateImportanceDescription = describeNode({
  type: 'evaluate.importance',
  version: 1,
  category: 'evaluate',
  title: 'Permutation importance',
  description: 'How much each feature matters to a model: the score lost when its values are shuffled.',
  docs: {
    summary:
      'Scores the rows with the model (after the fitted preprocessing it was trained after), then shuffles one ' +
      'feature column at a time, `repeats` times, and measures how much accuracy (classifiers) or R² (regressors) ' +
      'drops. Gives one importance (mean drop ± std) per feature, most important first. Use withheld rows, e.g. ' +
      'the test side of a split: the table needs the feature columns and the true label.',
    params: {
      label: 'The column with the true values. Empty: the model’s label.',
      repeats: 'Shuffles per feature; the importance is their mean drop.',
      seed: 'Seeds the shuffles: the same seed gives the same importances.',
    },
    example: '{ "type": "evaluate.importance", "params": { "repeats": 5 } }',
  },
  inputs: [
    { name: 'model', type: 'model' },
    { name: 'in', type: 'table' },
  ],
  outputs: [{ name: 'metrics', type: 'metrics' }],
  params,
  queue: 'cpu',
});
