import { z } from 'zod';
import {
  columnParam,
  defineNode,
  NodeError,
  quoteIdent,
  requireColumn,
  tableInput,
  type MetricsValue,
} from '../../core/index.js';
import { regressionMetrics } from '../regression-metrics.js';
import { scoredLabelColumn } from '../scored-label.js';

const params = z
  .object({
    label: columnParam().optional(),
  })
  .strict();

export const evaluateRegression = defineNode({
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
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const label = scoredLabelColumn(input, p.label, 'true-value');
    const prediction = requireColumn(input, 'prediction');
    for (const column of [label, prediction]) {
      if (column.type !== 'number') {
        throw new NodeError(
          `column "${column.name}" holds ${column.type} values; regression metrics compare numbers (use evaluate.classification for classes)`,
          { column: column.name, ...(column === label && p.label ? { param: 'label' } : {}) },
        );
      }
    }
    const batch = await ctx.sql.columns(
      `SELECT CAST(${quoteIdent(label.name)} AS DOUBLE) AS truth, CAST(prediction AS DOUBLE) AS predicted
       FROM ${ctx.sql.from(input)}
       WHERE ${quoteIdent(label.name)} IS NOT NULL AND prediction IS NOT NULL
         AND NOT isnan(CAST(${quoteIdent(label.name)} AS DOUBLE)) AND NOT isnan(CAST(prediction AS DOUBLE))`,
    );
    const skipped = input.rows - batch.rowCount;
    if (skipped > 0) ctx.log(`left out ${skipped} rows without a true value or a prediction`, 'warn');
    if (batch.rowCount === 0) {
      throw new NodeError(`no row has both a value in "${label.name}" and a prediction`, { column: label.name });
    }
    const m = regressionMetrics(batch.values[0] as Float64Array, batch.values[1] as Float64Array);
    ctx.log(`R² ${m.r2.toFixed(4)}, RMSE ${m.rmse.toPrecision(5)}, MAE ${m.mae.toPrecision(5)} on ${m.rows} rows`);
    if (m.r2 <= m.baselineR2)
      ctx.log(`the model does not beat always predicting the mean (RMSE ${m.baselineRmse.toPrecision(5)})`, 'warn');
    const metrics: MetricsValue['metrics'] = { ...m };
    return { metrics: { kind: 'metrics', key: `${ctx.jobKey}:metrics`, metrics } };
  },
});
