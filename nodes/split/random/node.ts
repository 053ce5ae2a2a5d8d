import {
  defineNode,
  quoteIdent,
  requireColumn,
  tableInput,
  type NodeContext,
  type SqlEngine,
  type TableRef,
} from '../../core/index.js';
import { rowHashSql } from '../../core/row-hash.js';
import { splitRandomDescription } from './description.js';

/** Guards floor() against 0.29 × 100 = 28.999999999999996. */
const EPSILON = 1e-9;

export const splitRandom = defineNode({
  ...splitRandomDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const stratum = p.stratify ? quoteIdent(requireColumn(input, p.stratify, 'stratify').name) : '0';
    const numbered = await ctx.sql.numbered(input, 'pipewright_row');
    const hashed = rowHashSql(numbered, 'pipewright_row', p.seed, 'pipewright_hash');
    const sides = p.stratify ? undefined : await unstratifiedSides(ctx.sql, hashed, input.rows, p.fraction);
    if (sides) {
      const train = await ctx.sql.writeTable('train', sides.train, { transforms: input.transforms });
      const test = await ctx.sql.writeTable('test', sides.test, { transforms: input.transforms });
      return reportSplit(ctx, input.rows, train, test, p.fraction);
    }
    // Each stratum gets floor(count × fraction) train rows; the rows left
    // over to reach floor(total × fraction) go to the strata with the largest
    // remainders, so the total matches an unstratified split.
    await ctx.sql.exec(`
      CREATE TABLE pipewright_split AS
      WITH hashed AS (SELECT *, ${stratum} AS pipewright_stratum FROM (${hashed}) AS h),
      strata AS (
        SELECT pipewright_stratum, count(*) * ${p.fraction} AS quota, floor(count(*) * ${p.fraction} + ${EPSILON}) AS base
        FROM hashed GROUP BY pipewright_stratum
      ),
      ordered AS (
        SELECT *, row_number() OVER (ORDER BY quota - base DESC, pipewright_stratum NULLS LAST) AS remainder_rank FROM strata
      ),
      allotted AS (
        SELECT pipewright_stratum,
          base + CASE WHEN remainder_rank <= (SELECT floor(count(*) * ${p.fraction} + ${EPSILON}) FROM hashed) - (SELECT sum(base) FROM strata) THEN 1 ELSE 0 END AS take
        FROM ordered
      )
      SELECT hashed.*, row_number() OVER (PARTITION BY hashed.pipewright_stratum ORDER BY pipewright_hash, pipewright_row) <= allotted.take AS pipewright_train
      FROM hashed JOIN allotted ON hashed.pipewright_stratum IS NOT DISTINCT FROM allotted.pipewright_stratum`);
    const side = (train: boolean): string =>
      `SELECT * EXCLUDE (pipewright_row, pipewright_hash, pipewright_stratum, pipewright_train) FROM pipewright_split
       WHERE ${train ? '' : 'NOT '}pipewright_train ORDER BY pipewright_row`;
    const train = await ctx.sql.writeTable('train', side(true), { transforms: input.transforms });
    const test = await ctx.sql.writeTable('test', side(false), { transforms: input.transforms });
    return reportSplit(ctx, input.rows, train, test, p.fraction);
  },
});

function reportSplit(
  ctx: NodeContext,
  rows: number,
  train: TableRef,
  test: TableRef,
  fraction: number,
): { train: TableRef; test: TableRef } {
  ctx.log(`split ${rows} rows into ${train.rows} train and ${test.rows} test rows`);
  if (train.rows === 0 || test.rows === 0) {
    ctx.log(`one side of the split is empty: ${rows} rows are too few for fraction ${fraction}`, 'warn');
  }
  return { train, test };
}

/** (hash, row) as one sortable number: the hash (below 2^32) above the row number. */
const ORDER_KEY = '(pipewright_hash * 4294967296::UBIGINT + CAST(pipewright_row AS UBIGINT))';
const MAX_KEYED_ROWS = 2 ** 32 - 1;

/**
 * An unstratified split as two filters over the numbered, hashed rows: the train side is the first
 * floor(rows × fraction) rows in (hash, row) order — the same rows the stratified form picks with one
 * stratum — found as one threshold on the combined key, so neither side is sorted back into row order
 * (both keep the input's order as they read it). `rows`: the input's row count, as its table says. Undefined past
 * 2^32 rows, where the key does not fit.
 */
async function unstratifiedSides(
  sql: SqlEngine,
  hashed: string,
  rows: number,
  fraction: number,
): Promise<{ train: string; test: string } | undefined> {
  if (rows > MAX_KEYED_ROWS) return undefined;
  const take = Math.floor(rows * fraction + EPSILON);
  let inTrain = take >= rows ? 'true' : 'false';
  if (take > 0 && take < rows) {
    const [last] = await sql.all(
      `SELECT CAST(${ORDER_KEY} AS VARCHAR) AS key FROM (${hashed}) AS rows ORDER BY ${ORDER_KEY} LIMIT 1 OFFSET ${take - 1}`,
    );
    inTrain = `${ORDER_KEY} <= ${String(last.key)}::UBIGINT`;
  }
  const side = (train: boolean): string =>
    `SELECT * EXCLUDE (pipewright_row, pipewright_hash) FROM (${hashed}) AS rows WHERE ${train ? '' : 'NOT '}(${inTrain})`;
  return { train: side(true), test: side(false) };
}
