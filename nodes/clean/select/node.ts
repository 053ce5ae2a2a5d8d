import { z } from 'zod';
import { columnsParam, defineNode, NodeError, quoteIdent, requireColumn, tableInput } from '../../core/index.js';

const CAST_TYPES = {
  number: 'DOUBLE',
  integer: 'BIGINT',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  datetime: 'TIMESTAMP',
} as const;
type CastType = keyof typeof CAST_TYPES;

const params = z
  .object({
    include: columnsParam().default([]),
    exclude: columnsParam().default([]),
    rename: z.record(z.string().min(1), z.string().min(1)).default({}),
    cast: z.record(z.string().min(1), z.enum(Object.keys(CAST_TYPES) as [CastType, ...CastType[]])).default({}),
  })
  .strict();

export const cleanSelect = defineNode({
  type: 'clean.select',
  version: 1,
  category: 'clean',
  title: 'Select columns',
  description: 'Keep, drop, rename and change the type of columns.',
  docs: {
    summary:
      'Keeps the columns listed in `include` (all when empty) minus those in `exclude`, in the order given, then ' +
      'changes types (`cast`) and names (`rename`). Every name refers to the incoming table. A value that cannot ' +
      'take the new type stops the run, naming its column and row. Put it before a split: renames are not part of ' +
      'the fitted preprocessing a model carries.',
    params: {
      include: 'Columns to keep, in this order. Empty: every column.',
      exclude: 'Columns to drop.',
      rename: 'Old name → new name, e.g. { "bmi": "body_mass_index" }.',
      cast: 'Column → new type: number, integer, string, boolean or datetime.',
    },
    example:
      '{ "type": "clean.select", "params": { "exclude": ["id"], "rename": { "s1": "cholesterol" }, "cast": { "sex": "string" } } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
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
    const out = await ctx.sql.writeTable('out', `SELECT ${select.join(', ')} FROM ${source}`, {
      transforms: input.transforms,
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
