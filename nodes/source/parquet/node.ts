import { defineNode, NodeError, quoteLiteral } from '../../core/index.js';
import { writeParquetSample } from './parquet-sample.js';
import { stageSourceData } from '../source-data.js';
import { sourceParquetDescription } from './description.js';

export const sourceParquet = defineNode({
  ...sourceParquetDescription,
  async run(ctx, _inputs, p) {
    const staged = await stageSourceData(ctx, p, 'parquet');
    const source = `read_parquet(${quoteLiteral(staged.file)})`;
    try {
      await ctx.sql.describe(`SELECT * FROM ${source}`);
    } catch (error) {
      if (error instanceof NodeError) {
        throw new NodeError(
          `${staged.dataset ? staged.shown : `"${staged.shown}"`} is not a Parquet file DuckDB can read (${error.message})`,
          {
            param: staged.dataset ? 'dataset' : 'path',
          },
        );
      }
      throw error;
    }
    if (ctx.sample) return { out: await writeParquetSample(ctx, staged.file, ctx.sample) };
    const out = await ctx.sql.writeTable('out', `SELECT * FROM ${source}`);
    ctx.log(`read ${out.rows} rows and ${out.columns.length} columns from ${staged.shown}`);
    return { out };
  },
});
