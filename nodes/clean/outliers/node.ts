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
  type ColumnInfo,
  type SqlEngine,
  type TransformStep,
} from '../../core/index.js';
import { cleanOutliersDescription, type Method } from './description.js';

interface Bounds {
  column: ColumnInfo;
  min: number;
  max: number;
  flagged: number;
}

const DEFAULT_THRESHOLD: Record<Method, number> = { iqr: 1.5, zscore: 3 };

export const cleanOutliers = defineNode({
  ...cleanOutliersDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const columns = numericColumns(input, p.columns, 'columns');
    const threshold = p.threshold ?? DEFAULT_THRESHOLD[p.method];
    const source = ctx.sql.from(input);
    const { bounds, sampled } = await fitBounds(ctx.sql, source, input.rows, columns, p.method, threshold);
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
    if (sampled) ctx.log(`the quartiles${sampled}`);
    ctx.log(
      `${p.method} ${threshold}: ${flags.length ? `outside values by column: ${flags.join(', ')}` : 'no value is outside the range'}` +
        (p.action === 'drop' ? `; dropped ${input.rows - out.rows} of ${input.rows} rows` : '; clipped them'),
    );
    return { out, transform };
  },
});

/** Each column's bounds and how many values fall outside; where the quartiles came from a sample, what it was. */
async function fitBounds(
  sql: SqlEngine,
  source: string,
  rows: number,
  columns: ColumnInfo[],
  method: Method,
  threshold: number,
): Promise<{ bounds: Bounds[]; sampled: string }> {
  if (columns.length === 0) return { bounds: [], sampled: '' };
  const xs = columns.map((c) => `CAST(${quoteIdent(c.name)} AS DOUBLE)`);
  const statistics =
    method === 'iqr'
      ? await fittedQuantiles(sql, source, rows, xs, [0.25, 0.75])
      : { values: await columnAggregates(sql, source, xs, (x) => [`avg(${x})`, `stddev_pop(${x})`]) };
  const sampled = describeSample(statistics);
  const fitted: Omit<Bounds, 'flagged'>[] = [];
  columns.forEach((column, i) => {
    const a = finiteOrNull(statistics.values[i][0]);
    const b = finiteOrNull(statistics.values[i][1]);
    if (a === null || b === null) return;
    const [min, max] =
      method === 'iqr' ? [a - threshold * (b - a), b + threshold * (b - a)] : [a - threshold * b, a + threshold * b];
    fitted.push({ column, min, max });
  });
  if (fitted.length === 0) return { bounds: [], sampled };
  const counts = fitted.map(
    ({ column, min, max }, i) =>
      `count_if(${quoteIdent(column.name)} < ${min} OR ${quoteIdent(column.name)} > ${max}) AS f${i}`,
  );
  const [flagged] = await sql.all(`SELECT ${counts.join(', ')} FROM ${source}`);
  return { bounds: fitted.map((bounds, i) => ({ ...bounds, flagged: Number(flagged[`f${i}`]) })), sampled };
}
