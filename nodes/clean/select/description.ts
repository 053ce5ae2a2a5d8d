import { z } from 'zod';
import { columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

export const CAST_TYPES = {
  number: 'DOUBLE',
  integer: 'BIGINT',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  datetime: 'TIMESTAMP',
} as const;
export type CastType = keyof typeof CAST_TYPES;

const params = z
  .object({
    include: columnsParam().default([]),
    exclude: columnsParam().default([]),
    rename: z.record(z.string().min(1), z.string().min(1)).default({}),
    cast: z.record(z.string().min(1), z.enum(Object.keys(CAST_TYPES) as [CastType, ...CastType[]])).default({}),
  })
  .strict();

export const cleanSelectDescription = describeNode({
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
});
