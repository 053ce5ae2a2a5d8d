import { z } from 'zod';
import { columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    columns: columnsParam().default([]),
    bins: z.number().int().min(1).max(100).default(10),
    top: z.number().int().min(1).max(50).default(5),
  })
  .strict();

export const exploreProfileDescription = describeNode({
  type: 'explore.profile',
  version: 1,
  category: 'explore',
  title: 'Profile',
  description: 'Describe every column: type, missing, distinct, statistics, quantiles, top values and a histogram.',
  docs: {
    summary:
      'Looks at each column of the table and reports its type, how many values it has and how many are missing, ' +
      'how many distinct values, its smallest and largest value, and for numbers the mean, standard deviation ' +
      '(sample, n − 1), the 5/25/50/75/95 % quantiles (linear interpolation, as numpy) and an equal-width histogram; ' +
      'for every column its most frequent values. The result is on `metrics` (under `profile`), shown in the studio.',
    params: {
      columns: 'Columns to profile. Empty: every column.',
      bins: 'Histogram bars for numeric columns (default 10).',
      top: 'How many of the most frequent values to list (default 5).',
    },
    example: '{ "type": "explore.profile", "params": { "columns": ["age", "income"], "bins": 20 } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'metrics', type: 'metrics' }],
  params,
  queue: 'cpu',
});
