import { z } from 'zod';
import { columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';
import { fittedNodePorts } from '../../core/fitted-output.js';

const params = z
  .object({
    columns: columnsParam().default([]),
    maxCategories: z.number().int().min(1).max(1000).default(20),
  })
  .strict();

export const featureOnehotDescription = describeNode({
  type: 'feature.onehot',
  version: 1,
  category: 'feature',
  title: 'One-hot encode',
  description: 'Turn categorical columns into 0/1 columns, one per category learned from this table.',
  docs: {
    summary:
      'Replaces each categorical column with one 0/1 column per category seen in the table it receives, named ' +
      '`<column>_<category>`. With more than `maxCategories` categories, the most frequent ones get a column and the ' +
      'rest share `<column>_other`. A category that was not seen while fitting (in test rows or live requests) gives ' +
      'all zeros, or 1 in `_other` when there is one; a missing value gives all zeros.',
    params: {
      columns: 'Columns to encode (text, true/false or whole numbers). Empty: every text column.',
      maxCategories: 'Most categories a column keeps (default 20); the rest go to `<column>_other`.',
    },
    example: '{ "type": "feature.onehot", "params": { "columns": ["island", "sex"], "maxCategories": 10 } }',
  },
  ...fittedNodePorts,
  params,
  queue: 'cpu',
});
