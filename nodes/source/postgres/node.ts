import {
  defineNode,
  NodeError,
  quoteIdent,
  requireSelectQuery,
  seededSampleSql,
  type ColumnBatch,
  type NodeContext,
  type RowSample,
  type TableRef,
} from '../../core/index.js';
import { rowEstimateQuery, sampleableQuery, samplePercent, withTableSample } from './postgres-sample.js';
import { sourcePostgresDescription } from './description.js';

export const sourcePostgres = defineNode({
  ...sourcePostgresDescription,
  async run(ctx, _inputs, p) {
    const query = requireSelectQuery(p.query, 'query');
    if (ctx.sample) {
      const sampled = await readSample(ctx, p.connection, query, ctx.sample);
      if (sampled) return { out: sampled };
    }
    const batch = await ctx.connections.query(p.connection, query, WHERE);
    const out = await writeRows(ctx, batch);
    ctx.log(`read ${out.rows} rows and ${out.columns.length} columns from connection "${p.connection}"`);
    return { out };
  },
});

const WHERE = { param: 'connection', queryParam: 'query' };

/** The rows as the node's `out` table; `keep`: only that many of them, by a seeded hash of their order. */
async function writeRows(
  ctx: NodeContext,
  batch: ColumnBatch,
  keep?: { size: number; seed: number },
): Promise<TableRef> {
  const names = batch.columns.map((c) => c.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new NodeError(`the query gives two columns named "${repeated}"; name them apart with AS`, {
      param: 'query',
      column: repeated,
    });
  }
  const table = await ctx.sql.createTable('postgres_rows', asLoadable(batch));
  // Datetimes arrive as ISO text (UTC); they become TIMESTAMP columns again here.
  const select = batch.columns.map((column) => {
    const name = quoteIdent(column.name);
    return column.type === 'datetime' ? `CAST(replace(${name}, 'Z', '') AS TIMESTAMP) AS ${name}` : name;
  });
  const all = `SELECT ${select.join(', ') || '*'} FROM ${table}`;
  return ctx.sql.writeTable('out', keep ? seededSampleSql(all, keep.size, batch.rowCount, keep.seed) : all);
}

/**
 * The sample read inside PostgreSQL (TABLESAMPLE SYSTEM: only some of the
 * table's pages are read), or undefined when it cannot be, after logging why:
 * then all rows are read and sample.rows samples them itself.
 */
async function readSample(
  ctx: NodeContext,
  connection: string,
  query: string,
  sample: RowSample,
): Promise<TableRef | undefined> {
  const fallBack = (reason: string): undefined => {
    ctx.log(`the sample is taken after reading every row: ${reason}`);
    return undefined;
  };
  const plan = sampleableQuery(query);
  if (!plan.ok) return fallBack(plan.reason);
  const estimated = await ctx.connections.query(connection, rowEstimateQuery(plan.query), WHERE).catch(() => undefined);
  const estimate = estimated?.rowCount ? (estimated.values[0] as Float64Array)[0] : Number.NaN;
  if (!(estimate > 0)) {
    return fallBack(`PostgreSQL has no row count for ${plan.query.table} (not a table, or never analysed: ANALYZE it)`);
  }
  const percent = samplePercent(sample, estimate);
  if (percent === null) return fallBack('the sample needs half the table or more');
  const sampledQuery = withTableSample(plan.query, percent, sample.seed);
  ctx.log(`reading ${percent}% of the pages of ${plan.query.table}: ${sampledQuery}`);
  const read = await ctx.connections.query(connection, sampledQuery, WHERE).catch((error: unknown) => error);
  // A query the sample clause does not fit is read whole: its own error, if it has one, comes from that read.
  if (!isBatch(read)) return fallBack(`PostgreSQL refused the sampled query (${(read as Error).message})`);
  const batch = read;
  // Rows of the query in the whole table, estimated from the pages read.
  const of = Math.round(batch.rowCount / (percent / 100));
  if (sample.rows !== undefined && batch.rowCount < sample.rows) {
    return fallBack(`the pages read held ${batch.rowCount} rows, fewer than the ${sample.rows} asked for`);
  }
  const keep = sample.rows !== undefined ? { size: sample.rows, seed: sample.seed } : undefined;
  const out = await writeRows(ctx, batch, keep);
  ctx.log(`kept ${out.rows} of the ${batch.rowCount} rows read, of about ${of} rows in all`);
  return { ...out, sample: { ...sample, kept: out.rows, of, readPart: true, estimated: true } };
}

function isBatch(value: unknown): value is ColumnBatch {
  return typeof value === 'object' && value !== null && 'rowCount' in value;
}

/** createTable takes datetimes as text; the select above turns them back. */
function asLoadable(batch: ColumnBatch): ColumnBatch {
  return {
    ...batch,
    columns: batch.columns.map((column) =>
      column.type === 'datetime' ? { ...column, type: 'string', sqlType: 'VARCHAR' } : column,
    ),
  };
}
