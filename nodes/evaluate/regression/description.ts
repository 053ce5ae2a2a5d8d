import { z } from 'zod';
import { columnParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    label: columnParam().optional(),
  })
  .strict();

export const evaluateRegressionDescription = describeNode({
  type: 'evaluate.regression',
  version: 1,
  category: 'evaluate',
  title: 'Regression metrics',
  description: 'MAE, RMSE, R² and residuals of scored rows.',
  docs: {
    summary:
      'Compares the `prediction` column of a scored table with the true numbers: mean absolute error, root mean ' +
      'squared error (both in the label’s units) and R² (1 is perfect, 0 is no better than always predicting the ' +
      'mean, below 0 worse). `baselineRmse` and `baselineMae` are the errors of always predicting the mean ' +
      '(`baselineR2` is its R², 0): a model must beat them, and the studio flags one that does not. Also gives up to 1000 (actual, predicted, residual) points, spread evenly over the ' +
      'rows, for a residual plot. Rows without a true value or a prediction are left out.',
    params: {
      label:
        'The column with the true numbers. Empty: the label of the model that scored the table (evaluate.score records it).',
    },
    example: '{ "type": "evaluate.regression", "params": { "label": "price" } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'metrics', type: 'metrics' }],
  params,
  queue: 'cpu',
});
