import { z } from 'zod';
import { describeNode } from '../../core/define-node.js';

const params = z.object({}).strict();

export const transformApplyDescription = describeNode({
  type: 'transform.apply',
  version: 1,
  category: 'transform',
  title: 'Apply transform',
  description: 'Apply a fitted transform (from clean.missing, clean.outliers or a feature node) to another table.',
  docs: {
    summary:
      'Applies preprocessing learned elsewhere — e.g. the scaling fitted on the train side — unchanged to this table ' +
      '(e.g. the test side): the same fill values, ranges, scales, categories and bin edges, nothing re-learned. As ' +
      'for rows being scored, no row is dropped: rows a drop step would remove are kept, values outside a learned ' +
      'range are clipped. A table that already had this transform passes through unchanged.',
    example: '{ "type": "transform.apply", "params": {} }',
  },
  inputs: [
    { name: 'transform', type: 'transform' },
    { name: 'in', type: 'table' },
  ],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
});
