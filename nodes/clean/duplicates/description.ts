import { z } from 'zod';
import { columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    columns: columnsParam().default([]),
  })
  .strict();

export const cleanDuplicatesDescription = describeNode({
  type: 'clean.duplicates',
  version: 1,
  category: 'clean',
  title: 'Duplicate rows',
  description: 'Drop repeated rows, keeping the first of each.',
  docs: {
    summary:
      'Removes rows that repeat an earlier row, keeping the first copy and the original order. Missing values count ' +
      'as equal to each other.',
    params: {
      columns: 'Columns that decide whether two rows are the same. Empty: all columns (exact duplicates).',
    },
    example: '{ "type": "clean.duplicates", "params": { "columns": ["customer_id"] } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
});
