import { defineNode, requireSelectQuery, tableInput, withUserSql } from '../../core/index.js';
import { cleanSqlDescription } from './description.js';

export const cleanSql = defineNode({
  ...cleanSqlDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const query = requireSelectQuery(p.query, 'query');
    await ctx.sql.exec(`CREATE VIEW input AS SELECT * FROM ${ctx.sql.from(input)}`);
    const out = await withUserSql('query', () => ctx.sql.writeTable('out', query, { transforms: input.transforms }));
    ctx.log(`the query gave ${out.rows} rows and ${out.columns.length} columns`);
    return { out };
  },
});
