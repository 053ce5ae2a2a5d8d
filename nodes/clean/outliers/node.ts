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
  type ColumnInfo,
  type SqlEngine,
  type TransformStep,
} from '../../core/index.js';

const METHODS = ['iqr', 'zscore'] as const;
type Method = (typeof METHODS)[number];

const DEFAULT_THRESHOLD: Record<Method, number> = { iqr: 1.5, zscore: 3 };

const params = z
  .object({
    columns: columnsParam().default([]),
    method: z.enum(METHODS).default('iqr'),
    action: z.enum(['clip', 'drop']).default('clip'),
    threshold: z.number().positive().optional(),
  })
  .strict();

interface Bounds {
  column: ColumnInfo;
  min: number;
  max: number;
  flagged: number;
}

export const cleanOutliers = defineNode({
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
      method: 'iqr (default) or zscore.',
      action: 'clip (default): move outside values to the range’s edge; drop: remove their rows (while fitting only).',
      threshold: 't: 1.5 for iqr and 3 for zscore unless given.',
    },
    example: '{ "type": "clean.outliers", "params": { "columns": ["age", "bmi"], "method": "iqr", "action": "clip" } }',
  },
  ...fittedNodePorts,
  params,
  queue: 'cpu',
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const columns = numericColumns(input, p.columns, 'columns');
    const threshold = p.threshold ?? DEFAULT_THRESHOLD[p.method];
    const source = ctx.sql.from(input);
    const bounds = await fitBounds(ctx.sql, source, columns, p.method, threshold);
    for (const column of columns) {
      if (!bounds.some((b) => b.column === column))
        ctx.log(`column "${column.name}" has no values; left as it is`, 'warn');
    }
    const steps: TransformStep[] = bounds.map(({ column, min, max }) => ({
      op: p.action === 'clip' ? 'clip' : 'dropOutside',
      column: column.name,
      min,
      max,
    }));
    const { out, transform } = await writeFittedOutputs(ctx, input, 'clean.outliers', steps);
    const flags = bounds.filter((b) => b.flagged > 0).map((b) => `${b.column.name} ${b.flagged}`);
    ctx.log(
      `${p.method} ${threshold}: ${flags.length ? `outside values by column: ${flags.join(', ')}` : 'no value is outside the range'}` +
        (p.action === 'drop' ? `; dropped ${input.rows - out.rows} of ${input.rows} rows` : '; clipped them'),
    );
    return { out, transform };
  },
});

async function fitBounds(
  sql: SqlEngine,
  source: string,
  columns: ColumnInfo[],
  method: Method,
  threshold: number,
): Promise<Bounds[]> {
  if (columns.length === 0) return [];
  const stats = columns.flatMap((c, i) => {
    const x = `CAST(${quoteIdent(c.name)} AS DOUBLE)`;
    return method === 'iqr'
      ? [`quantile_cont(${x}, 0.25) AS a${i}`, `quantile_cont(${x}, 0.75) AS b${i}`]
      : [`avg(${x}) AS a${i}`, `stddev_pop(${x}) AS b${i}`];
  });
  const [row] = await sql.all(`SELECT ${stats.join(', ')} FROM ${source}`);
  const fitted: Omit<Bounds, 'flagged'>[] = [];
  columns.forEach((column, i) => {
    const a = finiteOrNull(row[`a${i}`]);
    const b = finiteOrNull(row[`b${i}`]);
    if (a === null || b === null) return;
    const [min, max] =
      method === 'iqr' ? [a - threshold * (b - a), b + threshold * (b - a)] : [a - threshold * b, a + threshold * b];
    fitted.push({ column, min, max });
  });
  if (fitted.length === 0) return [];
  const counts = fitted.map(
    ({ column, min, max }, i) =>
      `count(*) FILTER (WHERE ${quoteIdent(column.name)} < ${min} OR ${quoteIdent(column.name)} > ${max}) AS f${i}`,
  );
  const [flagged] = await sql.all(`SELECT ${counts.join(', ')} FROM ${source}`);
  return fitted.map((bounds, i) => ({ ...bounds, flagged: Number(flagged[`f${i}`]) }));
}
