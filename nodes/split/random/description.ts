import { z } from 'zod';
import { columnParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    fraction: z.number().gt(0).lt(1).default(0.8),
    seed: z.number().int().default(42),
    stratify: columnParam().optional(),
  })
  .strict();

export const splitRandomDescription = describeNode({
  type: 'split.random',
  version: 1,
  category: 'split',
  title: 'Train/test split',
  description: 'Split rows at random into a train and a test table.',
  docs: {
    summary:
      'Shuffles the rows with a seeded hash and gives the first `fraction` of them on `train`, the rest on `test` ' +
      '(both in their original order). The same table and seed always give the same split. With `stratify`, every ' +
      'value of that column keeps its share on both sides.',
    params: {
      fraction: 'Share of rows for training, between 0 and 1 (default 0.8: 80 % train, 20 % test).',
      seed: 'Any whole number; change it for a different shuffle.',
      stratify: 'A column (usually the label) whose value proportions both sides keep.',
    },
    example: '{ "type": "split.random", "params": { "fraction": 0.8, "seed": 42, "stratify": "diagnosis" } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [
    { name: 'train', type: 'table' },
    { name: 'test', type: 'table' },
  ],
  params,
  queue: 'cpu',
});
