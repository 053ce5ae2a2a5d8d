import {
  defineNode,
  NodeError,
  quoteIdent,
  requireColumn,
  seededSampleSql,
  tableInput,
  type ColumnInfo,
  type MetricsValue,
} from '../../core/index.js';
import { exploreScatterDescription, type ScatterReport } from './description.js';

/** The most columns of each sampled row kept for the rows a brush selects. */
const ROW_COLUMNS_MAX = 12;

export const exploreScatter = defineNode({
  ...exploreScatterDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    if (p.columns.length > 0 && (p.x || p.y)) {
      throw new NodeError('give x and y, or columns for a scatter matrix, not both', { param: 'columns' });
    }
    let plotted: ColumnInfo[];
    if (p.columns.length > 0) {
      if (p.columns.length < 2)
        throw new NodeError('a scatter matrix needs at least two columns', { param: 'columns' });
      plotted = p.columns.map((name) => requireColumn(input, name, 'columns'));
    } else {
      const numeric = input.columns.filter((column) => column.type === 'number');
      const x = p.x ? requireColumn(input, p.x, 'x') : numeric[0];
      const y = p.y ? requireColumn(input, p.y, 'y') : numeric.find((column) => column !== x);
      if (!x || !y) throw new NodeError('the table has fewer than two numeric columns: name x and y', { param: 'x' });
      plotted = [x, y];
    }
    const param = p.columns.length > 0 ? 'columns' : undefined;
    for (const [i, column] of plotted.entries()) {
      if (column.type !== 'number') {
        throw new NodeError(`column "${column.name}" is ${column.type}: a scatter plots numbers`, {
          param: param ?? (i === 0 ? 'x' : 'y'),
          column: column.name,
        });
      }
    }
    const color = p.color ? requireColumn(input, p.color, 'color') : undefined;
    const first = [...new Set([...plotted, ...(color ? [color] : [])])];
    const shown = [...first, ...input.columns.filter((column) => !first.includes(column))].slice(
      0,
      Math.max(first.length, ROW_COLUMNS_MAX),
    );

    const size = Math.min(p.sample, input.rows);
    const numbered = `SELECT *, row_number() OVER () AS pipewright_point FROM ${ctx.sql.from(input)}`;
    const select = shown.map((column) =>
      column.type === 'number' || column.type === 'boolean'
        ? `CAST(${quoteIdent(column.name)} AS ${column.type === 'number' ? 'DOUBLE' : 'BOOLEAN'})`
        : `CAST(${quoteIdent(column.name)} AS VARCHAR)`,
    );
    const rows = await ctx.sql.all(
      `SELECT pipewright_point, ${select.map((s, i) => `${s} AS c${i}`).join(', ')}
       FROM (${seededSampleSql(numbered, size, input.rows, p.seed)}) AS sample`,
    );
    const values: ScatterReport['values'] = {};
    for (const [i, column] of shown.entries()) {
      values[column.name] = rows.map((row) => {
        const value = row[`c${i}`];
        if (value === undefined || value === null) return null;
        if (typeof value === 'number') return Number.isFinite(value) ? value : null;
        return typeof value === 'bigint' ? Number(value) : value;
      });
    }
    const report: ScatterReport = {
      plotted: plotted.map((column) => column.name),
      color: color?.name ?? null,
      colorType: color?.type ?? null,
      shown: shown.map((column) => column.name),
      values,
      rowNumbers: rows.map((row) => Number(row.pipewright_point)),
      sampleRows: rows.length,
      rows: input.rows,
    };
    ctx.log(
      `${rows.length} points of ${input.rows} rows` +
        (rows.length < input.rows ? ` (a seeded sample, seed ${p.seed})` : ''),
    );
    const metrics: MetricsValue = {
      kind: 'metrics',
      key: `${ctx.jobKey}:metrics`,
      metrics: { rows: input.rows, sampleRows: rows.length, scatter: { ...report } },
    };
    return { metrics };
  },
});
