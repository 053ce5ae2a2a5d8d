import { z } from 'zod';
import { requireOneSource, sourceDataDocs, sourceDataParams } from '../source-data.js';
import { describeNode } from '../../core/define-node.js';

const params = z.object(sourceDataParams).strict().superRefine(requireOneSource);

export const sourceParquetDescription = describeNode({
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
});
