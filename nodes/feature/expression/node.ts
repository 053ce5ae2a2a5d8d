import { defineNode, quoteIdent, requireSqlFragment, tableInput, withUserSql } from '../../core/index.js';
import { featureExpressionDescription } from './description.js';

export const featureExpression = defineNode({
  ...featureExpressionDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const expression = requireSqlFragment(p.expression, 'expression');
    const name = quoteIdent(p.name);
    const replaces = input.columns.some((c) => c.name === p.name);
    const select = replaces
      ? `SELECT * REPLACE ((${expression}) AS ${name}) FROM ${ctx.sql.from(input)}`
      : `SELECT *, (${expression}) AS ${name} FROM ${ctx.sql.from(input)}`;
    const out = await withUserSql('expression', () =>
      ctx.sql.writeTable('out', select, { transforms: input.transforms }),
    );
    const column = out.columns.find((c) => c.name === p.name);
    ctx.log(`${replaces ? 'replaced' : 'added'} column "${p.name}" (${column?.sqlType ?? 'unknown type'})`);
    return { out };
  },
});
