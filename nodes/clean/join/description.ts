import { z } from 'zod';
import { columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const HOW = ['inner', 'left', 'right', 'full'] as const;

const params = z
  .object({
    on: columnsParam().min(1),
    how: z.enum(HOW).default('inner'),
  })
  .strict();

export const cleanJoinDescription = describeNode({
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
});
