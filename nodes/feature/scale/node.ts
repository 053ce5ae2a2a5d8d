import { z } from 'zod';
import {
  columnsParam,
  defineNode,
  fittedNodePorts,
  finiteOrNull,
  numericColumns,
  quoteIdent,
  tableInput,
  writeFittedOutputs,
  type TransformStep,
} from '../../core/index.js';

const METHODS = ['standard', 'min-max', 'robust'] as const;
type Method = (typeof METHODS)[number];

const params = z
  .object({
    columns: columnsParam().default([]),
    method: z.enum(METHODS).default('standard'),
  })
  .strict();

/** SQL aggregates giving each method's centre and spread (as scikit-learn's scalers compute them). */
const STATISTICS: Record<Method, (x: string) => [string, string]> = {
  standard: (x) => [`avg(${x})`, `stddev_pop(${x})`],
  'min-max': (x) => [`min(${x})`, `max(${x}) - min(${x})`],
  robust: (x) => [`quantile_cont(${x}, 0.5)`, `quantile_cont(${x}, 0.75) - quantile_cont(${x}, 0.25)`],
};

export const featureScale = defineNode({
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
      method: 'standard (default), min-max or robust.',
    },
    example: '{ "type": "feature.scale", "params": { "columns": ["age", "bmi"], "method": "standard" } }',
  },
  ...fittedNodePorts,
  params,
  queue: 'cpu',
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
