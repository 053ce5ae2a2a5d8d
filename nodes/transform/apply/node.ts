import { z } from 'zod';
import { defineNode, NodeError, stepColumns, tableInput, transformSql } from '../../core/index.js';

const params = z.object({}).strict();

export const transformApply = defineNode({
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
  async run(ctx, inputs) {
    const value = inputs.transform;
    if (value?.kind !== 'transform') throw new NodeError('input "transform" needs a fitted transform');
    const { transform } = value;
    const input = tableInput(inputs);
    const already = input.transforms.some((t) => t.id === transform.id);
    const steps = already ? [] : transform.steps;
    const present = new Set(input.columns.map((c) => c.name));
    for (const step of steps) {
      // Earlier steps may add columns (one-hot): only a column no step adds must be in the table.
      const { reads, adds, removes } = stepColumns(step);
      for (const column of reads) {
        if (!present.has(column)) {
          throw new NodeError(
            `the transform fitted by "${transform.nodeId}" (${transform.nodeType}) works on column "${column}", which this table lacks`,
            { column },
          );
        }
      }
      if (removes !== undefined) present.delete(removes);
      for (const column of adds) present.add(column);
    }
    const out = await ctx.sql.writeTable('out', transformSql(steps, ctx.sql.from(input), input.columns, 'score'), {
      transforms: already ? input.transforms : [...input.transforms, transform],
    });
    ctx.log(
      already
        ? `the table already had the transform of "${transform.nodeId}"; passed it through`
        : `applied ${transform.steps.length} steps of "${transform.nodeId}" (${transform.nodeType}) to ${out.rows} rows`,
    );
    return { out };
  },
});
