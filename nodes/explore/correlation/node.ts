import {
  defineNode,
  finiteOrNull,
  NodeError,
  quoteIdent,
  requireColumn,
  seededSampleSql,
  tableInput,
  type ColumnInfo,
  type MetricsValue,
  type SqlEngine,
} from '../../core/index.js';
import {
  exploreCorrelationDescription,
  type CorrelationPair,
  type CorrelationReport,
  type LabelAssociation,
} from './description.js';

/** Numeric bins a number is put in to measure its association with a category. */
const ASSOCIATION_BINS = 10;

export const exploreCorrelation = defineNode({
  ...exploreCorrelationDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const label = p.label ? requireColumn(input, p.label, 'label') : undefined;
    const chosen = p.columns.length
      ? p.columns.map((name) => requireColumn(input, name, 'columns'))
      : input.columns.filter((column) => column.name !== label?.name);
    const numeric = chosen.filter((column) => column.type === 'number');
    if (p.columns.length && !label) {
      const text = chosen.find((column) => column.type !== 'number');
      if (text) {
        throw new NodeError(
          `column "${text.name}" is ${text.type}, not numeric: only a label is measured against text`,
          {
            param: 'columns',
            column: text.name,
          },
        );
      }
    }
    if (numeric.length < 2 && !label) {
      throw new NodeError(`correlation needs at least two numeric columns; the table has ${numeric.length}`, {
        param: 'columns',
      });
    }
    const sampled = input.rows > p.sampleAbove;
    const all = `SELECT * FROM ${ctx.sql.from(input)}`;
    const source = sampled ? `(${seededSampleSql(all, p.sampleAbove, input.rows, p.seed)})` : `(${all})`;
    if (sampled)
      ctx.log(`${input.rows} rows: the figures come from a seeded sample of ${p.sampleAbove} (seed ${p.seed})`);

    const withLabel = label?.type === 'number' ? [...numeric, label] : numeric;
    const matrices = await correlationMatrices(ctx.sql, source, withLabel, p.method);
    ctx.progress(60, { detail: `correlated ${numeric.length} numeric columns` });
    const size = numeric.length;
    const crop = (m: (number | null)[][] | null) => m && m.slice(0, size).map((row) => row.slice(0, size));
    const pearson = crop(matrices.pearson);
    const spearman = crop(matrices.spearman);

    const pairs: CorrelationPair[] = [];
    for (let i = 0; i < size; i++) {
      for (let j = i + 1; j < size; j++) {
        pairs.push({
          a: numeric[i].name,
          b: numeric[j].name,
          pearson: pearson?.[i][j] ?? null,
          spearman: spearman?.[i][j] ?? null,
        });
      }
    }
    const strength = (pair: CorrelationPair) => Math.abs(pair.pearson ?? pair.spearman ?? 0);
    const strongest = pairs.sort((x, y) => strength(y) - strength(x)).slice(0, p.top);

    const association: LabelAssociation[] = [];
    if (label) {
      for (const column of chosen) {
        if (label.type === 'number' && column.type === 'number') {
          const i = numeric.indexOf(column);
          const measure = p.method === 'spearman' ? 'spearman' : 'pearson';
          const matrix = measure === 'spearman' ? matrices.spearman : matrices.pearson;
          association.push({ column: column.name, measure, value: matrix?.[i][size] ?? null });
        } else {
          association.push({
            column: column.name,
            measure: 'cramersV',
            value: await cramersV(ctx.sql, source, column, label),
          });
        }
      }
      association.sort((x, y) => Math.abs(y.value ?? 0) - Math.abs(x.value ?? 0));
    }
    const report: CorrelationReport = {
      columns: numeric.map((column) => column.name),
      pearson,
      spearman,
      strongest,
      label: label?.name ?? null,
      association,
      sampleRows: matrices.rows,
      rows: input.rows,
    };
    const top = strongest[0];
    ctx.log(
      `correlated ${size} numeric columns over ${matrices.rows} rows` +
        (top ? `; strongest: "${top.a}" and "${top.b}" (${(top.pearson ?? top.spearman ?? 0).toFixed(3)})` : ''),
    );
    const metrics: MetricsValue = {
      kind: 'metrics',
      key: `${ctx.jobKey}:metrics`,
      metrics: { rows: input.rows, sampleRows: matrices.rows, correlation: { ...report } },
    };
    return { metrics };
  },
});

