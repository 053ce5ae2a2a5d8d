import { z } from 'zod';
import { columnParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';
import { fittedNodePorts } from '../../core/fitted-output.js';

const params = z
  .object({
    column: columnParam(),
    bins: z.number().int().min(2).max(1000).default(5),
    method: z.enum(['equal-width', 'quantile']).default('equal-width'),
  })
  .strict();

export const featureBinDescription = describeNode({
  type: 'feature.bin',
  version: 1,
  category: 'feature',
  title: 'Bin',
  description:
    'Replace a numeric column with its bin number (equal-width or quantile), learning the edges from this table.',
  docs: {
    summary:
      'Cuts a numeric column into `bins` intervals and replaces each value with its interval’s number, 0 for the ' +
      'lowest. equal-width: intervals of the same width between the column’s min and max; quantile: intervals ' +
      'holding about the same number of rows (edges that coincide merge, so there may be fewer bins). A value equal ' +
      'to an edge goes to the upper interval. The edges travel with the model; values beyond them, in test rows or ' +
      'live requests, go to the first or last bin. Missing values stay missing.',
    params: {
      column: 'The numeric column to bin.',
      bins: 'How many intervals (default 5).',
      method: 'equal-width (default) or quantile.',
    },
    example: '{ "type": "feature.bin", "params": { "column": "age", "bins": 4, "method": "quantile" } }',
  },
  ...fittedNodePorts,
  params,
  queue: 'cpu',
});
