import { z } from 'zod';
import { requireOneSource, sourceDataDocs, sourceDataParams } from '../source-data.js';
import { describeNode } from '../../core/define-node.js';

export const DEFAULT_DELIMITER = ',';

const params = z
  .object({
    ...sourceDataParams,
    delimiter: z.string().min(1).max(4).default(DEFAULT_DELIMITER),
    header: z.boolean().default(true),
    naValues: z.array(z.string()).default(['']),
  })
  .strict()
  .superRefine(requireOneSource);

export const sourceCsvDescription = describeNode({
  type: 'source.csv',
  version: 1,
  category: 'source',
  title: 'CSV file',
  description: 'Read a CSV file from the data directories into a table.',
  docs: {
    summary:
      'Reads a CSV file into a table, working out each column’s type (number, text, boolean, date) from the data. ' +
      'Numbers written with spaces around them (" 102.0 ") are read as numbers. A row with more or fewer fields ' +
      'than the others stops the run with its line number.',
    params: {
      ...sourceDataDocs,
      delimiter:
        'The character between fields, e.g. "," or ";" or "\\t". A dataset read with the default "," uses the separator found when its version was made.',
      header: 'Whether the first line holds the column names. Without one, columns are named column0, column1, …',
      naValues: 'Texts that mean "missing" (default: an empty field).',
    },
    example: '{ "type": "source.csv", "params": { "dataset": "breast_cancer.csv" } }',
  },
  inputs: [],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
  fileParam: 'path',
  datasetParam: 'dataset',
});
