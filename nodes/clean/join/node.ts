import { defineNode, NodeError, pendingTransforms, quoteIdent, tableInput, type ColumnInfo } from '../../core/index.js';
import { cleanJoinDescription } from './description.js';

/** Keeps the output in left-table order (then right-table order), as a user reading it expects. */
const ROW = 'pipewright_row';

export const cleanJoin = defineNode({
  ...cleanJoinDescription,
  async run(ctx, inputs, p) {
    const left = tableInput(inputs, 'left');
    const right = tableInput(inputs, 'right');
    for (const key of p.on) {
      const l = requireSide(left.columns, key, 'left');
      const r = requireSide(right.columns, key, 'right');
      if (l.type !== r.type) {
        throw new NodeError(
          `key "${key}" holds ${l.type} values on the left but ${r.type} values on the right; cast one with clean.select`,
          { param: 'on', column: key },
        );
      }
    }
    const keys = new Set(p.on);
    const leftNames = new Set(left.columns.map((c) => c.name));
    const keySelect = p.on.map((key) => {
      const k = quoteIdent(key);
      const value = p.how === 'right' ? `r.${k}` : p.how === 'full' ? `COALESCE(l.${k}, r.${k})` : `l.${k}`;
      return `${value} AS ${k}`;
    });
    const leftSelect = left.columns.filter((c) => !keys.has(c.name)).map((c) => `l.${quoteIdent(c.name)}`);
    const rightSelect = right.columns
      .filter((c) => !keys.has(c.name))
      .map((c) => {
        const name = leftNames.has(c.name) ? `${c.name}_right` : c.name;
        return `r.${quoteIdent(c.name)} AS ${quoteIdent(name)}`;
      });
    const condition = p.on.map((key) => `l.${quoteIdent(key)} = r.${quoteIdent(key)}`).join(' AND ');
    const out = await ctx.sql.writeTable(
      'out',
      `SELECT ${[...keySelect, ...leftSelect, ...rightSelect].join(', ')}
       FROM (SELECT *, row_number() OVER () AS ${ROW} FROM ${ctx.sql.from(left)}) AS l
       ${p.how.toUpperCase()} JOIN (SELECT *, row_number() OVER () AS ${ROW} FROM ${ctx.sql.from(right)}) AS r ON ${condition}
       ORDER BY l.${ROW} NULLS LAST, r.${ROW}`,
      { transforms: [...left.transforms, ...pendingTransforms(right.transforms, left.transforms)] },
    );
    ctx.log(`${p.how} join of ${left.rows} and ${right.rows} rows on ${p.on.join(', ')} gave ${out.rows} rows`);
    return { out };
  },
});

function requireSide(columns: ColumnInfo[], key: string, side: 'left' | 'right'): ColumnInfo {
  const column = columns.find((c) => c.name === key);
  if (column) return column;
  const names = columns
    .slice(0, 12)
    .map((c) => `"${c.name}"`)
    .join(', ');
  throw new NodeError(`key "${key}" is not a column of the ${side} table (it has ${names})`, {
    param: 'on',
    column: key,
  });
}
