import { z } from 'zod';
import { columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';
import { fittedNodePorts } from '../../core/fitted-output.js';

const METHODS = ['standard', 'min-max', 'robust'] as const;
export type Method = (typeof METHODS)[number];

const params = z
  .object({
    columns: columnsParam().default([]),
    method: z.enum(METHODS).default('standard'),
  })
  .strict();

export const featureScaleDescription = describeNode({
  type: 'feature.scale',
  version: 1,
  category: 'feature',
  title: 'Scale',
  description: 'Standardise, min-max or robust-scale numeric columns, learning the scale from this table.',
  docs: {
    summary:
      'Rescales numeric columns with values learned from the table it receives: standard — (x − mean) / std ' +
      '(population std, as scikit-learn’s StandardScaler); min-max — (x − min) / (max − min), so the fitted range ' +
      'becomes 0…1; robust — (x − median) / IQR. A column with no spread is only centred. The learned values travel ' +
      'with the model, so test rows and live requests are scaled exactly as the training rows were.',
    params: {
      columns: 'Numeric columns to scale. Empty: every numeric column (name them to leave a numeric label alone).',
      method:
        'standard (default), min-max or robust. Over 200,000 rows, robust reads its medians and quartiles from a fixed sample of 100,000–200,000 of them (as the run’s log says).',
    },
    example: '{ "type": "feature.scale", "params": { "columns": ["age", "bmi"], "method": "standard" } }',
  },
  ...fittedNodePorts,
  params,
  queue: 'cpu',
});
