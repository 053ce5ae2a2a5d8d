import { z } from 'zod';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    name: z.string().min(1),
    expression: z.string().min(1),
  })
  .strict();

export const featureExpressionDescription = describeNode({
  type: 'feature.expression',
  version: 1,
  category: 'feature',
  title: 'Expression',
  description: 'Add (or replace) a column computed by a SQL expression.',
  docs: {
    summary:
      'Computes `expression` for every row and stores it as column `name` (replacing a column of that name). The ' +
      'expression is DuckDB SQL over the row’s columns, e.g. arithmetic, CASE, ln(), string functions; it runs in a ' +
      'sandbox that cannot read files or change settings. Put it before a split so test rows get the column too.',
    params: {
      name: 'The new column’s name.',
      expression: "A SQL expression, e.g. `body_mass_g / 1000` or `CASE WHEN age > 60 THEN 'senior' ELSE 'adult' END`.",
    },
    example: '{ "type": "feature.expression", "params": { "name": "bmi_x_bp", "expression": "bmi * bp" } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
});
