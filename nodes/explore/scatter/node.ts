import { z } from 'zod';
import {
  columnParam,
  columnsParam,
  defineNode,
  NodeError,
  quoteIdent,
  requireColumn,
  seededSampleSql,
  tableInput,
  type ColumnInfo,
  type MetricsValue,
} from '../../core/index.js';

/** The most columns a scatter matrix draws against each other. */
export const SCATTER_MATRIX_MAX = 6;
/** The most columns of each sampled row kept for the rows a brush selects. */
const ROW_COLUMNS_MAX = 12;

const params = z
  .object({
    x: columnParam().optional(),
    y: columnParam().optional(),
    columns: columnsParam().max(SCATTER_MATRIX_MAX).default([]),
    color: columnParam().optional(),
    sample: z.number().int().min(100).max(5000).default(2000),
    seed: z.number().int().default(42),
  })
  .strict();

/** What explore.scatter reports under `scatter`: the sampled points, column by column. */
export interface ScatterReport {
  /** The plotted columns: two for a scatter, up to six for a matrix. */
  plotted: string[];
  color: string | null;
  colorType: ColumnInfo['type'] | null;
  /** Every column kept of each sampled row (plotted and colour first), in `values` order. */
  shown: string[];
  /** values[column][point]; numbers stay numbers, missing is null. */
  values: Record<string, (number | string | boolean | null)[]>;
  /** Each point's row number in the input (1-based). */
  rowNumbers: number[];
  sampleRows: number;
  rows: number;
}

export const exploreScatter = defineNode({
  type: 'explore.scatter',
  version: 1,
  category: 'explore',
  title: 'Scatter',
  description:
    'A scatter of two columns, or a scatter matrix of up to six, from a seeded sample, coloured by a column.',
  docs: {
    summary:
      'Draws `y` against `x` (or every pair of `columns`, up to six, as a scatter matrix) from a seeded sample of ' +
      'at most `sample` rows, each point coloured by the `color` column (categories get a colour each, numbers a ' +
      'scale). The studio shows the sample size; drag over a region to list the rows of the points inside it.',
    params: {
      x: 'Column on the horizontal axis (with `y`). Default: the first numeric column.',
      y: 'Column on the vertical axis. Default: the second numeric column.',
      columns: 'Up to six numeric columns for a scatter matrix instead of `x` and `y`.',
      color: 'Column whose value colours each point (optional).',
      sample: 'Most points to draw, 100 to 5,000 (default 2,000): a seeded sample of the rows above that.',
      seed: 'Seed of that sample.',
    },
    example:
      '{ "type": "explore.scatter", "params": { "x": "bill_length_mm", "y": "bill_depth_mm", "color": "species" } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'metrics', type: 'metrics' }],
  params,
  queue: 'cpu',
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
