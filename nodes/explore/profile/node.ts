import {
  columnQuantiles,
  defineNode,
  finiteOrNull,
  PROFILE_QUANTILES,
  quantileList,
  quantilesOfRow,
  quoteIdent,
  requireColumn,
  tableInput,
  unpivotedColumns,
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
    const summaries = await summarise(ctx.sql, source, columns, input.rows);
    const profiles: ColumnProfile[] = [];
    for (const chunk of chunksOf(summaries, input.rows)) {
      const values = await topValues(ctx.sql, source, chunk, p.top);
      const bars = await histograms(ctx.sql, source, chunk, p.bins);
      for (const [i, summary] of chunk.entries()) {
        profiles.push({ ...summary, ...values[i], histogram: bars[i] });
      }
      ctx.progress((profiles.length / summaries.length) * 100, { detail: `profiled "${profiles.at(-1)!.name}"` });
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

/**
 * Up to this many rows, a table's columns are profiled together: unpivoted (a row per value and column) and grouped
 * in one query, as many columns a query as make UNPIVOTED_VALUES values. Longer tables get one pass for the counts
 * and moments, and a query a column for the top values and histogram, each grouping on all threads. Measured: a
 * 200-row, 10,000-column table took 3 minutes a column a query (about 8 ms a query, 20,000 queries); 1,460 rows ×
 * 74 columns 0.32 → 0.2 s unpivoted; 100,000 rows × 8 columns 0.15 s a column a query against 0.3–0.4 s unpivoted,
 * and 7,043 × 20 0.10 against 0.12 s. Joining a query a column into one statement (UNION ALL) was no faster than
 * separate queries, and 5,000 of them needed gigabytes.
 */
const SHORT_TABLE_ROWS = 5_000;
const UNPIVOTED_VALUES = 1_000_000;

/** The columns in turn, as many a chunk as are profiled in one query. */
function chunksOf<T>(columns: T[], rows: number): T[][] {
  const size = rows > SHORT_TABLE_ROWS ? 1 : Math.max(1, Math.floor(UNPIVOTED_VALUES / Math.max(rows, 1)));
  const chunks: T[][] = [];
  for (let i = 0; i < columns.length; i += size) chunks.push(columns.slice(i, i + size));
  return chunks;
}

/** Column indexes by a key (the columns of one key can be unpivoted together). */
function indexesBy<T>(items: T[], key: (item: T) => string): number[][] {
  const groups = new Map<string, number[]>();
  for (const [i, item] of items.entries()) {
    const group = groups.get(key(item));
    if (group) group.push(i);
    else groups.set(key(item), [i]);
  }
  return [...groups.values()];
}

/** A column's profile but for what is counted from its values' groups (topValues) and its histogram. */
type ColumnSummary = Omit<ColumnProfile, 'distinct' | 'top' | 'histogram'>;

/** What summarise counts of a column, by the name of its aggregate. */
type Figures = Record<string, SqlValue>;

/**
 * The aggregates of a column's values `x` (of the column's own DuckDB type): its missing count, extremes, and a
 * number's mean and sample deviation. Distinct values are counted with the top values (topValues): DuckDB's
 * count(DISTINCT …) of every column in one pass finishes the columns one after another (1M rows, 20 columns: about
 * 0.9 s).
 */
function aggregatesOf(column: ColumnInfo, x: string): [string, string][] {
  const missing: [string, string] = ['missing', `count(*) - count(${x})`];
  if (column.type === 'number') {
    const value = `CAST(${x} AS DOUBLE)`;
    return [
      missing,
      ['min', `min(${value})`],
      ['max', `max(${value})`],
      ['mean', `avg(${value})`],
      ['std', `stddev_samp(${value})`],
    ];
  }
  if (column.type === 'boolean') return [missing, ['min', `min(${x})`], ['max', `max(${x})`]];
  return [missing, ['min', `CAST(min(${x}) AS VARCHAR)`], ['max', `CAST(max(${x}) AS VARCHAR)`]];
}

/**
 * Each column's aggregates (aggregatesOf): a long table's in one pass over it, a short one's unpivoted and grouped
 * by column (see chunksOf) — one pass of 50,000 aggregates over a 200-row, 10,000-column table took 5.5 s.
 */
async function columnFigures(sql: SqlEngine, source: string, columns: ColumnInfo[], rows: number): Promise<Figures[]> {
  if (rows > SHORT_TABLE_ROWS) {
    const lists = columns.map((column) => aggregatesOf(column, quoteIdent(column.name)));
    const select = lists.flatMap((list, i) => list.map(([name, expression]) => `${expression} AS ${name}${i}`));
    const [row] = await sql.all(`SELECT ${select.join(', ')} FROM ${source}`);
    return lists.map((list, i) => Object.fromEntries(list.map(([name]) => [name, row[`${name}${i}`]])));
  }
  const figures: Figures[] = columns.map(() => ({ missing: 0 }));
  const quantiles = quantileList(PROFILE_QUANTILES.map((q) => q.at));
  for (const chunk of chunksOf([...columns.keys()], rows)) {
    for (const group of indexesBy(chunk, (i) => columns[i].sqlType)) {
      const indexes = group.map((j) => chunk[j]);
      const aggregates = aggregatesOf(columns[indexes[0]], 'pipewright_value');
      const figured = aggregates.map(([name, expression]) => `${expression} AS ${name}`).join(', ');
      const unpivoted = unpivotedColumns(
        source,
        indexes.map((i) => quoteIdent(columns[i].name)),
      );
      // Numbers get their quantiles from the same rows (q0, q1, …: PROFILE_QUANTILES): a query of their own
      // unpivoted the whole table again (200 rows × 10,000 columns: 4.4 s).
      const found = await sql.all(
        columns[indexes[0]].type === 'number'
          ? `SELECT * EXCLUDE (pipewright_q), ${quantiles.picked}
             FROM (SELECT pipewright_column, ${figured}, ${quantiles.aggregate('CAST(pipewright_value AS DOUBLE)')}
                   FROM (${unpivoted}) GROUP BY pipewright_column)`
          : `SELECT pipewright_column, ${figured} FROM (${unpivoted}) GROUP BY pipewright_column`,
      );
      for (const row of found) figures[indexes[Number(row.pipewright_column)]] = row;
    }
  }
  return figures;
}

/** Counts, extremes and moments of every column (columnFigures), then its numbers' quantiles. */
async function summarise(
  sql: SqlEngine,
  source: string,
  columns: ColumnInfo[],
  rows: number,
): Promise<ColumnSummary[]> {
  if (columns.length === 0) return [];
  const figures = await columnFigures(sql, source, columns, rows);
  // A long table's quantiles from a query of their own, grouped by column (see columnQuantiles); a short table's
  // came with its figures.
  const quantilesOf = new Map<ColumnInfo, (number | null)[]>();
  const numeric = columns.filter((column) => column.type === 'number');
  if (rows > SHORT_TABLE_ROWS) {
    const fitted = await columnQuantiles(
      sql,
      source,
      numeric.map((column) => `CAST(${quoteIdent(column.name)} AS DOUBLE)`),
      PROFILE_QUANTILES.map((q) => q.at),
    );
    numeric.forEach((column, j) => quantilesOf.set(column, fitted[j]));
  } else {
    columns.forEach((column, i) => {
      if (column.type !== 'number') return;
      quantilesOf.set(
        column,
        quantilesOfRow(
          figures[i],
          PROFILE_QUANTILES.map((q) => q.at),
        ),
      );
    });
  }
  return columns.map((column, i) => {
    const row = figures[i];
    const missing = Number(row.missing);
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
      min: numeric ? finiteOrNull(row.min) : plain(row.min),
      max: numeric ? finiteOrNull(row.max) : plain(row.max),
      mean: numeric ? finiteOrNull(row.mean) : null,
      std: numeric ? finiteOrNull(row.std) : null,
      quantiles,
    };
  });
}

/**
 * Each column's most frequent values, and how many distinct values it has (not counting missing ones): both from
 * one grouping of its values, as they are (two numbers that are one double, such as integers past 2^53, stay two).
 * One column: a query of its own; several (see chunksOf): those of one DuckDB type unpivoted into one query.
 */
async function topValues(
  sql: SqlEngine,
  source: string,
  columns: ColumnSummary[],
  limit: number,
): Promise<{ top: ColumnProfile['top']; distinct: number }[]> {
  const answers = columns.map(() => ({ top: [] as ColumnProfile['top'], distinct: 0 }));
  for (const group of indexesBy(columns, (column) => column.sqlType)) {
    const shown = (x: string) => {
      const type = columns[group[0]].type;
      return type === 'number' ? `CAST(${x} AS DOUBLE)` : type === 'boolean' ? x : `CAST(${x} AS VARCHAR)`;
    };
    const c = quoteIdent(columns[group[0]].name);
    const rows = await sql.all(
      group.length === 1
        ? `SELECT 0 AS pipewright_column, ${shown(c)} AS value, count(*) AS n, count(*) OVER () AS groups
           FROM ${source} WHERE ${c} IS NOT NULL GROUP BY ${c} ORDER BY n DESC, value LIMIT ${limit}`
        : `SELECT pipewright_column, value, n, groups FROM (
             SELECT pipewright_column, ${shown('pipewright_value')} AS value, count(*) AS n,
               count(*) OVER (PARTITION BY pipewright_column) AS groups,
               row_number() OVER (PARTITION BY pipewright_column ORDER BY count(*) DESC, ${shown('pipewright_value')})
                 AS pipewright_rank
             FROM (${unpivotedColumns(
               source,
               group.map((i) => quoteIdent(columns[i].name)),
             )}) WHERE pipewright_value IS NOT NULL GROUP BY pipewright_column, pipewright_value)
           WHERE pipewright_rank <= ${limit} ORDER BY pipewright_column, pipewright_rank`,
    );
    for (const row of rows) {
      const answer = answers[group[Number(row.pipewright_column)]];
      answer.top.push({ value: plain(row.value) ?? '', count: Number(row.n) });
      answer.distinct = Number(row.groups);
    }
  }
  return answers;
}

/**
 * An equal-width histogram of each numeric column with values, over its whole range (the last bar includes the
 * maximum; a column holding one value gets one bar): one query for all of them, unpivoted when several.
 */
async function histograms(
  sql: SqlEngine,
  source: string,
  columns: ColumnSummary[],
  bins: number,
): Promise<ColumnProfile['histogram'][]> {
  const drawn = [...columns.keys()].filter(
    (i) => typeof columns[i].min === 'number' && typeof columns[i].max === 'number',
  );
  if (drawn.length === 0) return columns.map(() => null);
  const ranges = drawn.map((i) => {
    const [min, max] = [columns[i].min as number, columns[i].max as number];
    return { min, max, count: max > min ? bins : 1, width: max > min ? (max - min) / bins : 1 };
  });
  // Each drawn column's figure, as a literal (one column) or picked from a list by the unpivoted column's index.
  const each = (figure: (range: (typeof ranges)[number]) => number) =>
    drawn.length === 1 ? String(figure(ranges[0])) : `[${ranges.map(figure).join(', ')}][pipewright_column + 1]`;
  const values =
    drawn.length === 1
      ? `SELECT CAST(${quoteIdent(columns[drawn[0]].name)} AS DOUBLE) AS pipewright_value, 0 AS pipewright_column
         FROM ${source}`
      : unpivotedColumns(
          source,
          drawn.map((i) => `CAST(${quoteIdent(columns[i].name)} AS DOUBLE)`),
        );
  const rows = await sql.all(
    `SELECT pipewright_column,
       least(CAST(floor((pipewright_value - ${each((r) => r.min)}) / ${each((r) => r.width)}) AS BIGINT),
         ${each((r) => r.count - 1)}) AS bin,
       count(*) AS n
     FROM (${values}) WHERE isfinite(pipewright_value) GROUP BY 1, 2`,
  );
  const counts = ranges.map((range) => new Array<number>(range.count).fill(0));
  for (const row of rows) counts[Number(row.pipewright_column)][Number(row.bin)] = Number(row.n);
  const answers: ColumnProfile['histogram'][] = columns.map(() => null);
  for (const [j, { min, max, count, width }] of ranges.entries()) {
    const edges =
      max > min
        ? Array.from({ length: count + 1 }, (_, k) => (k === count ? max : min + k * width))
        : [min - 0.5, min + 0.5];
    answers[drawn[j]] = { edges, counts: counts[j] };
  }
  return answers;
}

function plain(value: SqlValue | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'bigint' ? Number(value) : value;
}
