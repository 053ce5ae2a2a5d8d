import { defineNode, NodeError, quoteIdent, requireColumn, tableInput } from '../../core/index.js';
import { cleanSelectDescription, CAST_TYPES, type CastType } from './description.js';

export const cleanSelect = defineNode({
  ...cleanSelectDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    for (const name of p.include) requireColumn(input, name, 'include');
    for (const name of p.exclude) requireColumn(input, name, 'exclude');
    for (const name of Object.keys(p.rename)) requireColumn(input, name, 'rename');
    for (const name of Object.keys(p.cast)) requireColumn(input, name, 'cast');

    const kept = (p.include.length ? p.include : input.columns.map((c) => c.name)).filter(
      (name) => !p.exclude.includes(name),
    );
    if (kept.length === 0) throw new NodeError('no column is left to keep', { param: 'exclude' });
    const names = kept.map((name) => p.rename[name] ?? name);
    const clash = names.find((name, i) => names.indexOf(name) !== i);
    if (clash) throw new NodeError(`two columns would be named "${clash}"`, { param: 'rename', column: clash });

    const source = ctx.sql.from(input);
    for (const [name, type] of Object.entries(p.cast)) await checkCast(ctx.sql.all.bind(ctx.sql), source, name, type);
    const select = kept.map((name) => {
      const type = p.cast[name];
      const value = type ? `CAST(${quoteIdent(name)} AS ${CAST_TYPES[type]})` : quoteIdent(name);
      return `${value} AS ${quoteIdent(p.rename[name] ?? name)}`;
    });
    // Each cast was checked on every value above.
    const out = await ctx.sql.writeTable('out', `SELECT ${select.join(', ')} FROM ${source}`, {
      transforms: input.transforms,
      lazy: true,
    });
    ctx.log(`kept ${out.columns.length} of ${input.columns.length} columns`);
    return { out };
  },
});

/** Finds the first value that the cast would fail on, so the error names its row (1-based data row). */
async function checkCast(
  all: (sql: string) => Promise<Record<string, unknown>[]>,
  source: string,
  name: string,
  type: CastType,
): Promise<void> {
  const column = quoteIdent(name);
  const [bad] = await all(`
    SELECT row, CAST(value AS VARCHAR) AS value FROM (
      SELECT row_number() OVER () AS row, ${column} AS value FROM ${source}
    ) AS t WHERE value IS NOT NULL AND TRY_CAST(value AS ${CAST_TYPES[type]}) IS NULL ORDER BY row LIMIT 1`);
  if (bad) {
    throw new NodeError(`column "${name}", row ${Number(bad.row)}: "${String(bad.value)}" cannot be read as ${type}`, {
      param: 'cast',
      column: name,
      row: Number(bad.row),
    });
  }
}
