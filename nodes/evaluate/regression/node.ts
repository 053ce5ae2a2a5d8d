import { defineNode, NodeError, quoteIdent, requireColumn, tableInput, type MetricsValue } from '../../core/index.js';
import { regressionMetrics } from '../regression-metrics.js';
import { scoredLabelColumn } from '../scored-label.js';
import { evaluateRegressionDescription } from './description.js';

export const evaluateRegression = defineNode({
  ...evaluateRegressionDescription,
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
