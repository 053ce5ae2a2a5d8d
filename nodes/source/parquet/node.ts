import { z } from 'zod';
import { defineNode, NodeError, quoteLiteral } from '../../core/index.js';

const params = z
  .object({
    path: z.string().min(1),
  })
  .strict();

export const sourceParquet = defineNode({
  type: 'source.parquet',
  version: 1,
  category: 'source',
  title: 'Parquet file',
  description: 'Read a Parquet file from the data directories into a table.',
  docs: {
    summary:
      'Reads a Parquet file into a table, keeping the column names and types stored in the file. Parquet is the ' +
      'fastest way in for large data: it is columnar and compressed, and types need no guessing.',
    params: {
      path: 'The file: a path relative to the data directories (or the pipeline file’s folder when run by the CLI), or an uploaded dataset’s path.',
    },
    example: '{ "type": "source.parquet", "params": { "path": "data/flights-3m.parquet" } }',
  },
  inputs: [],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
  fileParam: 'path',
  async run(ctx, _inputs, p) {
    const file = await ctx.artifacts.stageFile(p.path, 'path');
    const source = `read_parquet(${quoteLiteral(file)})`;
    try {
      await ctx.sql.describe(`SELECT * FROM ${source}`);
    } catch (error) {
      if (error instanceof NodeError) {
        throw new NodeError(`"${p.path}" is not a Parquet file DuckDB can read (${error.message})`, { param: 'path' });
      }
      throw error;
    }
    const out = await ctx.sql.writeTable('out', `SELECT * FROM ${source}`);
    ctx.log(`read ${out.rows} rows and ${out.columns.length} columns from ${p.path}`);
    return { out };
  },
});
