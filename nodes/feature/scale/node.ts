import {
  defineNode,
  finiteOrNull,
  numericColumns,
  quoteIdent,
  tableInput,
  writeFittedOutputs,
  type TransformStep,
} from '../../core/index.js';
import { featureScaleDescription, type Method } from './description.js';

/** SQL aggregates giving each method's centre and spread (as scikit-learn's scalers compute them). */
const STATISTICS: Record<Method, (x: string) => [string, string]> = {
  standard: (x) => [`avg(${x})`, `stddev_pop(${x})`],
  'min-max': (x) => [`min(${x})`, `max(${x}) - min(${x})`],
  robust: (x) => [`quantile_cont(${x}, 0.5)`, `quantile_cont(${x}, 0.75) - quantile_cont(${x}, 0.25)`],
};

export const featureScale = defineNode({
  ...featureScaleDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const columns = numericColumns(input, p.columns, 'columns');
    const source = ctx.sql.from(input);
    const steps: TransformStep[] = [];
    if (columns.length) {
      const select = columns.flatMap((c, i) => {
        const [center, spread] = STATISTICS[p.method](`CAST(${quoteIdent(c.name)} AS DOUBLE)`);
        return [`${center} AS c${i}`, `${spread} AS s${i}`];
      });
      const [row] = await ctx.sql.all(`SELECT ${select.join(', ')} FROM ${source}`);
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
