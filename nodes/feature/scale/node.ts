import {
  columnAggregates,
  defineNode,
  describeSample,
  finiteOrNull,
  fittedQuantiles,
  numericColumns,
  quoteIdent,
  tableInput,
  writeFittedOutputs,
  type SqlEngine,
  type TransformStep,
} from '../../core/index.js';
import { featureScaleDescription, type Method } from './description.js';

/** SQL aggregates giving each method's centre and spread (as scikit-learn's scalers compute them). */
const STATISTICS: Record<Exclude<Method, 'robust'>, (x: string) => [string, string]> = {
  standard: (x) => [`avg(${x})`, `stddev_pop(${x})`],
  'min-max': (x) => [`min(${x})`, `max(${x}) - min(${x})`],
};

/** Each column's centre and spread for `method`; where the quantiles came from a sample, what it was. */
async function fitStatistics(
  sql: SqlEngine,
  method: Method,
  xs: string[],
  source: string,
  rows: number,
): Promise<{ values: (number | null)[][]; sampled: string }> {
  if (method === 'robust') {
    // The median and the interquartile range.
    const quantiles = await fittedQuantiles(sql, source, rows, xs, [0.5, 0.25, 0.75]);
    return {
      values: quantiles.values.map(([median, lower, upper]) => [
        median,
        upper === null || lower === null ? null : upper - lower,
      ]),
      sampled: describeSample(quantiles),
    };
  }
  return { values: await columnAggregates(sql, source, xs, STATISTICS[method]), sampled: '' };
}

export const featureScale = defineNode({
  ...featureScaleDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const columns = numericColumns(input, p.columns, 'columns');
    const source = ctx.sql.from(input);
    const steps: TransformStep[] = [];
    let sampled = '';
    if (columns.length) {
      const xs = columns.map((c) => `CAST(${quoteIdent(c.name)} AS DOUBLE)`);
      const statistics = await fitStatistics(ctx.sql, p.method, xs, source, input.rows);
      sampled = statistics.sampled;
      columns.forEach((column, i) => {
        const [center, spread] = statistics.values[i].map(finiteOrNull);
        if (center === null || spread === null) {
          ctx.log(`column "${column.name}" has no values; left as it is`, 'warn');
          return;
        }
        steps.push({ op: 'scale', column: column.name, center, scale: spread > 0 ? spread : 1 });
      });
    }
    const { out, transform } = await writeFittedOutputs(ctx, input, 'feature.scale', steps);
    ctx.log(`scaled ${steps.length} columns (${p.method})${sampled ? `; the medians and quartiles${sampled}` : ''}`);
    return { out, transform };
  },
});
