import {
  NodeError,
  quoteLiteral,
  rowHash,
  rowHashSql,
  sampleSize,
  seededSampleSql,
  type NodeContext,
  type RowSample,
  type TableRef,
} from '../../core/index.js';

/** A sample reads about this many times the rows it keeps, so it is still a spread of the file. */
const READ_FACTOR = 8;
/** At most this many runs of neighbouring rows are read (each is a range DuckDB skips to). */
const MAX_RUNS = 32;
/** Shortest run: about a Parquet page, the least DuckDB reads to get one row. */
const MIN_RUN_ROWS = 2048;

/** The row ranges [start, end) of a Parquet file of `total` rows that a sample reads, or null to read all of it. */
export function sampleRuns(total: number, sample: RowSample): [number, number][] | null {
  const keep = sampleSize(sample, total);
  const read = keep * READ_FACTOR;
  if (read >= total) return null;
  const length = Math.max(MIN_RUN_ROWS, Math.ceil(read / MAX_RUNS));
  const slots = Math.ceil(total / length);
  const count = Math.min(slots, Math.ceil(read / length));
  const chosen = Array.from({ length: slots }, (_, slot) => slot)
    .sort((a, b) => rowHash(a, sample.seed) - rowHash(b, sample.seed) || a - b)
    .slice(0, count)
    .sort((a, b) => a - b);
  return chosen.map((slot) => [slot * length, Math.min(total, (slot + 1) * length)]);
}

/**
 * Writes a seeded sample of a Parquet file as the node's `out` without
 * reading all of it: the runs `sampleRuns` places are read (DuckDB skips the
 * rest of the file by row number) and the sample is taken from them by a hash
 * of each row's position in the file.
 */
export async function writeParquetSample(ctx: NodeContext, file: string, sample: RowSample): Promise<TableRef> {
  const source = `read_parquet(${quoteLiteral(file)}, file_row_number = true)`;
  const [{ rows }] = await ctx.sql.all(`SELECT count(*) AS rows FROM read_parquet(${quoteLiteral(file)})`);
  const total = Number(rows);
  const keep = sampleSize(sample, total);
  const runs = sampleRuns(total, sample);
  const columns = await ctx.sql.describe(`SELECT * FROM read_parquet(${quoteLiteral(file)})`);
  if (columns.some((column) => column.name === 'file_row_number')) {
    throw new NodeError('a sample of this file cannot be read: it has a column named "file_row_number"', {
      param: 'path',
    });
  }
  let out: TableRef;
  if (runs === null) {
    out = await ctx.sql.writeTable(
      'out',
      seededSampleSql(`SELECT * FROM read_parquet(${quoteLiteral(file)})`, keep, total, sample.seed),
    );
  } else {
    const where = runs.map(([start, end]) => `(file_row_number >= ${start} AND file_row_number < ${end})`).join(' OR ');
    const hashed = rowHashSql(
      `SELECT * FROM ${source} WHERE ${where}`,
      'file_row_number',
      sample.seed,
      'pipewright_hash',
    );
    out = await ctx.sql.writeTable(
      'out',
      `SELECT * EXCLUDE (file_row_number, pipewright_hash) FROM (
         SELECT * FROM (${hashed}) AS read ORDER BY pipewright_hash, file_row_number LIMIT ${keep}
       ) AS kept ORDER BY file_row_number`,
    );
  }
  const read = runs ? runs.reduce((sum, [start, end]) => sum + end - start, 0) : total;
  ctx.log(
    `read ${read} of ${total} rows to keep a sample of ${out.rows}` +
      (runs ? ` (${runs.length} runs placed by seed ${sample.seed})` : ''),
  );
  return { ...out, sample: { ...sample, kept: out.rows, of: total, readPart: runs !== null } };
}
