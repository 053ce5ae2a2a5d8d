import { z } from 'zod';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    where: z.string().min(1),
  })
  .strict();

export const cleanFilterDescription = describeNode({
  type: 'clean.filter',
  version: 1,
  category: 'clean',
  title: 'Filter rows',
  description: 'Keep the rows that match a SQL condition.',
  docs: {
    summary:
      'Keeps the rows for which `where` is true, in their order; rows where it is false or missing are dropped. The ' +
      'condition is a DuckDB SQL expression over the columns (quote names with spaces in double quotes). It runs in ' +
      'a sandbox that cannot read files or change settings.',
    params: {
      where: 'A SQL condition, e.g. `age >= 18 AND country = \'NL\'` or `"mean radius" < 20`.',
    },
    example: '{ "type": "clean.filter", "params": { "where": "body_mass_g IS NOT NULL AND island <> \'Torgersen\'" } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
});
