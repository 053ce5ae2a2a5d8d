import {
  defineNode,
  finiteOrNull,
  numericColumns,
  quantilesSelect,
  quoteIdent,
  tableInput,
  writeFittedOutputs,
  type TransformStep,
} from '../../core/index.js';
import { featureScaleDescription, type Method } from './description.js';

/** SQL aggregates giving each method's centre and spread (as scikit-learn's scalers compute them). */
const STATISTICS: Record<Exclude<Method, 'robust'>, (x: string) => [string, string]> = {
  standard: (x) => [`avg(${x})`, `stddev_pop(${x})`],
  'min-max': (x) => [`min(${x})`, `max(${x}) - min(${x})`],
};

/** The query answering each column's centre `c<i>` and spread `s<i>` for `method`. */
function statisticsQuery(method: Method, xs: string[], source: string): string {
  if (method !== 'robust') {
    const select = xs.map((x, i) => {
      const [center, spread] = STATISTICS[method](x);
      return `${center} AS c${i}, ${spread} AS s${i}`;
    });
    return `SELECT ${select.join(', ')} FROM ${source}`;
  }
  // The median and the interquartile range, from one sort of each column (see quantilesSelect).
  const quantiles = quantilesSelect(
    xs,
    [0.5, 0.25, 0.75],
    xs.map((_, i) => [`c${i}`, `l${i}`, `u${i}`]),
  );
  const measured = quantiles.wrap(`SELECT ${quantiles.aggregates.join(', ')} FROM ${source}`);
  return `SELECT ${xs.map((_, i) => `c${i}, u${i} - l${i} AS s${i}`).join(', ')} FROM (${measured}) AS pipewright_quantiles`;
}

export const featureScale = defineNode({
  ...featureScaleDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const columns = numericColumns(input, p.columns, 'columns');
    const source = ctx.sql.from(input);
    const steps: TransformStep[] = [];
    if (columns.length) {
      const xs = columns.map((c) => `CAST(${quoteIdent(c.name)} AS DOUBLE)`);
      const [row] = await ctx.sql.all(statisticsQuery(p.method, xs, source));
      columns.forEach((column, i) => {
        const center = finiteOrNull(row[`c${i}`]);
        const spread = finiteOrNull(row[`s${i}`]);
        if (center === null || spread === null) {
          ctx.log(`column "${column.name}" has no values; left as it is`, 'warn');
          return;
        }
        steps.push({ op: 'scale', column: column.name, center, scale: spread > 0 ? spread : 1 });
      });
    }
    const { out, transform } = await writeFittedOutputs(ctx, input, 'feature.scale', steps);
    ctx.log(`scaled ${steps.length} columns (${p.method})`);
    return { out, transform };
  },
});
