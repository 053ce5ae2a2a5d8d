import { z } from 'zod';
import { defineNode, NodeError, quoteLiteral } from '../../core/index.js';
import { writeParquetSample } from './parquet-sample.js';
import { requireOneSource, sourceDataDocs, sourceDataParams, stageSourceData } from '../source-data.js';

const params = z.object(sourceDataParams).strict().superRefine(requireOneSource);

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
    params: sourceDataDocs,
    example: '{ "type": "source.parquet", "params": { "path": "data/flights-3m.parquet" } }',
  },
  inputs: [],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
  fileParam: 'path',
  datasetParam: 'dataset',
  readsSample: true,
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
