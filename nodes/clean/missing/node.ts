import {
  columnAggregates,
  defineNode,
  describeSample,
  fittedQuantiles,
  NodeError,
  quoteIdent,
  requireColumn,
  tableInput,
  writeFittedOutputs,
  type ColumnInfo,
  type SqlEngine,
  type TransformStep,
} from '../../core/index.js';
import { cleanMissingDescription, STRATEGIES } from './description.js';

type Strategy = (typeof STRATEGIES)[number];

export const cleanMissing = defineNode({
  ...cleanMissingDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const columns = chooseColumns(input.columns, p.columns, p.strategy);
    const source = ctx.sql.from(input);
    const missing = await countMissing(ctx.sql, source, columns);
    const { steps, sampled }: FittedSteps =
      p.strategy === 'drop'
        ? { steps: [{ op: 'dropMissing', columns: columns.map((c) => c.name) }], sampled: '' }
        : await fitImputeSteps(ctx.sql, source, input.rows, columns, p.strategy, p.value);

    const { out, transform } = await writeFittedOutputs(ctx, input, 'clean.missing', steps);
    const cells = [...missing.values()].reduce((sum, n) => sum + n, 0);
    ctx.log(
      p.strategy === 'drop'
        ? `dropped ${input.rows - out.rows} of ${input.rows} rows with a missing value`
        : `filled ${cells} missing cells in ${[...missing.values()].filter((n) => n > 0).length} columns (${p.strategy})${sampled ? `; the medians${sampled}` : ''}`,
    );
    return { out, transform };
  },
});

function chooseColumns(all: ColumnInfo[], named: string[], strategy: Strategy): ColumnInfo[] {
  const numeric = strategy === 'mean' || strategy === 'median';
  if (named.length === 0) return numeric ? all.filter((c) => c.type === 'number') : all;
  return named.map((name) => {
    const column = requireColumn({ columns: all }, name, 'columns');
    if (numeric && column.type !== 'number') {
      throw new NodeError(
        `column "${name}" holds ${column.type} values; the ${strategy} strategy needs numbers (use mode or constant)`,
        { param: 'columns', column: name },
      );
    }
    return column;
  });
}

async function countMissing(sql: SqlEngine, source: string, columns: ColumnInfo[]): Promise<Map<string, number>> {
  if (columns.length === 0) return new Map();
  const counts = columns.map((c, i) => `count(*) - count(${quoteIdent(c.name)}) AS m${i}`);
  const [row] = await sql.all(`SELECT ${counts.join(', ')} FROM ${source}`);
  return new Map(columns.map((c, i) => [c.name, Number(row[`m${i}`])]));
}

/** The steps of the node's transform, and where the medians were read from a sample, what it was (describeSample). */
interface FittedSteps {
  steps: TransformStep[];
  sampled: string;
}

/** The fill of each column (FittedSteps). */
async function fitImputeSteps(
  sql: SqlEngine,
  source: string,
  rows: number,
  columns: ColumnInfo[],
  strategy: Exclude<Strategy, 'drop'>,
  constant: number | string | boolean | undefined,
): Promise<FittedSteps> {
  if (strategy === 'constant') {
    if (constant === undefined) throw new NodeError('the constant strategy needs a value', { param: 'value' });
    return {
      steps: columns.map((column) => ({ op: 'impute', column: column.name, value: constantFor(column, constant) })),
      sampled: '',
    };
  }
  if (strategy === 'mode') {
    const steps: TransformStep[] = [];
    for (const column of columns) {
      const name = quoteIdent(column.name);
      // Ties go to the smallest value, so the same table always gives the same fill.
      const [top] = await sql.all(
        `SELECT ${name} AS value FROM ${source} WHERE ${name} IS NOT NULL GROUP BY ${name} ORDER BY count(*) DESC, ${name} LIMIT 1`,
      );
      if (!top) throw noValues(column, 'most frequent value');
      const value = top.value;
      steps.push({
        op: 'impute',
        column: column.name,
        value: typeof value === 'bigint' ? Number(value) : (value as number | string | boolean),
      });
    }
    return { steps, sampled: '' };
  }
  if (columns.length === 0) return { steps: [], sampled: '' };
  const names = columns.map((c) => quoteIdent(c.name));
  const fitted =
    strategy === 'mean'
      ? { values: await columnAggregates(sql, source, names, (x) => [`CAST(avg(${x}) AS DOUBLE)`]) }
      : await fittedQuantiles(
          sql,
          source,
          rows,
          names.map((x) => `CAST(${x} AS DOUBLE)`),
          [0.5],
        );
  const steps = columns.map((column, i): TransformStep => {
    const [value] = fitted.values[i];
    if (value === null) throw noValues(column, strategy);
    return { op: 'impute', column: column.name, value };
  });
  return { steps, sampled: describeSample(fitted) };
}

function constantFor(column: ColumnInfo, value: number | string | boolean): number | string | boolean {
  if (column.type === 'number') {
    const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (!Number.isFinite(number)) {
      throw new NodeError(
        `column "${column.name}" is numeric, so the fill value must be a number (got ${JSON.stringify(value)})`,
        {
          param: 'value',
          column: column.name,
        },
      );
    }
    return number;
  }
  if (column.type === 'boolean') {
    if (typeof value !== 'boolean') {
      throw new NodeError(`column "${column.name}" holds true/false, so the fill value must be a boolean`, {
        param: 'value',
        column: column.name,
      });
    }
    return value;
  }
  return String(value);
}

function noValues(column: ColumnInfo, what: string): NodeError {
  return new NodeError(`column "${column.name}" has no values to take the ${what} of`, { column: column.name });
}
