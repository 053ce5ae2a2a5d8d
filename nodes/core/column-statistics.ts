import type { SqlEngine, SqlValue } from './define-node.js';

/**
 * Ungrouped aggregates of each of `columns` (expressions) over `source`, in one pass: `aggregates(x)` gives a
 * column's (e.g. its mean and spread), answered in that order as numbers, null where SQL answers NULL.
 */
export async function columnAggregates(
  sql: SqlEngine,
  source: string,
  columns: string[],
  aggregates: (x: string) => string[],
): Promise<(number | null)[][]> {
  if (columns.length === 0) return [];
  const asked = columns.map((x) => aggregates(x));
  const select = asked.flatMap((list, i) => list.map((aggregate, k) => `${aggregate} AS a${i}_${k}`));
  const [row] = await sql.all(`SELECT ${select.join(', ')} FROM ${source}`);
  return asked.map((list, i) => list.map((_, k) => numberOrNull(row[`a${i}_${k}`])));
}

/**
 * The `fractions` quantiles of each of `columns` (expressions giving DOUBLE) over `source`'s non-missing values,
 * by continuous interpolation (`quantile_cont`; null where a column has no values). The columns are unpivoted and
 * grouped, so DuckDB sorts them on all its threads: an ungrouped aggregate of many columns finishes them one after
 * another on one thread. On 800,000 rows of 17 columns the IQR quartiles took 0.68–0.91 s this way against
 * 0.89–1.19 s as one aggregate a column, with the same doubles.
 */
export async function columnQuantiles(
  sql: SqlEngine,
  source: string,
  columns: string[],
  fractions: readonly number[],
): Promise<(number | null)[][]> {
  if (columns.length === 0) return [];
  const rows = await sql.all(
    `SELECT pipewright_column, ${fractions.map((_, k) => `pipewright_q[${k + 1}] AS q${k}`).join(', ')}
     FROM (SELECT pipewright_column, quantile_cont(pipewright_value, [${fractions.join(', ')}]) AS pipewright_q
           FROM (${unpivotedColumns(source, columns)})
           GROUP BY pipewright_column)`,
  );
  const answers: (number | null)[][] = columns.map(() => fractions.map(() => null));
  for (const row of rows) answers[Number(row.pipewright_column)] = fractions.map((_, k) => numberOrNull(row[`q${k}`]));
  return answers;
}

/**
 * Each of `columns` (expressions of one type) over `source`, unpivoted: a row per value, as `pipewright_value`, with
 * its column's index in `columns` as `pipewright_column` — so one GROUP BY answers for every column.
 */
export function unpivotedColumns(source: string, columns: string[]): string {
  return `SELECT unnest([${columns.join(', ')}]) AS pipewright_value, unnest(range(${columns.length})) AS pipewright_column
          FROM ${source}`;
}

function numberOrNull(value: SqlValue | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}
