import { z } from 'zod';
import { columnsParam, defineNode, quoteIdent, requireColumn, tableInput } from '../../core/index.js';

const params = z
  .object({
    columns: columnsParam().default([]),
  })
  .strict();

export const cleanDuplicates = defineNode({
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
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const keys = p.columns.length
      ? p.columns.map((name) => requireColumn(input, name, 'columns').name)
      : input.columns.map((c) => c.name);
    const numbered = `SELECT *, row_number() OVER () AS pipewright_row FROM ${ctx.sql.from(input)}`;
    const partition = keys.map(quoteIdent).join(', ');
    const out = await ctx.sql.writeTable(
      'out',
      `SELECT * EXCLUDE (pipewright_row) FROM (${numbered}) AS numbered
       QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY pipewright_row) = 1
       ORDER BY pipewright_row`,
      { transforms: input.transforms },
    );
    ctx.log(`dropped ${input.rows - out.rows} duplicate rows of ${input.rows}`);
    return { out };
  },
});