/**
 * Every pair's Pearson correlation and the Pearson correlation of their
 * average ranks (Spearman's), in one query: DuckDB's corr() skips a row
 * where either value is missing.
 */
async function correlationMatrices(
  sql: SqlEngine,
  source: string,
  columns: ColumnInfo[],
  method: 'both' | 'pearson' | 'spearman',
): Promise<{ rows: number; pearson: (number | null)[][] | null; spearman: (number | null)[][] | null }> {
  const values = columns.map((column, i) => `CAST(${quoteIdent(column.name)} AS DOUBLE) AS x${i}`);
  const ranks = columns.map(
    (_, i) =>
      `CASE WHEN x${i} IS NULL THEN NULL ELSE rank() OVER (ORDER BY x${i}) + (count(*) OVER (PARTITION BY x${i}) - 1) / 2.0 END AS r${i}`,
  );
  const select: string[] = ['count(*) AS n'];
  for (let i = 0; i < columns.length; i++) {
    for (let j = i + 1; j < columns.length; j++) {
      if (method !== 'spearman') select.push(`corr(x${i}, x${j}) AS p_${i}_${j}`);
      if (method !== 'pearson') select.push(`corr(r${i}, r${j}) AS s_${i}_${j}`);
    }
  }
  const ranked = method === 'pearson' ? '' : `, ${ranks.join(', ')}`;
  const [row] = await sql.all(
    `WITH base AS (SELECT ${values.join(', ')} FROM ${source} AS input),
     ranked AS (SELECT *${ranked} FROM base)
     SELECT ${select.join(', ')} FROM ranked`,
  );
  const matrix = (prefix: string): (number | null)[][] =>
    columns.map((_, i) =>
      columns.map((__, j) => {
        if (i === j) return 1;
        const [a, b] = i < j ? [i, j] : [j, i];
        return finiteOrNull(row[`${prefix}_${a}_${b}`]);
      }),
    );
  return {
    rows: Number(row.n),
    pearson: method === 'spearman' ? null : matrix('p'),
    spearman: method === 'pearson' ? null : matrix('s'),
  };
}

/** A number as a category: its decile among the column's present values. */
function categoryOf(column: ColumnInfo): string {
  const c = quoteIdent(column.name);
  return column.type === 'number'
    ? `CASE WHEN ${c} IS NULL THEN NULL ELSE ntile(${ASSOCIATION_BINS}) OVER (PARTITION BY ${c} IS NULL ORDER BY ${c}) END`
    : `CAST(${c} AS VARCHAR)`;
}

/**
 * Cramér's V of two columns over the rows where both are present:
 * sqrt(χ² / (n × (min(categories) − 1))), with χ² = n × (Σ o² / (row × column) − 1).
 */
async function cramersV(sql: SqlEngine, source: string, a: ColumnInfo, b: ColumnInfo): Promise<number | null> {
  const [row] = await sql.all(
    `WITH pairs AS (
       SELECT * FROM (SELECT ${categoryOf(a)} AS a, ${categoryOf(b)} AS b FROM ${source} AS input)
       WHERE a IS NOT NULL AND b IS NOT NULL
     ),
     cells AS (SELECT a, b, count(*) AS o FROM pairs GROUP BY a, b),
     ra AS (SELECT a, sum(o) AS r FROM cells GROUP BY a),
     cb AS (SELECT b, sum(o) AS c FROM cells GROUP BY b)
     SELECT (SELECT sum(o) FROM cells) AS n, (SELECT count(*) FROM ra) AS ka, (SELECT count(*) FROM cb) AS kb,
       (SELECT sum(o * o / (r * c)) FROM cells JOIN ra USING (a) JOIN cb USING (b)) AS s`,
  );
  const n = Number(row.n);
  const k = Math.min(Number(row.ka), Number(row.kb)) - 1;
  if (!n || k < 1) return null;
  const chi2 = n * (Number(row.s) - 1);
  return Math.sqrt(Math.max(0, chi2) / (n * k));
}
