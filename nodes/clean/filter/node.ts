import { defineNode, requireSqlFragment, tableInput, withUserSql } from '../../core/index.js';
import { cleanFilterDescription } from './description.js';

export const cleanFilter = defineNode({
  ...cleanFilterDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const where = requireSqlFragment(p.where, 'where');
    const out = await withUserSql('where', () =>
      ctx.sql.writeTable('out', `SELECT * FROM ${ctx.sql.from(input)} WHERE (${where})`, {
        transforms: input.transforms,
      }),
    );
    ctx.log(`kept ${out.rows} of ${input.rows} rows`);
    return { out };
  },
});
