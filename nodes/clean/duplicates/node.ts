import { defineNode, quoteIdent, requireColumn, tableInput } from '../../core/index.js';
import { cleanDuplicatesDescription } from './description.js';

export const cleanDuplicates = defineNode({
  ...cleanDuplicatesDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const keys = p.columns.length
      ? p.columns.map((name) => requireColumn(input, name, 'columns').name)
      : input.columns.map((c) => c.name);
    const numbered = await ctx.sql.numbered(input, 'pipewright_row');
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
