import { z } from 'zod';
import { columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';
import { fittedNodePorts } from '../../core/fitted-output.js';

const METHODS = ['iqr', 'zscore'] as const;
export type Method = (typeof METHODS)[number];

const params = z
  .object({
    columns: columnsParam().default([]),
    method: z.enum(METHODS).default('iqr'),
    action: z.enum(['clip', 'drop']).default('clip'),
    threshold: z.number().positive().optional(),
  })
  .strict();

export const cleanOutliersDescription = describeNode({
  type: 'clean.outliers',
  version: 1,
  category: 'clean',
  title: 'Outliers',
  description: 'Clip or drop values far outside the usual range (IQR or z-score), learning the range from this table.',
  docs: {
    summary:
      'Learns a normal range per numeric column from the table it receives — IQR: from Q1 − t × IQR to Q3 + t × IQR ' +
      '(linear-interpolation quartiles); z-score: mean ± t standard deviations (population) — and clips values ' +
      'outside it to its edge, or drops their rows. The range travels with the model: test rows and live requests ' +
      'are clipped to it, never dropped. Missing values are left alone.',
    params: {
      columns: 'Numeric columns to check. Empty: every numeric column (name them to leave the label alone).',
      method:
        'iqr (default) or zscore. Over 200,000 rows, the quartiles are read from a fixed sample of 100,000–200,000 of them (as the run’s log says).',
      action: 'clip (default): move outside values to the range’s edge; drop: remove their rows (while fitting only).',
      threshold: 't: 1.5 for iqr and 3 for zscore unless given.',
    },
    example: '{ "type": "clean.outliers", "params": { "columns": ["age", "bmi"], "method": "iqr", "action": "clip" } }',
  },
  ...fittedNodePorts,
  params,
  queue: 'cpu',
});
