import {
  columnQuantiles,
  defineNode,
  finiteOrNull,
  PROFILE_QUANTILES,
  quoteIdent,
  requireColumn,
  tableInput,
  type ColumnInfo,
  type ColumnProfile,
  type MetricsValue,
  type SqlEngine,
  type SqlValue,
  type TableProfile,
} from '../../core/index.js';
import { exploreProfileDescription } from './description.js';

export const exploreProfile = defineNode({
  ...exploreProfileDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const columns = p.columns.length ? p.columns.map((name) => requireColumn(input, name, 'columns')) : input.columns;
    const source = ctx.sql.from(input);
    const summaries = await summarise(ctx.sql, source, columns);
    const profiles: ColumnProfile[] = [];
    for (const [i, summary] of summaries.entries()) {
      const { min, max } = summary;
      profiles.push({
        ...summary,
        ...(await topValues(ctx.sql, source, columns[i], p.top)),
        histogram:
          summary.type === 'number' && typeof min === 'number' && typeof max === 'number'
            ? await histogram(ctx.sql, source, columns[i], min, max, p.bins)
            : null,
      });
      ctx.progress(((i + 1) / summaries.length) * 100, { detail: `profiled "${summary.name}"` });
    }
    const profile: TableProfile = { rows: input.rows, columns: profiles };
    const missingCells = profiles.reduce((sum, c) => sum + c.missing, 0);
    ctx.log(`profiled ${profiles.length} columns of ${input.rows} rows: ${missingCells} missing cells`);
    const metrics: MetricsValue = {
      kind: 'metrics',
      key: `${ctx.jobKey}:metrics`,
      metrics: { rows: input.rows, columns: profiles.length, missingCells, profile: { ...profile } },
    };
    return { metrics };
  },
});

/** A column's profile but for what is counted from its values' groups (topValues) and its histogram. */
type ColumnSummary = Omit<ColumnProfile, 'distinct' | 'top' | 'histogram'>;

/** Counts, extremes and moments of every column in one pass over the table, then its numbers' quantiles. */
async function summarise(sql: SqlEngine, source: string, columns: ColumnInfo[]): Promise<ColumnSummary[]> {
  if (columns.length === 0) return [];
  const select = columns.flatMap((column, i) => {
    const c = quoteIdent(column.name);
    // Distinct values are counted with the top values (topValues): DuckDB's count(DISTINCT …) of every column in one
    // pass finishes the columns one after another (1M rows, 20 columns: about 0.9 s).
    const common = [`count(*) - count(${c}) AS missing${i}`];
    if (column.type === 'number') {
      const x = `CAST(${c} AS DOUBLE)`;
      return [
        ...common,
        `min(${x}) AS min${i}`,
        `max(${x}) AS max${i}`,
        `avg(${x}) AS mean${i}`,
        `stddev_samp(${x}) AS std${i}`,
      ];
    }
    if (column.type === 'boolean') return [...common, `min(${c}) AS min${i}`, `max(${c}) AS max${i}`];
    return [...common, `CAST(min(${c}) AS VARCHAR) AS min${i}`, `CAST(max(${c}) AS VARCHAR) AS max${i}`];
  });
  const [row] = await sql.all(`SELECT count(*) AS rows, ${select.join(', ')} FROM ${source}`);
  // The quantiles from a query of their own, grouped by column (see columnQuantiles).
  const numeric = columns.filter((column) => column.type === 'number');
  const fitted = await columnQuantiles(
    sql,
    source,
    numeric.map((column) => `CAST(${quoteIdent(column.name)} AS DOUBLE)`),
    PROFILE_QUANTILES.map((q) => q.at),
  );
  const quantilesOf = new Map(numeric.map((column, j) => [column, fitted[j]]));
  const rows = Number(row.rows);
  return columns.map((column, i) => {
    const missing = Number(row[`missing${i}`]);
    const numeric = column.type === 'number';
    const count = rows - missing;
    const values = quantilesOf.get(column);
    const quantiles =
      count > 0 && values ? Object.fromEntries(PROFILE_QUANTILES.map((q, k) => [q.key, Number(values[k])])) : null;
    return {
      name: column.name,
      type: column.type,
      sqlType: column.sqlType,
      count,
      missing,
      min: numeric ? finiteOrNull(row[`min${i}`]) : plain(row[`min${i}`]),
      max: numeric ? finiteOrNull(row[`max${i}`]) : plain(row[`max${i}`]),
      mean: numeric ? finiteOrNull(row[`mean${i}`]) : null,
      std: numeric ? finiteOrNull(row[`std${i}`]) : null,
      quantiles,
    };
  });
}

/**
 * A column's most frequent values, and how many distinct values it has (not counting missing ones): both from one
 * grouping of its values, as they are (two numbers that are one double, such as integers past 2^53, stay two).
 */
async function topValues(
  sql: SqlEngine,
  source: string,
  column: ColumnInfo,
  limit: number,
): Promise<{ top: ColumnProfile['top']; distinct: number }> {
  const c = quoteIdent(column.name);
  const value =
    column.type === 'number' ? `CAST(${c} AS DOUBLE)` : column.type === 'boolean' ? c : `CAST(${c} AS VARCHAR)`;
  const rows = await sql.all(
    `SELECT ${value} AS value, count(*) AS n, count(*) OVER () AS groups FROM ${source}
     WHERE ${c} IS NOT NULL GROUP BY ${c} ORDER BY n DESC, value LIMIT ${limit}`,
  );
  return {
    top: rows.map((r) => ({ value: plain(r.value) ?? '', count: Number(r.n) })),
    distinct: Number(rows[0]?.groups ?? 0),
  };
}

async function histogram(
  sql: SqlEngine,
  source: string,
  column: ColumnInfo,
  min: number,
  max: number,
  bins: number,
): Promise<ColumnProfile['histogram']> {
  const x = `CAST(${quoteIdent(column.name)} AS DOUBLE)`;
  // A column holding one value gets one bar; otherwise the last bar includes the maximum.
  const count = max > min ? bins : 1;
  const width = max > min ? (max - min) / bins : 1;
  const rows = await sql.all(
    `SELECT least(CAST(floor((${x} - ${min}) / ${width}) AS BIGINT), ${count - 1}) AS bin, count(*) AS n
     FROM ${source} WHERE isfinite(${x}) GROUP BY 1`,
  );
  const counts = new Array<number>(count).fill(0);
  for (const r of rows) counts[Number(r.bin)] = Number(r.n);
  const edges =
    max > min
      ? Array.from({ length: count + 1 }, (_, i) => (i === count ? max : min + i * width))
      : [min - 0.5, min + 0.5];
  return { edges, counts };
}

function plain(value: SqlValue | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'bigint' ? Number(value) : value;
}
