import { z } from 'zod';
import { columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';
import { fittedNodePorts } from '../../core/fitted-output.js';

export const STRATEGIES = ['drop', 'mean', 'median', 'mode', 'constant'] as const;

const params = z
  .object({
    columns: columnsParam().default([]),
    strategy: z.enum(STRATEGIES).default('mean'),
    value: z.union([z.number(), z.string(), z.boolean()]).optional(),
  })
  .strict();

export const cleanMissingDescription = describeNode({
  type: 'clean.missing',
  version: 1,
  category: 'clean',
  title: 'Missing values',
  description: 'Fill in or drop missing values, learning the fill values from this table.',
  docs: {
    summary:
      'Fills missing cells with the mean, median or most frequent value of their column, or a constant — or drops ' +
      'the rows that have them. The fill values are learned from the table it receives (put it after a split, on the ' +
      'train side) and travel with the model, so test rows and live requests are filled the same way; rows being ' +
      'scored are never dropped.',
    params: {
      columns:
        'Columns to treat. Empty: every column the strategy fits (numeric columns for mean and median, all columns otherwise).',
      strategy:
        'drop: remove rows with a missing value; mean / median: the column’s mean or median (over 200,000 rows, the median of a fixed sample of 100,000–200,000 of them, as the run’s log says); mode: its most frequent value; constant: `value`.',
      value: 'The fill value for the constant strategy (a number for numeric columns).',
    },
    example: '{ "type": "clean.missing", "params": { "strategy": "median" } }',
  },
  ...fittedNodePorts,
  params,
  queue: 'cpu',
});
