import { z } from 'zod';
import {
  columnsParam,
  defineNode,
  NodeError,
  pendingTransforms,
  quoteIdent,
  tableInput,
  type ColumnInfo,
} from '../../core/index.js';

/** Keeps the output in left-table order (then right-table order), as a user reading it expects. */
const ROW = 'pipewright_row';

const HOW = ['inner', 'left', 'right', 'full'] as const;

const params = z
  .object({
    on: columnsParam().min(1),
    how: z.enum(HOW).default('inner'),
  })
  .strict();

export const cleanJoin = defineNode({
  type: 'clean.join',
  version: 1,
  category: 'clean',
  title: 'Join',
  description: 'Join two tables on key columns (inner, left, right or full).',
  docs: {
    summary:
      'Matches rows of `left` and `right` whose key columns are equal and puts their columns side by side: the keys ' +
      'once, then the other columns of the left table, then those of the right (a right column whose name the left ' +
      'table already has gets the suffix `_right`). `how` decides what happens to rows without a match: inner drops ' +
      'them, left keeps the left ones, right the right ones, full both (the other side’s columns missing). Missing ' +
      'keys never match.',
    params: {
      on: 'Key columns, present in both tables with the same name.',
      how: 'inner (default), left, right or full.',
    },
    example: '{ "type": "clean.join", "params": { "on": ["customer_id"], "how": "left" } }',
  },
  inputs: [
    { name: 'left', type: 'table' },
    { name: 'right', type: 'table' },
  ],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
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
